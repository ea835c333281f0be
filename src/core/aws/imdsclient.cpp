#include "imdsclient.h"

#include "awshttpclient.h"
#include "awsrequest.h"
#include "endpointresolver.h"
#include "logcategories.h"
#include "regionresolver.h"

#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QPointer>

namespace {

bool isTrue(const QString &value)
{
    return value.trimmed().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

// A setting from the environment, else the profile; `where` says which for messages.
QString setting(const QProcessEnvironment &env, const AwsSharedConfig *config, const QString &variable,
                const QString &key, QString *where)
{
    const QString fromEnv = env.value(variable);
    if (!fromEnv.trimmed().isEmpty()) {
        *where = variable;
        return fromEnv.trimmed();
    }
    if (config) {
        const AwsSharedConfig::Value v = config->value(key);
        if (!v.value.trimmed().isEmpty()) {
            *where = QStringLiteral("profile '%1' %2 (%3 line %4)").arg(config->profileName(), key, v.file).arg(v.line);
            return v.value.trimmed();
        }
    }
    where->clear();
    return {};
}

AwsError statusError(const AwsResponse &response)
{
    AwsError e = AwsError::make(AwsError::Kind::Service,
        QStringLiteral("EC2 instance metadata answered HTTP %1").arg(response.httpStatus));
    e.httpStatus = response.httpStatus;
    return e;
}

bool isUnreachable(const AwsError &error)
{
    return error.kind == AwsError::Kind::Network || error.kind == AwsError::Kind::Timeout;
}

} // namespace

ImdsClient::Options ImdsClient::optionsFrom(const QProcessEnvironment &env, const AwsSharedConfig *config,
                                            AwsError *error)
{
    Options o;
    auto configError = [error](const QString &message) {
        if (error && !error->isError())
            *error = AwsError::make(AwsError::Kind::Config, message);
    };
    o.disabled = isTrue(env.value(QStringLiteral("AWS_EC2_METADATA_DISABLED")));
    QString where;
    o.v1Disabled = isTrue(setting(env, config, QStringLiteral("AWS_EC2_METADATA_V1_DISABLED"),
                                  QStringLiteral("ec2_metadata_v1_disabled"), &where));

    const QString timeout = setting(env, config, QStringLiteral("AWS_METADATA_SERVICE_TIMEOUT"),
                                    QStringLiteral("metadata_service_timeout"), &where);
    if (!timeout.isEmpty()) {
        bool ok = false;
        const double seconds = timeout.toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 300)
            configError(QStringLiteral("%1 '%2' is not a number of seconds (0-300]; use e.g. 1 or unset it").arg(where, timeout.left(40)));
        else
            o.timeoutMs = qMax(1, int(seconds * 1000));
    }
    const QString attempts = setting(env, config, QStringLiteral("AWS_METADATA_SERVICE_NUM_ATTEMPTS"),
                                     QStringLiteral("metadata_service_num_attempts"), &where);
    if (!attempts.isEmpty()) {
        bool ok = false;
        const int n = attempts.toInt(&ok);
        if (!ok || n < 1 || n > 10)
            configError(QStringLiteral("%1 '%2' is not a whole number 1-10; use e.g. 1 or unset it").arg(where, attempts.left(40)));
        else
            o.attempts = n;
    }

    QString endpointWhere;
    const QString endpoint = setting(env, config, QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                                     QStringLiteral("ec2_metadata_service_endpoint"), &endpointWhere);
    QString modeWhere;
    const QString mode = setting(env, config, QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"),
                                 QStringLiteral("ec2_metadata_service_endpoint_mode"), &modeWhere);
    if (!mode.isEmpty() && mode.compare(QLatin1String("ipv4"), Qt::CaseInsensitive) != 0
        && mode.compare(QLatin1String("ipv6"), Qt::CaseInsensitive) != 0) {
        configError(QStringLiteral("%1 '%2' must be IPv4 or IPv6").arg(modeWhere, mode.left(40)));
    }
    if (!endpoint.isEmpty()) {
        AwsError urlError;
        const QUrl url = EndpointResolver::parseUrl(endpoint, endpointWhere, &urlError);
        if (urlError)
            configError(urlError.message);
        else {
            o.endpoint = url;
            o.endpointSource = endpointWhere;
        }
    } else if (mode.compare(QLatin1String("ipv6"), Qt::CaseInsensitive) == 0) {
        o.endpoint = QUrl(QStringLiteral("http://[fd00:ec2::254]/"));
        o.endpointSource = modeWhere;
    }
    return o;
}

