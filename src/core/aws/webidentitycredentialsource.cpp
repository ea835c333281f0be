#include "webidentitycredentialsource.h"

#include "logcategories.h"
#include "stsclient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

WebIdentityCredentialSource::WebIdentityCredentialSource(const CredentialSourceDependencies &deps,
                                                         const QString &profile, bool useEnvironment,
                                                         QObject *parent)
    : CredentialSource(parent), m_deps(deps), m_profile(profile), m_useEnvironment(useEnvironment)
{
    if (m_deps.unsignedHttp)
        m_sts = new StsClient(m_deps.unsignedHttp, m_deps.region, m_deps.stsEndpoint, this);
}

WebIdentityCredentialSource::Settings WebIdentityCredentialSource::settings() const
{
    Settings s;
    auto pick = [this](const char *variable, const char *key, QString *from) {
        const QString name = QLatin1String(variable);
        if (m_useEnvironment && m_deps.env.contains(name) && !m_deps.env.value(name).isEmpty()) {
            if (from)
                *from = name;
            return m_deps.env.value(name);
        }
        const AwsSharedConfig::Value v = m_deps.config.value(m_profile, QLatin1String(key));
        if (from && v.isSet())
            *from = QStringLiteral("profile '%1' %2").arg(m_profile, QLatin1String(key));
        return v.value;
    };
    s.tokenFile = pick("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file", &s.tokenFileFrom);
    s.roleArn = pick("AWS_ROLE_ARN", "role_arn", nullptr);
    s.sessionName = pick("AWS_ROLE_SESSION_NAME", "role_session_name", nullptr);
    return s;
}

QString WebIdentityCredentialSource::name() const
{
    return QStringLiteral("web identity");
}

void WebIdentityCredentialSource::fetch(Callback done)
{
    const Settings s = settings();
    if (s.tokenFile.isEmpty()) {
        done(Result::notFound(m_useEnvironment
                ? QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE not set and profile '%1' has no web_identity_token_file").arg(m_profile)
                : QStringLiteral("profile '%1' has no web_identity_token_file").arg(m_profile)));
        return;
    }
    auto failed = [&](const QString &message, AwsError::Kind kind = AwsError::Kind::Credentials) {
        done(Result::failed(AwsError::make(kind, QStringLiteral("web identity: ") + message)));
    };
    if (s.roleArn.isEmpty()) {
        failed(QStringLiteral("token file %1 is set (%2) but no role ARN; set AWS_ROLE_ARN or the profile's role_arn")
                   .arg(s.tokenFile, s.tokenFileFrom), AwsError::Kind::Config);
        return;
    }
    const QString sessionName = s.sessionName.isEmpty() ? StsClient::defaultSessionName(QDateTime::currentDateTimeUtc())
                                                        : s.sessionName;
    if (!StsClient::isValidSessionName(sessionName)) {
        failed(QStringLiteral("role session name '%1' is not valid (2-64 characters of A-Z a-z 0-9 _+=,.@-); "
                              "fix AWS_ROLE_SESSION_NAME or role_session_name").arg(sessionName.left(80)),
               AwsError::Kind::Config);
        return;
    }
    if (m_deps.setupError) {
        failed(m_deps.setupError.message, m_deps.setupError.kind);
        return;
    }
    // Re-read on every fetch: the kubelet rotates the projected token.
    QFile file(s.tokenFile);
    if (!file.open(QIODevice::ReadOnly)) {
        failed(QStringLiteral("token file %1 not readable (%2); check the service account token volume is mounted "
                              "and readable by this user").arg(QDir::toNativeSeparators(s.tokenFile), file.errorString()));
        return;
    }
    const QByteArray token = file.read(64 * 1024).trimmed();
    if (token.isEmpty()) {
        failed(QStringLiteral("token file %1 is empty; check the service account token volume").arg(QDir::toNativeSeparators(s.tokenFile)));
        return;
    }
    if (!m_sts) {
        failed(QStringLiteral("no HTTP client to call STS (internal error)"));
        return;
    }

    cancel();
    auto *context = new QObject(this);
    m_inFlight = context;
    StsClient::WebIdentityInput input;
    input.roleArn = s.roleArn;
    input.roleSessionName = sessionName;
    input.webIdentityToken = token;
    const QString roleArn = s.roleArn;
    const QString endpoint = m_sts->endpoint().toString();
    qCDebug(lcCreds).noquote() << "web identity: AssumeRoleWithWebIdentity for" << roleArn << "at" << endpoint;
    m_sts->assumeRoleWithWebIdentity(input, context, [this, context, done, roleArn, endpoint](
                                                         const StsClient::AssumedRole &role, const AwsError &error) {
        context->deleteLater();
        if (error) {
            const bool transient = error.kind == AwsError::Kind::Network || error.kind == AwsError::Kind::Timeout;
            done(Result::failed(AwsError::make(transient ? error.kind : AwsError::Kind::Credentials,
                QStringLiteral("web identity: STS AssumeRoleWithWebIdentity for %1 at %2 failed: %3")
                    .arg(roleArn, endpoint, error.toString()))));
            return;
        }
        AwsCredentials c = role.credentials;
        c.source = QStringLiteral("web-identity (%1)").arg(roleArn);
        done(Result::found(c));
    });
}

void WebIdentityCredentialSource::cancel()
{
    delete m_inFlight.data();  // AwsHttpClient abandons requests whose context dies
}
