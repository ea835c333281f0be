// Tests of the Prometheus text exposition: value formatting (Go strconv rules), escaping,
// a hand-checked golden file, ordering invariants on awkward data, and the render time of
// a 120,000-tag registry (printed, not asserted).

#include "expositionfixtures.h"
#include "metrics/expositionwriter.h"
#include "metrics/promtext.h"

#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>

using namespace ExpositionFixtures;

class TstExposition : public QObject
{
    Q_OBJECT

private slots:
    void formatValue_data();
    void formatValue();
    void formatValueRoundTrips();
    void escapeLabelValue_data();
    void escapeLabelValue();
    void escapeHelp_data();
    void escapeHelp();
    void contentType();
    void golden_data();
    void golden();
    void nullSnapshotOnlyExporterMetrics();
    void invalidTimesOmitted();
    void orderingWithAwkwardValues();
    void appendProcessMetricsMatchesRender();
    void largeRegistryRenderTime();

private:
    static QString goldenPath() { return QStringLiteral(ECR_TEST_DATA_DIR "/exposition/golden.prom"); }
};

void TstExposition::formatValue_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");
    // Expected strings follow Go's strconv.FormatFloat(v, 'g', -1, 64): shortest digits;
    // %e form iff exponent < -4 or >= 6 (shortest mode fixes eprec at 6); exponent has a
    // sign and at least two digits. Plus writeFloat's special cases (0, 1, -1, NaN, ±Inf).
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("0"); // writeFloat: f == 0
    QTest::newRow("one") << 1.0 << QByteArray("1");
    QTest::newRow("minus one") << -1.0 << QByteArray("-1");
    QTest::newRow("two") << 2.0 << QByteArray("2");
    QTest::newRow("seed count 171") << 171.0 << QByteArray("171");
    QTest::newRow("1.5") << 1.5 << QByteArray("1.5");
    QTest::newRow("-2.5") << -2.5 << QByteArray("-2.5");
    QTest::newRow("0.1") << 0.1 << QByteArray("0.1");
    QTest::newRow("0.1+0.2") << (0.1 + 0.2) << QByteArray("0.30000000000000004");
    QTest::newRow("12.345") << 12.345 << QByteArray("12.345");
    QTest::newRow("seed size 91320109") << 91320109.0 << QByteArray("9.1320109e+07");
    QTest::newRow("seed size 246800685") << 246800685.0 << QByteArray("2.46800685e+08");
    QTest::newRow("seed time 1601994911") << 1601994911.0 << QByteArray("1.601994911e+09");
    QTest::newRow("ms timestamp") << 1601994911.123 << QByteArray("1.601994911123e+09");
    QTest::newRow("100000 exp 5") << 100000.0 << QByteArray("100000");
    QTest::newRow("999999 exp 5") << 999999.0 << QByteArray("999999");
    QTest::newRow("123456.7 exp 5") << 123456.7 << QByteArray("123456.7");
    QTest::newRow("100000.5") << 100000.5 << QByteArray("100000.5");
    QTest::newRow("1e6 exp 6") << 1e6 << QByteArray("1e+06");
    QTest::newRow("1234567") << 1234567.0 << QByteArray("1.234567e+06");
    QTest::newRow("-1234567") << -1234567.0 << QByteArray("-1.234567e+06");
    QTest::newRow("123456789") << 123456789.0 << QByteArray("1.23456789e+08");
    QTest::newRow("2^53") << 9007199254740992.0 << QByteArray("9.007199254740992e+15");
    QTest::newRow("1e21") << 1e21 << QByteArray("1e+21");
    QTest::newRow("1e100") << 1e100 << QByteArray("1e+100");
    QTest::newRow("max double") << 1.7976931348623157e308 << QByteArray("1.7976931348623157e+308");
    QTest::newRow("0.0001 exp -4") << 0.0001 << QByteArray("0.0001");
    QTest::newRow("0.00012345") << 0.00012345 << QByteArray("0.00012345");
    QTest::newRow("-0.001") << -0.001 << QByteArray("-0.001");
    QTest::newRow("0.0005") << 0.0005 << QByteArray("0.0005");
    QTest::newRow("1e-5 exp -5") << 1e-5 << QByteArray("1e-05");
    QTest::newRow("1.2345e-5") << 1.2345e-5 << QByteArray("1.2345e-05");
    QTest::newRow("1.5e-7") << 1.5e-7 << QByteArray("1.5e-07");
    QTest::newRow("1e-100") << 1e-100 << QByteArray("1e-100");
    QTest::newRow("min denormal") << 5e-324 << QByteArray("5e-324");
    QTest::newRow("+Inf") << inf << QByteArray("+Inf");
    QTest::newRow("-Inf") << -inf << QByteArray("-Inf");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void TstExposition::formatValue()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(PromText::formatValue(value), expected);

    QByteArray appended("x ");
    PromText::appendValue(appended, value);
    QCOMPARE(appended, "x " + expected);
}

