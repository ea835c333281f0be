#include "singleinstance.h"

#include "logcategories.h"

#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>

#include <unistd.h>

namespace {
const QByteArray kActivate = "activate\n";
const QByteArray kAck = "ok\n";
} // namespace

QString SingleInstance::defaultDirectory()
{
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    return runtime.isEmpty() ? QDir::tempPath() : runtime;
}

SingleInstance::SingleInstance(const QString &directory, QObject *parent)
    : QObject(parent)
{
    const QString dir = directory.isEmpty() ? defaultDirectory() : directory;
    // The runtime directory is private to the user; the shared temp folder is not, so the
    // names carry the user id there.
    const QString suffix = QStringLiteral("-%1").arg(::getuid());
    m_lockPath = dir + QStringLiteral("/ecr_desktop") + suffix + QStringLiteral(".lock");
    m_socketPath = dir + QStringLiteral("/ecr_desktop") + suffix + QStringLiteral(".sock");
    m_deadline.setSingleShot(true);
    m_retry.setSingleShot(true);
    m_retry.setInterval(100);
    connect(&m_retry, &QTimer::timeout, this, &SingleInstance::tryConnect);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_done)
            return;
        m_done = true;
        m_retry.stop();
        emit notified(false, QStringLiteral("another ecr_desktop holds %1 but does not answer on %2; if it hangs, end it and start again")
                                 .arg(m_lockPath, m_socketPath));
    });
}

SingleInstance::~SingleInstance()
{
    if (m_server)
        m_server->close();
}

SingleInstance::Role SingleInstance::claim(QString *error)
{
    m_lock = std::make_unique<QLockFile>(m_lockPath);
    m_lock->setStaleLockTime(0); // only a dead owner makes the lock stale, never its age
    if (!m_lock->tryLock(0)) {
        if (m_lock->error() == QLockFile::LockFailedError)
            return Role::Secondary;
        *error = QStringLiteral("cannot create %1 (%2); running without the one-instance check")
                     .arg(m_lockPath, m_lock->error() == QLockFile::PermissionError ? QStringLiteral("permission denied")
                                                                                  : QStringLiteral("unknown error"));
        return Role::Failed;
    }
    // We hold the lock: any socket file left is from a run that crashed.
    QLocalServer::removeServer(m_socketPath);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_socketPath)) {
        *error = QStringLiteral("cannot listen on %1: %2; a second start will not find this window")
                     .arg(m_socketPath, m_server->errorString());
        return Role::Failed;
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *client = m_server->nextPendingConnection()) {
            connect(client, &QLocalSocket::disconnected, client, &QObject::deleteLater);
            connect(client, &QLocalSocket::readyRead, this, [this, client] {
                if (!client->canReadLine())
                    return;
                const QByteArray line = client->readLine(256);
                if (line == kActivate) {
                    client->write(kAck);
                    emit activationRequested();
                }
                client->disconnectFromServer();
            });
        }
    });
    return Role::Primary;
}

void SingleInstance::notifyPrimary(int timeoutMs)
{
    m_done = false;
    m_deadline.start(timeoutMs);
    tryConnect();
}

void SingleInstance::tryConnect()
{
    if (m_done)
        return;
    delete m_socket;
    m_socket = new QLocalSocket(this);
    connect(m_socket, &QLocalSocket::connected, this, [this] { m_socket->write(kActivate); });
    connect(m_socket, &QLocalSocket::readyRead, this, [this] {
        if (m_done || !m_socket->canReadLine())
            return;
        if (m_socket->readLine(16) == kAck) {
            m_done = true;
            m_deadline.stop();
            emit notified(true, QString());
        }
    });
    // The primary may hold the lock but not listen yet (it is starting): try again shortly.
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this] {
        if (!m_done)
            m_retry.start();
    });
    m_socket->connectToServer(m_socketPath);
}
