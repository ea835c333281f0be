#include "environmentcredentialsource.h"

#include <QDateTime>

EnvironmentCredentialSource::EnvironmentCredentialSource(const QProcessEnvironment &env,
                                                         const QString &disabledReason, QObject *parent)
    : CredentialSource(parent), m_env(env), m_disabledReason(disabledReason)
{
}

QString EnvironmentCredentialSource::name() const
{
    return QStringLiteral("environment");
}

void EnvironmentCredentialSource::fetch(Callback done)
{
    if (!m_disabledReason.isEmpty()) {
        done(Result::notFound(m_disabledReason));
        return;
    }
    done(read(m_env));
}

CredentialSource::Result EnvironmentCredentialSource::read(const QProcessEnvironment &env)
{
    const QString keyId = env.value(QStringLiteral("AWS_ACCESS_KEY_ID"));
    const QString secret = env.value(QStringLiteral("AWS_SECRET_ACCESS_KEY"));
    if (keyId.isEmpty()) {
        if (!secret.isEmpty())
            return Result::notFound(QStringLiteral("AWS_ACCESS_KEY_ID not set (AWS_SECRET_ACCESS_KEY is set without it)"));
        return Result::notFound(QStringLiteral("AWS_ACCESS_KEY_ID not set"));
    }
    if (secret.isEmpty()) {
        return Result::failed(AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; "
                           "set both, or unset AWS_ACCESS_KEY_ID to use another credential source")));
    }

    AwsCredentials credentials;
    credentials.accessKeyId = keyId;
    credentials.secretAccessKey = secret;
    credentials.sessionToken = env.value(QStringLiteral("AWS_SESSION_TOKEN"));
    if (credentials.sessionToken.isEmpty())
        credentials.sessionToken = env.value(QStringLiteral("AWS_SECURITY_TOKEN"));
    credentials.source = QStringLiteral("environment");

    const QString expiration = env.value(QStringLiteral("AWS_CREDENTIAL_EXPIRATION"));
    if (!expiration.isEmpty()) {
        const QDateTime when = QDateTime::fromString(expiration.trimmed(), Qt::ISODateWithMs);
        if (!when.isValid()) {
            return Result::failed(AwsError::make(AwsError::Kind::Config,
                QStringLiteral("environment: AWS_CREDENTIAL_EXPIRATION '%1' is not an ISO 8601 time; "
                               "use e.g. 2026-11-27T19:00:00Z or unset it").arg(expiration.left(40))));
        }
        QDateTime utc = when;
        if (utc.timeSpec() == Qt::LocalTime)
            utc.setTimeSpec(Qt::UTC);  // no offset written: AWS times are UTC
        credentials.expiration = utc.toUTC();
    }
    return Result::found(credentials);
}
