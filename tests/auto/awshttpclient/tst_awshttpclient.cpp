// AwsHttpClient against FakeEcrServer: every injected fault (attempts the fake counted, a fresh
// signature per attempt, the final typed error or the successful retry), AWS_MAX_ATTEMPTS,
// the in-flight limit and FIFO queue, timeouts, unsigned requests, expired-token refresh,
// context lifetime, decodeBody on worker threads and proxy bypass; plus the pure parts (retry classification, backoff,
// quota, JSON and XML error documents, Host header).

#include "aws/awshttpclient.h"
#include "aws/jsonerrorparser.h"
#include "aws/retrypolicy.h"
#include "aws/staticcredentialprovider.h"
#include "aws/xmlerrorparser.h"
#include "fakeecrserver.h"
#include "fakeregistry.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QScopeGuard>
#include <QSemaphore>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <thread>

using Fault = FakeEcrServer::Fault;
Q_DECLARE_METATYPE(FakeEcrServer::Fault)
Q_DECLARE_METATYPE(AwsError::Kind)

namespace {

const QString kRegion = QStringLiteral("eu-west-1");
const QString kKeyId = QStringLiteral("AKIDFAKEECRTEST00001");
const QString kSecret = QStringLiteral("fakeSecretKeyForTests/0123456789abcdefghij");

AwsCredentials testCredentials(const QString &keyId = kKeyId, const QString &secret = kSecret,
                               const QString &token = {})
{
    AwsCredentials c;
    c.accessKeyId = keyId;
    c.secretAccessKey = secret;
    c.sessionToken = token;
    c.source = QStringLiteral("test");
    return c;
}

AwsRequest ecrRequest(const QUrl &endpoint, const QString &operation, const QByteArray &body)
{
    AwsRequest r = AwsRequest::json(operation, endpoint, "application/x-amz-json-1.1",
                                    "AmazonEC2ContainerRegistry_V20150921." + operation.toLatin1(), body, kRegion,
                                    QStringLiteral("ecr"));
    r.validateBody = JsonErrorParser::requireJsonObject;
    return r;
}

// Fast settings: short timeouts and tiny backoff; a clock that moves one second per signature
// so a re-signed attempt always carries a new X-Amz-Date (well inside the fake's 15 min skew).
AwsHttpClient::Options fastOptions()
{
    AwsHttpClient::Options o;
    o.connectTimeoutMs = 2000;
    o.requestTimeoutMs = 600;
    o.retryBaseDelayMs = 5;
    o.retryMaxDelayMs = 20;
    auto tick = std::make_shared<int>(0);
    o.clock = [tick] { return QDateTime::currentDateTimeUtc().addSecs((*tick)++); };
    return o;
}

// What a decodeBody saw, shared with the worker thread that runs it.
struct DecodeProbe
{
    std::atomic<int> calls{0};
    std::atomic<QThread *> thread{nullptr};
    QSemaphore started;
    QSemaphore release;      // acquired by the decoder when `blocking`
    bool blocking = false;
    bool reject = false;     // answer with an error even for a good body
};

// DescribeRegistry's registryId, decoded on the client's worker thread.
AwsRequest decodingRequest(const QUrl &endpoint, const std::shared_ptr<DecodeProbe> &probe)
{
    AwsRequest r = ecrRequest(endpoint, QStringLiteral("DescribeRegistry"), "{}");
    r.validateBody = nullptr;
    r.decodeBody = [probe](const QByteArray &body, std::any *decoded) {
        ++probe->calls;
        probe->thread = QThread::currentThread();
        probe->started.release();
        if (probe->blocking)
            probe->release.acquire();
        if (probe->reject)
            return AwsError::make(AwsError::Kind::Service, QStringLiteral("not the document we wanted"));
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        if (!doc.isObject())
            return AwsError::make(AwsError::Kind::Parse, QStringLiteral("not a JSON object"));
        *decoded = doc.object().value(QLatin1String("registryId")).toString();
        return AwsError();
    };
    return r;
}

struct Outcome
{
    bool done = false;
    int calls = 0;
    AwsResponse response;
    AwsError error;
};

// Has keys ready (like a CredentialChain with fresh cached keys): the client must sign with
// them without calling credentials().
class ReadyProvider : public StaticCredentialProvider
{
public:
    using StaticCredentialProvider::StaticCredentialProvider;
    AwsCredentials readyCredentials() const override { return ready; }
    AwsCredentials ready;
};

// Rotates to a second key when invalidated, like a real provider fetching fresh credentials.
class RotatingProvider : public StaticCredentialProvider
{
public:
    RotatingProvider(const AwsCredentials &first, const AwsCredentials &second)
        : StaticCredentialProvider(first), m_second(second) {}
    void invalidate() override
    {
        StaticCredentialProvider::invalidate();
        setCredentials(m_second);
    }

private:
    AwsCredentials m_second;
};

// Never answers: for the credential-timeout path.
class SilentProvider : public CredentialProvider
{
public:
    void credentials(QObject *, Callback) override {}
    QString describe() const override { return QStringLiteral("silent"); }
};

} // namespace

class TestAwsHttpClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeEcrServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<StaticCredentialProvider> m_creds;

    std::shared_ptr<Outcome> send(AwsHttpClient &client, const AwsRequest &request,
                                  const AwsErrorParser &parser = JsonErrorParser::parse, QObject *context = nullptr)
    {
        auto out = std::make_shared<Outcome>();
        client.send(request, parser, context ? context : this, [out](const AwsResponse &r, const AwsError &e) {
            ++out->calls;
            out->done = true;
            out->response = r;
            out->error = e;
        });
        return out;
    }

    bool wait(const std::shared_ptr<Outcome> &out, int ms = 20000)
    {
        return QTest::qWaitFor([&] { return out->done; }, ms);
    }

