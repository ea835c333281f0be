#include "ssocredentialsource.h"

#include "awsrequest.h"
#include "endpointresolver.h"
#include "jsonerrorparser.h"
#include "logcategories.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

QString loginHint(const QString &profile)
{
    return QStringLiteral("run `aws sso login --profile %1`").arg(profile);
}

QByteArray encode(const QString &value)
{
    return value.toUtf8().toPercentEncoding("-_.~");
}

} // namespace

SsoCredentialSource::SsoCredentialSource(const CredentialSourceDependencies &deps, const QString &profile,
                                         QObject *parent)
    : CredentialSource(parent), m_deps(deps), m_profile(profile)
{
}

QString SsoCredentialSource::name() const
{
    return QStringLiteral("IAM Identity Center (SSO)");
}

SsoCredentialSource::Settings SsoCredentialSource::resolve(const AwsSharedConfig &config, const QString &profile,
                                                           bool *configured, AwsError *error)
{
    Settings s;
    auto v = [&](const char *key) { return config.value(profile, QLatin1String(key)); };
    const AwsSharedConfig::Value account = v("sso_account_id");
    const AwsSharedConfig::Value role = v("sso_role_name");
    *configured = account.isSet() || role.isSet();
    if (!*configured)
        return s;
    s.accountId = account.value;
    s.roleName = role.value;
    s.startUrl = v("sso_start_url").value;
    s.region = v("sso_region").value;
    QStringList missing;
    const AwsSharedConfig::Value session = v("sso_session");
    if (session.isSet()) {
        s.sessionName = session.value;
        const AwsSharedConfig::Block block = config.ssoSession(session.value);
        if (!block.exists()) {
            *error = AwsError::make(AwsError::Kind::Config,
                QStringLiteral("profile '%1' names sso_session '%2' but the config file has no [sso-session %2] section; "
                               "add it or run `aws configure sso`").arg(profile, session.value));
            return s;
        }
        for (const char *key : {"sso_start_url", "sso_region"}) {
            const QString fromSession = block.values.value(QLatin1String(key)).value;
            QString &mine = QLatin1String(key) == QLatin1String("sso_region") ? s.region : s.startUrl;
            if (!mine.isEmpty() && !fromSession.isEmpty() && mine != fromSession) {
                *error = AwsError::make(AwsError::Kind::Config,
                    QStringLiteral("profile '%1' has %2 = %3 but its sso-session '%4' has %5; remove it from the profile")
                        .arg(profile, QLatin1String(key), mine, session.value, fromSession));
                return s;
            }
            if (!fromSession.isEmpty())
                mine = fromSession;
        }
    }
    if (s.startUrl.isEmpty())
        missing << QStringLiteral("sso_start_url");
    if (s.region.isEmpty())
        missing << QStringLiteral("sso_region");
    if (s.accountId.isEmpty())
        missing << QStringLiteral("sso_account_id");
    if (s.roleName.isEmpty())
        missing << QStringLiteral("sso_role_name");
    if (!missing.isEmpty()) {
        *error = AwsError::make(AwsError::Kind::Config,
            QStringLiteral("profile '%1' is configured for IAM Identity Center but is missing %2; "
                           "run `aws configure sso --profile %1`").arg(profile, missing.join(QStringLiteral(", "))));
    }
    return s;
}

QString SsoCredentialSource::cacheFileName(const Settings &settings)
{
    const QString key = settings.sessionName.isEmpty() ? settings.startUrl : settings.sessionName;
    return QString::fromLatin1(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex())
           + QStringLiteral(".json");
}

QByteArray SsoCredentialSource::readToken(const QString &path, const QString &profile, const QDateTime &now,
                                          QDateTime *expiresAt, AwsError *error)
{
    auto fail = [&](const QString &what) {
        *error = AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("IAM Identity Center: %1; %2").arg(what, loginHint(profile)));
        return QByteArray();
    };
    const QString file = QDir::toNativeSeparators(path);
    QFile f(path);
    if (!f.exists())
        return fail(QStringLiteral("no cached login token %1").arg(file));
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cached token %1 cannot be read (%2)").arg(file, f.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(1024 * 1024), &parseError);
    if (!doc.isObject())
        return fail(QStringLiteral("cached token %1 is not a JSON object (%2)").arg(file,
                    parseError.error == QJsonParseError::NoError ? QStringLiteral("wrong type") : parseError.errorString()));
    const QJsonObject o = doc.object();
    const QString token = o.value(QStringLiteral("accessToken")).toString();
    QString expires = o.value(QStringLiteral("expiresAt")).toString().trimmed();
    if (token.isEmpty() || expires.isEmpty())
        return fail(QStringLiteral("cached token %1 has no accessToken/expiresAt").arg(file));
    if (expires.endsWith(QLatin1String("UTC")))  // older CLI versions wrote "...UTC"
        expires = expires.left(expires.size() - 3) + QLatin1Char('Z');
    QDateTime when = QDateTime::fromString(expires, Qt::ISODateWithMs);
    if (!when.isValid())
        return fail(QStringLiteral("cached token %1 has an expiresAt that is not an ISO 8601 time").arg(file));
    if (when.timeSpec() == Qt::LocalTime)
        when.setTimeSpec(Qt::UTC);
    when = when.toUTC();
    if (expiresAt)
        *expiresAt = when;
    if (when <= now)
        return fail(QStringLiteral("the login token in %1 expired at %2").arg(file, when.toString(Qt::ISODate)));
    return token.toUtf8();
}

