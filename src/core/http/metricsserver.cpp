#include "metricsserver.h"

#include "acceptencoding.h"
#include "httpconnection.h"
#include "httpresponse.h"
#include "logcategories.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpServer>
#include <QTcpSocket>

namespace {

const QByteArray kTextPlain = QByteArrayLiteral("text/plain; charset=utf-8");
const QByteArray kExposition = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");

HttpResponse textResponse(int status, const QByteArray &body)
{
    HttpResponse r;
    r.status = status;
    r.headers = {{QByteArrayLiteral("Content-Type"), kTextPlain}};
    r.body = body;
    return r;
}

// All values of a (case-insensitive) request header, joined as one list: a client may
// split Accept-Encoding over several lines.
QByteArray headerValues(const QHttpServerRequest &request, QByteArrayView name)
{
    QByteArray joined;
    for (const auto &header : request.headers()) {
        if (header.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (!joined.isEmpty())
            joined += ", ";
        joined += header.second;
    }
    return joined;
}

bool hasToken(const QByteArray &list, QByteArrayView token)
{
    const QList<QByteArray> items = list.split(',');
    for (const QByteArray &item : items) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QString hostPort(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
            ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
            : address.toString();
    return host + QLatin1Char(':') + QString::number(port);
}

QString listenErrorReason(const QTcpServer &server)
{
    switch (server.serverError()) {
    case QAbstractSocket::AddressInUseError:
        return QStringLiteral("address already in use");
    case QAbstractSocket::SocketAccessError:
        return QStringLiteral("permission denied (ports below 1024 need privileges)");
    case QAbstractSocket::SocketAddressNotAvailableError:
        return QStringLiteral("address not available on this host");
    default:
        return server.errorString();
    }
}

} // namespace

// The QAbstractHttpServer subclass: Qt parses requests and calls handleRequest() for each.
// Routing is ours (not QHttpServer's router) so that every response, including 404 and
// 405, goes through the same ordered, Content-Length-carrying writer.
class MetricsServer::Backend : public QAbstractHttpServer
{
public:
    explicit Backend(MetricsServer *owner) : m_owner(owner) { }

protected:
    // Qt 6.4 keeps the socket after the responder is gone (the responder's destructor does
    // not touch it) and keeps parsing what the client sends, also requests pipelined
    // behind one whose body is still streaming; HttpConnection queues those.
    // (6.5+ instead pauses reading while a responder is alive, which HttpConnection
    // satisfies by holding the responder until its body is sent.)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        HttpResponse response = m_owner->route(request);
        HttpConnection::forSocket(socket, m_owner->m_counters)
                ->respond(makeResponder(request, socket), std::move(response));
        return true;
    }

    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        // Not reached: handleRequest() answers everything. Kept total for safety.
        HttpConnection::forSocket(socket, m_owner->m_counters)
                ->respond(makeResponder(request, socket),
                          textResponse(404, QByteArrayLiteral("404 page not found\n")));
    }

private:
    MetricsServer *const m_owner;
};

MetricsServer::MetricsServer(QObject *parent)
    : QObject(parent),
      m_backend(std::make_unique<Backend>(this)),
      m_counters(std::make_shared<HttpConnectionCounters>())
{
    m_landingPage = defaultLandingPage(m_telemetryPath);
}

MetricsServer::~MetricsServer() = default;

bool MetricsServer::listen(const Options &options, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (isListening())
        return fail(QStringLiteral("cannot listen on %1: already listening on %2")
                            .arg(hostPort(options.address, options.port),
                                 hostPort(address(), port())));
    if (!options.telemetryPath.startsWith(QLatin1Char('/')))
        return fail(QStringLiteral("invalid telemetry path \"%1\": it must start with '/'")
                            .arg(options.telemetryPath));

    if (!m_tcpServer) {
        m_tcpServer = new QTcpServer(m_backend.get());
        m_tcpServer->setListenBacklogSize(128);
    }
    if (!m_tcpServer->listen(options.address, options.port))
        return fail(QStringLiteral("cannot listen on %1: %2")
                            .arg(hostPort(options.address, options.port),
                                 listenErrorReason(*m_tcpServer)));
    // Qt 6.8 drops QAbstractHttpServer::listen(); bind() to a server we listen() on
    // ourselves works in 6.4 and later. Bind once: the connection survives close()/listen().
    if (!m_bound) {
        m_backend->bind(m_tcpServer);
        m_bound = true;
    }

    m_telemetryPath = options.telemetryPath;
    if (!m_customLandingPage)
        m_landingPage = defaultLandingPage(m_telemetryPath);
    qCInfo(lcHttp).noquote() << "listening on" << hostPort(address(), port())
                             << "telemetry path" << m_telemetryPath;
    return true;
}

