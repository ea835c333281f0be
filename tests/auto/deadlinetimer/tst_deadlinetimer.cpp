// DeadlineTimer: never early, in deadline order, re-entrant, and tolerant of being deleted
// by one of its own callbacks.
#include "deadlinetimer.h"

#include <QEventLoop>
#include <QPointer>
#include <QTest>
#include <QTimer>

#include <algorithm>

class TestDeadlineTimer : public QObject
{
    Q_OBJECT

private slots:
    void firesInDeadlineOrderAndNeverEarly()
    {
        DeadlineTimer timer;
        const qint64 start = DeadlineTimer::nowNs();
        // Added out of order; two share a deadline and keep the order they were added in.
        const QList<int> delaysUs = {30000, 5000, 12500, 12500, 700, 20000};
        QList<int> fired;
        QList<qint64> lateNs;
        for (int i = 0; i < delaysUs.size(); ++i) {
            const qint64 deadline = start + qint64(delaysUs.at(i)) * 1000;
            timer.callAt(deadline, [&, i, deadline] {
                fired << i;
                lateNs << DeadlineTimer::nowNs() - deadline;
            });
        }
        QCOMPARE(timer.pendingCount(), 6);
        // A plain event loop, not QTRY_*: QTest::qWait sleeps between its rounds of events,
        // which would hide how late the callbacks come.
        QEventLoop loop;
        timer.callAt(start + 31000000, [&] { loop.quit(); });
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(fired.size(), 6);
        QCOMPARE(fired, (QList<int>{4, 1, 2, 3, 5, 0}));
        for (qint64 late : std::as_const(lateNs))
            QVERIFY2(late >= 0, qPrintable(QStringLiteral("fired %1 ns early").arg(-late)));
        QCOMPARE(timer.pendingCount(), 0);
        // How late, for the record (the kernel's wake-up; not a pass/fail figure).
        qInfo("latest callback %.3f ms after its deadline",
              double(*std::max_element(lateNs.cbegin(), lateNs.cend())) / 1e6);
    }

    void pastDeadlineFiresFromTheEventLoop()
    {
        DeadlineTimer timer;
        bool fired = false;
        timer.callAt(DeadlineTimer::nowNs() - 1000000, [&] { fired = true; });
        QVERIFY(!fired); // never from inside callAt()
        QTRY_VERIFY_WITH_TIMEOUT(fired, 2000);
        timer.callAt(0, [&] { fired = false; }); // the clock's origin: long past
        QTRY_VERIFY_WITH_TIMEOUT(!fired, 2000);
    }

    void callbackMayAddAnother()
    {
        DeadlineTimer timer;
        int count = 0;
        std::function<void()> again = [&] {
            if (++count < 3)
                timer.callAt(DeadlineTimer::nowNs() + 2000000, again);
        };
        timer.callAt(DeadlineTimer::nowNs() + 1000000, again);
        QTRY_COMPARE_WITH_TIMEOUT(count, 3, 2000);
        QTest::qWait(20);
        QCOMPARE(count, 3);
    }

    void callbackMayDeleteTheTimer()
    {
        QPointer<DeadlineTimer> timer = new DeadlineTimer;
        int calls = 0;
        const qint64 at = DeadlineTimer::nowNs() + 1000000;
        timer->callAt(at, [&] {
            ++calls;
            delete timer.data();
        });
        timer->callAt(at, [&] { ++calls; }); // due at the same moment, never runs
        QTRY_VERIFY_WITH_TIMEOUT(timer.isNull(), 2000);
        QTest::qWait(20);
        QCOMPARE(calls, 1);
    }

    void destroyedWithPendingCallbacks()
    {
        bool fired = false;
        {
            DeadlineTimer timer;
            timer.callAt(DeadlineTimer::nowNs() + 5000000, [&] { fired = true; });
        }
        QTest::qWait(30);
        QVERIFY(!fired);
    }
};

QTEST_GUILESS_MAIN(TestDeadlineTimer)
#include "tst_deadlinetimer.moc"
