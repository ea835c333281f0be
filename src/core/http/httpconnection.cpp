#include "httpconnection.h"

#include "logcategories.h"

#include <QHttpServerResponder>
#include <QTcpSocket>

HttpConnection *HttpConnection::forSocket(QTcpSocket *socket,
                                          const std::shared_ptr<HttpConnectionCounters> &counters)
{
    auto *existing = socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    if (existing)
        return existing;
    return new HttpConnection(socket, counters);
}

HttpConnection::HttpConnection(QTcpSocket *socket, std::shared_ptr<HttpConnectionCounters> counters)
    : QObject(socket), m_socket(socket), m_counters(std::move(counters))
{
    ++m_counters->connections;
    // A response ends with a small write (the per-scrape tail): with Nagle's algorithm on, it
    // waits for the ACK of the data before it, which a keep-alive client delays up to 40 ms.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::feed);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
}

HttpConnection::~HttpConnection()
{
    // The socket is being destroyed (we are its child): do not touch it here.
    m_disconnected = true;
    dropAll();
    --m_counters->connections;
}

void HttpConnection::respond(QHttpServerResponder &&responder, HttpResponse response)
{
    if (m_disconnected || m_socket->state() != QAbstractSocket::ConnectedState)
        return; // nobody to answer; the responder is dropped unused
    if (m_queue.size() >= MaxQueuedResponses) {
        // A client pipelining without reading: stop it before it costs memory.
        qCWarning(lcHttp).noquote() << "closing connection from" << m_socket->peerAddress().toString()
                                    << "with more than" << MaxQueuedResponses << "pipelined requests";
        m_socket->abort();
        return;
    }
    ++m_counters->activeResponses;
    m_queue.push_back(Pending{std::make_unique<QHttpServerResponder>(std::move(responder)),
                              std::move(response)});
    if (!m_current)
        startNext();
}

void HttpConnection::startNext()
{
    if (m_current || m_queue.empty() || m_disconnected)
        return;
    m_current = std::make_unique<Pending>(std::move(m_queue.front()));
    m_queue.pop_front();

    QHttpServerResponder &responder = *m_current->responder;
    const HttpResponse &response = m_current->response;
    responder.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
    for (const auto &header : response.headers)
        responder.writeHeader(header.first, header.second);
    responder.writeHeader(QByteArrayLiteral("Content-Length"),
                          QByteArray::number(response.contentLength()));
    // The first writeBody() emits the blank line that ends the headers; the body itself
    // goes straight to the socket in slices (see feed()).
    responder.writeBody(QByteArray());

    if (!response.headOnly) {
        m_parts[0] = response.body;
        m_parts[1] = response.tail;
    }
    m_part = 0;
    m_offset = 0;
    feed();
}

void HttpConnection::feed()
{
    if (!m_current || m_disconnected)
        return;
    // Keep at most about one slice queued in the socket: memory per connection stays
    // bounded however large the body is.
    while (m_socket->bytesToWrite() < SliceSize) {
        while (m_part < 2 && m_offset >= m_parts[m_part].size()) {
            ++m_part;
            m_offset = 0;
        }
        if (m_part == 2)
            break;
        const QByteArray &part = m_parts[m_part];
        const qint64 n = qMin(SliceSize, qint64(part.size()) - m_offset);
        // fromRawData: Qt 6's write(const QByteArray &) keeps a shallow reference to chunks
        // of 4 KiB and more, so this avoids a copy; m_parts keeps the bytes alive.
        const qint64 written =
                m_socket->write(QByteArray::fromRawData(part.constData() + m_offset, qsizetype(n)));
        if (written != n) {
            qCWarning(lcHttp) << "writing a response body failed:" << m_socket->errorString();
            m_socket->abort();
            return;
        }
        m_offset += n;
    }
    if (m_part == 2 && m_socket->bytesToWrite() == 0)
        finishCurrent();
}

void HttpConnection::finishCurrent()
{
    const bool close = m_current->response.closeAfter;
    m_current.reset();
    m_parts[0] = m_parts[1] = QByteArray(); // fully sent: the socket no longer references them
    m_part = 0;
    m_offset = 0;
    --m_counters->activeResponses;
    if (close) {
        dropAll();
        m_socket->disconnectFromHost();
        return;
    }
    startNext();
}

void HttpConnection::onDisconnected()
{
    m_disconnected = true;
    // m_parts stay until the socket is destroyed: its write buffer may still hold shallow
    // slices of them.
    dropAll();
}

void HttpConnection::dropAll()
{
    if (m_current) {
        m_current.reset();
        --m_counters->activeResponses;
    }
    m_counters->activeResponses -= int(m_queue.size());
    m_queue.clear();
}
