#pragma once

#include <QObject>
#include <QSocketNotifier>
#include <initializer_list>

// Turns SIGTERM/SIGINT (or any signal) into a Qt signal delivered in the event loop, using
// the self-pipe trick: the async-signal handler only write()s the signal number to a pipe.
// One per process (signal dispositions are process-wide); main() creates it.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

signals:
    void unixSignal(int signalNumber);

private:
    static void handler(int signalNumber);
    void readPipe();

    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_signals;
};