bool MetricsServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 MetricsServer::port() const
{
    return isListening() ? m_tcpServer->serverPort() : 0;
}

QHostAddress MetricsServer::address() const
{
    return isListening() ? m_tcpServer->serverAddress() : QHostAddress();
}

QString MetricsServer::telemetryPath() const
{
    return m_telemetryPath;
}

void MetricsServer::setMetrics(const QByteArray &plain, const QByteArray &gzip)
{
    m_plain = plain;
    m_gzip = gzip;
    m_hasMetrics = true;
}

bool MetricsServer::hasMetrics() const
{
    return m_hasMetrics;
}

void MetricsServer::setBodyTail(BodyTail tail)
{
    m_bodyTail = std::move(tail);
}

void MetricsServer::setReady(bool ready)
{
    m_ready = ready;
}

bool MetricsServer::isReady() const
{
    return m_ready;
}

void MetricsServer::setLandingPage(const QByteArray &html)
{
    m_landingPage = html;
    m_customLandingPage = true;
}

QByteArray MetricsServer::defaultLandingPage(const QString &telemetryPath, const QString &title)
{
    const QString t = title.toHtmlEscaped();
    const QString p = telemetryPath.toHtmlEscaped();
    return QStringLiteral(
                   "<!DOCTYPE html>\n"
                   "<html><head><meta charset=\"utf-8\"><title>%1</title></head>\n"
                   "<body>\n<h1>%1</h1>\n<ul>\n"
                   "<li><a href=\"%2\">Metrics</a> (%2)</li>\n"
                   "<li><a href=\"/-/healthy\">Health</a> (/-/healthy)</li>\n"
                   "<li><a href=\"/-/ready\">Readiness</a> (/-/ready)</li>\n"
                   "</ul>\n</body></html>\n")
            .arg(t, p)
            .toUtf8();
}

void MetricsServer::close()
{
    if (isListening()) {
        // close(), not delete: the accepted sockets are children of the QTcpServer.
        m_tcpServer->close();
        qCInfo(lcHttp) << "stopped listening;" << activeResponses() << "responses in flight";
    }
}

int MetricsServer::activeResponses() const
{
    return m_counters->activeResponses;
}

int MetricsServer::openConnections() const
{
    return m_counters->connections;
}

HttpResponse MetricsServer::route(const QHttpServerRequest &request)
{
    const QHttpServerRequest::Method method = request.method();
    const bool head = method == QHttpServerRequest::Method::Head;
    const QString path = request.url().path();

    HttpResponse response;
    if (method != QHttpServerRequest::Method::Get && !head) {
        response = textResponse(405, QByteArrayLiteral("405 method not allowed\n"));
        response.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD")});
    } else if (path == m_telemetryPath) {
        if (!m_hasMetrics) {
            response = textResponse(503, QByteArrayLiteral("metrics are not rendered yet\n"));
        } else {
            const bool gzip = !m_gzip.isEmpty()
                    && AcceptEncoding::prefersGzip(headerValues(request, "accept-encoding"));
            response.status = 200;
            response.headers = {{QByteArrayLiteral("Content-Type"), kExposition}};
            if (gzip)
                response.headers.append({QByteArrayLiteral("Content-Encoding"), QByteArrayLiteral("gzip")});
            response.headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Accept-Encoding")});
            response.body = gzip ? m_gzip : m_plain;
            if (m_bodyTail)
                response.tail = m_bodyTail(gzip);
            if (!head)
                emit scraped(gzip);
        }
    } else if (path == QLatin1String("/")) {
        response.status = 200;
        response.headers = {{QByteArrayLiteral("Content-Type"),
                             QByteArrayLiteral("text/html; charset=utf-8")}};
        response.body = m_landingPage;
    } else if (path == QLatin1String("/-/healthy")) {
        response = textResponse(200, QByteArrayLiteral("OK"));
    } else if (path == QLatin1String("/-/ready")) {
        response = m_ready ? textResponse(200, QByteArrayLiteral("OK"))
                           : textResponse(503, QByteArrayLiteral("not ready: the first refresh has not finished\n"));
    } else {
        response = textResponse(404, QByteArrayLiteral("404 page not found\n"));
    }

    response.headOnly = head;
    if (hasToken(headerValues(request, "connection"), "close")) {
        response.closeAfter = true;
        response.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    }
    qCDebug(lcHttp).noquote() << request.remoteAddress().toString()
                              << (head ? "HEAD" : method == QHttpServerRequest::Method::Get ? "GET" : "other")
                              << path << "->" << response.status << response.contentLength() << "bytes";
    return response;
}
