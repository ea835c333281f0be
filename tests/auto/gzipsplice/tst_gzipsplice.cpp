// GzipSplice: a prefix compressed once plus a tail compressed per scrape must be one valid
// gzip member, checked with zlib's inflate and with the gzip(1) tool (an independent reader).
#include "metrics/gzipsplice.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>
#include <zlib.h>

class TestGzipSplice : public QObject
{
    Q_OBJECT

private:
    static QByteArray inflateAll(const QByteArray &gz, int *members)
    {
        QByteArray out;
        *members = 0;
        z_stream zs{};
        if (inflateInit2(&zs, 15 + 16) != Z_OK)
            return {};
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.constData()));
        zs.avail_in = uInt(gz.size());
        char buf[65536];
        int rc = Z_OK;
        while (rc != Z_STREAM_END) {
            zs.next_out = reinterpret_cast<Bytef *>(buf);
            zs.avail_out = sizeof buf;
            rc = inflate(&zs, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END) {
                inflateEnd(&zs);
                return QByteArray("<inflate error>");
            }
            out.append(buf, int(sizeof buf - zs.avail_out));
        }
        *members = 1;
        const bool trailingBytes = zs.avail_in != 0; // a second member would leave input here
        inflateEnd(&zs);
        if (trailingBytes)
            *members = 2;
        return out;
    }

    static QByteArray randomText(int size, quint32 seed)
    {
        QRandomGenerator rng(seed);
        QByteArray s;
        s.reserve(size);
        static const char words[][12] = {"aws_ecr_", "image", "{name=\"", "tag", "\"} ", "1.6e+09\n", "sha256:", "abc"};
        while (s.size() < size)
            s.append(words[rng.bounded(8)]);
        s.truncate(size);
        return s;
    }

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<QByteArray>("tail");
        QTest::newRow("both empty") << QByteArray() << QByteArray();
        QTest::newRow("empty tail") << QByteArray("aws_ecr_repository_count 3\n") << QByteArray();
        QTest::newRow("empty prefix") << QByteArray() << QByteArray("process_open_fds 7\n");
        QTest::newRow("small") << QByteArray("a 1\n") << QByteArray("process_cpu_seconds_total 0.5\n");
        QTest::newRow("2 MB prefix") << randomText(2 * 1024 * 1024, 7) << randomText(3000, 8);
        QTest::newRow("tail repeats prefix") << QByteArray(100000, 'x') << QByteArray(5000, 'x');
        QTest::newRow("binary") << randomText(70000, 1).replace('a', '\0') << QByteArray("\0\1\2\xff", 4);
    }

    void roundTrip()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, tail);
        QString error;
        const GzipSplice splice = GzipSplice::compressPrefix(prefix, 6, &error);
        QVERIFY2(splice.isValid(), qPrintable(error));
        const QByteArray whole = splice.complete(tail);
        QVERIFY(whole.startsWith("\x1f\x8b\x08"));
        QCOMPARE(whole, splice.prefixBytes() + splice.tail(tail));

        int members = 0;
        QCOMPARE(inflateAll(whole, &members), prefix + tail);
        QCOMPARE(members, 1); // one member: also readers that stop after the first one see everything

        // Independent reader: gzip(1) checks the CRC and length in the trailer too.
        const QString gzipTool = QStandardPaths::findExecutable(QStringLiteral("gzip"));
        if (gzipTool.isEmpty())
            QSKIP("gzip(1) not found");
        QProcess gz;
        gz.start(gzipTool, {QStringLiteral("-dc")});
        QVERIFY(gz.waitForStarted());
        gz.write(whole);
        gz.closeWriteChannel();
        QVERIFY(gz.waitForFinished(30000));
        QCOMPARE(gz.exitCode(), 0);
        QCOMPARE(gz.readAllStandardOutput(), prefix + tail);
    }

    void tailChangesPerCall()
    {
        const GzipSplice splice = GzipSplice::compressPrefix("prefix\n");
        int members = 0;
        QCOMPARE(inflateAll(splice.complete("one\n"), &members), QByteArray("prefix\none\n"));
        QCOMPARE(inflateAll(splice.complete("two two\n"), &members), QByteArray("prefix\ntwo two\n"));
    }

    void badLevel()
    {
        QString error;
        QVERIFY(!GzipSplice::compressPrefix("x", 42, &error).isValid());
        QVERIFY(error.contains(QLatin1String("42")));
        QVERIFY(GzipSplice().tail("x").isEmpty()); // an invalid splice makes no tail
    }
};

QTEST_GUILESS_MAIN(TestGzipSplice)
#include "tst_gzipsplice.moc"
