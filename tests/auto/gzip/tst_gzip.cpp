// GzipCompressor: output is a gzip member (1f 8b, deflate) that zlib's auto-detecting
// inflate and the gzip(1) tool both decode back to the input; bad levels are errors.

#include "metrics/gzipcompressor.h"

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QtTest>

#include <zlib.h>

class TstGzip : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void gzipToolDecodes();
    void textCompresses();
    void badLevel_data();
    void badLevel();

private:
    static QByteArray inflateAny(const QByteArray &compressed, bool *ok);
};

QByteArray TstGzip::inflateAny(const QByteArray &compressed, bool *ok)
{
    *ok = false;
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) // 32: detect zlib or gzip header
        return {};
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    zs.avail_in = uInt(compressed.size());
    QByteArray out;
    char buf[65536];
    int rc;
    do {
        zs.next_out = reinterpret_cast<Bytef *>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, qsizetype(sizeof buf - zs.avail_out));
    } while (rc == Z_OK);
    *ok = rc == Z_STREAM_END && zs.avail_in == 0; // exactly one member, nothing trailing
    inflateEnd(&zs);
    return out;
}

void TstGzip::roundTrip_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("level");

    QFile golden(QStringLiteral(ECR_TEST_DATA_DIR "/exposition/golden.prom"));
    QVERIFY(golden.open(QIODevice::ReadOnly));
    const QByteArray text = golden.readAll();
    QByteArray random(1 << 20, Qt::Uninitialized);
    QRandomGenerator gen(42);
    gen.fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);

    QTest::newRow("empty") << QByteArray() << 6;
    QTest::newRow("one byte") << QByteArray("x") << 6;
    QTest::newRow("exposition level 6") << text << 6;
    QTest::newRow("exposition level 0 (stored)") << text << 0;
    QTest::newRow("exposition level 1") << text << 1;
    QTest::newRow("exposition level 9") << text << 9;
    QTest::newRow("exposition zlib default") << text << -1;
    QTest::newRow("1 MiB random (incompressible)") << random << 6;
    QTest::newRow("8 MiB text") << text.repeated(8 * 1024 * 1024 / text.size() + 1) << 6;
}

void TstGzip::roundTrip()
{
    QFETCH(QByteArray, input);
    QFETCH(int, level);
    QString error;
    const QByteArray gz = GzipCompressor::compress(input, level, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(gz.size() >= 18);
    // RFC 1952: ID1 ID2 CM=8 (deflate).
    QCOMPARE(quint8(gz[0]), quint8(0x1f));
    QCOMPARE(quint8(gz[1]), quint8(0x8b));
    QCOMPARE(quint8(gz[2]), quint8(8));
    // Trailer: CRC32 and ISIZE, little endian, computed independently here.
    const auto le32 = [&gz](qsizetype at) {
        return quint32(quint8(gz[at])) | quint32(quint8(gz[at + 1])) << 8 | quint32(quint8(gz[at + 2])) << 16
            | quint32(quint8(gz[at + 3])) << 24;
    };
    const quint32 crc = quint32(crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef *>(input.constData()),
                                      uInt(input.size())));
    QCOMPARE(le32(gz.size() - 8), crc);
    QCOMPARE(le32(gz.size() - 4), quint32(input.size()));

    bool ok = false;
    const QByteArray back = inflateAny(gz, &ok);
    QVERIFY(ok);
    QCOMPARE(back.size(), input.size());
    QVERIFY(back == input);
}

void TstGzip::gzipToolDecodes()
{
    const QString gzip = QStandardPaths::findExecutable(QStringLiteral("gzip"));
    if (gzip.isEmpty())
        QSKIP("gzip(1) not installed (apt-get install gzip)");
    QFile golden(QStringLiteral(ECR_TEST_DATA_DIR "/exposition/golden.prom"));
    QVERIFY(golden.open(QIODevice::ReadOnly));
    const QByteArray text = golden.readAll();
    QProcess p;
    p.start(gzip, {QStringLiteral("-dc")});
    QVERIFY(p.waitForStarted());
    p.write(GzipCompressor::compress(text));
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(p.readAllStandardOutput(), text);
}

void TstGzip::textCompresses()
{
    QFile golden(QStringLiteral(ECR_TEST_DATA_DIR "/exposition/golden.prom"));
    QVERIFY(golden.open(QIODevice::ReadOnly));
    const QByteArray text = golden.readAll().repeated(100);
    const QByteArray gz = GzipCompressor::compress(text);
    // Repetitive exposition text shrinks by far more than 10x at the default level.
    QVERIFY2(gz.size() * 10 < text.size(), qPrintable(QStringLiteral("%1 -> %2").arg(text.size()).arg(gz.size())));
    QCOMPARE(GzipCompressor::DefaultLevel, 6);
    QCOMPARE(GzipCompressor::compress(text), GzipCompressor::compress(text, 6));
}

void TstGzip::badLevel_data()
{
    QTest::addColumn<int>("level");
    QTest::newRow("10") << 10;
    QTest::newRow("-2") << -2;
    QTest::newRow("100") << 100;
}

void TstGzip::badLevel()
{
    QFETCH(int, level);
    QString error;
    QVERIFY(GzipCompressor::compress("data", level, &error).isEmpty());
    QVERIFY2(error.contains(QStringLiteral("gzip level")) && error.contains(QString::number(level)), qPrintable(error));
    QVERIFY(GzipCompressor::compress("data", level).isEmpty()); // no error pointer: still no crash
}

QTEST_GUILESS_MAIN(TstGzip)
#include "tst_gzip.moc"
