#pragma once

#include "httpresponse.h"

#include <QByteArray>
#include <QObject>

#include <deque>
#include <memory>

class QHttpServerResponder;
class QTcpSocket;

// Shared by all connections of one server; outlives them (shared_ptr), so a server that is
// destroyed before its sockets does not leave dangling counters.
struct HttpConnectionCounters
{
    int connections = 0;      // live HttpConnection objects (sockets that sent a request)
    int activeResponses = 0;  // accepted responses not yet fully handed to the OS
};

// Private helper of MetricsServer (only src/core/http/ uses it): the writer for one client
// connection. It lives as a child of the connection's QTcpSocket, so it dies with it.
//
// Responses are written strictly in request order. Each body is streamed from its shared
// QByteArray in SliceSize pieces as the socket drains (bytesWritten), instead of handing
// QHttpServerResponder the whole body (Qt 6.4 copies a QByteArray body into the socket
// buffer and reads a QIODevice body in 512-byte steps). The connection keeps a reference to
// the body until the socket has sent it, so a refresh that swaps in a new body never
// disturbs a scrape in flight. While a body is still streaming, further (pipelined or
// keep-alive) requests on the same socket are queued, never interleaved.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    // How much of a body is queued in the socket at a time.
    static constexpr qint64 SliceSize = 256 * 1024;
    // Pipelined requests waiting behind the one being sent; more closes the connection.
    static constexpr std::size_t MaxQueuedResponses = 64;

    // The writer attached to `socket`, created on first use.
    static HttpConnection *forSocket(QTcpSocket *socket,
                                     const std::shared_ptr<HttpConnectionCounters> &counters);

    ~HttpConnection() override;

    // Takes over the responder (whose status line and headers it writes) and the response.
    void respond(QHttpServerResponder &&responder, HttpResponse response);

private:
    HttpConnection(QTcpSocket *socket, std::shared_ptr<HttpConnectionCounters> counters);

    struct Pending
    {
        std::unique_ptr<QHttpServerResponder> responder;
        HttpResponse response;
    };

    void startNext();
    void feed();
    void finishCurrent();
    void onDisconnected();
    void dropAll();

    QTcpSocket *const m_socket; // our parent
    std::shared_ptr<HttpConnectionCounters> m_counters;
    std::deque<Pending> m_queue;
    std::unique_ptr<Pending> m_current;
    // The body (and tail) being streamed. Kept until the socket has sent them or is
    // destroyed: the socket's write buffer may reference them without copying
    // (QByteArray::fromRawData).
    QByteArray m_parts[2];
    int m_part = 0;        // index into m_parts of the next bytes to queue
    qint64 m_offset = 0;   // within m_parts[m_part]
    bool m_disconnected = false;
};