void TstExposition::formatValueRoundTrips()
{
    // Independent of the expected strings above: whatever is printed must parse back to the
    // identical double, and must not contain more digits than %.17g would need.
    quint64 state = 0x243F6A8885A308D3ull;
    for (int i = 0; i < 20000; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        double v;
        std::memcpy(&v, &state, sizeof v);
        if (!std::isfinite(v))
            continue;
        const QByteArray s = PromText::formatValue(v);
        bool ok = false;
        const double back = s.toDouble(&ok);
        QVERIFY2(ok, s.constData());
        QVERIFY2(back == v, s.constData());
        QVERIFY2(s.size() <= 24, s.constData());
    }
}

void TstExposition::escapeLabelValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("plain") << QStringLiteral("team-a/parcel-bird") << QByteArray("team-a/parcel-bird");
    QTest::newRow("backslash") << QStringLiteral("a\\b") << QByteArray("a\\\\b");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("say \\\"hi\\\"");
    QTest::newRow("newline") << QStringLiteral("line1\nline2") << QByteArray("line1\\nline2");
    QTest::newRow("tab and CR untouched") << QStringLiteral("a\tb\rc") << QByteArray("a\tb\rc");
    QTest::newRow("all three") << QStringLiteral("\\\"\n") << QByteArray("\\\\\\\"\\n");
    QTest::newRow("escaped-looking text") << QStringLiteral("\\n") << QByteArray("\\\\n");
    QTest::newRow("latin-1") << QStringLiteral("caf\u00e9") << QByteArray("caf\xc3\xa9");
    QTest::newRow("cjk") << QStringLiteral("\u6f22") << QByteArray("\xe6\xbc\xa2");
    QTest::newRow("astral") << QString::fromUcs4(U"x\U0001F600y") << QByteArray("x\xf0\x9f\x98\x80y");
    QTest::newRow("lone surrogate") << QString(QChar(0xD800)) << QByteArray("\xef\xbf\xbd");
}

void TstExposition::escapeLabelValue()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(PromText::escapeLabelValue(value), expected);

    // The UTF-8 overload escapes the same way.
    QByteArray fromUtf8;
    PromText::appendLabelValue(fromUtf8, QByteArrayView(value.toUtf8()));
    if (!value.contains(QChar(0xD800)))
        QCOMPARE(fromUtf8, expected);

    QByteArray label("x,");
    PromText::appendLabel(label, "tag", value);
    QCOMPARE(label, "x,tag=\"" + expected + "\"");
}

void TstExposition::escapeHelp_data()
{
    QTest::addColumn<QString>("help");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QStringLiteral("The size of an image in bytes") << QByteArray("The size of an image in bytes");
    QTest::newRow("backslash") << QStringLiteral("C:\\path") << QByteArray("C:\\\\path");
    QTest::newRow("newline") << QStringLiteral("two\nlines") << QByteArray("two\\nlines");
    QTest::newRow("quotes stay") << QStringLiteral("say \"hi\"") << QByteArray("say \"hi\"");
    QTest::newRow("utf8") << QStringLiteral("\u00b5s") << QByteArray("\xc2\xb5s");
}

