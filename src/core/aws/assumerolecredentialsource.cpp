#include "assumerolecredentialsource.h"

#include "awshttpclient.h"
#include "credentialchain.h"
#include "credentialsourcebuilder.h"
#include "logcategories.h"
#include "stsclient.h"

#include <QDateTime>

namespace {

bool hasStaticKeys(const AwsSharedConfig &config, const QString &profile)
{
    return config.value(profile, QStringLiteral("aws_access_key_id")).isSet()
        || config.value(profile, QStringLiteral("aws_secret_access_key")).isSet();
}

bool assumesRole(const AwsSharedConfig &config, const QString &profile)
{
    return config.value(profile, QStringLiteral("role_arn")).isSet()
        && !config.value(profile, QStringLiteral("web_identity_token_file")).isSet();
}

} // namespace

AssumeRoleCredentialSource::AssumeRoleCredentialSource(const CredentialSourceDependencies &deps,
                                                       const QString &profile, const QStringList &visited,
                                                       QObject *parent)
    : CredentialSource(parent), m_deps(deps), m_profile(profile)
{
    configure(visited.isEmpty() ? QStringList{profile} : visited);
}

AssumeRoleCredentialSource::~AssumeRoleCredentialSource()
{
    cancel();
    // The client must go before the chain it signs with.
    delete m_sts;
    delete m_http;
    delete m_sourceChain;
}

void AssumeRoleCredentialSource::configure(const QStringList &visited)
{
    const AwsSharedConfig &config = m_deps.config;
    m_active = assumesRole(config, m_profile);
    if (!m_active)
        return;
    auto configError = [this](const QString &message) {
        m_configError = AwsError::make(AwsError::Kind::Config, message);
    };
    auto value = [&](const char *key) { return config.value(m_profile, QLatin1String(key)); };
    m_roleArn = value("role_arn").value;
    m_sessionName = value("role_session_name").value;
    m_externalId = value("external_id").value;
    const AwsSharedConfig::Value sourceProfile = value("source_profile");
    const AwsSharedConfig::Value credentialSource = value("credential_source");
    const AwsSharedConfig::Value duration = value("duration_seconds");
    const QString where = QStringLiteral("profile '%1'").arg(m_profile);

    if (m_roleArn.isEmpty()) {
        configError(QStringLiteral("%1 has an empty role_arn; set it to the role to assume").arg(where));
        return;
    }
    if (!m_sessionName.isEmpty() && !StsClient::isValidSessionName(m_sessionName)) {
        configError(QStringLiteral("%1 role_session_name '%2' is not valid (2-64 characters of A-Z a-z 0-9 _+=,.@-)")
                        .arg(where, m_sessionName.left(80)));
        return;
    }
    if (duration.isSet()) {
        bool ok = false;
        m_durationSeconds = duration.value.toInt(&ok);
        if (!ok || m_durationSeconds < 900 || m_durationSeconds > 43200) {
            configError(QStringLiteral("%1 duration_seconds '%2' must be a whole number from 900 to 43200")
                            .arg(where, duration.value.left(20)));
            return;
        }
    }
    if (value("mfa_serial").isSet()) {
        configError(QStringLiteral("%1 needs an MFA code (mfa_serial), which an exporter cannot ask for; use a role "
                                   "without MFA, or put temporary keys in the environment").arg(where));
        return;
    }
    if (sourceProfile.isSet() && credentialSource.isSet()) {
        configError(QStringLiteral("%1 has both source_profile and credential_source; keep one").arg(where));
        return;
    }
    if (!sourceProfile.isSet() && !credentialSource.isSet()) {
        configError(QStringLiteral("%1 has role_arn but neither source_profile nor credential_source; add one").arg(where));
        return;
    }

    QList<CredentialSource *> sources;
    if (credentialSource.isSet()) {
        AwsError error;
        CredentialSource *source = CredentialSourceBuilder::namedSource(m_deps, credentialSource.value, m_profile, &error);
        if (!source) {
            m_configError = error;
            return;
        }
        sources << source;
        m_sourceDescription = QStringLiteral("credential_source %1").arg(credentialSource.value);
    } else {
        const QString s = sourceProfile.value;
        if (!config.hasProfile(s)) {
            configError(QStringLiteral("%1 has source_profile '%2', which does not exist; add the profile or fix the name")
                            .arg(where, s));
            return;
        }
        // botocore: a profile may name itself only to use its own static keys.
        if (visited.contains(s) && (s != m_profile || !hasStaticKeys(config, s))) {
            configError(QStringLiteral("%1: the source_profile chain loops (%2 -> %3); end it at a profile with keys "
                                       "or a credential_source").arg(where, visited.join(QStringLiteral(" -> ")), s));
            return;
        }
        if (hasStaticKeys(config, s) || !assumesRole(config, s)) {
            sources = CredentialSourceBuilder::profileSources(m_deps, s, false);
            m_sourceDescription = QStringLiteral("source profile '%1'").arg(s);
        } else {
            auto *nested = new AssumeRoleCredentialSource(m_deps, s, visited + QStringList{s});
            if (nested->m_configError) {
                m_configError = nested->m_configError;
                delete nested;
                return;
            }
            sources << nested;
            m_sourceDescription = QStringLiteral("source profile '%1' (itself assuming %2)").arg(s, nested->m_roleArn);
        }
    }
    m_sourceChain = new CredentialChain;
    m_sourceChain->setSourceTimeout(25000);
    for (CredentialSource *source : sources)
        m_sourceChain->addSource(source);
    if (m_deps.nam) {
        m_http = new AwsHttpClient(m_deps.nam, m_sourceChain, m_deps.httpOptions);
        m_sts = new StsClient(m_http, m_deps.region, m_deps.stsEndpoint);
    }
}

