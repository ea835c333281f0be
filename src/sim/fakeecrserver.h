#pragma once

#include "fakeregistry.h"
#include "pagetokencodec.h"
#include "sigv4verifier.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QVector>

#include <memory>

class DeadlineTimer;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

// A fake Amazon ECR endpoint on loopback for tests, benchmarks and the exporter's --demo
// mode: AWS JSON 1.1 over HTTP (DescribeRegistry, DescribeRepositories, DescribeImages,
// GetRegistryScanningConfiguration, DescribeImageScanFindings), SigV4 verification with AWS's
// error codes, opaque pagination, added latency, injected faults and request counters.
// Serves a FakeRegistry in its scan mode (see FakeRegistry); never blocks the event loop.
//
// DescribeImageScanFindings builds each image's findings from its ground-truth counts
// (findings[] in the basic modes, enhancedFindings[] in Enhanced), severities interleaved so
// every page mixes them; whether the reply also carries findingSeverityCounts is set with
// setSeverityCountsPolicy. An image without a scan status has no scan (ScanNotFoundException);
// one whose status has no results (IN_PROGRESS, FAILED, ...) answers its status only.
class FakeEcrServer : public QObject
{
    Q_OBJECT
public:
    enum class Fault {
        Throttle,            // 400 {"__type":"ThrottlingException"}
        TooManyRequests,     // 429 ThrottlingException
        InternalError,       // 500 {"__type":"ServerException"}
        ServiceUnavailable,  // 503 ServiceUnavailable
        Slow,                // reply after slowMs (set with setSlowDelay) — used to trigger client timeouts
        MalformedJson,       // 200 with a body that is not JSON
        TruncatedJson,       // 200 with a valid reply cut in half
        DropConnection,      // abort the TCP connection without a reply
        AccessDenied,        // 400 AccessDeniedException
        ExpiredToken,        // 400 ExpiredTokenException
    };

    // Whether DescribeImageScanFindings replies carry imageScanFindings.findingSeverityCounts.
    enum class SeverityCountsPolicy {
        Alternate,   // odd-numbered images of a repository (in registry order) leave it out (default)
        Always,
        Never,
    };

    explicit FakeEcrServer(QObject *parent = nullptr);
    ~FakeEcrServer() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const;
    QUrl endpoint() const;                          // http://127.0.0.1:<port>

    void setRegistry(const FakeRegistry &registry);
    const FakeRegistry &registry() const;
    // Requests must be SigV4-signed for service "ecr" and this region with one of these keys.
    void setRegion(const QString &region);          // default: registry's region
    void addCredentials(const QString &accessKeyId, const QString &secret, const QString &sessionToken = {});
    void setVerifySignatures(bool on);              // default true
    // Every reply goes out `ms` after its request arrived (default 0), the fake's own work
    // included, like a service whose calls take that long: the fake's CPU time is then not
    // added on top of the latency a benchmark asked for.
    void setLatency(int ms);
    void setSlowDelay(int ms);                      // delay used by Fault::Slow (default 15000)
    void setPageCap(int n);                         // max items per page whatever maxResults says (default 1000)
    void setClockSkewLimit(int seconds);            // default 900 (AWS: 15 min)
    void setSeverityCountsPolicy(SeverityCountsPolicy policy);

    // Fault injection: the next `count` requests for `operation` ("" = any) get `fault`.
    void injectFault(const QString &operation, Fault fault, int count = 1);
    // Fail one repository's DescribeImages with `fault` until cleared (count -1 = forever).
    void injectRepositoryFault(const QString &repositoryName, Fault fault, int count = -1);
    void clearFaults();

    struct RecordedRequest {
        QString operation;           // "DescribeImages", or "" when the target was unknown
        QByteArray amzDate;          // X-Amz-Date as received
        QByteArray signature;        // from the Authorization header (never logged)
        QByteArray accessKeyId;      // from the Credential= part
        QByteArray body;             // request JSON
        int status = 0;              // status the fake answered (0 = connection dropped)
        QString errorCode;           // __type it answered, empty on success
        double heldMs = -1;          // arrival of the request -> reply handed to the socket
    };
    QVector<RecordedRequest> requests() const;     // in arrival order
    int requestCount(const QString &operation = {}) const;
    int peakConcurrentRequests() const;            // max requests being handled at once (with latency)
    void resetCounters();

signals:
    void requestHandled(const QString &operation, int status);

private:
    struct Reply;
    struct Pending;
    struct RepositoryIndex {
        int position = 0;            // in registry().repositories
        QVector<int> tagged;         // indexes into images[name] of tagged images
        QVector<int> untagged;
    };
    struct FaultRule {
        QString operation;
        Fault fault;
        int remaining;
    };

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    Reply respond(const QString &operation, const QByteArray &body);
    Reply dispatch(const QString &operation, const QByteArray &body);
    Reply describeRegistry(const QJsonObject &input);
    Reply describeRepositories(const QJsonObject &input);
    Reply describeImages(const QJsonObject &input);
    Reply getRegistryScanningConfiguration(const QJsonObject &input);
    Reply describeImageScanFindings(const QJsonObject &input);
    Reply foreignRegistry(const QJsonObject &input, const QString &operation) const;
    bool takeFault(const QString &operation, const QByteArray &body, Fault *fault);
    void finish(const std::shared_ptr<Pending> &pending, const Reply &reply);
    void updateVerifierRegion();
    QString effectiveRegion() const;

    // Created first, so destroyed first: pending answers go before the server's sockets.
    DeadlineTimer *m_deadlines = nullptr;
    QHttpServer *m_http = nullptr;
    quint16 m_port = 0;
    QHostAddress m_address;
    FakeRegistry m_registry;
    QHash<QString, RepositoryIndex> m_index;
    QString m_region;
    SigV4Verifier m_verifier;
    bool m_verify = true;
    int m_latencyMs = 0;
    int m_slowMs = 15000;
    int m_pageCap = 1000;
    SeverityCountsPolicy m_severityCounts = SeverityCountsPolicy::Alternate;
    PageTokenCodec m_tokens;
    QVector<FaultRule> m_faults;
    QHash<QString, FaultRule> m_repositoryFaults;

    QVector<RecordedRequest> m_requests;
    qint64 m_firstSerial = 0;        // serial number of m_requests[0]
    qint64 m_nextSerial = 0;
    int m_inFlight = 0;
    int m_peakInFlight = 0;
};
