#include "awshttpclient.h"

#include "credentialchain.h"
#include "credentialprovider.h"
#include "logcategories.h"
#include "sigv4signer.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QPromise>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>

namespace {

// Sends loopback and link-local destinations (local fakes, IMDS, the ECS/EKS credential
// endpoints) direct, everything else the way the application is configured (by default the
// system configuration: libproxy, i.e. HTTPS_PROXY/NO_PROXY). Qt itself does not bypass
// loopback (qt64-notes §6).
class LocalBypassProxyFactory : public QNetworkProxyFactory
{
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override
    {
        const QString host = query.peerHostName().isEmpty() ? query.url().host() : query.peerHostName();
        if (AwsHttpClient::bypassesProxy(host))
            return { QNetworkProxy(QNetworkProxy::NoProxy) };
        return QNetworkProxyFactory::proxyForQuery(query);
    }
};

bool isTransportError(QNetworkReply::NetworkError error)
{
    const int code = int(error);
    // 1..99: connection level; 100..199: proxy; 301/399: the reply was not HTTP at all.
    return (code >= 1 && code <= 199) || error == QNetworkReply::ProtocolUnknownError
        || error == QNetworkReply::ProtocolFailure;
}

int defaultPort(const QString &scheme)
{
    if (scheme == QLatin1String("https"))
        return 443;
    if (scheme == QLatin1String("http"))
        return 80;
    return -1;
}

} // namespace

struct AwsHttpClient::Job
{
    enum class State { Queued, Credentials, Sending, Backoff, Decoding };

    quint64 id = 0;
    AwsRequest request;
    AwsErrorParser parser;
    QPointer<QObject> context;
    bool hasContext = false;
    Callback callback;
    QMetaObject::Connection contextConnection;
    QObject *guard = nullptr;          // context of this job's timers; deleted with the job

    State state = State::Queued;
    bool holdsSlot = false;
    QString hostKey;                   // scheme://host:port, for the connection pools
    int pool = -1;                     // connection pool of the attempt in flight
    int attempts = 0;
    int attemptsAllowed = 1;
    bool expiredTokenRetryUsed = false;
    int lastRetryCost = 0;
    quint64 credentialSerial = 0;
    int connectTimeoutMs = 0;
    int requestTimeoutMs = 0;
    AwsCredentials usedCredentials;    // keys that signed the current attempt

    // Guarded: the QNAM deletes its replies when it goes, which may be before this client.
    QPointer<QNetworkReply> reply;
    QTimer *connectTimer = nullptr;    // children of reply
    QTimer *requestTimer = nullptr;
    QTimer *credentialsTimer = nullptr; // child of guard; one per job, restarted per attempt
    TimeoutKind timedOut = TimeoutKind::None;
    QElapsedTimer sinceSend;
    QElapsedTimer sinceAttempt;
};

AwsHttpClient::AwsHttpClient(QNetworkAccessManager *nam, CredentialProvider *credentials,
                             const Options &options, QObject *parent)
    : QObject(parent), m_nam(nam), m_credentials(credentials), m_options(options),
      m_retry([&options] {
          RetryPolicy::Options r;
          r.maxAttempts = std::max(1, options.maxAttempts);
          r.baseDelayMs = std::max(0, options.retryBaseDelayMs);
          r.maxDelayMs = std::max(0, options.retryMaxDelayMs);
          r.useQuota = options.retryQuota;
          r.quotaCapacity = std::max(0, options.retryQuotaCapacity);
          return r;
      }()),
      m_decodePool(new QThreadPool(this))
{
    Q_ASSERT(nam);
    m_options.maxAttempts = std::max(1, m_options.maxAttempts);
    m_options.maxInFlight = std::max(1, m_options.maxInFlight);
    if (!m_options.clock)
        m_options.clock = [] { return QDateTime::currentDateTimeUtc(); };
    if (!m_options.random)
        m_options.random = [] { return QRandomGenerator::global()->generateDouble(); };
    if (m_nam->proxyFactory() == nullptr && m_nam->proxy().type() == QNetworkProxy::DefaultProxy)
        m_nam->setProxyFactory(new LocalBypassProxyFactory); // the QNAM owns it
    // Decoding is throughput work; the event loop and Qt's network thread are latency work
    // (every reply they handle late is a request slot left idle). Leave them a core: on 2
    // cores one decoding thread made a 1,000-repository refresh about 4 % faster than two.
    m_decodePool->setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
}

