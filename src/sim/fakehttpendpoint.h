#pragma once

#include "aws/sigv4signer.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

// Base of the small fake AWS endpoints used by the credential tests (STS, IMDS, container
// credentials, the SSO portal): a QHttpServer on loopback (port 0 by default, optionally TLS)
// that hands every request, whatever its path or method, to handle(), records it, and can
// delay, drop or never answer ("black hole") for timeout tests. Never blocks the event loop.
class FakeHttpEndpoint : public QObject
{
    Q_OBJECT
public:
    struct Request {
        QByteArray method;
        QString path;              // decoded
        QUrlQuery query;
        HttpHeaderList headers;    // as received
        QByteArray body;
        QByteArray header(const QByteArray &name) const;  // first value, case-insensitive; null if absent
        bool hasHeader(const QByteArray &name) const;
    };
    struct Reply {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
        HttpHeaderList headers;
        int delayMs = 0;
        bool hang = false;         // never answer (the client times out)
        bool drop = false;         // close the connection without an answer
    };

    explicit FakeHttpEndpoint(QObject *parent = nullptr);
    ~FakeHttpEndpoint() override;

    // Listen on `address`:`port` (0 = any free port). With `tls` set, speak HTTPS.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0,
                const QSslConfiguration &tls = QSslConfiguration());
    quint16 port() const { return m_port; }
    QUrl endpoint() const;                 // http(s)://127.0.0.1:<port>
    void setEndpointHost(const QString &host) { m_endpointHost = host; }  // e.g. a name for TLS tests

    void setHang(bool on) { m_hangAll = on; }  // accept connections, never answer
    void setLatency(int ms) { m_latencyMs = ms; }

    QList<Request> requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    void clearRequests() { m_requests.clear(); }

signals:
    void requestHandled(const QString &path, int status);

protected:
    virtual Reply handle(const Request &request) = 0;

private:
    struct Pending;
    void onRequest(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answer(const std::shared_ptr<Pending> &pending, const Reply &reply, const QString &path);

    QHttpServer *m_http;
    quint16 m_port = 0;
    bool m_tls = false;
    QString m_endpointHost = QStringLiteral("127.0.0.1");
    bool m_hangAll = false;
    int m_latencyMs = 0;
    QList<Request> m_requests;
    QList<std::shared_ptr<Pending>> m_hung;  // kept so their sockets stay open until we die
};
