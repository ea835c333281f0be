// Scan results end to end: the real ecr_exporter binary against the fake ECR and the fake
// Inspector (in this process) in the three scan modes. Expected series are derived here from
// the fake's ground truth by the rules, never from the exporter's code:
//  - for every tag of every image with scan results (basic: COMPLETE; enhanced: ACTIVE), one
//    aws_ecr_image_scan_severity_count per severity of its truth with the count, and its
//    completion / vulnerability-source times;
//  - for every tag of every image with a scan status, aws_ecr_image_scan_status{status} 1;
//  - where DescribeImageScanFindings is denied or off, Amazon Inspector's CRITICAL, HIGH and
//    MEDIUM alone (images with findings only) and no times; where nothing gives them, none.
#include "fakeecrserver.h"
#include "fakeinspectorserver.h"
#include "fakeregistry.h"
#include "scanexporter.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

Q_DECLARE_METATYPE(FakeRegistry::ScanMode)

namespace {

const QString kKey = QStringLiteral("AKIDSCANE2EEXPORTER1");
const QString kSecret = QStringLiteral("scan/e2e/exporter/secret/0123456789");
const QString kFindings = QStringLiteral("DescribeImageScanFindings");
const QString kConfiguration = QStringLiteral("GetRegistryScanningConfiguration");
const QString kSeverity = QStringLiteral("aws_ecr_image_scan_severity_count");
const QString kCompleted = QStringLiteral("aws_ecr_image_scan_completed_at_timestamp_seconds");
const QString kStatus = QStringLiteral("aws_ecr_image_scan_status");
const QString kSource = QStringLiteral("aws_ecr_image_scan_vulnerability_source_updated_timestamp_seconds");
const QStringList kScanFamilies{kSeverity, kCompleted, kStatus, kSource};

using Mode = FakeRegistry::ScanMode;

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::BasicLegacy: return QStringLiteral("basic-legacy");
    case Mode::BasicCurrent: return QStringLiteral("basic-current");
    case Mode::Enhanced: return QStringLiteral("enhanced");
    }
    return {};
}

FakeRegistry makeRegistry(Mode mode, quint32 seed = 2027, int repositories = 9, int images = 6)
{
    FakeRegistry::Spec spec;
    spec.repositories = repositories;
    spec.imagesPerRepository = images;
    spec.seed = seed;
    spec.registryId = QStringLiteral("246813579024");
    spec.scanMode = mode;
    return FakeRegistry::generate(spec);
}

qint64 total(const EcrImage &image)
{
    qint64 n = 0;
    for (int c : image.severityCounts)
        n += c;
    return n;
}

double seconds(const QDateTime &t)
{
    return double(t.toMSecsSinceEpoch()) / 1000.0;
}

// What may give the counts of images without a summary.
enum class Counts { Findings, InspectorOnly, None };

// Does the image's count come from the scan phase? No summary, and COMPLETE, or ACTIVE
// unless the registry is known to scan BASIC (the issue: basic COMPLETE, enhanced ACTIVE).
bool needsPhase(const EcrImage &image, bool knownBasic)
{
    return !image.hasScanSummary
        && (image.scanStatus == QLatin1String("COMPLETE") || (image.scanStatus == QLatin1String("ACTIVE") && !knownBasic));
}