AwsHttpClient::AwsHttpClient(QNetworkAccessManager *nam, CredentialProvider *credentials, QObject *parent)
    : AwsHttpClient(nam, credentials, Options(), parent)
{
}

AwsHttpClient::~AwsHttpClient()
{
    for (auto &entry : m_jobs) {
        Job *j = entry.second.get();
        QObject::disconnect(j->contextConnection);
        if (j->reply) {
            j->reply->disconnect(this);
            j->reply->abort();
            j->reply->deleteLater();
        }
    }
    m_jobs.clear();
}

bool AwsHttpClient::bypassesProxy(const QString &hostIn)
{
    QString host = hostIn.trimmed().toLower();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")))
        return true;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    return address.isLoopback() || address.isLinkLocal()
        || address.isInSubnet(QHostAddress(QStringLiteral("fd00:ec2::")), 32);
}

QUrl AwsHttpClient::normalizedUrl(const QUrl &in)
{
    QUrl url = in;
    if (url.port() != -1 && url.port() == defaultPort(url.scheme()))
        url.setPort(-1);
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));
    return url;
}

QByteArray AwsHttpClient::hostHeader(const QUrl &in)
{
    const QUrl url = normalizedUrl(in);
    const QString host = url.host();
    QByteArray out;
    QHostAddress address;
    if (address.setAddress(host) && address.protocol() == QAbstractSocket::IPv6Protocol)
        out = '[' + host.toLatin1() + ']';
    else
        out = QUrl::toAce(host);
    if (url.port() != -1)
        out += ':' + QByteArray::number(url.port());
    return out;
}

QString AwsHttpClient::connectionPoolName(const QUrl &url, int pool)
{
    const QString host = url.host();
    if (pool <= 0)
        return QString();
    if (url.scheme() != QLatin1String("https"))
        return QStringLiteral("%1#pool%2").arg(host).arg(pool); // not used for anything but the key
    QString name = host;
    int changed = 0;
    for (qsizetype i = 0; i < name.size() && changed < pool; ++i) {
        if (name.at(i).isLower()) {
            name[i] = name.at(i).toUpper();
            ++changed;
        }
    }
    return name;
}

QString AwsHttpClient::outcome(const AwsError &error)
{
    if (!error.isError())
        return QStringLiteral("success");
    if (!error.code.isEmpty())
        return error.code;
    return AwsError::kindName(error.kind);
}

AwsHttpClient::Job *AwsHttpClient::job(quint64 id) const
{
    const auto it = m_jobs.find(id);
    return it == m_jobs.end() ? nullptr : it->second.get();
}

AwsError AwsHttpClient::configError(const AwsRequest &request) const
{
    const QUrl &url = request.url;
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        return AwsError::make(AwsError::Kind::Config,
                              QStringLiteral("endpoint \"%1\" is not an http(s) URL with a host; "
                                             "check the endpoint setting")
                                  .arg(url.toDisplayString()));
    }
    if (request.method.isEmpty())
        return AwsError::make(AwsError::Kind::Config, QStringLiteral("request has no HTTP method"));
    if (request.sign) {
        if (request.region.isEmpty() || request.service.isEmpty()) {
            return AwsError::make(AwsError::Kind::Config,
                                  QStringLiteral("signed request needs a region and a signing service name; "
                                                 "set the AWS region"));
        }
        if (!m_credentials) {
            return AwsError::make(AwsError::Kind::Credentials,
                                  QStringLiteral("signed request but no credential provider is configured"));
        }
    }
    return {};
}