QString AssumeRoleCredentialSource::name() const
{
    return QStringLiteral("assume role");
}

void AssumeRoleCredentialSource::fetch(Callback done)
{
    if (!m_active) {
        done(Result::notFound(QStringLiteral("profile '%1' has no role_arn").arg(m_profile)));
        return;
    }
    if (m_configError) {
        done(Result::failed(m_configError));
        return;
    }
    if (m_deps.setupError) {
        done(Result::failed(m_deps.setupError));
        return;
    }
    if (!m_sts) {
        done(Result::failed(AwsError::make(AwsError::Kind::Credentials,
                                           QStringLiteral("assume role: no HTTP client to call STS (internal error)"))));
        return;
    }
    StsClient::AssumeRoleInput input;
    input.roleArn = m_roleArn;
    input.roleSessionName = m_sessionName.isEmpty() ? StsClient::defaultSessionName(QDateTime::currentDateTimeUtc())
                                                    : m_sessionName;
    input.externalId = m_externalId;
    input.durationSeconds = m_durationSeconds;

    cancel();
    auto *context = new QObject(this);
    m_inFlight = context;
    const QString label = QStringLiteral("assume-role (profile %1, %2)").arg(m_profile, m_roleArn);
    const QString what = QStringLiteral("assume role %1 (profile '%2', %3)").arg(m_roleArn, m_profile, m_sourceDescription);
    const QString endpoint = m_sts->endpoint().toString();
    qCDebug(lcCreds).noquote() << "STS AssumeRole:" << what << "at" << endpoint;
    m_sts->assumeRole(input, context, [context, done, label, what, endpoint](const StsClient::AssumedRole &role,
                                                                             const AwsError &error) {
        context->deleteLater();
        if (error) {
            QString message;
            AwsError::Kind kind = AwsError::Kind::Credentials;
            if (error.kind == AwsError::Kind::Credentials) {
                message = QStringLiteral("%1: no source credentials: %2").arg(what, error.message);
            } else {
                if (error.kind == AwsError::Kind::Network || error.kind == AwsError::Kind::Timeout)
                    kind = error.kind;
                message = QStringLiteral("%1: STS AssumeRole at %2 failed: %3").arg(what, endpoint, error.toString());
            }
            done(Result::failed(AwsError::make(kind, message)));
            return;
        }
        AwsCredentials c = role.credentials;
        c.source = label;
        done(Result::found(c));
    });
}

void AssumeRoleCredentialSource::cancel()
{
    delete m_inFlight.data();
}
