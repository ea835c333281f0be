#pragma once

#include <QLockFile>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

class QLocalServer;
class QLocalSocket;

// One ecr_desktop per user. The first start takes a lock file and listens on a local socket
// (both in $XDG_RUNTIME_DIR, else the temp folder with the user id in the names); a later
// start finds the lock taken, tells the running one to bring its window forward and exits,
// instead of fighting over the /metrics port. A lock left by a crashed run is taken over
// (QLockFile checks whether its process still lives).
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    enum class Role { Primary, Secondary, Failed };

    // `directory` empty: the runtime directory described above.
    explicit SingleInstance(const QString &directory = QString(), QObject *parent = nullptr);
    ~SingleInstance() override;

    // Takes the lock and starts listening (Primary), or finds another instance (Secondary).
    // Failed: neither worked; *error says why (the app then runs without the guarantee).
    Role claim(QString *error);

    // Secondary: asks the primary to show its window. Asynchronous: notified() follows with
    // true once the primary got the message, false (and a reason) after `timeoutMs`.
    void notifyPrimary(int timeoutMs = 5000);

    QString lockPath() const { return m_lockPath; }
    QString socketPath() const { return m_socketPath; }

    static QString defaultDirectory();

signals:
    // Primary: another start asked for the window.
    void activationRequested();
    // Secondary: the outcome of notifyPrimary().
    void notified(bool ok, const QString &error);

private:
    void tryConnect();

    QString m_lockPath;
    QString m_socketPath;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer *m_server = nullptr;
    QLocalSocket *m_socket = nullptr;
    QTimer m_deadline;
    QTimer m_retry;
    bool m_done = false;
};