void AwsHttpClient::send(const AwsRequest &request, const AwsErrorParser &errorParser, QObject *context,
                         Callback callback)
{
    const quint64 id = m_nextId++;
    auto owned = std::make_unique<Job>();
    Job *j = owned.get();
    j->id = id;
    j->request = request;
    j->parser = errorParser;
    j->hasContext = context != nullptr;
    j->context = context;
    j->callback = std::move(callback);
    j->guard = new QObject(this);
    j->attemptsAllowed = request.maxAttempts > 0 ? request.maxAttempts : m_options.maxAttempts;
    j->connectTimeoutMs = request.connectTimeoutMs > 0 ? request.connectTimeoutMs : m_options.connectTimeoutMs;
    j->requestTimeoutMs = request.requestTimeoutMs > 0 ? request.requestTimeoutMs : m_options.requestTimeoutMs;
    j->sinceSend.start();
    const QUrl normalized = normalizedUrl(request.url);
    j->hostKey = normalized.scheme() + QLatin1String("://") + QString::fromLatin1(hostHeader(normalized));
    if (context && context != this)
        j->contextConnection = connect(context, &QObject::destroyed, this, [this, id] { cancel(id); });
    m_jobs.emplace(id, std::move(owned));

    const AwsError invalid = configError(request);
    if (invalid) {
        // Asynchronous like every other outcome.
        QTimer::singleShot(0, j->guard, [this, id, invalid] { finish(id, AwsResponse(), invalid); });
        return;
    }
    m_queue.push_back(id);
    pump();
}

void AwsHttpClient::pump()
{
    // Plain FIFO: the connection pools let every attempt go out at once, whatever its host.
    while (!m_queue.empty() && m_inFlight < m_options.maxInFlight) {
        const quint64 id = m_queue.front();
        m_queue.pop_front();
        if (Job *j = job(id))
            startAttempt(j);
    }
}

void AwsHttpClient::startAttempt(Job *j)
{
    j->holdsSlot = true;
    ++m_inFlight;
    // The least loaded pool of this host: with at most maxInFlight attempts spread over
    // ceil(maxInFlight / 6) pools, it always has a free connection.
    QVector<int> &load = m_poolLoad[j->hostKey];
    if (load.isEmpty())
        load.resize((m_options.maxInFlight + Options::kConnectionsPerPool - 1) / Options::kConnectionsPerPool);
    j->pool = int(std::min_element(load.cbegin(), load.cend()) - load.cbegin());
    ++load[j->pool];
    m_peakInFlight = std::max(m_peakInFlight, m_inFlight);
    ++j->attempts;
    j->sinceAttempt.start();

    if (!j->request.sign) {
        dispatch(j, AwsCredentials());
        return;
    }
    const quint64 id = j->id;
    j->state = Job::State::Credentials;
    if (!m_credentials) {
        QTimer::singleShot(0, j->guard, [this, id] {
            finish(id, AwsResponse(),
                   AwsError::make(AwsError::Kind::Credentials, QStringLiteral("the credential provider is gone")));
        });
        return;
    }
    const quint64 serial = ++j->credentialSerial;
    // Cached keys that need no refresh: sign now. Thousands of calls per refresh would each
    // otherwise wait for a queued callback behind everything else in the event loop.
    const AwsCredentials ready = m_credentials->readyCredentials();
    if (ready.isValid()) {
        dispatch(j, ready);
        return;
    }
    // One timer per job, stopped when the provider answers: a fire-and-forget timer per
    // attempt stayed alive for the whole timeout (thousands of them during a big refresh).
    if (!j->credentialsTimer) {
        j->credentialsTimer = new QTimer(j->guard);
        j->credentialsTimer->setSingleShot(true);
        connect(j->credentialsTimer, &QTimer::timeout, j->guard, [this, id] {
            Job *j = job(id);
            if (!j || j->state != Job::State::Credentials)
                return;
            ++j->credentialSerial; // ignore a late answer
            finish(id, AwsResponse(),
                   AwsError::make(AwsError::Kind::Credentials,
                                  QStringLiteral("credential provider \"%1\" did not answer within %2 ms")
                                      .arg(m_credentials ? m_credentials->describe() : QString())
                                      .arg(m_options.credentialsTimeoutMs)));
        });
    }
    j->credentialsTimer->start(std::max(1, m_options.credentialsTimeoutMs));
    m_credentials->credentials(j->guard, [this, id, serial](const AwsCredentials &c, const AwsError &e) {
        onCredentials(id, serial, c, e);
    });
}

