// Runs Prometheus' own linter (`promtool check metrics`, Debian package "prometheus") over
// the golden exposition and over freshly rendered ones. The only accepted findings are the
// two "_count" suffix lints on the original exporter's metric names, which we keep for
// compatibility with existing dashboards.

#include "expositionfixtures.h"
#include "metrics/expositionwriter.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QtTest>

using namespace ExpositionFixtures;

class TstPromtool : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void check_data();
    void check();

private:
    QString m_promtool;
};

namespace {

const QStringList countFindings{
    QStringLiteral("aws_ecr_image_scan_severity_count non-histogram and non-summary metrics should not have \"_count\" suffix"),
    QStringLiteral("aws_ecr_repository_count non-histogram and non-summary metrics should not have \"_count\" suffix"),
};

QByteArray readGolden()
{
    QFile f(QStringLiteral(ECR_TEST_DATA_DIR "/exposition/golden.prom"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ExpositionInput withoutSnapshot()
{
    ExpositionInput in = goldenInput();
    in.snapshot.reset();
    return in;
}

ExpositionInput awkward()
{
    ExpositionInput in = goldenInput();
    auto snap = std::make_shared<RegistrySnapshot>(*in.snapshot);
    RegistrySnapshot::RepositoryState st;
    st.repository = repo(QStringLiteral("we\"ird\\na\nme/\u00e9t\u00e9"), QStringLiteral("KMS_DSSE"),
                         QStringLiteral("IMMUTABLE_WITH_EXCLUSION"), false);
    EcrImage img = image(st.repository.repositoryName, QStringLiteral("sha256:00"),
                         {QStringLiteral("a\"b"), QStringLiteral("c\\d"), QStringLiteral("e\nf")}, 0,
                         at("1970-01-01T00:00:00Z"));
    img.hasScanSummary = true;
    img.scanCompletedAt = at("2038-01-19T03:14:08Z");
    img.severityCounts = {{QStringLiteral("CRITICAL"), 0}, {QStringLiteral("we\"ird"), 1}};
    st.images << img;
    snap->repositories << st;
    in.snapshot = snap;
    in.stats.apiRequests.insert({QStringLiteral("DescribeImages"), QStringLiteral("Timeout\n\"x\"")}, 1);
    return in;
}

} // namespace

void TstPromtool::initTestCase()
{
    m_promtool = QStringLiteral("/usr/bin/promtool");
    if (!QFileInfo(m_promtool).isExecutable())
        QFAIL("promtool not found at /usr/bin/promtool: install it with `apt-get install prometheus` "
              "(Debian 12 package; the test needs Prometheus' linter)");
}

void TstPromtool::check_data()
{
    QTest::addColumn<QByteArray>("exposition");
    QTest::addColumn<QStringList>("expectedFindings");
    QTest::newRow("golden file") << readGolden() << countFindings;
    QTest::newRow("golden input rendered") << ExpositionWriter::render(goldenInput()) << countFindings;
    QTest::newRow("awkward label values") << ExpositionWriter::render(awkward()) << countFindings;
    QTest::newRow("generated 30x12") << ExpositionWriter::render(largeInput(30, 12)) << countFindings;
    QTest::newRow("before the first refresh") << ExpositionWriter::render(withoutSnapshot()) << QStringList();
}

void TstPromtool::check()
{
    QFETCH(QByteArray, exposition);
    QFETCH(QStringList, expectedFindings);
    QVERIFY(!exposition.isEmpty());

    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels); // findings go to stderr
    p.start(m_promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY2(p.waitForStarted(), qPrintable(p.errorString()));
    p.write(exposition);
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);

    const QString output = QString::fromUtf8(p.readAll());
    QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    lines.sort();
    QCOMPARE(lines, expectedFindings);
    // promtool 2.42: 0 = clean, 3 = lint findings only (1 would be a parse error).
    QCOMPARE(p.exitCode(), expectedFindings.isEmpty() ? 0 : 3);
}

QTEST_GUILESS_MAIN(TstPromtool)
#include "tst_promtool.moc"
