#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

struct HttpConnectionCounters;
struct HttpResponse;
class QHttpServerRequest;
class QTcpServer;
class QTcpSocket;

// The exporter's HTTP endpoint, and the only class that touches QHttpServer (whose API
// changes in Qt 6.8: keep it behind this adapter). It never computes anything per scrape:
// it serves the pre-rendered exposition (plain and gzip) it was last given, streaming large
// bodies from the shared buffer without copying them per connection.
//
// Routes (GET and HEAD; any other method gets 405 with "Allow: GET, HEAD"):
//   <telemetry path>  the metrics, "text/plain; version=0.0.4; charset=utf-8", gzip when the
//                     request's Accept-Encoding prefers it, "Vary: Accept-Encoding";
//                     503 until setMetrics() was called once
//   /                 the HTML landing page
//   /-/healthy        200 "OK"
//   /-/ready          503 until setReady(true), then 200 "OK"
//   anything else     404
// Every response carries Content-Length. Connections are persistent (HTTP/1.1 keep-alive)
// unless the client sends "Connection: close"; pipelined requests are answered in order
// (more than 64 waiting closes the connection). There is no idle timeout (Qt 6.4 has none).
// Single-threaded: use it (setMetrics() included) from the thread it lives in.
class MetricsServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QHostAddress address = QHostAddress(QHostAddress::AnyIPv4);
        quint16 port = 9000;                            // 0: let the OS choose (see port())
        QString telemetryPath = QStringLiteral("/metrics"); // must start with '/'
    };

    explicit MetricsServer(QObject *parent = nullptr);
    ~MetricsServer() override;

    // Starts listening. On failure returns false and sets *error to one line, e.g.
    // "cannot listen on 0.0.0.0:9000: address already in use". Calling it again while
    // listening fails; after close() it may listen again.
    bool listen(const Options &options, QString *error = nullptr);
    bool isListening() const;
    quint16 port() const;             // the bound port (useful with port 0); 0 if not listening
    QHostAddress address() const;
    QString telemetryPath() const;

    // Swaps in a new rendering. Both are implicitly shared: no copy is made, and scrapes
    // already in flight keep sending the body they started with. An empty `gzip` means
    // "no compressed variant": every client then gets `plain`.
    void setMetrics(const QByteArray &plain, const QByteArray &gzip = QByteArray());
    bool hasMetrics() const;

    // Optional per-scrape completion: when set, a metrics response is the body given to
    // setMetrics() (then a prefix) followed by tail(gzip), called once per GET/HEAD of the
    // telemetry path with the encoding chosen for that request. For gzip it must return
    // the bytes that complete the member begun by the gzip prefix (see GzipSplice). It runs
    // in the request's handling, so it must be quick (e.g. the process_* metrics).
    using BodyTail = std::function<QByteArray(bool gzip)>;
    void setBodyTail(BodyTail tail);

    void setReady(bool ready);        // /-/ready answers 503 until this is true
    bool isReady() const;

    // The HTML served at "/". Until set, defaultLandingPage(telemetryPath) is served.
    void setLandingPage(const QByteArray &html);
    static QByteArray defaultLandingPage(const QString &telemetryPath,
                                         const QString &title = QStringLiteral("ECR Exporter"));

    // Stops accepting connections. Open connections stay: responses in flight finish.
    void close();

    // Introspection for shutdown and tests.
    int activeResponses() const;      // accepted responses not yet fully sent
    int openConnections() const;      // connections that sent a request and are still open

signals:
    // A GET of the telemetry path was answered with the gzip body (true) or the plain one.
    void scraped(bool gzip);

private:
    class Backend;
    friend class Backend;

    // Decides the whole response when the request arrives (body reference included).
    HttpResponse route(const QHttpServerRequest &request);

    std::unique_ptr<Backend> m_backend;
    QTcpServer *m_tcpServer = nullptr; // owned by m_backend once bound
    bool m_bound = false;
    QString m_telemetryPath = QStringLiteral("/metrics");
    QByteArray m_plain;
    QByteArray m_gzip;
    BodyTail m_bodyTail;
    bool m_hasMetrics = false;
    bool m_ready = false;
    QByteArray m_landingPage;
    bool m_customLandingPage = false;
    std::shared_ptr<HttpConnectionCounters> m_counters;
};