// `configurationKnown`: the exporter may read GetRegistryScanningConfiguration.
ScanExporter::Series expectedSeries(const FakeRegistry &truth, Counts counts, bool configurationKnown = true)
{
    const bool knownBasic = configurationKnown && truth.scanMode != Mode::Enhanced;
    ScanExporter::Series out;
    for (const EcrRepository &r : truth.repositories) {
        for (const EcrImage &image : truth.images.value(r.repositoryName)) {
            for (const QString &tag : image.imageTags) {
                const QMap<QString, QString> labels{{QStringLiteral("digest"), image.imageDigest},
                                                    {QStringLiteral("image"), r.repositoryUri + QLatin1Char(':') + tag},
                                                    {QStringLiteral("name"), r.repositoryName},
                                                    {QStringLiteral("registry_id"), truth.registryId},
                                                    {QStringLiteral("tag"), tag}};
                if (!image.scanStatus.isEmpty()) {
                    auto l = labels;
                    l.insert(QStringLiteral("status"), image.scanStatus);
                    out.insert(ScanExporter::key(kStatus, l), 1);
                }
                const bool candidate = needsPhase(image, knownBasic);
                const bool full = image.hasScanSummary || (candidate && counts == Counts::Findings);
                const bool inspector = !full && candidate && counts == Counts::InspectorOnly && total(image) > 0;
                if (full) {
                    for (auto it = image.severityCounts.cbegin(); it != image.severityCounts.cend(); ++it) {
                        auto l = labels;
                        l.insert(QStringLiteral("severity"), it.key());
                        out.insert(ScanExporter::key(kSeverity, l), it.value());
                    }
                    if (image.scanCompletedAt.isValid())
                        out.insert(ScanExporter::key(kCompleted, labels), seconds(image.scanCompletedAt));
                    if (image.vulnerabilitySourceUpdatedAt.isValid())
                        out.insert(ScanExporter::key(kSource, labels), seconds(image.vulnerabilitySourceUpdatedAt));
                } else if (inspector) {
                    for (const char *s : {"CRITICAL", "HIGH", "MEDIUM"}) {
                        const int n = image.severityCounts.value(QLatin1String(s));
                        if (n == 0)
                            continue;
                        auto l = labels;
                        l.insert(QStringLiteral("severity"), QLatin1String(s));
                        out.insert(ScanExporter::key(kSeverity, l), n);
                    }
                }
            }
        }
    }
    return out;
}

// Tagged images that need DescribeImageScanFindings ("<repo>\n<digest>").
QSet<QString> candidates(const FakeRegistry &truth, bool configurationKnown = true)
{
    const bool knownBasic = configurationKnown && truth.scanMode != Mode::Enhanced;
    QSet<QString> out;
    for (const EcrRepository &r : truth.repositories) {
        for (const EcrImage &image : truth.images.value(r.repositoryName)) {
            if (!image.imageTags.isEmpty() && needsPhase(image, knownBasic))
                out.insert(r.repositoryName + QLatin1Char('\n') + image.imageDigest);
        }
    }
    return out;
}

QString difference(const ScanExporter::Series &actual, const ScanExporter::Series &expected)
{
    QStringList out;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        if (!actual.contains(it.key()))
            out << QStringLiteral("missing: %1 %2").arg(it.key()).arg(it.value(), 0, 'g', 17);
        else if (actual.value(it.key()) != it.value())
            out << QStringLiteral("wrong: %1 is %2, expected %3").arg(it.key()).arg(actual.value(it.key()), 0, 'g', 17)
                       .arg(it.value(), 0, 'g', 17);
    }
    for (auto it = actual.cbegin(); it != actual.cend(); ++it) {
        if (!expected.contains(it.key()))
            out << QStringLiteral("unexpected: %1 %2").arg(it.key()).arg(it.value(), 0, 'g', 17);
    }
    const int n = int(out.size());
    if (n > 12) {
        out = out.mid(0, 12);
        out << QStringLiteral("... %1 differences").arg(n);
    }
    return out.join(QLatin1Char('\n'));
}

// Fake ECR + fake Inspector + the exporter pointed at both.
struct Rig {
    FakeEcrServer ecr;
    FakeInspectorServer inspector{&ecr};
    ScanExporter exporter;

