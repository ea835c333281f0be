#include "httpprobe.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

namespace {

// Parses what arrived so far; true once the whole response (by Content-Length) is there.
bool parseResponse(const QByteArray &data, HttpProbe::Response *out)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = data.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine.at(0).startsWith("HTTP/1.")) {
        out->error = QStringLiteral("bad status line: %1").arg(QString::fromLatin1(lines.value(0)));
        return true;
    }
    out->status = statusLine.at(1).toInt();
    out->headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            out->headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
    }
    bool ok = false;
    const qsizetype length = out->headers.value("content-length").toLongLong(&ok);
    if (!ok) {
        out->error = QStringLiteral("response without Content-Length");
        return true;
    }
    if (data.size() - end - 4 < length)
        return false;
    out->body = data.mid(end + 4, length);
    return true;
}

} // namespace

HttpProbe::Response HttpProbe::get(quint16 port, const QByteArray &path, const Headers &headers, int timeoutMs)
{
    Response response;
    QTcpSocket socket;
    QByteArray received;
    bool complete = false;
    bool failed = false;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] {
        received += socket.readAll();
        complete = parseResponse(received, &response);
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, [&](QAbstractSocket::SocketError) {
        if (!complete)
            failed = true;
    });
    QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nConnection: close\r\n";
    for (const auto &header : headers)
        request += header.first + ": " + header.second + "\r\n";
    request += "\r\n";
    QObject::connect(&socket, &QTcpSocket::connected, [&] { socket.write(request); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return complete || failed; }, timeoutMs) && !complete)
        response.error = QStringLiteral("no complete response within %1 ms").arg(timeoutMs);
    else if (!complete)
        response.error = QStringLiteral("socket error: %1").arg(socket.errorString());
    if (!response.error.isEmpty())
        response.status = 0;
    socket.abort();
    return response;
}
