// ProcessMetrics: fixture /proc files with hand-computed expectations, malformed and
// missing sources (errors, never crashes), and a live read of this test process.

#include "metrics/processmetrics.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

class TstProcessMetrics : public QObject
{
    Q_OBJECT

private slots:
    void fixture();
    void unlimitedOpenFiles();
    void malformedStat_data();
    void malformedStat();
    void missingProcRoot();
    void badParameters();
    void live();

private:
    static QString fixtureRoot() { return QStringLiteral(ECR_TEST_DATA_DIR "/processmetrics/proc"); }
    // Copies the fixture into a temporary directory so single files can be altered.
    static bool copyFixture(const QString &to);
    static bool writeFile(const QString &path, const QByteArray &content);
};

bool TstProcessMetrics::copyFixture(const QString &to)
{
    const QDir from(fixtureRoot());
    QDir().mkpath(to + QStringLiteral("/1234/fd"));
    for (const QString &f : {QStringLiteral("stat"), QStringLiteral("1234/stat"), QStringLiteral("1234/limits")})
        if (!QFile::copy(from.filePath(f), to + QLatin1Char('/') + f))
            return false;
    for (const QString &fd : QDir(from.filePath(QStringLiteral("1234/fd"))).entryList(QDir::Files))
        if (!writeFile(to + QStringLiteral("/1234/fd/") + fd, {}))
            return false;
    return true;
}

bool TstProcessMetrics::writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(content) == content.size();
}

void TstProcessMetrics::fixture()
{
    // Fixture: utime 1234, stime 567, starttime 98765 ticks, vsize 305135616, rss 3014 pages,
    // btime 1704160000, Max open files soft 1024, six entries in fd/. comm has spaces and
    // parentheses to check the split after the last ')'.
    const ProcessMetrics::Sample s = ProcessMetrics::read(fixtureRoot(), QStringLiteral("1234"), 100, 4096);
    QVERIFY2(s.errors.isEmpty(), qPrintable(s.errors.join(QLatin1Char('\n'))));
    QVERIFY(s.cpuSecondsTotal && s.residentMemoryBytes && s.virtualMemoryBytes && s.startTimeSeconds
            && s.openFds && s.maxFds);
    QCOMPARE(*s.cpuSecondsTotal, 18.01);             // (1234 + 567) / 100
    QCOMPARE(*s.residentMemoryBytes, 12345344.0);    // 3014 * 4096
    QCOMPARE(*s.virtualMemoryBytes, 305135616.0);
    QVERIFY(std::abs(*s.startTimeSeconds - 1704160987.65) < 1e-6); // 1704160000 + 98765 / 100
    QCOMPARE(*s.openFds, 6.0);
    QCOMPARE(*s.maxFds, 1024.0);

    // Other tick rate and page size scale as expected.
    const ProcessMetrics::Sample t = ProcessMetrics::read(fixtureRoot(), QStringLiteral("1234"), 250, 16384);
    QCOMPARE(*t.cpuSecondsTotal, 7.204);             // 1801 / 250
    QCOMPARE(*t.residentMemoryBytes, 49381376.0);    // 3014 * 16384
    QVERIFY(std::abs(*t.startTimeSeconds - 1704160395.06) < 1e-6); // 98765 / 250 = 395.06
}

void TstProcessMetrics::unlimitedOpenFiles()
{
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir.path()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("1234/limits")),
                      "Limit                     Soft Limit           Hard Limit           Units     \n"
                      "Max open files            unlimited            unlimited            files     \n"));
    const ProcessMetrics::Sample s = ProcessMetrics::read(dir.path(), QStringLiteral("1234"), 100, 4096);
    QVERIFY(s.errors.isEmpty());
    QVERIFY(s.maxFds && std::isinf(*s.maxFds) && *s.maxFds > 0);
}

void TstProcessMetrics::malformedStat_data()
{
    QTest::addColumn<QByteArray>("stat");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("no \"(comm)\" field");
    QTest::newRow("no comm") << QByteArray("1234 S 1 2 3\n") << QStringLiteral("no \"(comm)\" field");
    QTest::newRow("truncated") << QByteArray("1234 (x) S 1 1234 1234 0 -1 4194560 2543 0 12 0 1234 567\n")
                               << QStringLiteral("expected at least 22");
    QTest::newRow("non-numeric utime")
        << QByteArray("1234 (x) S 1 1234 1234 0 -1 4194560 2543 0 12 0 abc 567 0 0 20 0 5 0 98765 305135616 3014 0\n")
        << QStringLiteral("non-numeric");
}