void TstExposition::escapeHelp()
{
    QFETCH(QString, help);
    QFETCH(QByteArray, expected);
    QCOMPARE(PromText::escapeHelp(help), expected);
    QByteArray appended;
    PromText::appendHelp(appended, QByteArrayView(help.toUtf8()));
    QCOMPARE(appended, expected);
}

void TstExposition::contentType()
{
    QCOMPARE(QByteArray(ExpositionWriter::ContentType), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
}

void TstExposition::golden_data()
{
    QTest::addColumn<QByteArray>("tz");
    QTest::newRow("UTC") << QByteArray("UTC");
    QTest::newRow("Asia/Kolkata") << QByteArray("Asia/Kolkata"); // +05:30: catches local-time slips
    QTest::newRow("America/St_Johns") << QByteArray("America/St_Johns");
}

void TstExposition::golden()
{
    QFETCH(QByteArray, tz);
    const QByteArray oldTz = qgetenv("TZ");
    qputenv("TZ", tz);
    tzset();
    const QByteArray actual = ExpositionWriter::render(goldenInput());
    if (oldTz.isNull())
        qunsetenv("TZ");
    else
        qputenv("TZ", oldTz);
    tzset();

    if (qEnvironmentVariableIntValue("ECR_UPDATE_GOLDEN") == 1 && tz == "UTC") {
        QFile out(goldenPath());
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(actual);
        qWarning("Rewrote %s - review it by hand before committing", qPrintable(goldenPath()));
    }

    QFile f(goldenPath());
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(goldenPath()));
    const QByteArray expected = f.readAll();
    if (actual != expected) {
        const QList<QByteArray> a = actual.split('\n'), e = expected.split('\n');
        for (qsizetype i = 0; i < qMax(a.size(), e.size()); ++i) {
            if (a.value(i) != e.value(i)) {
                qWarning("first difference at line %lld\n  expected: %s\n  actual:   %s", i + 1,
                         e.value(i).constData(), a.value(i).constData());
                break;
            }
        }
    }
    QCOMPARE(actual, expected);
}

void TstExposition::nullSnapshotOnlyExporterMetrics()
{
    ExpositionInput in; // before the first refresh: no snapshot, default stats, no process data
    in.build = BuildInfo{QStringLiteral("0.1.0"), QStringLiteral("r"), QStringLiteral("6.4.2")};
    const QByteArray out = ExpositionWriter::render(in);
    // Derived by hand: every exporter family whose value exists before any refresh, sorted.
    const QByteArray expected =
        "# HELP aws_ecr_exporter_build_info A metric with a constant '1' value labeled by the exporter's "
        "version, git revision and the Qt version it runs on.\n"
        "# TYPE aws_ecr_exporter_build_info gauge\n"
        "aws_ecr_exporter_build_info{qt_version=\"6.4.2\",revision=\"r\",version=\"0.1.0\"} 1\n"
        "# HELP aws_ecr_exporter_data_complete 1 if the last refresh listed the images of every repository, "
        "0 if some failed (their images are from an earlier refresh) or none has finished yet.\n"
        "# TYPE aws_ecr_exporter_data_complete gauge\n"
        "aws_ecr_exporter_data_complete 0\n"
        "# HELP aws_ecr_exporter_failed_repositories Number of repositories whose images could not be listed "
        "in the last refresh.\n"
        "# TYPE aws_ecr_exporter_failed_repositories gauge\n"
        "aws_ecr_exporter_failed_repositories 0\n"
        "# HELP aws_ecr_exporter_refresh_failures_total Number of registry refreshes that failed to produce "
        "registry data.\n"
        "# TYPE aws_ecr_exporter_refresh_failures_total counter\n"
        "aws_ecr_exporter_refresh_failures_total 0\n"
        "# HELP aws_ecr_exporter_refreshes_total Number of registry refreshes the exporter has run, "
        "successful or not.\n"
        "# TYPE aws_ecr_exporter_refreshes_total counter\n"
        "aws_ecr_exporter_refreshes_total 0\n"
        "# HELP aws_ecr_repository_exporter_up Whether the ECR exporter is running\n"
        "# TYPE aws_ecr_repository_exporter_up gauge\n"
        "aws_ecr_repository_exporter_up 1\n";
    QCOMPARE(out, expected);
    QVERIFY(!out.contains("aws_ecr_repository_count"));
}

