#include "connectproxy.h"

#include <QHostAddress>
#include <QTcpSocket>

ConnectProxy::ConnectProxy(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ConnectProxy::onConnection);
}

bool ConnectProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void ConnectProxy::onConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        client->setParent(this);
        auto *head = new QByteArray;
        connect(client, &QObject::destroyed, this, [head] { delete head; });
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        connect(client, &QTcpSocket::readyRead, this, [this, client, head] {
            if (client->property("tunnel").toBool())
                return;  // the tunnel's own handler forwards
            head->append(client->readAll());
            const int end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray requestLine = head->left(head->indexOf("\r\n"));
            const QList<QByteArray> parts = requestLine.split(' ');
            if (parts.value(0) != "CONNECT") {
                m_plain << QString::fromLatin1(requestLine);
                client->write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const QByteArray target = parts.value(1);
            m_connects << QString::fromLatin1(target);
            const quint16 port = target.mid(target.lastIndexOf(':') + 1).toUShort();
            const QByteArray rest = head->mid(end + 4);
            client->setProperty("tunnel", true);
            auto *upstream = new QTcpSocket(client);
            connect(upstream, &QTcpSocket::connected, client, [client, upstream, rest] {
                client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                if (!rest.isEmpty())
                    upstream->write(rest);
            });
            connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
            connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
            connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
            connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
            upstream->connectToHost(QHostAddress::LocalHost, port);
        });
    }
}
