#include "sharedfilecredentialsource.h"

#include "awsinifile.h"

SharedFileCredentialSource::SharedFileCredentialSource(FileKind kind, const AwsSharedConfig &config, QObject *parent)
    : SharedFileCredentialSource(kind, config, config.profileName(), parent)
{
}

SharedFileCredentialSource::SharedFileCredentialSource(FileKind kind, const AwsSharedConfig &config,
                                                       const QString &profile, QObject *parent)
    : CredentialSource(parent),
      m_kind(kind),
      m_path(config.filePath(kind)),
      m_profile(profile),
      m_noPathReason(config.fileStatus(kind))
{
}

QString SharedFileCredentialSource::name() const
{
    const QString what = m_kind == FileKind::Credentials ? QStringLiteral("shared credentials file")
                                                         : QStringLiteral("config file");
    return m_path.isEmpty() ? what : what + QLatin1Char(' ') + m_path;
}

void SharedFileCredentialSource::fetch(Callback done)
{
    if (m_path.isEmpty()) {
        done(Result::notFound(m_noPathReason));
        return;
    }
    bool exists = false;
    AwsError error;
    const AwsIniFile ini = AwsIniFile::read(m_path, &exists, &error);
    if (error) {
        done(Result::failed(error));
        return;
    }
    AwsSharedConfig::ProfileSelection selection;
    selection.name = m_profile;
    const AwsIniFile none;
    const AwsSharedConfig config = m_kind == FileKind::Credentials
            ? AwsSharedConfig::fromFiles(none, false, ini, exists, selection)
            : AwsSharedConfig::fromFiles(ini, exists, none, false, selection);
    done(extract(config, m_kind, m_profile));
}

CredentialSource::Result SharedFileCredentialSource::extract(const AwsSharedConfig &config, FileKind kind,
                                                             const QString &profile)
{
    if (config.filePath(kind).isEmpty() || !config.fileExists(kind))
        return Result::notFound(config.fileStatus(kind));

    const AwsSharedConfig::Block block = config.profile(kind, profile);
    if (!block.exists()) {
        QString header;
        if (kind == FileKind::Credentials)
            header = QStringLiteral("[%1]").arg(profile);
        else if (profile == QLatin1String("default"))
            header = QStringLiteral("[default]");
        else
            header = QStringLiteral("[profile %1]").arg(profile);
        QString reason = QStringLiteral("no %1 section").arg(header);
        const QString hint = config.misplacedProfileHint(kind, profile);
        if (!hint.isEmpty())
            reason += QLatin1Char(' ') + hint;
        return Result::notFound(reason);
    }

    const AwsSharedConfig::Value keyId = block.values.value(QStringLiteral("aws_access_key_id"));
    const AwsSharedConfig::Value secret = block.values.value(QStringLiteral("aws_secret_access_key"));
    if (!keyId.isSet())
        return Result::notFound(QStringLiteral("profile '%1' has no aws_access_key_id").arg(profile));
    if (keyId.value.isEmpty())
        return Result::notFound(QStringLiteral("profile '%1' has an empty aws_access_key_id (line %2)").arg(profile).arg(keyId.line));
    if (secret.value.isEmpty()) {
        return Result::failed(AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("%1 line %2: profile '%3' has aws_access_key_id but %4 aws_secret_access_key; "
                           "add the secret or remove the key id")
                .arg(config.filePath(kind)).arg(keyId.line).arg(profile,
                     secret.isSet() ? QStringLiteral("an empty") : QStringLiteral("no"))));
    }

    AwsCredentials credentials;
    credentials.accessKeyId = keyId.value;
    credentials.secretAccessKey = secret.value;
    credentials.sessionToken = block.values.value(QStringLiteral("aws_session_token")).value;
    if (credentials.sessionToken.isEmpty())
        credentials.sessionToken = block.values.value(QStringLiteral("aws_security_token")).value;
    credentials.source = QStringLiteral("%1 (profile %2)")
            .arg(kind == FileKind::Credentials ? QStringLiteral("shared-credentials-file") : QStringLiteral("config-file"),
                 profile);
    return Result::found(credentials);
}