void TstExposition::invalidTimesOmitted()
{
    ExpositionInput in = goldenInput();
    in.stats.lastSuccessStart = QDateTime(); // a refresh ran but none has succeeded
    const QByteArray out = ExpositionWriter::render(in);
    QVERIFY(out.contains("\naws_ecr_exporter_last_refresh_timestamp_seconds 1.704164645678e+09\n"));
    QVERIFY(!out.contains("aws_ecr_exporter_last_successful_refresh_timestamp_seconds"));
    QVERIFY(!out.contains("aws_ecr_exporter_last_successful_refresh_duration_seconds"));
}

namespace {

// Parses an exposition into (family, label text) per sample and checks the layout rules
// independently of the writer: HELP then TYPE once per family, families contiguous and
// sorted by name, label texts strictly increasing within a family (so also no duplicates).
QMap<QByteArray, int> checkLayout(const QByteArray &text)
{
    QMap<QByteArray, int> samples;
    QByteArray family, previousFamily, previousLabels;
    int state = 0; // 0: expect HELP, 1: expect TYPE, 2: samples
    const QList<QByteArray> lines = text.split('\n');
    [&] {
        QVERIFY(text.endsWith('\n'));
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const QByteArray &l = lines[i];
            if (l.startsWith("# HELP ")) {
                const QByteArray name = l.mid(7, l.indexOf(' ', 7) - 7);
                QVERIFY2(previousFamily.isEmpty() || previousFamily < name, l.constData());
                family = previousFamily = name;
                previousLabels.clear();
                state = 1;
                continue;
            }
            if (l.startsWith("# TYPE ")) {
                QCOMPARE(state, 1);
                QVERIFY(l.startsWith("# TYPE " + family + ' '));
                state = 2;
                continue;
            }
            QCOMPARE(state, 2);
            QVERIFY2(l.startsWith(family) && (l.at(family.size()) == '{' || l.at(family.size()) == ' '),
                     l.constData());
            QByteArray labelText;
            if (l.at(family.size()) == '{') {
                const qsizetype close = l.lastIndexOf("} ");
                QVERIFY(close > family.size());
                labelText = l.mid(family.size() + 1, close - family.size() - 1);
            }
            if (samples.value(family) > 0)
                QVERIFY2(previousLabels < labelText, l.constData());
            previousLabels = labelText;
            samples[family] += 1;
        }
    }();
    return samples;
}

} // namespace