    explicit Rig(const FakeRegistry &truth)
    {
        ecr.setRegistry(truth);
        ecr.addCredentials(kKey, kSecret);
        inspector.addCredentials(kKey, kSecret);
        ecr.setPageCap(4); // findings come in several pages
        if (ecr.listen() && inspector.listen()) {
            exporter.setEnv(QStringLiteral("AWS_ENDPOINT_URL_ECR"), ecr.endpoint().toString());
            exporter.setEnv(QStringLiteral("AWS_ENDPOINT_URL_INSPECTOR2"), inspector.endpoint().toString());
        }
        exporter.setEnv(QStringLiteral("AWS_REGION"), truth.region);
        exporter.setEnv(QStringLiteral("AWS_ACCESS_KEY_ID"), kKey);
        exporter.setEnv(QStringLiteral("AWS_SECRET_ACCESS_KEY"), kSecret);
    }

    int findingsCalls() const { return ecr.requestCount(kFindings); }

    // Keys of the images asked about (first page of each read).
    QSet<QString> findingsImages(int from = 0) const
    {
        QSet<QString> out;
        const auto requests = ecr.requests();
        for (int i = from; i < requests.size(); ++i) {
            if (requests.at(i).operation != kFindings)
                continue;
            const QJsonObject body = QJsonDocument::fromJson(requests.at(i).body).object();
            out.insert(body.value(QStringLiteral("repositoryName")).toString() + QLatin1Char('\n')
                       + body.value(QStringLiteral("imageId")).toObject().value(QStringLiteral("imageDigest")).toString());
        }
        return out;
    }
};

ScanExporter::Series parsed(const QByteArray &body)
{
    ScanExporter::Series series;
    QString error;
    if (!ScanExporter::parse(body, &series, &error))
        qWarning("unparsable exposition: %s", qPrintable(error));
    return series;
}

double refreshes(const ScanExporter::Series &s)
{
    return ScanExporter::value(s, QStringLiteral("aws_ecr_exporter_refreshes_total"));
}

// Scrapes until `done` holds for the parsed body (the exporter serves from its cache).
ScanExporter::Series scrapeUntil(ScanExporter &exporter, const std::function<bool(const ScanExporter::Series &)> &done,
                                 int timeoutMs = 30000)
{
    ScanExporter::Series last;
    if (!QTest::qWaitFor([&] {
            last = parsed(exporter.scrape());
            return done(last);
        }, timeoutMs))
        qWarning("gave up waiting for the exporter after %d ms: %s", timeoutMs, qPrintable(exporter.describe()));
    return last;
}

int warningsAbout(const ScanExporter &exporter, const QString &operation)
{
    int n = 0;
    for (const QJsonObject &line : exporter.logLines()) {
        if (line.value(QStringLiteral("level")).toString() == QLatin1String("WARNING")
            && line.value(QStringLiteral("message")).toString().contains(operation))
            ++n;
    }
    return n;
}

} // namespace