ImdsClient::ImdsClient(const Options &options, QObject *parent)
    : QObject(parent), m_options(options), m_nam(new QNetworkAccessManager(this))
{
    m_options.attempts = qMax(1, m_options.attempts);
    m_options.timeoutMs = qMax(1, m_options.timeoutMs);
    // Metadata never goes through a proxy (a proxy would answer for the wrong machine).
    m_nam->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    AwsHttpClient::Options http;
    http.maxAttempts = m_options.attempts;
    http.retryBaseDelayMs = 200;
    http.connectTimeoutMs = m_options.timeoutMs;
    http.requestTimeoutMs = m_options.timeoutMs;
    m_http = new AwsHttpClient(m_nam, nullptr, http, this);
}

ImdsClient::~ImdsClient() = default;

QUrl ImdsClient::urlFor(const QString &path) const
{
    QString base = m_options.endpoint.toString();
    if (!base.endsWith(QLatin1Char('/')))
        base += QLatin1Char('/');
    return QUrl(base + path);
}

void ImdsClient::get(const QString &path, QObject *context, Callback callback)
{
    const Waiter waiter{path, context ? context : this, std::move(callback)};
    if (m_options.disabled) {
        fail(waiter, AwsError::make(AwsError::Kind::Config,
                                    QStringLiteral("EC2 instance metadata is disabled (AWS_EC2_METADATA_DISABLED=true)")));
        return;
    }
    if (m_unreachableUntil.isValid() && QDateTime::currentDateTimeUtc() < m_unreachableUntil) {
        fail(waiter, unreachableError());
        return;
    }
    if (!m_token.isEmpty() && QDateTime::currentDateTimeUtc() < m_tokenExpires) {
        sendGet(waiter, true);
        return;
    }
    m_waitingForToken.append(waiter);
    if (!m_tokenInFlight)
        requestToken();
}

void ImdsClient::requestToken()
{
    m_tokenInFlight = true;
    m_token.clear();
    ++m_tokenRequests;
    AwsRequest r;
    r.operation = QStringLiteral("IMDS token");
    r.method = "PUT";
    r.url = urlFor(QStringLiteral("latest/api/token"));
    r.headers = {{QByteArrayLiteral("X-aws-ec2-metadata-token-ttl-seconds"),
                  QByteArray::number(m_options.tokenTtlSeconds)}};
    r.sign = false;
    m_http->send(r, &statusError, this, [this](const AwsResponse &response, const AwsError &error) {
        onTokenDone(response.httpStatus, response.body, error);
    });
}

void ImdsClient::onTokenDone(int status, const QByteArray &body, const AwsError &error)
{
    m_tokenInFlight = false;
    const QList<Waiter> waiters = std::exchange(m_waitingForToken, {});
    if (!error && !body.trimmed().isEmpty()) {
        m_token = body.trimmed();
        // Renew a minute early so a token never expires between our check and IMDS's.
        m_tokenExpires = QDateTime::currentDateTimeUtc().addSecs(qMax(1, m_options.tokenTtlSeconds - 60));
        for (const Waiter &w : waiters)
            sendGet(w, true);
        return;
    }
    if (status == 400) {
        AwsError e = AwsError::make(AwsError::Kind::Service,
            QStringLiteral("EC2 instance metadata at %1 rejected the IMDSv2 token request (HTTP 400)")
                .arg(m_options.endpoint.toString()));
        e.httpStatus = 400;
        for (const Waiter &w : waiters)
            fail(w, e);
        return;
    }
    const QString why = error ? (error.httpStatus > 0 ? QStringLiteral("HTTP %1").arg(error.httpStatus) : error.message)
                              : QStringLiteral("an empty token");
    if (m_options.v1Disabled) {
        AwsError e = error ? error : AwsError::make(AwsError::Kind::Service, QString());
        e.message = QStringLiteral("EC2 instance metadata at %1: the IMDSv2 token request failed (%2) and IMDSv1 is "
                                   "disabled (AWS_EC2_METADATA_V1_DISABLED)")
                        .arg(m_options.endpoint.toString(), why);
        if (isUnreachable(e))
            rememberUnreachable(e);
        for (const Waiter &w : waiters)
            fail(w, e);
        return;
    }
    qCDebug(lcCreds).noquote() << "IMDSv2 token request failed (" + why + "); trying IMDSv1";
    for (const Waiter &w : waiters)
        sendGet(w, false);
}