private slots:
    void init()
    {
        m_server = std::make_unique<FakeEcrServer>();
        FakeRegistry::Spec spec;
        spec.repositories = 3;
        spec.imagesPerRepository = 2;
        m_server->setRegistry(FakeRegistry::generate(spec));
        m_server->addCredentials(kKeyId, kSecret);
        m_server->setSlowDelay(3000);
        QVERIFY(m_server->listen());
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_creds = std::make_unique<StaticCredentialProvider>(testCredentials());
    }

    void cleanup()
    {
        m_nam.reset();
        m_server.reset();
        m_creds.reset();
        QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::DefaultProxy));
    }

    void faults_data()
    {
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<int>("injected");      // how many requests in a row get the fault
        QTest::addColumn<int>("attempts");      // what the fake must count
        QTest::addColumn<AwsError::Kind>("kind"); // None = the retry succeeded
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("outcome");  // requestFinished()

        using K = AwsError::Kind;
        const QString ok = QStringLiteral("success");
        const QString thr = QStringLiteral("ThrottlingException");
        QTest::newRow("throttle 400 once → retried") << Fault::Throttle << 1 << 2 << K::None << QString() << 200 << ok;
        QTest::newRow("throttle 400 always") << Fault::Throttle << 5 << 3 << K::Throttling << thr << 400 << thr;
        QTest::newRow("429 once → retried") << Fault::TooManyRequests << 1 << 2 << K::None << QString() << 200 << ok;
        QTest::newRow("429 always") << Fault::TooManyRequests << 5 << 3 << K::Throttling << thr << 429 << thr;
        QTest::newRow("500 twice → retried") << Fault::InternalError << 2 << 3 << K::None << QString() << 200 << ok;
        QTest::newRow("500 always") << Fault::InternalError << 5 << 3 << K::Service << QStringLiteral("ServerException") << 500 << QStringLiteral("ServerException");
        QTest::newRow("503 once → retried") << Fault::ServiceUnavailable << 1 << 2 << K::None << QString() << 200 << ok;
        QTest::newRow("503 always") << Fault::ServiceUnavailable << 5 << 3 << K::Service << QStringLiteral("ServiceUnavailable") << 503 << QStringLiteral("ServiceUnavailable");
        QTest::newRow("slow once → timeout, retried") << Fault::Slow << 1 << 2 << K::None << QString() << 200 << ok;
        QTest::newRow("slow always → timeout") << Fault::Slow << 5 << 3 << K::Timeout << QString() << 0 << QStringLiteral("timeout");
        QTest::newRow("malformed JSON → parse, not retried") << Fault::MalformedJson << 1 << 1 << K::Parse << QString() << 200 << QStringLiteral("parse");
        QTest::newRow("truncated JSON → parse, not retried") << Fault::TruncatedJson << 1 << 1 << K::Parse << QString() << 200 << QStringLiteral("parse");
        // Qt itself resends a request once when the server closes a connection before
        // answering (same bytes, same signature), so a single drop may never reach us: -1 = one
        // or two signed attempts. Dropped for good, our three attempts show as three signatures.
        QTest::newRow("dropped once → recovered") << Fault::DropConnection << 1 << -1 << K::None << QString() << 200 << ok;
        QTest::newRow("dropped always") << Fault::DropConnection << 20 << 3 << K::Network << QString() << 0 << QStringLiteral("network");
        QTest::newRow("access denied → not retried") << Fault::AccessDenied << 1 << 1 << K::Service << QStringLiteral("AccessDeniedException") << 400 << QStringLiteral("AccessDeniedException");
        QTest::newRow("expired token once → refreshed, retried") << Fault::ExpiredToken << 1 << 2 << K::None << QString() << 200 << ok;
        QTest::newRow("expired token twice → retried once only") << Fault::ExpiredToken << 5 << 2 << K::Service << QStringLiteral("ExpiredTokenException") << 400 << QStringLiteral("ExpiredTokenException");
    }
    void faults()
    {
        QFETCH(Fault, fault);
        QFETCH(int, injected);
        QFETCH(int, attempts);
        QFETCH(AwsError::Kind, kind);
        QFETCH(QString, code);
        QFETCH(int, status);
        QFETCH(QString, outcome);

        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QSignalSpy finished(&client, &AwsHttpClient::requestFinished);
        m_server->injectFault(QStringLiteral("DescribeRegistry"), fault, injected);

        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->calls, 1);

        if (attempts < 0) {
            QVERIFY(out->response.attempts == 1 || out->response.attempts == 2);
            attempts = out->response.attempts;
        }
        // What the fake saw: the attempts, each freshly signed with freshly fetched credentials.
        if (fault == Fault::DropConnection)
            QVERIFY(m_server->requestCount(QStringLiteral("DescribeRegistry")) >= attempts);
        else
            QTRY_COMPARE(m_server->requestCount(QStringLiteral("DescribeRegistry")), attempts);
        const auto recorded = m_server->requests();
        QSet<QByteArray> dates, signatures;
        for (const auto &r : recorded) {
            QVERIFY(!r.signature.isEmpty());
            dates.insert(r.amzDate);
            signatures.insert(r.signature);
        }
        QCOMPARE(dates.size(), attempts);
        QCOMPARE(signatures.size(), attempts);
        QCOMPARE(m_creds->fetchCount(), attempts);
        QCOMPARE(m_creds->invalidateCount(), fault == Fault::ExpiredToken ? 1 : 0);

        QCOMPARE(out->error.kind, kind);
        QCOMPARE(out->response.attempts, attempts);
        if (kind == AwsError::Kind::None) {
            QCOMPARE(out->response.httpStatus, 200);
            QVERIFY(out->response.body.contains("registryId"));
            QVERIFY(!out->response.requestId.isEmpty());
        } else {
            QCOMPARE(out->error.code, code);
            QCOMPARE(out->error.httpStatus, status);
            QCOMPARE(out->error.attempts, attempts);
            QCOMPARE(out->error.operation, QStringLiteral("DescribeRegistry"));
            QVERIFY(!out->error.message.isEmpty());
            if (status > 0)
                QVERIFY(!out->error.requestId.isEmpty());
        }
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("DescribeRegistry"));
        QCOMPARE(finished.at(0).at(1).toString(), outcome);
        QCOMPARE(client.inFlight(), 0);
        QCOMPARE(client.queued(), 0);
    }

    void maxAttemptsFromEnvironment_data()
    {
        QTest::addColumn<QString>("value"); // "<unset>" = not set
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("result");    // 42 = untouched
        QTest::newRow("unset") << QStringLiteral("<unset>") << true << 42;
        QTest::newRow("empty") << QString() << true << 42;
        QTest::newRow("5") << QStringLiteral("5") << true << 5;
        QTest::newRow("1") << QStringLiteral("1") << true << 1;
        QTest::newRow("spaces") << QStringLiteral(" 7 ") << true << 7;
        QTest::newRow("100") << QStringLiteral("100") << true << 100;
        QTest::newRow("0") << QStringLiteral("0") << false << 42;
        QTest::newRow("negative") << QStringLiteral("-1") << false << 42;
        QTest::newRow("101") << QStringLiteral("101") << false << 42;
        QTest::newRow("fraction") << QStringLiteral("3.5") << false << 42;
        QTest::newRow("word") << QStringLiteral("three") << false << 42;
    }
    void maxAttemptsFromEnvironment()
    {
        QFETCH(QString, value);
        QFETCH(bool, ok);
        QFETCH(int, result);
        QProcessEnvironment env;
        if (value != QLatin1String("<unset>"))
            env.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), value);
        int n = 42;
        QString error;
        QCOMPARE(RetryPolicy::maxAttemptsFromEnvironment(env, &n, &error), ok);
        QCOMPARE(n, result);
        QCOMPARE(error.isEmpty(), ok);
        if (!ok) {
            QVERIFY2(error.contains(QLatin1String("AWS_MAX_ATTEMPTS")), qPrintable(error));
            QVERIFY(!error.contains(QLatin1Char('\n')));
        }
    }

    void maxAttemptsRespected_data()
    {
        QTest::addColumn<QString>("env");
        QTest::addColumn<int>("attempts");
        QTest::newRow("AWS_MAX_ATTEMPTS=1") << QStringLiteral("1") << 1;
        QTest::newRow("AWS_MAX_ATTEMPTS=5") << QStringLiteral("5") << 5;
        QTest::newRow("AWS_MAX_ATTEMPTS=7") << QStringLiteral("7") << 7;
    }
    void maxAttemptsRespected()
    {
        QFETCH(QString, env);
        QFETCH(int, attempts);
        QProcessEnvironment e;
        e.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), env);
        AwsHttpClient::Options o = fastOptions();
        QString error;
        QVERIFY(RetryPolicy::maxAttemptsFromEnvironment(e, &o.maxAttempts, &error));
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        m_server->injectFault(QString(), Fault::InternalError, 100);
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->error.code, QStringLiteral("ServerException"));
        QCOMPARE(out->error.attempts, attempts);
        QCOMPARE(m_server->requestCount(), attempts);
    }

    void perRequestMaxAttempts()
    {
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        m_server->injectFault(QString(), Fault::Throttle, 100);
        AwsRequest r = ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}");
        r.maxAttempts = 4;
        auto out = send(client, r);
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Throttling);
        QCOMPARE(m_server->requestCount(), 4);
    }

    // The delay between attempts is the backoff: with rand fixed near 1 and base 100 ms the
    // two waits are 99 and 199 ms.
    void backoffIsApplied()
    {
        AwsHttpClient::Options o = fastOptions();
        o.retryBaseDelayMs = 100;
        o.retryMaxDelayMs = 1000;
        o.random = [] { return 0.999; };
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        m_server->injectFault(QString(), Fault::ServiceUnavailable, 2);
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        QCOMPARE(out->response.attempts, 3);
        QVERIFY2(out->response.elapsedMs >= 99 + 199, qPrintable(QString::number(out->response.elapsedMs)));
    }

    void retryQuotaAccounting()
    {
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QCOMPARE(client.retryQuotaAvailable(), 500);
        // Two failed attempts retried (5 each), then give up: 490.
        m_server->injectFault(QString(), Fault::Throttle, 3);
        auto a = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(a));
        QCOMPARE(client.retryQuotaAvailable(), 490);
        // A timeout retry costs 10; the success after it refunds those 10.
        m_server->injectFault(QString(), Fault::Slow, 1);
        auto b = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(b));
        QVERIFY(!b->error);
        QCOMPARE(client.retryQuotaAvailable(), 490);
        // A first-try success refunds 1.
        auto c = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(c));
        QCOMPARE(client.retryQuotaAvailable(), 491);
    }

    void retryQuotaUnit()
    {
        RetryPolicy::Options o;
        o.quotaCapacity = 12;
        RetryPolicy p(o);
        const AwsError throttle = AwsError::make(AwsError::Kind::Throttling, QString(), QStringLiteral("ThrottlingException"));
        const AwsError timeout = AwsError::make(AwsError::Kind::Timeout, QString());
        QCOMPARE(p.acquireRetry(throttle), 5);
        QCOMPARE(p.availableQuota(), 7);
        QCOMPARE(p.acquireRetry(timeout), 0); // 7 < 10: no retry
        QCOMPARE(p.availableQuota(), 7);
        QCOMPARE(p.acquireRetry(throttle), 5);
        QCOMPARE(p.acquireRetry(throttle), 0); // 2 < 5
        p.releaseOnSuccess(5);
        QCOMPARE(p.availableQuota(), 7);
        p.releaseOnSuccess(0);
        QCOMPARE(p.availableQuota(), 8);
        p.releaseOnSuccess(10);
        QCOMPARE(p.availableQuota(), 12); // capped
    }

    void quotaExhaustedStopsRetries()
    {
        AwsHttpClient::Options o = fastOptions();
        o.retryQuotaCapacity = 20;
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        // Each failing request retries twice (2 × 5): the bucket of 20 lasts two requests,
        // the third fails fast after its first attempt.
        m_server->injectFault(QString(), Fault::InternalError, 1000);
        for (int i = 0; i < 2; ++i) {
            auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
            QVERIFY(wait(out));
            QCOMPARE(out->error.attempts, 3);
        }
        QCOMPARE(client.retryQuotaAvailable(), 0);
        auto last = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(last));
        QCOMPARE(last->error.attempts, 1);
        QCOMPARE(last->error.code, QStringLiteral("ServerException"));
        QVERIFY2(last->error.message.contains(QLatin1String("retry quota exhausted")), qPrintable(last->error.message));
        QCOMPARE(m_server->requestCount(), 7);

        // Without the quota the same client type keeps retrying.
        o.retryQuota = false;
        AwsHttpClient unlimited(m_nam.get(), m_creds.get(), o);
        for (int i = 0; i < 3; ++i) {
            auto out = send(unlimited, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
            QVERIFY(wait(out));
            QCOMPARE(out->error.attempts, 3);
        }
    }

    void backoffFormula_data()
    {
        QTest::addColumn<int>("attempt");
        QTest::addColumn<double>("rand");
        QTest::addColumn<int>("base");
        QTest::addColumn<int>("cap");
        QTest::addColumn<int>("ms");
        // rand * min(base * 2^(attempt-1), cap), floored to whole ms (hand-computed).
        QTest::newRow("1st, half") << 1 << 0.5 << 1000 << 20000 << 500;
        QTest::newRow("2nd, half") << 2 << 0.5 << 1000 << 20000 << 1000;
        QTest::newRow("3rd, almost 1") << 3 << 0.999 << 1000 << 20000 << 3996;
        QTest::newRow("5th, full") << 5 << 1.0 << 1000 << 20000 << 16000;
        QTest::newRow("6th, capped") << 6 << 0.5 << 1000 << 20000 << 10000;
        QTest::newRow("huge attempt, capped") << 500 << 0.25 << 1000 << 20000 << 5000;
        QTest::newRow("zero rand") << 4 << 0.0 << 1000 << 20000 << 0;
        QTest::newRow("test settings") << 3 << 0.5 << 5 << 20 << 10;
    }
    void backoffFormula()
    {
        QFETCH(int, attempt);
        QFETCH(double, rand);
        QFETCH(int, base);
        QFETCH(int, cap);
        QFETCH(int, ms);
        QCOMPARE(RetryPolicy::backoffMs(attempt, rand, base, cap), ms);
    }

    void retryClassification_data()
    {
        QTest::addColumn<AwsError::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retry");
        using K = AwsError::Kind;
        QTest::newRow("ThrottlingException") << K::Service << "ThrottlingException" << 400 << true;
        QTest::newRow("Throttling (query)") << K::Service << "Throttling" << 400 << true;
        QTest::newRow("TooManyRequestsException") << K::Service << "TooManyRequestsException" << 400 << true;
        QTest::newRow("RequestLimitExceeded") << K::Service << "RequestLimitExceeded" << 400 << true;
        QTest::newRow("SlowDown") << K::Service << "SlowDown" << 503 << true;
        QTest::newRow("429 without code") << K::Service << "" << 429 << true;
        QTest::newRow("RequestTimeout") << K::Service << "RequestTimeout" << 400 << true;
        QTest::newRow("RequestTimeoutException") << K::Service << "RequestTimeoutException" << 400 << true;
        QTest::newRow("PriorRequestNotComplete") << K::Service << "PriorRequestNotComplete" << 400 << true;
        QTest::newRow("IDPCommunicationError") << K::Service << "IDPCommunicationError" << 400 << true;
        QTest::newRow("500") << K::Service << "InternalFailure" << 500 << true;
        QTest::newRow("502") << K::Service << "" << 502 << true;
        QTest::newRow("503") << K::Service << "ServiceUnavailable" << 503 << true;
        QTest::newRow("504") << K::Service << "" << 504 << true;
        QTest::newRow("501 not retried") << K::Service << "" << 501 << false;
        QTest::newRow("network") << K::Network << "" << 0 << true;
        QTest::newRow("timeout") << K::Timeout << "" << 0 << true;
        QTest::newRow("AccessDenied") << K::Service << "AccessDeniedException" << 400 << false;
        QTest::newRow("UnrecognizedClient") << K::Service << "UnrecognizedClientException" << 403 << false;
        QTest::newRow("InvalidSignature") << K::Service << "InvalidSignatureException" << 403 << false;
        QTest::newRow("RepositoryNotFound") << K::Service << "RepositoryNotFoundException" << 400 << false;
        QTest::newRow("LimitExceeded is a quota for ECR") << K::Service << "LimitExceededException" << 400 << false;
        QTest::newRow("ExpiredToken (own path)") << K::Service << "ExpiredTokenException" << 400 << false;
        QTest::newRow("parse") << K::Parse << "" << 200 << false;
        QTest::newRow("credentials") << K::Credentials << "" << 0 << false;
        QTest::newRow("config") << K::Config << "" << 0 << false;
    }
    void retryClassification()
    {
        QFETCH(AwsError::Kind, kind);
        QFETCH(QString, code);
        QFETCH(int, status);
        QFETCH(bool, retry);
        AwsError e = AwsError::make(kind, QStringLiteral("x"), code);
        e.httpStatus = status;
        QCOMPARE(RetryPolicy::isRetryable(e), retry);
    }

    // In-flight limit measured where it matters: on the server, with latency so requests overlap.
    void inFlightLimit_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("requests");
        QTest::newRow("limit 1") << 1 << 5;
        QTest::newRow("limit 3") << 3 << 12;
        QTest::newRow("default 8") << 0 << 20;
    }
    void inFlightLimit()
    {
        QFETCH(int, limit);
        QFETCH(int, requests);
        AwsHttpClient::Options o = fastOptions();
        o.requestTimeoutMs = 5000;
        if (limit > 0)
            o.maxInFlight = limit;
        else
            limit = 8; // the documented default
        // All of them reach the one host, also above Qt's 6 connections per pool.
        const int wire = limit;
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        m_server->setLatency(150);
        QVector<std::shared_ptr<Outcome>> outs;
        for (int i = 1; i <= requests; ++i) {
            outs.append(send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRepositories"),
                                                "{\"maxResults\":" + QByteArray::number(i) + "}")));
            QVERIFY(client.inFlight() <= limit);
        }
        QCOMPARE(client.inFlight(), std::min(wire, requests));
        QCOMPARE(client.queued(), std::max(0, requests - wire));
        for (const auto &out : outs) {
            QVERIFY(wait(out));
            QVERIFY2(!out->error, qPrintable(out->error.toString()));
        }
        QCOMPARE(client.peakInFlight(), wire);
        QCOMPARE(client.inFlight(), 0);
        QCOMPARE(m_server->peakConcurrentRequests(), wire);

        // FIFO: request k cannot start before k - limit earlier ones are done, so it arrives
        // within `limit` places of its send position (exactly in order with limit 1).
        const auto recorded = m_server->requests();
        QCOMPARE(recorded.size(), requests);
        for (int pos = 0; pos < recorded.size(); ++pos) {
            const QByteArray body = recorded.at(pos).body;
            const int k = body.mid(body.indexOf(':') + 1).chopped(1).toInt();
            QVERIFY2(std::abs(k - 1 - pos) < wire, qPrintable(QStringLiteral("request %1 arrived %2th").arg(k).arg(pos + 1)));
        }
    }

    // Qt 6.4 opens at most 6 connections per pool; the client spreads attempts over pools so
    // that maxInFlight requests really reach ONE host at once (the fake counts them).
    void inFlightAboveSixReachOneHost_data()
    {
        QTest::addColumn<int>("maxInFlight");
        QTest::newRow("4") << 4;
        QTest::newRow("8 (default)") << 8;
        QTest::newRow("13") << 13;
    }
    void inFlightAboveSixReachOneHost()
    {
        QFETCH(int, maxInFlight);
        m_server->setLatency(300);
        AwsHttpClient::Options o = fastOptions();
        o.requestTimeoutMs = 10000;
        o.maxInFlight = maxInFlight;
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        QVector<std::shared_ptr<Outcome>> outs;
        for (int i = 0; i < 2 * maxInFlight; ++i)
            outs.append(send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}")));
        QCOMPARE(client.inFlight(), maxInFlight);
        for (const auto &out : outs) {
            QVERIFY(wait(out));
            QVERIFY2(!out->error, qPrintable(out->error.toString()));
        }
        QCOMPARE(client.peakInFlight(), maxInFlight);
        QCOMPARE(m_server->peakConcurrentRequests(), maxInFlight);
        QCOMPARE(m_server->requestCount(), 2 * maxInFlight);
    }

    // Two hosts share the global limit, and a queue for one does not hold back the other.
    void twoHostsShareTheLimit()
    {
        FakeEcrServer second;
        second.setRegistry(m_server->registry());
        second.addCredentials(kKeyId, kSecret);
        QVERIFY(second.listen());
        m_server->setLatency(150);
        second.setLatency(150);
        AwsHttpClient::Options o = fastOptions();
        o.requestTimeoutMs = 5000;
        o.maxInFlight = 5;
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        QVector<std::shared_ptr<Outcome>> outs;
        for (int i = 0; i < 8; ++i) {
            outs.append(send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}")));
            outs.append(send(client, ecrRequest(second.endpoint(), QStringLiteral("DescribeRegistry"), "{}")));
        }
        QCOMPARE(client.inFlight(), 5);
        for (const auto &out : outs) {
            QVERIFY(wait(out));
            QVERIFY2(!out->error, qPrintable(out->error.toString()));
        }
        QCOMPARE(client.peakInFlight(), 5);
        QVERIFY(m_server->peakConcurrentRequests() >= 2);
        QVERIFY(second.peakConcurrentRequests() >= 2);
        QCOMPARE(m_server->requestCount() + second.requestCount(), 16);
    }

    void connectionPoolName_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<int>("pool");
        QTest::addColumn<QString>("name");
        QTest::newRow("default pool") << QUrl(QStringLiteral("https://api.ecr.eu-west-1.amazonaws.com/")) << 0 << QString();
        QTest::newRow("https 1") << QUrl(QStringLiteral("https://api.ecr.eu-west-1.amazonaws.com/")) << 1 << QStringLiteral("Api.ecr.eu-west-1.amazonaws.com");
        QTest::newRow("https 4") << QUrl(QStringLiteral("https://api.ecr.eu-west-1.amazonaws.com/")) << 4 << QStringLiteral("API.Ecr.eu-west-1.amazonaws.com");
        QTest::newRow("http") << QUrl(QStringLiteral("http://127.0.0.1:8080/")) << 2 << QStringLiteral("127.0.0.1#pool2");
    }
    void connectionPoolName()
    {
        QFETCH(QUrl, url);
        QFETCH(int, pool);
        QFETCH(QString, name);
        QCOMPARE(AwsHttpClient::connectionPoolName(url, pool), name);
    }

    void sessionToken_data()
    {
        QTest::addColumn<QString>("serverToken");
        QTest::addColumn<QString>("clientToken");
        QTest::addColumn<QString>("code");
        QTest::newRow("matching token") << "TOKEN-ABC" << "TOKEN-ABC" << QString();
        QTest::newRow("wrong token") << "TOKEN-ABC" << "TOKEN-XYZ" << "UnrecognizedClientException";
        QTest::newRow("missing token") << "TOKEN-ABC" << QString() << "UnrecognizedClientException";
    }
    void sessionToken()
    {
        QFETCH(QString, serverToken);
        QFETCH(QString, clientToken);
        QFETCH(QString, code);
        m_server->addCredentials(QStringLiteral("ASIATEMPORARYKEY0001"), kSecret, serverToken);
        StaticCredentialProvider creds(testCredentials(QStringLiteral("ASIATEMPORARYKEY0001"), kSecret, clientToken));
        AwsHttpClient client(m_nam.get(), &creds, fastOptions());
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->error.code, code);
        QCOMPARE(out->response.attempts, 1);
    }

    void wrongSecretIsNotRetried()
    {
        StaticCredentialProvider creds(testCredentials(kKeyId, QStringLiteral("not-the-secret")));
        AwsHttpClient client(m_nam.get(), &creds, fastOptions());
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Service);
        QCOMPARE(out->error.code, QStringLiteral("InvalidSignatureException"));
        QCOMPARE(out->error.httpStatus, 403);
        QCOMPARE(m_server->requestCount(), 1);
    }

    // After ExpiredTokenException the provider is invalidated and the retry uses what it hands out next.
    void expiredTokenUsesFreshCredentials()
    {
        m_server->addCredentials(QStringLiteral("AKIDROTATEDKEY000002"), QStringLiteral("second-secret"));
        RotatingProvider creds(testCredentials(), testCredentials(QStringLiteral("AKIDROTATEDKEY000002"),
                                                                  QStringLiteral("second-secret")));
        AwsHttpClient client(m_nam.get(), &creds, fastOptions());
        m_server->injectFault(QString(), Fault::ExpiredToken, 1);
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        const auto recorded = m_server->requests();
        QCOMPARE(recorded.size(), 2);
        QCOMPARE(recorded.at(0).accessKeyId, QByteArray("AKIDFAKEECRTEST00001"));
        QCOMPARE(recorded.at(1).accessKeyId, QByteArray("AKIDROTATEDKEY000002"));
        QCOMPARE(creds.invalidateCount(), 1);
    }

    // Keys the provider has ready are used at once, with no credentials() round trip; with
    // none ready the client asks as usual.
    void readyCredentialsSkipTheCallback()
    {
        ReadyProvider provider(testCredentials());
        provider.ready = testCredentials();
        AwsHttpClient client(m_nam.get(), &provider, fastOptions());
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        QCOMPARE(provider.fetchCount(), 0);
        QCOMPARE(m_server->requests().constLast().accessKeyId, kKeyId.toLatin1());

        provider.ready = AwsCredentials();
        auto asked = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(asked));
        QVERIFY(!asked->error);
        QCOMPARE(provider.fetchCount(), 1);
    }

    void unsignedRequest()
    {
        AwsHttpClient client(m_nam.get(), nullptr, fastOptions());
        AwsRequest r = ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}");
        r.sign = false;
        // The verifying fake refuses it: no Authorization header went out.
        auto refused = send(client, r);
        QVERIFY(wait(refused));
        QCOMPARE(refused->error.code, QStringLiteral("MissingAuthenticationTokenException"));
        QCOMPARE(m_server->requests().at(0).signature, QByteArray());
        QCOMPARE(m_server->requests().at(0).amzDate, QByteArray());
        // Without verification it goes through.
        m_server->setVerifySignatures(false);
        auto accepted = send(client, r);
        QVERIFY(wait(accepted));
        QVERIFY2(!accepted->error, qPrintable(accepted->error.toString()));
    }

    void signedWithoutProviderIsAConfigError()
    {
        AwsHttpClient client(m_nam.get(), nullptr, fastOptions());
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(!out->done); // never inside send()
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Credentials);
        QCOMPARE(m_server->requestCount(), 0);
    }

    void badEndpointIsAConfigError_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("no scheme") << "api.ecr.eu-west-1.amazonaws.com";
        QTest::newRow("ftp") << "ftp://example.com/";
        QTest::newRow("empty") << QString();
    }
    void badEndpointIsAConfigError()
    {
        QFETCH(QString, url);
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QSignalSpy finished(&client, &AwsHttpClient::requestFinished);
        auto out = send(client, ecrRequest(QUrl(url), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(!out->done);
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Config);
        QVERIFY(out->error.message.contains(QLatin1String("endpoint")));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("config"));
    }

    void credentialProviderError()
    {
        StaticCredentialProvider creds(AwsCredentials{}); // no keys
        AwsHttpClient client(m_nam.get(), &creds, fastOptions());
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Credentials);
        QCOMPARE(m_server->requestCount(), 0);
        QCOMPARE(client.inFlight(), 0);
    }

    void credentialProviderTimeout()
    {
        SilentProvider creds;
        AwsHttpClient::Options o = fastOptions();
        o.credentialsTimeoutMs = 100;
        AwsHttpClient client(m_nam.get(), &creds, o);
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Credentials);
        QVERIFY2(out->error.message.contains(QLatin1String("did not answer")), qPrintable(out->error.message));
        QCOMPARE(client.inFlight(), 0);
    }

    void connectionRefused()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QUrl url(QStringLiteral("http://127.0.0.1"));
        url.setPort(port);
        auto out = send(client, ecrRequest(url, QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QCOMPARE(out->error.kind, AwsError::Kind::Network);
        QCOMPARE(out->error.attempts, 3);
        QCOMPARE(m_creds->fetchCount(), 3);
    }

    // A listener whose accept queue is full drops new SYNs, so the connection never completes:
    // the 2 s connect limit (here 150 ms) must fire, not the whole-request one.
    void connectTimeout()
    {
        QTcpServer full;
        full.setListenBacklogSize(0);
        QVERIFY(full.listen(QHostAddress::LocalHost));
        full.pauseAccepting();
        std::vector<std::unique_ptr<QTcpSocket>> fillers;
        for (int i = 0; i < 4; ++i) {
            fillers.push_back(std::make_unique<QTcpSocket>());
            fillers.back()->connectToHost(QHostAddress::LocalHost, full.serverPort());
        }
        QTest::qWait(100); // let the fillers occupy the queue (no signal tells us it is full)

        AwsHttpClient::Options o = fastOptions();
        o.connectTimeoutMs = 150;
        o.requestTimeoutMs = 10000;
        o.maxAttempts = 2;
        AwsHttpClient client(m_nam.get(), m_creds.get(), o);
        QUrl url(QStringLiteral("http://127.0.0.1"));
        url.setPort(full.serverPort());
        auto out = send(client, ecrRequest(url, QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out, 5000));
        if (out->error.kind != AwsError::Kind::Timeout)
            QSKIP(qPrintable(QStringLiteral("this kernel completed the connection anyway: %1").arg(out->error.toString())));
        QVERIFY2(out->error.message.contains(QLatin1String("could not connect")), qPrintable(out->error.message));
        QCOMPARE(out->error.attempts, 2);
        QVERIFY(out->response.elapsedMs < 5000);
    }

    void contextDestroyedDropsCallback()
    {
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QSignalSpy finished(&client, &AwsHttpClient::requestFinished);
        m_server->setLatency(200);
        auto context = std::make_unique<QObject>();
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"), JsonErrorParser::parse,
                        context.get());
        auto queued = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"), JsonErrorParser::parse,
                           context.get());
        QTRY_COMPARE(m_server->requestCount(), 2); // both on the wire
        context.reset();
        QCOMPARE(client.inFlight(), 0);
        QCOMPARE(client.queued(), 0);
        // The fake answers after its latency; nothing may reach the dead context.
        QSignalSpy handled(m_server.get(), &FakeEcrServer::requestHandled);
        QTRY_COMPARE(handled.size(), 2);
        QCoreApplication::processEvents();
        QCOMPARE(out->calls, 0);
        QCOMPARE(queued->calls, 0);
        QCOMPARE(finished.size(), 0);

        // The client keeps working afterwards.
        auto next = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(next));
        QVERIFY(!next->error);
    }

    void clientDestroyedWithRequestsInFlight()
    {
        auto client = std::make_unique<AwsHttpClient>(m_nam.get(), m_creds.get(), fastOptions());
        m_server->setLatency(100);
        auto a = send(*client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        m_server->injectFault(QString(), Fault::Throttle, 1);
        auto b = send(*client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QTRY_COMPARE(m_server->requestCount(), 2);
        client.reset();
        QSignalSpy handled(m_server.get(), &FakeEcrServer::requestHandled);
        QTRY_COMPARE(handled.size(), 2);
        QCoreApplication::processEvents();
        QCOMPARE(a->calls, 0);
        QCOMPARE(b->calls, 0);
    }

    // decodeBody runs once per successful reply, on a worker thread, and its value arrives
    // in the callback on the client's thread.
    void decodeBodyRunsOnceOffThread()
    {
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QSignalSpy finished(&client, &AwsHttpClient::requestFinished);
        m_server->injectFault(QStringLiteral("DescribeRegistry"), Fault::Throttle, 1); // a retried attempt first
        auto probe = std::make_shared<DecodeProbe>();
        QThread *callbackThread = nullptr;
        auto out = std::make_shared<Outcome>();
        client.send(decodingRequest(m_server->endpoint(), probe), JsonErrorParser::parse, this,
                    [out, &callbackThread](const AwsResponse &r, const AwsError &e) {
                        ++out->calls;
                        out->done = true;
                        out->response = r;
                        out->error = e;
                        callbackThread = QThread::currentThread();
                    });
        QVERIFY(wait(out));
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        QCOMPARE(out->response.attempts, 2);
        QCOMPARE(probe->calls.load(), 1); // the throttled attempt's error body is not decoded
        QVERIFY(probe->thread.load() != nullptr);
        QVERIFY(probe->thread.load() != QThread::currentThread());
        QCOMPARE(callbackThread, QThread::currentThread());
        const QString *registryId = std::any_cast<QString>(&out->response.decoded);
        QVERIFY(registryId);
        QCOMPARE(*registryId, FakeRegistry::Spec().registryId);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("success"));
        QCOMPARE(client.inFlight(), 0);
    }

    // A body the decoder refuses fails the request as a parse error: typed, not retried,
    // counted as a failure, with the reply's status and request id.
    void decodeErrorIsAParseFailure_data()
    {
        QTest::addColumn<bool>("malformed"); // the fake sends broken JSON
        QTest::addColumn<bool>("reject");    // the decoder refuses a good body
        QTest::newRow("malformed body") << true << false;
        QTest::newRow("decoder refuses") << false << true;
    }
    void decodeErrorIsAParseFailure()
    {
        QFETCH(bool, malformed);
        QFETCH(bool, reject);
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QSignalSpy finished(&client, &AwsHttpClient::requestFinished);
        if (malformed)
            m_server->injectFault(QStringLiteral("DescribeRegistry"), Fault::MalformedJson, 1);
        auto probe = std::make_shared<DecodeProbe>();
        probe->reject = reject;
        auto out = send(client, decodingRequest(m_server->endpoint(), probe));
        QVERIFY(wait(out));
        QCOMPARE(out->calls, 1);
        QCOMPARE(out->error.kind, AwsError::Kind::Parse);
        QCOMPARE(out->error.message, reject ? QStringLiteral("not the document we wanted")
                                            : QStringLiteral("not a JSON object"));
        QCOMPARE(out->error.httpStatus, 200);
        QCOMPARE(out->error.attempts, 1);
        QCOMPARE(out->error.operation, QStringLiteral("DescribeRegistry"));
        QVERIFY(!out->error.requestId.isEmpty());
        QVERIFY(!out->response.decoded.has_value());
        QCOMPARE(probe->calls.load(), 1);
        QCOMPARE(m_server->requestCount(QStringLiteral("DescribeRegistry")), 1);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("parse"));
    }

    // The context dies while the body is being decoded: no callback, no signal, and the
    // client goes on working.
    void contextDestroyedWhileDecoding()
    {
        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QSignalSpy finished(&client, &AwsHttpClient::requestFinished);
        auto probe = std::make_shared<DecodeProbe>();
        probe->blocking = true;
        auto context = std::make_unique<QObject>();
        auto out = send(client, decodingRequest(m_server->endpoint(), probe), JsonErrorParser::parse,
                        context.get());
        QVERIFY(QTest::qWaitFor([&] { return probe->started.tryAcquire(); }, 10000));
        context.reset();
        probe->release.release();
        QTest::qWait(100);
        QCOMPARE(out->calls, 0);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(client.inFlight(), 0);

        auto next = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(next));
        QVERIFY(!next->error);
    }

    // The QNAM is destroyed (deleting its replies) before the client, with a request in
    // flight: the client's destructor must not touch the deleted reply. ExporterApp used to
    // do exactly this at exit after --once while STS GetCallerIdentity was still pending.
    void namDestroyedBeforeTheClient()
    {
        m_server->setLatency(5000);
        auto nam = std::make_unique<QNetworkAccessManager>();
        auto client = std::make_unique<AwsHttpClient>(nam.get(), m_creds.get(), fastOptions());
        auto out = send(*client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(QTest::qWaitFor([&] { return m_server->requestCount() == 1; }, 10000));
        QCOMPARE(client->inFlight(), 1);
        nam.reset();
        client.reset();
        QTest::qWait(50);
        QCOMPARE(out->calls, 0);
    }

    // A reply being decoded no longer holds its in-flight slot: with a limit of one, the next
    // queued request reaches the server while the first reply's decoder is still blocked.
    void nextRequestGoesOutDuringTheDecode()
    {
        AwsHttpClient::Options options = fastOptions();
        options.maxInFlight = 1;
        AwsHttpClient client(m_nam.get(), m_creds.get(), options);
        auto probe = std::make_shared<DecodeProbe>();
        probe->blocking = true;
        const auto unblock = qScopeGuard([probe] { probe->release.release(); }); // also on failure
        auto first = send(client, decodingRequest(m_server->endpoint(), probe));
        auto second = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRepositories"), "{}"));
        QVERIFY(QTest::qWaitFor([&] { return probe->started.tryAcquire(); }, 10000));
        QVERIFY(wait(second, 5000)); // answered while the first is still being decoded
        QVERIFY2(!second->error, qPrintable(second->error.toString()));
        QVERIFY(!first->done);
        QCOMPARE(client.peakInFlight(), 1); // the limit held
        probe->release.release();
        QVERIFY(wait(first));
        QVERIFY2(!first->error, qPrintable(first->error.toString()));
        QCOMPARE(m_server->requestCount(), 2);
    }

    // The client is destroyed while a decode runs: its destructor waits for the worker,
    // and nothing calls back.
    void clientDestroyedWhileDecoding()
    {
        auto client = std::make_unique<AwsHttpClient>(m_nam.get(), m_creds.get(), fastOptions());
        auto probe = std::make_shared<DecodeProbe>();
        probe->blocking = true;
        auto out = send(*client, decodingRequest(m_server->endpoint(), probe));
        QVERIFY(QTest::qWaitFor([&] { return probe->started.tryAcquire(); }, 10000));
        std::thread releaser([probe] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            probe->release.release();
        });
        client.reset();
        releaser.join();
        QTest::qWait(50);
        QCOMPARE(out->calls, 0);
        QCOMPARE(probe->calls.load(), 1);
    }

    // Loopback goes direct even when the application proxy points at a dead proxy; other
    // hosts still get the configured proxy.
    void loopbackBypassesProxy()
    {
        QTcpServer dead;
        QVERIFY(dead.listen(QHostAddress::LocalHost));
        const quint16 deadPort = dead.serverPort();
        dead.close();
        const QNetworkProxy proxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), deadPort);
        QNetworkProxy::setApplicationProxy(proxy);

        AwsHttpClient client(m_nam.get(), m_creds.get(), fastOptions());
        QVERIFY(m_nam->proxyFactory() != nullptr);
        auto out = send(client, ecrRequest(m_server->endpoint(), QStringLiteral("DescribeRegistry"), "{}"));
        QVERIFY(wait(out));
        QVERIFY2(!out->error, qPrintable(out->error.toString()));

        const auto remote = m_nam->proxyFactory()->queryProxy(
            QNetworkProxyQuery(QUrl(QStringLiteral("https://api.ecr.eu-west-1.amazonaws.com/"))));
        QVERIFY(!remote.isEmpty());
        QCOMPARE(remote.first().type(), QNetworkProxy::HttpProxy);
        QCOMPARE(remote.first().port(), deadPort);
        const auto imds = m_nam->proxyFactory()->queryProxy(
            QNetworkProxyQuery(QUrl(QStringLiteral("http://169.254.169.254/latest/api/token"))));
        QCOMPARE(imds.value(0).type(), QNetworkProxy::NoProxy);
    }

    void keepsCallersProxySettings()
    {
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        AwsHttpClient client(&nam, m_creds.get(), fastOptions());
        QVERIFY(nam.proxyFactory() == nullptr);
    }

    void bypassesProxy_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("bypass");
        QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
        QTest::newRow("127.8.9.10") << "127.8.9.10" << true;
        QTest::newRow("::1") << "::1" << true;
        QTest::newRow("[::1]") << "[::1]" << true;
        QTest::newRow("localhost") << "localhost" << true;
        QTest::newRow("LOCALHOST") << "LOCALHOST" << true;
        QTest::newRow("IMDS") << "169.254.169.254" << true;
        QTest::newRow("ECS") << "169.254.170.2" << true;
        QTest::newRow("EKS pod identity") << "169.254.170.23" << true;
        QTest::newRow("EKS pod identity v6") << "fd00:ec2::23" << true;
        QTest::newRow("IMDS v6") << "fd00:ec2::254" << true;
        QTest::newRow("link-local v6") << "fe80::1" << true;
        QTest::newRow("ECR") << "api.ecr.eu-west-1.amazonaws.com" << false;
        QTest::newRow("private v4") << "10.0.0.1" << false;
        QTest::newRow("public v4") << "8.8.8.8" << false;
        QTest::newRow("other ULA") << "fd00:ec3::1" << false;
        QTest::newRow("localhost lookalike") << "localhost.example.com" << false;
        QTest::newRow("169.255") << "169.255.1.1" << false;
    }
    void bypassesProxy()
    {
        QFETCH(QString, host);
        QFETCH(bool, bypass);
        QCOMPARE(AwsHttpClient::bypassesProxy(host), bypass);
    }

    void hostHeader_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("host");
        QTest::newRow("loopback port") << "http://127.0.0.1:8080/" << QByteArray("127.0.0.1:8080");
        QTest::newRow("https default port dropped") << "https://api.ecr.eu-west-1.amazonaws.com:443/" << QByteArray("api.ecr.eu-west-1.amazonaws.com");
        QTest::newRow("http default port dropped") << "http://example.com:80" << QByteArray("example.com");
        QTest::newRow("no port") << "https://api.ecr.eu-west-1.amazonaws.com" << QByteArray("api.ecr.eu-west-1.amazonaws.com");
        QTest::newRow("https odd port") << "https://localstack:4566/" << QByteArray("localstack:4566");
        QTest::newRow("80 on https kept") << "https://example.com:80/" << QByteArray("example.com:80");
        QTest::newRow("IPv6") << "http://[::1]:9000/" << QByteArray("[::1]:9000");
        QTest::newRow("upper case") << "https://API.ECR.EU-WEST-1.AMAZONAWS.COM/" << QByteArray("api.ecr.eu-west-1.amazonaws.com");
    }
    void hostHeader()
    {
        QFETCH(QString, url);
        QFETCH(QByteArray, host);
        QCOMPARE(AwsHttpClient::hostHeader(QUrl(url)), host);
        QCOMPARE(AwsHttpClient::normalizedUrl(QUrl(url)).path(), QStringLiteral("/"));
    }

    void jsonErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("errorTypeHeader");
        QTest::addColumn<AwsError::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        using K = AwsError::Kind;
        QTest::newRow("plain") << 400 << QByteArray("{\"__type\":\"RepositoryNotFoundException\",\"message\":\"The repository with name 'x' does not exist\"}")
                               << QByteArray() << K::Service << "RepositoryNotFoundException" << "The repository with name 'x' does not exist";
        QTest::newRow("namespaced") << 400 << QByteArray("{\"__type\":\"com.amazonaws.ecr#RepositoryNotFoundException\",\"Message\":\"gone\"}")
                                    << QByteArray() << K::Service << "RepositoryNotFoundException" << "gone";
        QTest::newRow("colon suffix") << 400 << QByteArray("{\"__type\":\"ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/\"}")
                                      << QByteArray() << K::Service << "ValidationException" << "";
        QTest::newRow("header only") << 400 << QByteArray("{}") << QByteArray("AccessDeniedException:http://internal.amazon.com/")
                                     << K::Service << "AccessDeniedException" << "";
        QTest::newRow("throttling") << 400 << QByteArray("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")
                                    << QByteArray() << K::Throttling << "ThrottlingException" << "Rate exceeded";
        QTest::newRow("429 without body") << 429 << QByteArray() << QByteArray() << K::Throttling << "" << "HTTP 429 with an empty body";
        QTest::newRow("502 HTML") << 502 << QByteArray("<html>Bad Gateway</html>") << QByteArray()
                                  << K::Service << "" << "HTTP 502 with an error body that is not an AWS JSON error document";
        QTest::newRow("message beats Message") << 400 << QByteArray("{\"__type\":\"X\",\"message\":\"lower\",\"Message\":\"upper\"}")
                                               << QByteArray() << K::Service << "X" << "lower";
    }
    void jsonErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, errorTypeHeader);
        QFETCH(AwsError::Kind, kind);
        QFETCH(QString, code);
        QFETCH(QString, message);
        AwsResponse r;
        r.operation = QStringLiteral("DescribeImages");
        r.httpStatus = status;
        r.body = body;
        r.requestId = QStringLiteral("7d5e1c8a-0000-4000-8000-000000000001");
        if (!errorTypeHeader.isEmpty())
            r.headers.append({ "x-amzn-ErrorType", errorTypeHeader });
        const AwsError e = JsonErrorParser::parse(r);
        QCOMPARE(e.kind, kind);
        QCOMPARE(e.code, code);
        QCOMPARE(e.message, message);
        QCOMPARE(e.httpStatus, status);
        QCOMPARE(e.requestId, r.requestId);
        QCOMPARE(e.operation, r.operation);
    }

    // STS (query protocol) answers errors in XML; same client, different parser.
    void xmlErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("headerRequestId");
        QTest::addColumn<AwsError::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("requestId");
        using K = AwsError::Kind;
        QTest::newRow("STS InvalidIdentityToken")
            << 400
            << QByteArray("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                          "  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidIdentityToken</Code>\n"
                          "    <Message>No OpenIDConnect provider found in your account for https://oidc.eks.eu-west-1.amazonaws.com/id/ABC</Message>\n"
                          "  </Error>\n  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n</ErrorResponse>\n")
            << QString() << K::Service << "InvalidIdentityToken"
            << "No OpenIDConnect provider found in your account for https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"
            << "c6104cbe-af31-11e0-8154-cbc7ccf896c7";
        QTest::newRow("STS throttling, header id wins")
            << 400
            << QByteArray("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                          "<RequestId>from-body</RequestId></ErrorResponse>")
            << "from-header" << K::Throttling << "Throttling" << "Rate exceeded" << "from-header";
        QTest::newRow("STS expired token")
            << 400
            << QByteArray("<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredTokenException</Code>"
                          "<Message>Token expired: current date/time 1700000000 must be before the expiration date/time 1699999000</Message>"
                          "</Error><RequestId>r-1</RequestId></ErrorResponse>")
            << QString() << K::Service << "ExpiredTokenException"
            << "Token expired: current date/time 1700000000 must be before the expiration date/time 1699999000" << "r-1";
        QTest::newRow("S3 style")
            << 403
            << QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                          "<RequestId>4442587FB7D0A2F9</RequestId></Error>")
            << QString() << K::Service << "AccessDenied" << "Access Denied" << "4442587FB7D0A2F9";
        QTest::newRow("not XML")
            << 503 << QByteArray("Service Unavailable") << QString() << K::Service << ""
            << "HTTP 503 with an error body that is not an AWS XML error document" << "";
        QTest::newRow("truncated XML keeps what it read")
            << 400 << QByteArray("<ErrorResponse><Error><Code>IDPRejectedClaim</Code><Mess")
            << QString() << K::Service << "IDPRejectedClaim" << "" << "";
    }
    void xmlErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, headerRequestId);
        QFETCH(AwsError::Kind, kind);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(QString, requestId);
        AwsResponse r;
        r.operation = QStringLiteral("AssumeRoleWithWebIdentity");
        r.httpStatus = status;
        r.body = body;
        r.requestId = headerRequestId;
        const AwsError e = XmlErrorParser::parse(r);
        QCOMPARE(e.kind, kind);
        QCOMPARE(e.code, code);
        QCOMPARE(e.message, message);
        QCOMPARE(e.requestId, requestId);
        QCOMPARE(e.httpStatus, status);
        QCOMPARE(RetryPolicy::isExpiredToken(e), code == QLatin1String("ExpiredTokenException"));
    }

    void outcomeNames_data()
    {
        QTest::addColumn<AwsError::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("outcome");
        using K = AwsError::Kind;
        QTest::newRow("success") << K::None << QString() << "success";
        QTest::newRow("code wins") << K::Throttling << "ThrottlingException" << "ThrottlingException";
        QTest::newRow("timeout") << K::Timeout << QString() << "timeout";
        QTest::newRow("network") << K::Network << QString() << "network";
        QTest::newRow("parse") << K::Parse << QString() << "parse";
    }
    void outcomeNames()
    {
        QFETCH(AwsError::Kind, kind);
        QFETCH(QString, code);
        QFETCH(QString, outcome);
        AwsError e;
        e.kind = kind;
        e.code = code;
        QCOMPARE(AwsHttpClient::outcome(e), outcome);
    }
};

QTEST_GUILESS_MAIN(TestAwsHttpClient)
#include "tst_awshttpclient.moc"
