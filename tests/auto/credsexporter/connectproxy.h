#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTcpServer>

// A minimal HTTP proxy for the tests: CONNECT host:port tunnels to 127.0.0.1 (so names that
// do not resolve, like sts.fake.test, still reach the loopback fakes) and records what was
// asked; absolute-URI requests (plain http proxying) are recorded and answered 502, since
// the tests expect none.
class ConnectProxy : public QObject
{
    Q_OBJECT
public:
    explicit ConnectProxy(QObject *parent = nullptr);
    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QStringList connects() const { return m_connects; }     // "host:port" per CONNECT
    QStringList plainRequests() const { return m_plain; }   // request lines of non-CONNECT requests

private:
    void onConnection();
    QTcpServer m_server;
    QStringList m_connects;
    QStringList m_plain;
};