void ImdsClient::sendGet(const Waiter &waiter, bool useToken)
{
    AwsRequest r;
    r.operation = QStringLiteral("IMDS GET");
    r.method = "GET";
    r.url = urlFor(waiter.path);
    if (useToken)
        r.headers = {{QByteArrayLiteral("X-aws-ec2-metadata-token"), m_token}};
    r.sign = false;
    r.validateBody = [](const QByteArray &body) {
        return body.isEmpty() ? AwsError::make(AwsError::Kind::Parse, QStringLiteral("EC2 instance metadata sent an empty reply"))
                              : AwsError();
    };
    QPointer<QObject> context(waiter.context);
    m_http->send(r, &statusError, this, [this, waiter, useToken, context](const AwsResponse &response, const AwsError &error) {
        if (error && error.httpStatus == 401 && useToken && !waiter.retriedAfter401) {
            // The token expired or IMDS restarted: one new token, one more try.
            Waiter again = waiter;
            again.retriedAfter401 = true;
            m_token.clear();
            m_waitingForToken.append(again);
            if (!m_tokenInFlight)
                requestToken();
            return;
        }
        if (error) {
            AwsError e = error;
            if (isUnreachable(e))
                rememberUnreachable(e);
            e.message = QStringLiteral("%1 (GET %2)").arg(e.message, urlFor(waiter.path).toString());
            if (context)
                waiter.callback(Reply{response.httpStatus, {}, useToken}, e);
            return;
        }
        m_unreachableUntil = QDateTime();
        if (context)
            waiter.callback(Reply{response.httpStatus, response.body, useToken}, {});
    });
}

void ImdsClient::fail(const Waiter &waiter, const AwsError &error)
{
    QPointer<QObject> context(waiter.context);
    QMetaObject::invokeMethod(this, [context, waiter, error] {
        if (context)
            waiter.callback(Reply(), error);
    }, Qt::QueuedConnection);
}

bool ImdsClient::rememberUnreachable(const AwsError &error)
{
    if (m_options.unreachableMemoryMs <= 0)
        return false;
    m_unreachable = error;
    m_unreachableUntil = QDateTime::currentDateTimeUtc().addMSecs(m_options.unreachableMemoryMs);
    return true;
}

AwsError ImdsClient::unreachableError() const
{
    AwsError e = m_unreachable;
    e.message = QStringLiteral("EC2 instance metadata at %1 was not reachable moments ago (%2)")
                    .arg(m_options.endpoint.toString(), m_unreachable.message);
    return e;
}

void ImdsClient::fetchRegion(QObject *context, std::function<void(const QString &, const AwsError &)> callback)
{
    get(QStringLiteral("latest/meta-data/placement/region"), context,
        [callback = std::move(callback)](const Reply &reply, const AwsError &error) {
            if (error) {
                callback({}, error);
                return;
            }
            const QString region = QString::fromUtf8(reply.body).trimmed();
            if (!RegionResolver::isValidRegionName(region)) {
                callback({}, AwsError::make(AwsError::Kind::Parse,
                    QStringLiteral("EC2 instance metadata placement/region '%1' is not a region name").arg(region.left(40))));
                return;
            }
            callback(region, {});
        });
}
