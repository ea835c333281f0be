#pragma once

#include <QObject>

#include <functional>
#include <map>

class QSocketNotifier;
class QTimer;

// Runs callbacks at monotonic deadlines with sub-millisecond precision, in the owner's
// thread. The fakes use it for their added latency: a QTimer interval is whole milliseconds
// and Qt rounds its wait up, so "20 ms" held a call 20.7 ms on average, and a benchmark then
// charged the difference to the client. On Linux one timerfd with an absolute deadline wakes
// the event loop (as precise as the kernel's wake-up); elsewhere it falls back to a precise
// QTimer. Never fires before the deadline.
class DeadlineTimer : public QObject
{
    Q_OBJECT
public:
    explicit DeadlineTimer(QObject *parent = nullptr);
    ~DeadlineTimer() override;

    // Now on the clock the deadlines use (CLOCK_MONOTONIC), in nanoseconds.
    static qint64 nowNs();

    // Calls `callback` once, at or after `deadlineNs` (a nowNs() value); in deadline order,
    // callbacks with equal deadlines in the order they were added.
    void callAt(qint64 deadlineNs, std::function<void()> callback);

    int pendingCount() const { return int(m_pending.size()); }

private:
    void arm();
    void fireDue();

    std::multimap<qint64, std::function<void()>> m_pending;
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_fallback = nullptr; // without timerfd
};