void TstProcessMetrics::malformedStat()
{
    QFETCH(QByteArray, stat);
    QFETCH(QString, errorPart);
    QTemporaryDir dir;
    QVERIFY(copyFixture(dir.path()));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("1234/stat")), stat));
    const ProcessMetrics::Sample s = ProcessMetrics::read(dir.path(), QStringLiteral("1234"), 100, 4096);
    QCOMPARE(s.errors.size(), 1);
    QVERIFY2(s.errors.first().contains(errorPart) && s.errors.first().contains(QStringLiteral("1234/stat")),
             qPrintable(s.errors.first()));
    QVERIFY(!s.cpuSecondsTotal && !s.residentMemoryBytes && !s.virtualMemoryBytes && !s.startTimeSeconds);
    // The other sources are unaffected.
    QCOMPARE(s.openFds.value_or(-1), 6.0);
    QCOMPARE(s.maxFds.value_or(-1), 1024.0);
}

void TstProcessMetrics::missingProcRoot()
{
    QTemporaryDir dir; // empty: nothing to read
    const ProcessMetrics::Sample s = ProcessMetrics::read(dir.path(), QStringLiteral("self"), 100, 4096);
    QVERIFY(!s.cpuSecondsTotal && !s.residentMemoryBytes && !s.virtualMemoryBytes && !s.startTimeSeconds
            && !s.openFds && !s.maxFds);
    QCOMPARE(s.errors.size(), 4); // /stat, self/stat, self/fd, self/limits
    for (const QString &e : s.errors)
        QVERIFY2(e.startsWith(QStringLiteral("cannot ")) && e.contains(dir.path()), qPrintable(e));
}

void TstProcessMetrics::badParameters()
{
    const ProcessMetrics::Sample s = ProcessMetrics::read(fixtureRoot(), QStringLiteral("1234"), 0, 4096);
    QCOMPARE(s.errors.size(), 1);
    QVERIFY(s.errors.first().contains(QStringLiteral("must be positive")));
    QVERIFY(!s.cpuSecondsTotal);
}

void TstProcessMetrics::live()
{
    if (!QFileInfo::exists(QStringLiteral("/proc/self/stat")))
        QSKIP("no Linux /proc on this system");
    const ProcessMetrics::Sample s = ProcessMetrics::read();
    QVERIFY2(s.errors.isEmpty(), qPrintable(s.errors.join(QLatin1Char('\n'))));
    QVERIFY(s.residentMemoryBytes && *s.residentMemoryBytes > 0);
    QVERIFY(s.virtualMemoryBytes && *s.virtualMemoryBytes >= *s.residentMemoryBytes);
    QVERIFY(s.openFds && *s.openFds >= 3); // stdin, stdout, stderr at least
    QVERIFY(s.maxFds && *s.maxFds >= *s.openFds);
    QVERIFY(s.cpuSecondsTotal && *s.cpuSecondsTotal >= 0);
    // This process started a moment ago (tests run well under an hour).
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QVERIFY(s.startTimeSeconds);
    QVERIFY2(*s.startTimeSeconds <= now + 1 && *s.startTimeSeconds > now - 3600,
             qPrintable(QStringLiteral("start %1, now %2").arg(*s.startTimeSeconds, 0, 'f', 2).arg(now, 0, 'f', 2)));

    // Opening three files shows up as three more descriptors.
    QFile a(QStringLiteral("/proc/self/stat")), b(QStringLiteral("/proc/self/status")), c(QStringLiteral("/proc/self/limits"));
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly) && c.open(QIODevice::ReadOnly));
    const ProcessMetrics::Sample after = ProcessMetrics::read();
    QCOMPARE(*after.openFds, *s.openFds + 3);
}

QTEST_GUILESS_MAIN(TstProcessMetrics)
#include "tst_processmetrics.moc"
