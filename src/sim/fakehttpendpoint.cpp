#include "fakehttpendpoint.h"

#include "logcategories.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    default: return "OTHER";
    }
}

} // namespace

struct FakeHttpEndpoint::Pending
{
    explicit Pending(QHttpServerResponder &&r) : responder(std::move(r)) {}
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
};

QByteArray FakeHttpEndpoint::Request::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool FakeHttpEndpoint::Request::hasHeader(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

FakeHttpEndpoint::FakeHttpEndpoint(QObject *parent)
    : QObject(parent), m_http(new QHttpServer(this))
{
    m_http->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        onRequest(request, std::move(responder));
    });
}

FakeHttpEndpoint::~FakeHttpEndpoint()
{
    for (const auto &p : std::as_const(m_hung)) {
        if (p->socket)
            p->socket->abort();
    }
}

bool FakeHttpEndpoint::listen(const QHostAddress &address, quint16 port, const QSslConfiguration &tls)
{
    QTcpServer *tcp = nullptr;
    if (!tls.isNull()) {
        auto *ssl = new QSslServer(m_http);
        ssl->setSslConfiguration(tls);
        tcp = ssl;
        m_tls = true;
    } else {
        tcp = new QTcpServer(m_http);
    }
    if (!tcp->listen(address, port)) {
        qCDebug(lcSim) << "fake endpoint: cannot listen on" << address << port << tcp->errorString();
        delete tcp;
        return false;
    }
    m_http->bind(tcp);
    m_port = tcp->serverPort();
    return true;
}

QUrl FakeHttpEndpoint::endpoint() const
{
    QUrl url;
    url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_endpointHost);
    url.setPort(m_port);
    return url;
}

void FakeHttpEndpoint::onRequest(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    auto pending = std::make_shared<Pending>(std::move(responder));
    pending->socket = pending->responder.socket();

    Request r;
    r.method = methodName(request.method());
    r.path = request.url().path();
    r.query = QUrlQuery(request.url());
    r.headers = request.headers();
    r.body = request.body();
    m_requests.append(r);

    Reply reply = m_hangAll ? Reply{} : handle(r);
    if (m_hangAll)
        reply.hang = true;
    if (reply.hang) {
        m_hung.append(pending);  // keep the socket open and silent
        return;
    }
    const int delay = m_latencyMs + reply.delayMs;
    if (delay <= 0 && !reply.drop) {
        answer(pending, reply, r.path);
        return;
    }
    // Never abort a socket inside QHttpServer's handler: always defer.
    QTimer::singleShot(qMax(0, delay), this, [this, pending, reply, path = r.path] { answer(pending, reply, path); });
}

void FakeHttpEndpoint::answer(const std::shared_ptr<Pending> &pending, const Reply &reply, const QString &path)
{
    QTcpSocket *socket = pending->socket.data();
    if (reply.drop) {
        if (socket)
            socket->abort();
        emit requestHandled(path, 0);
        return;
    }
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    // QHttpServerResponder 6.4 only takes initializer lists of headers: write them one by one.
    QHttpServerResponder &out = pending->responder;
    out.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    out.writeHeader(QByteArrayLiteral("Content-Type"), reply.contentType);
    out.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(reply.body.size()));
    for (const auto &h : reply.headers)
        out.writeHeader(h.first, h.second);
    out.writeBody(reply.body);
    emit requestHandled(path, reply.status);
}
