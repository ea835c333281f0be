#pragma once

#include "awserror.h"
#include "awsrequest.h"
#include "awsresponse.h"
#include "credentialprovider.h"
#include "retrypolicy.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSslCertificate>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>

class QNetworkAccessManager;
class QNetworkReply;
class QThreadPool;
class QTimer;

// The protocol-neutral AWS HTTP layer: sends AwsRequests through one shared
// QNetworkAccessManager, signs every attempt with SigV4 (fresh X-Amz-Date and freshly fetched
// credentials each time), enforces connect and whole-request timeouts, retries the way the
// SDKs' "standard" mode does, limits the requests in flight (FIFO queue), and turns failures
// into typed AwsErrors via the protocol's AwsErrorParser. Everything is asynchronous; replies
// are deleteLater()ed; callbacks are dropped (and the request abandoned) when their context
// object dies. A request's decodeBody (the protocol layer's parser) runs on the client's own
// worker threads; the callback still runs in the client's thread.
//
// Proxies: loopback, link-local (169.254.x.x, fe80::/10) and the AWS fd00:ec2:: hosts never go
// through a proxy; everything else follows the application/system configuration (libproxy
// reads HTTPS_PROXY/NO_PROXY). The client installs a proxy factory on the QNAM for this when
// the QNAM has neither a proxy nor a factory of its own.
//
// ExpiredTokenException: the request is retried once with fresh keys. When the provider is a
// CredentialChain only the keys that were rejected are dropped (invalidateIfCurrent), so many
// requests failing together cause one refresh, not one each.
class AwsHttpClient : public QObject
{
    Q_OBJECT
public:
    struct Options {
        int maxAttempts = 3;             // standard mode; AWS_MAX_ATTEMPTS (see RetryPolicy)
        int retryBaseDelayMs = 1000;     // backoff: rand * min(base * 2^(i-1), cap)
        int retryMaxDelayMs = 20000;
        bool retryQuota = true;          // standard-mode retry token bucket (cost 5, 10 after a timeout)
        int retryQuotaCapacity = 500;
        int connectTimeoutMs = 2000;     // DNS, TCP, TLS: from sending until the request is written
        int requestTimeoutMs = 10000;    // one attempt, from sending to the last byte
        int credentialsTimeoutMs = 30000; // waiting for the CredentialProvider
        int maxInFlight = 8;             // attempts on the wire at once; more wait in a FIFO queue
        // Qt 6.4 opens at most 6 HTTP/1.1 connections per connection pool and queues the rest
        // internally (QHttp1Configuration arrives only in 6.5). To let maxInFlight requests
        // reach one host at once, attempts are spread over ceil(maxInFlight / 6) pools; the
        // pool is part of Qt's connection-cache key through QNetworkRequest::peerVerifyName
        // (see connectionPoolName()).
        static constexpr int kConnectionsPerPool = 6;
        // Trusted roots for https (AWS_CA_BUNDLE / profile ca_bundle, see CaBundle). Non-empty:
        // they REPLACE the system store, like botocore's verify=<bundle>.
        QList<QSslCertificate> caCertificates;
        std::function<QDateTime()> clock;  // signing time (UTC); default: the wall clock
        std::function<double()> random;    // jitter in [0,1); default: QRandomGenerator
    };

    // Called once per send(): on success `error` is None and `response` holds the 2xx reply;
    // on failure `error` is typed and `response` holds whatever the last attempt got.
    using Callback = std::function<void(const AwsResponse &response, const AwsError &error)>;

    // `nam` and `credentials` are not owned and must outlive the client; `credentials` may be
    // null when only unsigned requests are sent.
    AwsHttpClient(QNetworkAccessManager *nam, CredentialProvider *credentials, const Options &options,
                  QObject *parent = nullptr);
    AwsHttpClient(QNetworkAccessManager *nam, CredentialProvider *credentials, QObject *parent = nullptr);
    ~AwsHttpClient() override;

    // Queue a request. `errorParser` turns non-2xx replies into AwsErrors (JsonErrorParser::parse,
    // XmlErrorParser::parse, ...). `callback` runs later in the event loop, never inside send(),
    // and only while `context` is alive (a null context means the client itself).
    void send(const AwsRequest &request, const AwsErrorParser &errorParser, QObject *context,
              Callback callback);

    int inFlight() const { return m_inFlight; }
    int peakInFlight() const { return m_peakInFlight; }
    int queued() const { return int(m_queue.size()); }
    void resetPeakInFlight() { m_peakInFlight = m_inFlight; }
    int retryQuotaAvailable() const { return m_retry.availableQuota(); }

    const Options &options() const { return m_options; }
    CredentialProvider *credentialProvider() const { return m_credentials; }
    QNetworkAccessManager *networkAccessManager() const { return m_nam; }

    // Pure helpers, public for tests and for the other AWS protocol layers.
    static bool bypassesProxy(const QString &host);        // loopback / link-local / localhost
    static QUrl normalizedUrl(const QUrl &url);            // default port dropped, empty path → "/"
    static QByteArray hostHeader(const QUrl &url);         // exactly the Host header sent
    // The peerVerifyName that selects connection pool `pool` (0 = Qt's default pool) for
    // `url`: for https the host with its first `pool` letters upper-cased (TLS name checks
    // ignore case, Qt's cache key does not), for plain http a tag that only names the pool.
    static QString connectionPoolName(const QUrl &url, int pool);
    // "success", else the error code, else the error kind name ("timeout", "network", ...).
    static QString outcome(const AwsError &error);

signals:
    // One per finished send() (not per attempt); `outcome` as outcome() above. Not emitted for
    // requests abandoned because their context died.
    void requestFinished(const QString &operation, const QString &outcome);

private:
    struct Job;
    enum class TimeoutKind { None, Connect, Request };

    Job *job(quint64 id) const;
    void pump();
    void startAttempt(Job *job);
    void onCredentials(quint64 id, quint64 serial, const AwsCredentials &credentials, const AwsError &error);
    void dispatch(Job *job, const AwsCredentials &credentials);
    void onReplyFinished(quint64 id, QNetworkReply *reply);
    void onTimeout(quint64 id, QNetworkReply *reply, TimeoutKind kind);
    void startDecoding(Job *job, AwsResponse response);
    void handleFailure(Job *job, const AwsResponse &response, AwsError error);
    void releaseSlot(Job *job);
    void finish(quint64 id, AwsResponse response, AwsError error);
    void cancel(quint64 id);
    AwsError configError(const AwsRequest &request) const;

    QNetworkAccessManager *m_nam;
    QPointer<CredentialProvider> m_credentials;
    Options m_options;
    RetryPolicy m_retry;
    std::unordered_map<quint64, std::unique_ptr<Job>> m_jobs;
    std::deque<quint64> m_queue;
    quint64 m_nextId = 1;
    int m_inFlight = 0;
    QHash<QString, QVector<int>> m_poolLoad;   // host key -> attempts in flight per pool
    int m_peakInFlight = 0;
    QThreadPool *m_decodePool;                 // child: its destructor waits for running decodes
};