class TestScanE2e : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(QStringLiteral(ECR_EXPORTER_BINARY)).isExecutable(), "build the ecr_exporter target first");
    }

    // The series equal the ground truth in each mode; the second refresh, with no scan
    // change, reads no findings and still serves the same.
    void groundTruthAndCache_data()
    {
        QTest::addColumn<Mode>("mode");
        for (Mode mode : {Mode::BasicLegacy, Mode::BasicCurrent, Mode::Enhanced})
            QTest::newRow(qPrintable(modeName(mode))) << mode;
    }

    void groundTruthAndCache()
    {
        QFETCH(Mode, mode);
        const FakeRegistry truth = makeRegistry(mode);
        Rig rig(truth);
        rig.exporter.start({QStringLiteral("--web.listen-address=127.0.0.1:0"), QStringLiteral("--refresh-interval=2s")});
        QVERIFY2(rig.exporter.waitForListening(), qPrintable(rig.exporter.describe()));

        const ScanExporter::Series expected = expectedSeries(truth, Counts::Findings);
        QVERIFY(expected.size() > 40);
        ScanExporter::Series first = scrapeUntil(rig.exporter, [](const auto &s) { return refreshes(s) >= 1; });
        QCOMPARE(refreshes(first), 1.0);
        QString diff = difference(ScanExporter::only(first, kScanFamilies), expected);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));

        const QSet<QString> wanted = candidates(truth);
        QCOMPARE(rig.findingsImages(), wanted); // exactly the images without a summary
        if (mode != Mode::BasicLegacy)
            QVERIFY(wanted.size() > 10);
        const int callsAfterFirst = rig.findingsCalls();
        QCOMPARE(ScanExporter::value(first, QStringLiteral("aws_ecr_registry_scanning_info"),
                                     {{QStringLiteral("registry_id"), truth.registryId},
                                      {QStringLiteral("scan_type"), FakeRegistry::scanTypeName(mode)}}), 1.0);
        QCOMPARE(ScanExporter::value(first, QStringLiteral("aws_ecr_exporter_api_requests_total"),
                                     {{QStringLiteral("operation"), kConfiguration}, {QStringLiteral("outcome"), QStringLiteral("success")}}),
                 1.0);
        if (!wanted.isEmpty()) {
            QCOMPARE(ScanExporter::value(first, QStringLiteral("aws_ecr_exporter_api_requests_total"),
                                         {{QStringLiteral("operation"), kFindings}, {QStringLiteral("outcome"), QStringLiteral("success")}}),
                     double(callsAfterFirst));
        }
        QCOMPARE(ScanExporter::value(first, QStringLiteral("aws_ecr_exporter_scan_findings_fetches_total")), double(wanted.size()));
        QCOMPARE(ScanExporter::value(first, QStringLiteral("aws_ecr_exporter_scan_images_waiting")), 0.0);
        QCOMPARE(rig.inspector.requestCount() > 0, mode == Mode::Enhanced);

        const ScanExporter::Series second = scrapeUntil(rig.exporter, [](const auto &s) { return refreshes(s) >= 2; });
        QCOMPARE(refreshes(second), 2.0);
        QCOMPARE(rig.findingsCalls(), callsAfterFirst); // no DescribeImageScanFindings in the second refresh
        QCOMPARE(ScanExporter::value(second, QStringLiteral("aws_ecr_exporter_scan_findings_cache_hits_total")),
                 double(wanted.size()));
        diff = difference(ScanExporter::only(second, kScanFamilies), expected);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        QCOMPARE(ScanExporter::value(second, QStringLiteral("aws_ecr_exporter_api_requests_total"),
                                     {{QStringLiteral("operation"), kConfiguration}, {QStringLiteral("outcome"), QStringLiteral("success")}}),
                 2.0);
    }

    // Each optional permission denied (and all three): only what no permitted call gives is lost.
    void denials_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<bool>("denyConfiguration");
        QTest::addColumn<bool>("denyFindings");
        QTest::addColumn<bool>("denyInspector");
        for (Mode mode : {Mode::BasicLegacy, Mode::BasicCurrent, Mode::Enhanced}) {
            const QByteArray m = modeName(mode).toLatin1();
            QTest::newRow(m + " GetRegistryScanningConfiguration") << mode << true << false << false;
            QTest::newRow(m + " DescribeImageScanFindings") << mode << false << true << false;
            QTest::newRow(m + " ListFindingAggregations") << mode << false << false << true;
            QTest::newRow(m + " all three") << mode << true << true << true;
        }
    }

    void denials()
    {
        QFETCH(Mode, mode);
        QFETCH(bool, denyConfiguration);
        QFETCH(bool, denyFindings);
        QFETCH(bool, denyInspector);
        const FakeRegistry truth = makeRegistry(mode, 3131);
        Rig rig(truth);
        if (denyConfiguration)
            rig.ecr.injectFault(kConfiguration, FakeEcrServer::Fault::AccessDenied, -1);
        if (denyFindings)
            rig.ecr.injectFault(kFindings, FakeEcrServer::Fault::AccessDenied, -1);
        if (denyInspector)
            rig.inspector.injectFault(FakeInspectorServer::Fault::AccessDenied, -1);
        rig.exporter.start({QStringLiteral("--once")});
        QVERIFY2(rig.exporter.waitForFinished(), qPrintable(rig.exporter.describe()));
        QVERIFY2(rig.exporter.exitCode() == 0, qPrintable(rig.exporter.describe())); // the rest still works
        const ScanExporter::Series body = parsed(rig.exporter.standardOutput());

        const Counts counts = !denyFindings ? Counts::Findings
                            : (mode == Mode::Enhanced && !denyInspector) ? Counts::InspectorOnly
                                                                         : Counts::None;
        const QString diff = difference(ScanExporter::only(body, kScanFamilies),
                                        expectedSeries(truth, counts, !denyConfiguration));
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        QCOMPARE(ScanExporter::only(body, {QStringLiteral("aws_ecr_registry_scanning_info")}).size(), denyConfiguration ? 0 : 1);
        // The rest of the registry is there.
        QCOMPARE(ScanExporter::value(body, QStringLiteral("aws_ecr_repository_count"),
                                     {{QStringLiteral("registry_id"), truth.registryId}}),
                 double(truth.repositories.size()));
        QCOMPARE(ScanExporter::value(body, QStringLiteral("aws_ecr_exporter_data_complete")), 1.0);
        // Logged (once) and counted.
        if (denyConfiguration) {
            QCOMPARE(warningsAbout(rig.exporter, kConfiguration), 1);
            QCOMPARE(ScanExporter::value(body, QStringLiteral("aws_ecr_exporter_api_requests_total"),
                                         {{QStringLiteral("operation"), kConfiguration},
                                          {QStringLiteral("outcome"), QStringLiteral("AccessDeniedException")}}), 1.0);
        }
        if (denyFindings && !candidates(truth, !denyConfiguration).isEmpty()) {
            QCOMPARE(rig.findingsCalls(), 1); // one denied call, not one per image
            QCOMPARE(warningsAbout(rig.exporter, kFindings), 1);
        }
        if (denyInspector && mode == Mode::Enhanced)
            QCOMPARE(warningsAbout(rig.exporter, QStringLiteral("ListFindingAggregations")), 1);
    }

    // Denied permissions are logged once over several refreshes, and counted every time.
    void deniedLoggedOnce()
    {
        const FakeRegistry truth = makeRegistry(Mode::Enhanced, 5, 4, 4);
        Rig rig(truth);
        rig.ecr.injectFault(kConfiguration, FakeEcrServer::Fault::AccessDenied, -1);
        rig.ecr.injectFault(kFindings, FakeEcrServer::Fault::AccessDenied, -1);
        rig.inspector.injectFault(FakeInspectorServer::Fault::AccessDenied, -1);
        rig.exporter.start({QStringLiteral("--web.listen-address=127.0.0.1:0"), QStringLiteral("--refresh-interval=1s")});
        QVERIFY2(rig.exporter.waitForListening(), qPrintable(rig.exporter.describe()));
        const ScanExporter::Series body = scrapeUntil(rig.exporter, [](const auto &s) { return refreshes(s) >= 3; });
        QVERIFY(refreshes(body) >= 3);
        for (const QString &op : {kConfiguration, kFindings, QStringLiteral("ListFindingAggregations")})
            QVERIFY2(warningsAbout(rig.exporter, op) == 1, qPrintable(op));
        QVERIFY(ScanExporter::value(body, QStringLiteral("aws_ecr_exporter_api_requests_total"),
                                    {{QStringLiteral("operation"), kConfiguration},
                                     {QStringLiteral("outcome"), QStringLiteral("AccessDeniedException")}}) >= 3);
    }

    // --scan.findings-budget, --scan.findings-max-age, SCAN_FINDINGS=off.
    void flags()
    {
        const FakeRegistry truth = makeRegistry(Mode::BasicCurrent, 4242);
        const QSet<QString> wanted = candidates(truth);
        QVERIFY(wanted.size() > 10);
        {
            Rig rig(truth);
            rig.ecr.setSeverityCountsPolicy(FakeEcrServer::SeverityCountsPolicy::Always); // one call per image
            rig.exporter.start({QStringLiteral("--once"), QStringLiteral("--scan.findings-budget=3")});
            QVERIFY2(rig.exporter.waitForFinished(), qPrintable(rig.exporter.describe()));
            QCOMPARE(rig.findingsCalls(), 3);
            const ScanExporter::Series body = parsed(rig.exporter.standardOutput());
            QCOMPARE(ScanExporter::value(body, QStringLiteral("aws_ecr_exporter_scan_images_waiting")), double(wanted.size() - 3));
            QCOMPARE(ScanExporter::value(body, QStringLiteral("aws_ecr_exporter_scan_images_current"),
                                         {{QStringLiteral("source"), QStringLiteral("findings")}}), 3.0);
        }
        {
            Rig rig(truth);
            rig.exporter.setEnv(QStringLiteral("SCAN_FINDINGS"), QStringLiteral("off"));
            rig.exporter.start({QStringLiteral("--once")});
            QVERIFY2(rig.exporter.waitForFinished(), qPrintable(rig.exporter.describe()));
            QCOMPARE(rig.findingsCalls(), 0);
            const ScanExporter::Series body = parsed(rig.exporter.standardOutput());
            QCOMPARE(ScanExporter::value(body, QStringLiteral("aws_ecr_exporter_scan_images_unavailable")), double(wanted.size()));
            const QString diff = difference(ScanExporter::only(body, kScanFamilies), expectedSeries(truth, Counts::None));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
        {
            // Entries older than max age are read again at the next refresh.
            Rig rig(truth);
            rig.exporter.setEnv(QStringLiteral("SCAN_FINDINGS_MAX_AGE"), QStringLiteral("1s"));
            rig.exporter.start({QStringLiteral("--web.listen-address=127.0.0.1:0"), QStringLiteral("--refresh-interval=2s")});
            QVERIFY2(rig.exporter.waitForListening(), qPrintable(rig.exporter.describe()));
            scrapeUntil(rig.exporter, [](const auto &s) { return refreshes(s) >= 1; });
            const int before = int(rig.ecr.requests().size());
            const ScanExporter::Series second = scrapeUntil(rig.exporter, [](const auto &s) { return refreshes(s) >= 2; });
            QCOMPARE(rig.findingsImages(before), wanted);
            const QString diff = difference(ScanExporter::only(second, kScanFamilies), expectedSeries(truth, Counts::Findings));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
    }

    // Inspector is found through AWS_ENDPOINT_URL when AWS_ENDPOINT_URL_INSPECTOR2 is not set.
    void inspectorThroughGlobalEndpoint()
    {
        const FakeRegistry truth = makeRegistry(Mode::Enhanced, 99);
        Rig rig(truth);
        rig.exporter.unsetEnv(QStringLiteral("AWS_ENDPOINT_URL_INSPECTOR2"));
        rig.exporter.setEnv(QStringLiteral("AWS_ENDPOINT_URL"), rig.inspector.endpoint().toString());
        rig.ecr.injectFault(kFindings, FakeEcrServer::Fault::AccessDenied, -1);
        rig.exporter.start({QStringLiteral("--once")});
        QVERIFY2(rig.exporter.waitForFinished(), qPrintable(rig.exporter.describe()));
        QVERIFY(rig.inspector.requestCount() > 0);
        const ScanExporter::Series body = parsed(rig.exporter.standardOutput());
        const QString diff = difference(ScanExporter::only(body, kScanFamilies), expectedSeries(truth, Counts::InspectorOnly));
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
};

QTEST_MAIN(TestScanE2e)
#include "tst_scan_e2e.moc"
