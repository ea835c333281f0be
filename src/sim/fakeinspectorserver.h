#pragma once

#include "pagetokencodec.h"
#include "sigv4verifier.h"

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QVector>

#include <memory>

class FakeEcrServer;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

// A fake Amazon Inspector (inspector2) endpoint on loopback: REST-JSON
// POST /findings/aggregation/list (ListFindingAggregations) with aggregation type
// AWS_ECR_CONTAINER, answered from the registry a FakeEcrServer serves (read live, so both
// always agree): in the Enhanced scan mode every ACTIVE image with findings, with its
// CRITICAL/HIGH/MEDIUM/all counts from the ground truth; no images in the basic modes.
// Filters accountIds, repositories, imageShas (EQUALS, PREFIX, NOT_EQUALS), sortBy
// CRITICAL/HIGH/ALL, sortOrder, maxResults 1-100 (default 100) and opaque nextTokens.
// SigV4 for service "inspector2"; errors the REST-JSON way (status, x-amzn-ErrorType header,
// {"message": ...}); faults injected per request; requests recorded.
class FakeInspectorServer : public QObject
{
    Q_OBJECT
public:
    enum class Fault {
        AccessDenied,        // 403 AccessDeniedException
        Throttle,            // 429 ThrottlingException
        InternalError,       // 500 InternalServerException
        MalformedJson,       // 200 with a body that is not JSON
    };

    // `ecr` is not owned and must outlive this server.
    explicit FakeInspectorServer(const FakeEcrServer *ecr, QObject *parent = nullptr);
    ~FakeInspectorServer() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const { return m_port; }
    QUrl endpoint() const;                          // http://127.0.0.1:<port>

    void setRegion(const QString &region);          // default: the registry's region
    void addCredentials(const QString &accessKeyId, const QString &secret, const QString &sessionToken = {});
    void setVerifySignatures(bool on);              // default true
    void setPageCap(int n);                         // max items per page whatever maxResults says (default 100)

    // The next `count` requests (-1: all until cleared) get `fault`.
    void injectFault(Fault fault, int count = 1);
    void clearFaults();

    struct RecordedRequest {
        QString operation;           // "ListFindingAggregations", or "" for an unknown path
        QByteArray method;
        QByteArray path;
        QByteArray body;
        int status = 0;
        QString errorCode;
    };
    QVector<RecordedRequest> requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    void resetCounters() { m_requests.clear(); }

private:
    struct Reply {
        int status = 200;
        QByteArray body;
        QString errorCode;
        static Reply ok(const QByteArray &body);
        static Reply error(int status, const QString &code, const QString &message);
    };
    struct FaultRule {
        Fault fault;
        int remaining;
    };

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    Reply listFindingAggregations(const QByteArray &body);
    QString effectiveRegion() const;

    const FakeEcrServer *m_ecr;
    QHttpServer *m_http = nullptr;
    quint16 m_port = 0;
    QString m_region;
    SigV4Verifier m_verifier;
    bool m_verify = true;
    int m_pageCap = 100;
    PageTokenCodec m_tokens;
    QVector<FaultRule> m_faults;
    QVector<RecordedRequest> m_requests;
};