void AwsHttpClient::onCredentials(quint64 id, quint64 serial, const AwsCredentials &credentials,
                                  const AwsError &error)
{
    Job *j = job(id);
    if (!j || j->state != Job::State::Credentials || j->credentialSerial != serial)
        return;
    if (j->credentialsTimer)
        j->credentialsTimer->stop();
    if (error || !credentials.isValid()) {
        AwsError e = error;
        const QString source = m_credentials ? m_credentials->describe() : QStringLiteral("none");
        if (!e) {
            e = AwsError::make(AwsError::Kind::Credentials,
                               QStringLiteral("credential provider \"%1\" returned no keys").arg(source));
        } else if (e.kind != AwsError::Kind::Credentials) {
            e.message = QStringLiteral("credential provider \"%1\" failed: %2").arg(source, e.toString());
            e.kind = AwsError::Kind::Credentials;
        }
        finish(id, AwsResponse(), e);
        return;
    }
    dispatch(j, credentials);
}

void AwsHttpClient::dispatch(Job *j, const AwsCredentials &credentials)
{
    j->state = Job::State::Sending;
    j->usedCredentials = credentials;
    const AwsRequest &r = j->request;
    const QUrl url = normalizedUrl(r.url);

    HttpHeaderList headers;
    for (const auto &h : r.headers) {
        if (h.first.compare("host", Qt::CaseInsensitive) != 0)
            headers.append(h);
    }
    // Set Host ourselves so the signed value is by construction the one on the wire.
    headers.append({ QByteArrayLiteral("Host"), hostHeader(url) });

    if (r.sign) {
        SigV4Signer::Request toSign;
        toSign.method = r.method;
        toSign.path = url.path(QUrl::FullyEncoded).toLatin1();
        if (toSign.path.isEmpty())
            toSign.path = "/";
        toSign.query = url.query(QUrl::FullyEncoded).toLatin1();
        toSign.headers = headers;
        toSign.body = r.body;
        SigV4Signer::Options options;
        options.region = r.region;
        options.service = r.service;
        options.time = m_options.clock(); // fresh for every attempt
        const SigV4Signer::Result signature = SigV4Signer::sign(toSign, credentials, options);
        headers.append(signature.headersToAdd);
    }

    QNetworkRequest request(url);
    if (j->pool > 0)
        request.setPeerVerifyName(connectionPoolName(url, j->pool));
    for (const auto &h : std::as_const(headers))
        request.setRawHeader(h.first, h.second);
    // AWS never redirects API calls; following one would replay signed headers elsewhere.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // HTTP/1.1 like the SDKs: the signed Host header is then exactly what is sent.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
#if QT_CONFIG(ssl)
    if (!m_options.caCertificates.isEmpty() && url.scheme() == QLatin1String("https")) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(m_options.caCertificates); // replaces the system roots
        request.setSslConfiguration(ssl);
    }