void TstExposition::orderingWithAwkwardValues()
{
    // Values chosen to make naive orderings differ from the label-text order: a tag that is a
    // prefix of another, characters sorting below and above '"' (0x22) and '\\', escapes,
    // non-ASCII, and the same tag in several repositories and images.
    auto snap = std::make_shared<RegistrySnapshot>();
    snap->registryId = QStringLiteral("112233445566");
    const QStringList names{QStringLiteral("a"), QStringLiteral("a!"), QStringLiteral("a\"b"),
                            QStringLiteral("a\\b"), QStringLiteral("a b"), QStringLiteral("a\nb"),
                            QStringLiteral("\u00e9t\u00e9"), QStringLiteral("ab")};
    const QStringList tags{QStringLiteral("v1"), QStringLiteral("v1!"), QStringLiteral("v1\""),
                           QStringLiteral("v1.0"), QStringLiteral("v1\\"), QStringLiteral("latest")};
    int expectedTags = 0, expectedSeverities = 0, expectedScans = 0;
    for (const QString &n : names) {
        RegistrySnapshot::RepositoryState st;
        st.repository = repo(n, QStringLiteral("AES256"), QStringLiteral("MUTABLE"), false);
        for (int d = 0; d < 3; ++d) {
            // Digests shared across repositories on purpose ("same image pushed twice").
            const QString digest = QStringLiteral("sha256:") + QString(d + 1, QLatin1Char('a'))
                + (d == 2 ? QStringLiteral("\"") : QString());
            EcrImage img = image(n, digest, {}, 10 + d, at("2021-01-01T00:00:00Z"));
            for (int t = d; t < tags.size(); t += 2)
                img.imageTags << tags[t];
            img.hasScanSummary = true;
            img.scanCompletedAt = at("2021-01-02T00:00:00Z");
            img.severityCounts = {{QStringLiteral("LOW"), 1}, {QStringLiteral("LOW!"), 2},
                                  {QStringLiteral("LOW\""), 3}, {QStringLiteral("LOWER"), 4}};
            expectedTags += img.imageTags.size();
            expectedScans += img.imageTags.size();
            expectedSeverities += 4 * img.imageTags.size();
            st.images << img;
        }
        snap->repositories << st;
    }
    ExpositionInput in;
    in.snapshot = snap;
    const QByteArray out = ExpositionWriter::render(in);
    const QMap<QByteArray, int> counts = checkLayout(out);
    QCOMPARE(counts.value("aws_ecr_image_size_in_bytes"), expectedTags);
    QCOMPARE(counts.value("aws_ecr_image_pushed_at_timestamp_seconds"), expectedTags);
    QCOMPARE(counts.value("aws_ecr_image_scan_completed_at_timestamp_seconds"), expectedScans);
    QCOMPARE(counts.value("aws_ecr_image_scan_severity_count"), expectedSeverities);
    QCOMPARE(counts.value("aws_ecr_repository_info"), names.size());
    QCOMPARE(counts.value("aws_ecr_repository_count"), 1);
    QVERIFY(out.contains("name=\"a\\\"b\""));
    QVERIFY(out.contains("name=\"a\\nb\""));
    QVERIFY(out.contains("severity=\"LOW\\\"\",tag=\"v1\\\\\"}"));

    // The golden input obeys the same layout rules.
    checkLayout(ExpositionWriter::render(goldenInput()));
}

void TstExposition::appendProcessMetricsMatchesRender()
{
    ExpositionInput in = goldenInput();
    const ProcessMetrics::Sample process = in.process;
    in.process = ProcessMetrics::Sample();
    QByteArray body = ExpositionWriter::render(in);
    QVERIFY(!body.contains("process_"));
    ExpositionWriter::appendProcessMetrics(body, process);
    in.process = process;
    QCOMPARE(body, ExpositionWriter::render(in));
}

void TstExposition::largeRegistryRenderTime()
{
    const ExpositionInput in = largeInput(1000, 100);
    int tags = 0;
    for (const auto &st : in.snapshot->repositories)
        for (const EcrImage &i : st.images)
            tags += i.imageTags.size();
    QCOMPARE(tags, 120000);

    // Informational only (no assertion): wall time depends on the machine and its load, CPU
    // time on the build type (Debug is several times slower than Release).
    auto cpuMs = [] {
        timespec t;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
    };
    QElapsedTimer timer;
    timer.start();
    const double cpuStart = cpuMs();
    const QByteArray out = ExpositionWriter::render(in);
    const double cpu = cpuMs() - cpuStart;
    const qint64 ms = timer.elapsed();
    qInfo("rendered %d repositories, %d tags: %lld bytes, %lld lines in %lld ms wall, %.0f ms CPU",
          int(in.snapshot->repositories.size()), tags, qint64(out.size()), qint64(out.count('\n')), ms, cpu);

    const QMap<QByteArray, int> counts = checkLayout(out);
    QCOMPARE(counts.value("aws_ecr_image_size_in_bytes"), 120000);
    QCOMPARE(counts.value("aws_ecr_image_pushed_at_timestamp_seconds"), 120000);
    // 9 of 10 images scanned; images with i % 10 == 9 have one tag (9 % 5 != 0).
    QCOMPARE(counts.value("aws_ecr_image_scan_completed_at_timestamp_seconds"), 120000 - 10000);
    QCOMPARE(counts.value("aws_ecr_image_scan_severity_count"), 3 * (120000 - 10000));
}

QTEST_GUILESS_MAIN(TstExposition)
#include "tst_exposition.moc"
