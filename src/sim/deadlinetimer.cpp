#include "deadlinetimer.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <ctime>

#ifdef Q_OS_LINUX
#include <sys/timerfd.h>
#include <unistd.h>
#endif

DeadlineTimer::DeadlineTimer(QObject *parent)
    : QObject(parent)
{
#ifdef Q_OS_LINUX
    m_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_fd >= 0) {
        m_notifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, [this] {
            quint64 expirations = 0;
            while (::read(m_fd, &expirations, sizeof expirations) < 0 && errno == EINTR) {
            }
            fireDue();
        });
    }
#endif
}

DeadlineTimer::~DeadlineTimer()
{
#ifdef Q_OS_LINUX
    delete m_notifier;
    if (m_fd >= 0)
        ::close(m_fd);
#endif
}

qint64 DeadlineTimer::nowNs()
{
    timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void DeadlineTimer::callAt(qint64 deadlineNs, std::function<void()> callback)
{
    m_pending.emplace(deadlineNs, std::move(callback));
    arm();
}

void DeadlineTimer::arm()
{
    if (m_pending.empty())
        return;
    const qint64 next = m_pending.begin()->first;
#ifdef Q_OS_LINUX
    if (m_fd >= 0) {
        itimerspec spec {};
        // An absolute deadline of 0 would disarm the timer: anything due fires at 1 ns.
        const qint64 at = std::max<qint64>(next, 1);
        spec.it_value.tv_sec = time_t(at / 1000000000);
        spec.it_value.tv_nsec = long(at % 1000000000);
        if (::timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &spec, nullptr) == 0)
            return;
    }
#endif
    // Whole milliseconds, rounded up: late rather than early.
    const qint64 waitMs = std::max<qint64>(0, (next - nowNs() + 999999) / 1000000);
    if (!m_fallback) {
        m_fallback = new QTimer(this);
        m_fallback->setSingleShot(true);
        m_fallback->setTimerType(Qt::PreciseTimer);
        connect(m_fallback, &QTimer::timeout, this, [this] { fireDue(); });
    }
    m_fallback->start(int(waitMs));
}

void DeadlineTimer::fireDue()
{
    // A callback may add deadlines, or delete this object: take each due entry out before
    // calling it, and stop when this is gone.
    const QPointer<DeadlineTimer> self(this);
    while (!m_pending.empty() && m_pending.begin()->first <= nowNs()) {
        auto node = m_pending.extract(m_pending.begin());
        node.mapped()();
        if (!self)
            return;
    }
    arm();
}