#endif

    QNetworkReply *reply = nullptr;
    if (r.method == "GET")
        reply = m_nam->get(request);
    else if (r.method == "POST")
        reply = m_nam->post(request, r.body);
    else if (r.method == "PUT")
        reply = m_nam->put(request, r.body);
    else
        reply = m_nam->sendCustomRequest(request, r.method, r.body);
    j->reply = reply;
    j->timedOut = TimeoutKind::None;

    const quint64 id = j->id;
    j->requestTimer = new QTimer(reply);
    j->requestTimer->setSingleShot(true);
    j->requestTimer->setInterval(std::max(1, j->requestTimeoutMs));
    connect(j->requestTimer, &QTimer::timeout, this,
            [this, id, reply] { onTimeout(id, reply, TimeoutKind::Request); });
    j->connectTimer = new QTimer(reply);
    j->connectTimer->setSingleShot(true);
    j->connectTimer->setInterval(std::max(1, j->connectTimeoutMs));
    connect(j->connectTimer, &QTimer::timeout, this,
            [this, id, reply] { onTimeout(id, reply, TimeoutKind::Connect); });
    // The connect phase runs from here until the request is on the wire. It starts now, not
    // at socketStartedConnecting: a reply can inherit a connection attempt that an aborted
    // reply began, and then that signal never comes. A fresh connect restarts the clock.
    connect(reply, &QNetworkReply::socketStartedConnecting, j->connectTimer, qOverload<>(&QTimer::start));
    connect(reply, &QNetworkReply::requestSent, j->connectTimer, &QTimer::stop);
    connect(reply, &QNetworkReply::finished, this, [this, id, reply] { onReplyFinished(id, reply); });
    j->connectTimer->start();
    j->requestTimer->start();

    qCDebug(lcAws).nospace() << r.operation << ": attempt " << j->attempts << "/" << j->attemptsAllowed
                             << " sent to " << url.host() << (r.sign ? " (signed)" : " (unsigned)");
}

void AwsHttpClient::onTimeout(quint64 id, QNetworkReply *reply, TimeoutKind kind)
{
    Job *j = job(id);
    if (!j || j->reply != reply)
        return;
    j->timedOut = kind;
    reply->abort(); // emits finished → onReplyFinished sees timedOut
}

