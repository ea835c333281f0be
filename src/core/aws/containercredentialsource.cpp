#include "containercredentialsource.h"

#include "awshttpclient.h"
#include "awsrequest.h"
#include "jsonerrorparser.h"
#include "logcategories.h"
#include "stsclient.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>

namespace {

const QString kRelative = QStringLiteral("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
const QString kFull = QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI");
const QString kToken = QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN");
const QString kTokenFile = QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");

QString labelFor(const QUrl &url, bool relative)
{
    if (relative)
        return QStringLiteral("container (ECS task role)");
    const QString host = url.host();
    if (host == QLatin1String("169.254.170.23") || QHostAddress(host) == QHostAddress(QStringLiteral("fd00:ec2::23")))
        return QStringLiteral("container (EKS Pod Identity)");
    return QStringLiteral("container (%1)").arg(url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo));
}

} // namespace

ContainerCredentialSource::ContainerCredentialSource(const CredentialSourceDependencies &deps, QObject *parent)
    : CredentialSource(parent), m_deps(deps), m_nam(new QNetworkAccessManager(this))
{
    m_nam->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));  // never through a proxy
    AwsHttpClient::Options o;
    o.maxAttempts = qMax(1, deps.containerAttempts);
    o.retryBaseDelayMs = qMax(0, deps.containerRetryDelayMs);
    o.retryMaxDelayMs = qMax(0, deps.containerRetryDelayMs);
    o.connectTimeoutMs = qMax(1, deps.containerTimeoutMs);
    o.requestTimeoutMs = qMax(1, deps.containerTimeoutMs);
    m_http = new AwsHttpClient(m_nam, nullptr, o, this);
}

ContainerCredentialSource::~ContainerCredentialSource() = default;

QString ContainerCredentialSource::name() const
{
    return QStringLiteral("container credentials");
}

bool ContainerCredentialSource::isAllowedHost(const QString &hostIn)
{
    QString host = hostIn.toLower();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("localhost"))
        return true;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    return address.isLoopback() || address == QHostAddress(QStringLiteral("169.254.170.2"))
        || address == QHostAddress(QStringLiteral("169.254.170.23"))
        || address == QHostAddress(QStringLiteral("fd00:ec2::23"));
}

QUrl ContainerCredentialSource::endpointFrom(const QProcessEnvironment &env, const QString &ecsHost, AwsError *error)
{
    const QString relative = env.value(kRelative);
    if (!relative.isEmpty()) {
        QUrl url(QStringLiteral("http://%1%2%3").arg(ecsHost, relative.startsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/"), relative),
                 QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()) {
            *error = AwsError::make(AwsError::Kind::Config,
                QStringLiteral("container credentials: %1 '%2' is not a URL path; unset it or fix it").arg(kRelative, relative.left(100)));
            return {};
        }
        return url;
    }
    const QString full = env.value(kFull);
    if (full.isEmpty())
        return {};
    const QUrl url(full, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = AwsError::make(AwsError::Kind::Config,
            QStringLiteral("container credentials: %1 '%2' is not an http(s) URL; fix or unset it").arg(kFull, full.left(100)));
        return {};
    }
    if (scheme == QLatin1String("http") && !isAllowedHost(url.host())) {
        *error = AwsError::make(AwsError::Kind::Config,
            QStringLiteral("container credentials: %1 host '%2' is not allowed over http (only loopback, localhost, "
                           "169.254.170.2, 169.254.170.23, fd00:ec2::23); use https or one of those hosts")
                .arg(kFull, url.host()));
        return {};
    }
    return url;
}

CredentialSource::Result ContainerCredentialSource::parseReply(const QByteArray &json, const QString &label)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    AwsCredentials c;
    c.accessKeyId = o.value(QStringLiteral("AccessKeyId")).toString();
    c.secretAccessKey = o.value(QStringLiteral("SecretAccessKey")).toString();
    c.sessionToken = o.value(QStringLiteral("Token")).toString();
    const QString expiration = o.value(QStringLiteral("Expiration")).toString();
    QStringList missing;
    for (const char *k : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) {
        if (o.value(QLatin1String(k)).toString().isEmpty())
            missing << QLatin1String(k);
    }
    if (!missing.isEmpty()) {
        return Result::failed(AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("%1: the endpoint's reply has no %2; check the credentials endpoint").arg(label, missing.join(QStringLiteral(", ")))));
    }
    c.expiration = StsClient::parseTimestamp(expiration);
    if (!c.expiration.isValid()) {
        return Result::failed(AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("%1: the reply's Expiration is not an ISO 8601 time").arg(label)));
    }
    c.source = label;
    return Result::found(c);
}

void ContainerCredentialSource::fetch(Callback done)
{
    AwsError error;
    const QUrl url = endpointFrom(m_deps.env, m_deps.ecsHost, &error);
    if (error) {
        done(Result::failed(error));
        return;
    }
    if (url.isEmpty()) {
        done(Result::notFound(QStringLiteral("%1 and %2 not set").arg(kRelative, kFull)));
        return;
    }
    const bool relative = !m_deps.env.value(kRelative).isEmpty();
    const QString label = labelFor(url, relative);

    QByteArray authorization;
    const QString tokenFile = m_deps.env.value(kTokenFile);
    if (!tokenFile.isEmpty()) {
        QFile f(tokenFile);
        if (!f.open(QIODevice::ReadOnly)) {
            done(Result::failed(AwsError::make(AwsError::Kind::Credentials,
                QStringLiteral("%1: token file %2 (%3) not readable (%4); check the volume is mounted")
                    .arg(label, QDir::toNativeSeparators(tokenFile), kTokenFile, f.errorString()))));
            return;
        }
        authorization = f.read(64 * 1024).trimmed();
    } else {
        authorization = m_deps.env.value(kToken).toUtf8();
    }
    if (authorization.contains('\r') || authorization.contains('\n')) {
        done(Result::failed(AwsError::make(AwsError::Kind::Config,
            QStringLiteral("%1: the authorization token (%2) contains a line break; fix it")
                .arg(label, tokenFile.isEmpty() ? kToken : kTokenFile))));
        return;
    }

    AwsRequest r;
    r.operation = QStringLiteral("container credentials");
    r.method = "GET";
    r.url = url;
    if (!authorization.isEmpty())
        r.headers = {{QByteArrayLiteral("Authorization"), authorization}};
    r.sign = false;
    r.validateBody = [](const QByteArray &body) { return JsonErrorParser::requireJsonObject(body); };

    cancel();
    auto *context = new QObject(this);
    m_inFlight = context;
    const QString shown = url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    qCDebug(lcCreds).noquote() << "container credentials: GET" << shown;
    m_http->send(r, &JsonErrorParser::parse, context, [context, done, label, shown](const AwsResponse &response, const AwsError &error) {
        context->deleteLater();
        if (error) {
            const bool transient = error.kind == AwsError::Kind::Network || error.kind == AwsError::Kind::Timeout;
            QString what = error.httpStatus > 0 ? QStringLiteral("HTTP %1").arg(error.httpStatus) : error.message;
            if (error.httpStatus > 0 && !error.message.isEmpty() && !error.message.startsWith(QLatin1String("HTTP ")))
                what += QStringLiteral(" (%1)").arg(error.message.left(200));
            done(Result::failed(AwsError::make(transient ? error.kind : AwsError::Kind::Credentials,
                QStringLiteral("%1: GET %2 failed after %3 attempt(s): %4").arg(label, shown).arg(error.attempts).arg(what))));
            return;
        }
        done(parseReply(response.body, label));
    });
}

void ContainerCredentialSource::cancel()
{
    delete m_inFlight.data();
}