AwsCredentials SsoCredentialSource::parseRoleCredentials(const QByteArray &json, AwsError *error)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object().value(QStringLiteral("roleCredentials")).toObject();
    AwsCredentials c;
    c.accessKeyId = o.value(QStringLiteral("accessKeyId")).toString();
    c.secretAccessKey = o.value(QStringLiteral("secretAccessKey")).toString();
    c.sessionToken = o.value(QStringLiteral("sessionToken")).toString();
    const QJsonValue expiration = o.value(QStringLiteral("expiration"));
    if (c.accessKeyId.isEmpty() || c.secretAccessKey.isEmpty() || c.sessionToken.isEmpty() || !expiration.isDouble()) {
        *error = AwsError::make(AwsError::Kind::Parse,
            QStringLiteral("IAM Identity Center: the GetRoleCredentials reply has no complete roleCredentials "
                           "(accessKeyId, secretAccessKey, sessionToken, expiration); check AWS_ENDPOINT_URL_SSO"));
        return {};
    }
    c.expiration = QDateTime::fromMSecsSinceEpoch(qint64(expiration.toDouble()), Qt::UTC);
    return c;
}

void SsoCredentialSource::fetch(Callback done)
{
    bool configured = false;
    AwsError error;
    const Settings s = resolve(m_deps.config, m_profile, &configured, &error);
    if (!configured) {
        done(Result::notFound(QStringLiteral("profile '%1' has no sso_account_id/sso_role_name").arg(m_profile)));
        return;
    }
    if (error) {
        done(Result::failed(error));
        return;
    }
    const QString home = m_deps.env.value(QStringLiteral("HOME"));
    if (home.isEmpty()) {
        done(Result::failed(AwsError::make(AwsError::Kind::Config,
            QStringLiteral("IAM Identity Center: HOME is not set, so the token cache ~/.aws/sso/cache cannot be found; set HOME"))));
        return;
    }
    const QString path = home + QStringLiteral("/.aws/sso/cache/") + cacheFileName(s);
    QDateTime tokenExpires;
    const QByteArray token = readToken(path, m_profile, QDateTime::currentDateTimeUtc(), &tokenExpires, &error);
    if (error) {
        done(Result::failed(error));
        return;
    }
    if (m_deps.setupError) {
        done(Result::failed(m_deps.setupError));
        return;
    }
    const EndpointResolver::Result endpoint = EndpointResolver::resolve(
        {QStringLiteral("SSO"), QStringLiteral("portal.sso")}, s.region, m_deps.env, &m_deps.config, QString(), &error);
    if (error) {
        done(Result::failed(error));
        return;
    }
    if (!m_deps.unsignedHttp) {
        done(Result::failed(AwsError::make(AwsError::Kind::Credentials, QStringLiteral("IAM Identity Center: no HTTP client (internal error)"))));
        return;
    }

    QUrl url = endpoint.url;
    QString path2 = url.path();
    if (path2.endsWith(QLatin1Char('/')))
        path2.chop(1);
    url.setPath(path2 + QStringLiteral("/federation/credentials"));
    url.setQuery(QString::fromLatin1("account_id=" + encode(s.accountId) + "&role_name=" + encode(s.roleName)),
                 QUrl::StrictMode);

    AwsRequest r;
    r.operation = QStringLiteral("GetRoleCredentials");
    r.method = "GET";
    r.url = url;
    r.headers = {{QByteArrayLiteral("x-amz-sso_bearer_token"), token}};
    r.sign = false;
    r.validateBody = [](const QByteArray &body) { return JsonErrorParser::requireJsonObject(body); };

    cancel();
    auto *context = new QObject(this);
    m_inFlight = context;
    const QString profile = m_profile;
    const QString label = QStringLiteral("sso (account %1, role %2)").arg(s.accountId, s.roleName);
    const QString host = url.host();
    qCDebug(lcCreds).noquote() << "IAM Identity Center: GetRoleCredentials for" << label << "at" << host;
    m_deps.unsignedHttp->send(r, &JsonErrorParser::parse, context,
        [context, done, profile, label, host](const AwsResponse &response, const AwsError &error) {
            context->deleteLater();
            if (error) {
                QString message = QStringLiteral("IAM Identity Center: GetRoleCredentials at %1 failed: %2").arg(host, error.toString());
                if (error.code == QLatin1String("UnauthorizedException") || error.httpStatus == 401)
                    message += QStringLiteral("; the login token was rejected, ") + loginHint(profile);
                const bool transient = error.kind == AwsError::Kind::Network || error.kind == AwsError::Kind::Timeout;
                done(Result::failed(AwsError::make(transient ? error.kind : AwsError::Kind::Credentials, message)));
                return;
            }
            AwsError parseError;
            AwsCredentials c = parseRoleCredentials(response.body, &parseError);
            if (parseError) {
                done(Result::failed(parseError));
                return;
            }
            c.source = label;
            done(Result::found(c));
        });
}

void SsoCredentialSource::cancel()
{
    delete m_inFlight.data();
}