void AwsHttpClient::onReplyFinished(quint64 id, QNetworkReply *reply)
{
    reply->deleteLater();
    Job *j = job(id);
    if (!j || j->reply != reply)
        return;
    j->reply = nullptr;
    j->connectTimer->stop();
    j->requestTimer->stop();
    j->connectTimer = j->requestTimer = nullptr;
    const TimeoutKind timedOut = j->timedOut;
    j->timedOut = TimeoutKind::None;
    releaseSlot(j);

    AwsResponse response;
    response.operation = j->request.operation;
    response.attempts = j->attempts;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    response.httpStatus = status.isValid() ? status.toInt() : 0;
    response.headers = reply->rawHeaderPairs();
    if (reply->isOpen()) // not after abort()
        response.body = reply->readAll();
    response.requestId = QString::fromLatin1(response.header("x-amzn-RequestId"));
    if (response.requestId.isEmpty())
        response.requestId = QString::fromLatin1(response.header("x-amz-request-id"));
    const QNetworkReply::NetworkError netError = reply->error();

    AwsError error;
    if (timedOut == TimeoutKind::Connect) {
        error = AwsError::make(AwsError::Kind::Timeout,
                               QStringLiteral("could not connect to %1 within %2 ms")
                                   .arg(reply->url().host())
                                   .arg(j->connectTimeoutMs));
        response.httpStatus = 0;
    } else if (timedOut == TimeoutKind::Request) {
        error = AwsError::make(AwsError::Kind::Timeout,
                               QStringLiteral("no complete reply from %1 within %2 ms")
                                   .arg(reply->url().host())
                                   .arg(j->requestTimeoutMs));
        response.httpStatus = 0;
    } else if (isTransportError(netError) || (response.httpStatus == 0 && netError != QNetworkReply::NoError)) {
        const bool cancelled = netError == QNetworkReply::OperationCanceledError;
        error = AwsError::make(cancelled ? AwsError::Kind::Cancelled : AwsError::Kind::Network,
                               reply->errorString());
        response.httpStatus = 0;
    } else if (response.httpStatus == 0) {
        error = AwsError::make(AwsError::Kind::Network, QStringLiteral("the reply carried no HTTP status"));
    } else if (response.isSuccess()) {
        if (j->request.validateBody) {
            error = j->request.validateBody(response.body);
            if (error)
                error.kind = AwsError::Kind::Parse;
        }
        if (!error && j->request.decodeBody) {
            qCDebug(lcAws).nospace() << j->request.operation << ": attempt " << j->attempts << " → HTTP "
                                     << response.httpStatus << " in " << j->sinceAttempt.elapsed()
                                     << " ms, decoding";
            // The next request goes out now, not after the parse: a slot waiting for the
            // parse (about 1 ms for 100 images) is a slot without a request on the wire.
            // (After a failure handleFailure hands the slot on, an immediate retry first.)
            pump();
            startDecoding(j, std::move(response));
            return;
        }
    } else {
        if (j->parser)
            error = j->parser(response);
        if (!error) {
            error = AwsError::make(AwsError::Kind::Service,
                                   QStringLiteral("HTTP %1 without a recognised error document")
                                       .arg(response.httpStatus));
        }
        if (error.kind == AwsError::Kind::Service && RetryPolicy::isThrottling(error.code, response.httpStatus))
            error.kind = AwsError::Kind::Throttling;
    }

    qCDebug(lcAws).nospace() << j->request.operation << ": attempt " << j->attempts << " → "
                             << (error ? outcome(error) : QStringLiteral("success")) << " (HTTP "
                             << response.httpStatus << ", " << j->sinceAttempt.elapsed() << " ms)";

    if (!error) {
        m_retry.releaseOnSuccess(j->lastRetryCost);
        finish(id, response, AwsError());
        return;
    }
    handleFailure(j, response, error);
}

void AwsHttpClient::startDecoding(Job *j, AwsResponse response)
{
    // The network slot is already free and the next request on its way (onReplyFinished).
    // The worker only touches the promise and its own copies; the watcher, a child of the
    // job's guard, brings the result back to this thread and disappears with the job, so a
    // request abandoned meanwhile (context destroyed) never calls back.
    struct Decoded {
        AwsError error;
        std::any value;
    };
    const quint64 id = j->id;
    j->state = Job::State::Decoding;
    auto promise = std::make_shared<QPromise<Decoded>>();
    auto *watcher = new QFutureWatcher<Decoded>(j->guard);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, id, watcher, response]() mutable {
        watcher->deleteLater();
        Job *j = job(id);
        QFuture<Decoded> future = watcher->future();
        if (!j || j->state != Job::State::Decoding || future.resultCount() < 1)
            return;
        Decoded d = future.takeResult();
        if (d.error) {
            d.error.kind = AwsError::Kind::Parse;
            d.error.httpStatus = response.httpStatus;
            d.error.requestId = response.requestId;
            qCDebug(lcAws).nospace() << j->request.operation << ": attempt " << j->attempts << " → "
                                     << outcome(d.error) << " (reply not understood)";
            handleFailure(j, response, d.error);
            return;
        }
        response.decoded = std::move(d.value);
        m_retry.releaseOnSuccess(j->lastRetryCost);
        finish(id, std::move(response), AwsError());
    });
    watcher->setFuture(promise->future());
    promise->start();
    m_decodePool->start([promise, decode = j->request.decodeBody, body = response.body] {
        Decoded d;
        d.error = decode(body, &d.value);
        promise->addResult(std::move(d));
        promise->finish();
    });
}

