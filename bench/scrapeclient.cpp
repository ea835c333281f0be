#include "scrapeclient.h"

#include <QNetworkProxy>
#include <QTcpSocket>

namespace {
constexpr qint64 kScratchSize = 256 * 1024;
constexpr qint64 kSocketBuffer = 4 * 1024 * 1024; // bounds what Qt buffers ahead of us
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
} // namespace

ScrapeClient::ScrapeClient(const QString &host, quint16 port, QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
    , m_host(host)
    , m_port(port)
{
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_socket->setReadBufferSize(kSocketBuffer);
    m_scratch.resize(kScratchSize);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        complete(QStringLiteral("no complete response within the timeout")); // aborts the connection
    });
    connect(m_socket, &QTcpSocket::connected, this, &ScrapeClient::sendRequest);
    connect(m_socket, &QTcpSocket::readyRead, this, &ScrapeClient::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &ScrapeClient::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        // The server closing an idle keep-alive connection is not an error of a request.
        if (error == QAbstractSocket::RemoteHostClosedError && !m_busy)
            return;
        if (m_busy)
            complete(QStringLiteral("socket error: %1").arg(m_socket->errorString()));
    });
}

ScrapeClient::~ScrapeClient() = default;

void ScrapeClient::get(const QByteArray &path, bool gzip, bool keepBody, int timeoutMs)
{
    Q_ASSERT(!m_busy);
    m_busy = true;
    m_keepBody = keepBody;
    m_inBody = false;
    m_closeAfter = false;
    m_headerBuffer.clear();
    m_contentLength = -1;
    m_result = Result();
    m_request = "GET " + path + " HTTP/1.1\r\nHost: " + m_host.toLatin1() + ':' + QByteArray::number(m_port)
        + "\r\nUser-Agent: ecr_bench\r\nAccept: text/plain\r\n"
        + (gzip ? QByteArray("Accept-Encoding: gzip\r\n") : QByteArray()) + "\r\n";
    m_timeout.start(timeoutMs);
    m_clock.start();
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        sendRequest();
    } else {
        m_socket->abort();
        m_socket->connectToHost(m_host, m_port);
    }
}

void ScrapeClient::sendRequest()
{
    if (!m_busy || m_request.isEmpty())
        return;
    m_socket->write(m_request);
    m_request.clear();
}

void ScrapeClient::onReadyRead()
{
    if (!m_busy) {
        m_socket->readAll(); // nothing was asked for: unexpected bytes are dropped
        return;
    }
    while (m_busy && m_socket->bytesAvailable() > 0) {
        if (!m_inBody) {
            m_headerBuffer += m_socket->read(kMaxHeaderBytes);
            if (!parseHeaders())
                return;
            continue;
        }
        const qint64 want = qMin<qint64>(kScratchSize, m_contentLength - m_result.bodyBytes);
        const qint64 n = m_socket->read(m_scratch.data(), want);
        if (n <= 0)
            break;
        if (m_keepBody)
            m_result.body.append(m_scratch.constData(), n);
        m_result.bodyBytes += n;
        if (m_result.bodyBytes == m_contentLength)
            complete();
    }
}

// Returns true once the headers were parsed (the body bytes already read are counted),
// false while more header bytes are needed or after completing with an error.
bool ScrapeClient::parseHeaders()
{
    const qsizetype end = m_headerBuffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_headerBuffer.size() > kMaxHeaderBytes)
            complete(QStringLiteral("response headers longer than %1 bytes").arg(kMaxHeaderBytes));
        return false;
    }
    const QList<QByteArray> lines = m_headerBuffer.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    bool ok = false;
    m_result.status = statusLine.value(1).toInt(&ok);
    if (!statusLine.value(0).startsWith("HTTP/1.") || !ok) {
        complete(QStringLiteral("not an HTTP/1.x status line: '%1'").arg(QString::fromLatin1(lines.value(0).trimmed())));
        return false;
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            m_contentLength = value.toLongLong(&ok);
        else if (name == "content-encoding")
            m_result.contentEncoding = value.toLower();
        else if (name == "connection" && value.toLower() == "close")
            m_closeAfter = true;
    }
    if (m_contentLength < 0) {
        complete(QStringLiteral("response without a valid Content-Length"));
        return false;
    }
    const QByteArray rest = m_headerBuffer.mid(end + 4);
    m_headerBuffer.clear();
    m_inBody = true;
    if (m_keepBody)
        m_result.body.reserve(m_contentLength);
    // With keep-alive and one request at a time nothing follows the body, so `rest` is body.
    const qint64 take = qMin<qint64>(rest.size(), m_contentLength);
    if (m_keepBody)
        m_result.body.append(rest.constData(), take);
    m_result.bodyBytes = take;
    if (m_result.bodyBytes == m_contentLength)
        complete();
    return true;
}

void ScrapeClient::onDisconnected()
{
    if (m_busy)
        complete(QStringLiteral("the server closed the connection after %1 body bytes").arg(m_result.bodyBytes));
}

void ScrapeClient::complete(const QString &error)
{
    if (!m_busy)
        return;
    m_result.nanoseconds = m_clock.nsecsElapsed();
    m_result.error = error;
    m_timeout.stop();
    m_busy = false;
    m_request.clear();
    if (m_closeAfter || !error.isEmpty())
        m_socket->abort();
    const Result result = std::move(m_result);
    m_result = Result();
    emit finished(result);
}