void AwsHttpClient::handleFailure(Job *j, const AwsResponse &response, AwsError error)
{
    const quint64 id = j->id;
    if (error.httpStatus == 0)
        error.httpStatus = response.httpStatus;
    if (error.requestId.isEmpty())
        error.requestId = response.requestId;

    if (j->request.sign && RetryPolicy::isExpiredToken(error) && !j->expiredTokenRetryUsed && m_credentials) {
        // The keys expired under us: drop them, fetch fresh ones, try once more right away.
        j->expiredTokenRetryUsed = true;
        ++j->attemptsAllowed;
        // Only the keys that were rejected: when another request already got new ones, this
        // one just uses them (one refresh for all requests that failed together).
        if (auto *chain = qobject_cast<CredentialChain *>(m_credentials.data()))
            chain->invalidateIfCurrent(j->usedCredentials);
        else
            m_credentials->invalidate();
        qCDebug(lcAws).nospace() << j->request.operation << ": expired token, refreshing credentials and retrying";
        j->state = Job::State::Queued;
        m_queue.push_front(id);
        pump();
        return;
    }

    if (RetryPolicy::isRetryable(error) && j->attempts < j->attemptsAllowed) {
        const int cost = m_retry.acquireRetry(error);
        if (cost > 0) {
            j->lastRetryCost = cost;
            const int delay = m_retry.backoffMs(j->attempts, m_options.random());
            j->state = Job::State::Backoff;
            qCDebug(lcAws).nospace() << j->request.operation << ": " << outcome(error) << ", retrying in "
                                     << delay << " ms";
            QTimer::singleShot(delay, j->guard, [this, id] {
                Job *j = job(id);
                if (!j || j->state != Job::State::Backoff)
                    return;
                j->state = Job::State::Queued;
                m_queue.push_front(id); // a retry is older than anything queued behind it
                pump();
            });
            pump();
            return;
        }
        error.message += QStringLiteral(" (retry quota exhausted, not retried)");
    }
    finish(id, response, error);
}

void AwsHttpClient::releaseSlot(Job *j)
{
    if (j->holdsSlot) {
        j->holdsSlot = false;
        --m_inFlight;
        QVector<int> &load = m_poolLoad[j->hostKey];
        if (j->pool >= 0 && j->pool < load.size())
            --load[j->pool];
        j->pool = -1;
    }
}

void AwsHttpClient::finish(quint64 id, AwsResponse response, AwsError error)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    std::unique_ptr<Job> j = std::move(it->second);
    m_jobs.erase(it);
    m_queue.erase(std::remove(m_queue.begin(), m_queue.end(), id), m_queue.end());
    QObject::disconnect(j->contextConnection);
    if (j->reply) { // finished while a reply was still open (cannot happen today; stay safe)
        j->reply->disconnect(this);
        j->reply->abort();
        j->reply->deleteLater();
    }
    releaseSlot(j.get());
    j->guard->deleteLater();

    response.operation = j->request.operation;
    response.attempts = j->attempts;
    response.elapsedMs = j->sinceSend.elapsed();
    if (error) {
        error.operation = j->request.operation;
        error.attempts = j->attempts;
        qCDebug(lcAws).nospace() << "failed: " << error.toString() << " (" << response.elapsedMs << " ms)";
    }

    pump();
    QPointer<AwsHttpClient> self(this);
    emit requestFinished(j->request.operation, outcome(error));
    if (!self || (j->hasContext && !j->context))
        return;
    if (j->callback)
        j->callback(response, error);
}

void AwsHttpClient::cancel(quint64 id)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    std::unique_ptr<Job> j = std::move(it->second);
    m_jobs.erase(it);
    m_queue.erase(std::remove(m_queue.begin(), m_queue.end(), id), m_queue.end());
    if (j->reply) {
        j->reply->disconnect(this);
        j->reply->abort();
        j->reply->deleteLater();
    }
    releaseSlot(j.get());
    j->guard->deleteLater();
    qCDebug(lcAws).nospace() << j->request.operation << ": abandoned, its context was destroyed";
    pump();
}
