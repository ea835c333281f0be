// End-to-end tests of the real ecr_exporter binary: it runs as a child process against a
// FakeEcrServer hosted in this test process (real SigV4, real HTTP, faults and latency
// injected here) and is scraped over HTTP with a raw socket client. Expected values come
// from the fake registry's ground truth (E2eRegistry::expectedSeries, written from the
// original exporter's README), from a hand-checked golden file, and from promtool.
//
// Lines that legitimately change between two runs on the same data are filtered out before
// bodies are compared (ScrapedBody::withoutVolatileLines): all process_* lines, the
// aws_ecr_exporter_last_*_timestamp_seconds / _duration_seconds families, and the revision
// label of aws_ecr_exporter_build_info. The refresh timestamps are checked separately
// against the wall clock.
#include "e2eregistry.h"
#include "exporterprocess.h"
#include "fakeecrserver.h"
#include "httpprobe.h"
#include "metrics/buildinfo.h"
#include "scrapedbody.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>
#include <unistd.h>

namespace {

using TestSupport::gunzip;

const QString kKey = QStringLiteral("AKIDE2EEXPORTERTEST1");
const QString kSecret = QStringLiteral("e2e/exporter/test/secret/key/0123456789");
const QByteArray kContentType = "text/plain; version=0.0.4; charset=utf-8";
const QString kPromtool = QStringLiteral("/usr/bin/promtool");

// One fake ECR and one exporter pointed at it.
struct Rig {
    FakeEcrServer fake;
    ExporterProcess exporter;

    explicit Rig(const FakeRegistry &registry)
    {
        fake.setRegistry(registry);
        fake.addCredentials(kKey, kSecret);
        if (fake.listen())
            exporter.useFakeEcr(fake.endpoint(), registry.region, kKey, kSecret);
    }
    bool fakeListening() const { return fake.port() != 0; }
};

QByteArray filtered(const QByteArray &body)
{
    return ScrapedBody::withoutVolatileLines(body);
}

// "missing", "unexpected" and "wrong value" lines, at most `limit` of them; empty when equal.
QString seriesDifference(const QMap<QString, double> &actual, const QMap<QString, double> &expected, int limit = 20)
{
    QStringList out;
    int total = 0;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const auto found = actual.constFind(it.key());
        if (found == actual.cend()) {
            if (++total <= limit)
                out << QStringLiteral("missing: %1 %2").arg(it.key()).arg(it.value(), 0, 'g', 17);
        } else if (!(found.value() == it.value()) && !(std::isnan(found.value()) && std::isnan(it.value()))) {
            if (++total <= limit)
                out << QStringLiteral("wrong value: %1 is %2, expected %3")
                           .arg(it.key())
                           .arg(found.value(), 0, 'g', 17)
                           .arg(it.value(), 0, 'g', 17);
        }
    }
    for (auto it = actual.cbegin(); it != actual.cend(); ++it) {
        if (!expected.contains(it.key()) && ++total <= limit)
            out << QStringLiteral("unexpected: %1 %2").arg(it.key()).arg(it.value(), 0, 'g', 17);
    }
    if (total > limit)
        out << QStringLiteral("... %1 differences in all").arg(total);
    return out.join(QLatin1Char('\n'));
}

double scrapedValue(quint16 port, const QString &name)
{
    const HttpProbe::Response r = HttpProbe::get(port, "/metrics");
    if (r.status != 200)
        return std::nan("");
    return ScrapedBody(r.body).value(name);
}

} // namespace

class TestExporterE2e : public QObject
{
    Q_OBJECT

    // Starts the exporter as a server on 127.0.0.1, port chosen by the OS.
    static void serve(Rig &rig, const QStringList &arguments = {})
    {
        QVERIFY2(rig.fakeListening(), "the fake ECR cannot listen on 127.0.0.1");
        rig.exporter.start(QStringList{QStringLiteral("--web.listen-address=127.0.0.1:0")} + arguments);
        QVERIFY2(rig.exporter.waitForListening(15000), qPrintable(rig.exporter.describe()));
    }

    static void waitReady(Rig &rig, int timeoutMs = 15000)
    {
        const quint16 port = rig.exporter.port();
        QTRY_VERIFY2_WITH_TIMEOUT(HttpProbe::get(port, "/-/ready").status == 200, qPrintable(rig.exporter.describe()),
                                  timeoutMs);
    }

    // Runs `ecr_exporter --once ...` to completion and checks its exit code.
    static void runOnce(Rig &rig, const QStringList &arguments, int expectedExitCode, int timeoutMs = 30000)
    {
        QVERIFY2(rig.fakeListening(), "the fake ECR cannot listen on 127.0.0.1");
        rig.exporter.start(QStringList{QStringLiteral("--once")} + arguments);
        QVERIFY2(rig.exporter.waitForFinished(timeoutMs), qPrintable(rig.exporter.describe()));
        QVERIFY2(rig.exporter.exitStatus() == QProcess::NormalExit, qPrintable(rig.exporter.describe()));
        QVERIFY2(rig.exporter.exitCode() == expectedExitCode, qPrintable(rig.exporter.describe()));
    }

    static void compareRegistrySeries(const ScrapedBody &body, const FakeRegistry &truth)
    {
        QVERIFY2(body.isValid(), qPrintable(body.error()));
        const QString difference
            = seriesDifference(body.series(E2eRegistry::registryFamilies()), E2eRegistry::expectedSeries(truth));
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // promtool check metrics on `body`: its findings (one per line) and exit code.
    static void promtool(const QByteArray &body, QStringList *findings, int *exitCode)
    {
        if (!QFileInfo(kPromtool).isExecutable())
            QFAIL("promtool not found at /usr/bin/promtool: install it with `apt-get install prometheus` "
                  "(Debian's package provides /usr/bin/promtool)");
        QProcess p;
        p.start(kPromtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(p.waitForStarted());
        p.write(body);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(30000));
        QVERIFY(p.exitStatus() == QProcess::NormalExit);
        const QString output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        *findings = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        findings->sort();
        *exitCode = p.exitCode();
    }

    // The two lints every exposition of this exporter gets, by design: the original's metric
    // names aws_ecr_repository_count and aws_ecr_image_scan_severity_count are kept.
    static QStringList expectedPromtoolFindings()
    {
        return {QStringLiteral("aws_ecr_image_scan_severity_count non-histogram and non-summary metrics should not "
                               "have \"_count\" suffix"),
                QStringLiteral("aws_ecr_repository_count non-histogram and non-summary metrics should not have "
                               "\"_count\" suffix")};
    }

    static void checkPromtool(const QByteArray &body)
    {
        QStringList findings;
        int exitCode = -1;
        promtool(body, &findings, &exitCode);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(findings, expectedPromtoolFindings());
        QCOMPARE(exitCode, 3); // promtool 2.42: 3 = lint findings only (1 would be a parse error)
    }

    // The refresh-start timestamps (filtered out of golden comparisons) are Unix times
    // between `beforeMs` and `afterMs` of the wall clock, whatever the process time zone.
    static void checkRefreshTimestamps(const ScrapedBody &body, qint64 beforeMs, qint64 afterMs)
    {
        for (const QString &name : {QStringLiteral("aws_ecr_exporter_last_refresh_timestamp_seconds"),
                                    QStringLiteral("aws_ecr_exporter_last_successful_refresh_timestamp_seconds")}) {
            const double value = body.value(name);
            QVERIFY2(value >= beforeMs / 1000.0 - 0.001 && value <= afterMs / 1000.0 + 0.001,
                     qPrintable(QStringLiteral("%1 = %2, expected between %3 and %4")
                                    .arg(name)
                                    .arg(value, 0, 'f', 3)
                                    .arg(beforeMs / 1000.0, 0, 'f', 3)
                                    .arg(afterMs / 1000.0, 0, 'f', 3)));
        }
    }

    static QString goldenPath(const QString &name)
    {
        return QStringLiteral(ECR_TEST_DATA_DIR "/exporter_e2e/") + name;
    }

    // Compares with a golden file; ECR_UPDATE_GOLDEN=1 rewrites it (and fails, so that a
    // rewritten golden file is always read by a human before it is committed).
    static void compareWithGolden(const QByteArray &actual, const QString &name)
    {
        QFile file(goldenPath(name));
        if (qEnvironmentVariableIntValue("ECR_UPDATE_GOLDEN") == 1) {
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(actual);
            QFAIL(qPrintable(QStringLiteral("rewrote %1: check it by hand against the registry, then run again")
                                 .arg(file.fileName())));
        }
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QList<QByteArray> expectedLines = file.readAll().split('\n');
        const QList<QByteArray> actualLines = actual.split('\n');
        for (qsizetype i = 0; i < qMin(expectedLines.size(), actualLines.size()); ++i)
            QVERIFY2(actualLines.at(i) == expectedLines.at(i),
                     qPrintable(QStringLiteral("line %1 differs:\n actual:   %2\n expected: %3")
                                    .arg(i + 1)
                                    .arg(QString::fromUtf8(actualLines.at(i)), QString::fromUtf8(expectedLines.at(i)))));
        QCOMPARE(actualLines.size(), expectedLines.size());
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(ExporterProcess::binary()).isExecutable(),
                 qPrintable(QStringLiteral("%1 is missing: build the ecr_exporter target").arg(ExporterProcess::binary())));
    }

    // The whole served body of a fixed registry equals the hand-checked golden file, in
    // several process time zones (one with a half-hour offset).
    void goldenBody_data()
    {
        QTest::addColumn<QString>("tz");
        QTest::newRow("UTC") << QStringLiteral("UTC");
        QTest::newRow("Asia/Kolkata") << QStringLiteral("Asia/Kolkata");
        QTest::newRow("America/St_Johns") << QStringLiteral("America/St_Johns");
    }

    void goldenBody()
    {
        QFETCH(QString, tz);
        const FakeRegistry truth = E2eRegistry::fixed();
        Rig rig(truth);
        rig.exporter.setEnv(QStringLiteral("TZ"), tz);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        serve(rig);
        if (QTest::currentTestFailed())
            return;
        waitReady(rig);
        const HttpProbe::Response response = HttpProbe::get(rig.exporter.port(), "/metrics");
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(response.status, 200);
        const ScrapedBody body(response.body);
        compareRegistrySeries(body, truth);
        checkRefreshTimestamps(body, before, after);
        compareWithGolden(filtered(response.body), QStringLiteral("fixed_registry.prom"));
    }

    // TZ=Asia/Kolkata (UTC+5:30) and TZ=UTC give the same body.
    void timeZoneChangesNoTimestamp()
    {
        const FakeRegistry truth = E2eRegistry::fixed();
        QByteArray bodies[2];
        const QString zones[2] = {QStringLiteral("UTC"), QStringLiteral("Asia/Kolkata")};
        for (int i = 0; i < 2; ++i) {
            Rig rig(truth);
            rig.exporter.setEnv(QStringLiteral("TZ"), zones[i]);
            const qint64 before = QDateTime::currentMSecsSinceEpoch();
            runOnce(rig, {}, 0);
            if (QTest::currentTestFailed())
                return;
            bodies[i] = rig.exporter.standardOutput();
            const ScrapedBody body(bodies[i]);
            compareRegistrySeries(body, truth);
            checkRefreshTimestamps(body, before, QDateTime::currentMSecsSinceEpoch());
        }
        QCOMPARE(filtered(bodies[1]), filtered(bodies[0]));
    }

    // Each tag of a multi-tag image carries every per-image series; untagged images none.
    void everyTagCarriesScanSeries()
    {
        const FakeRegistry truth = E2eRegistry::fixed();
        Rig rig(truth);
        runOnce(rig, {}, 0);
        if (QTest::currentTestFailed())
            return;
        const QByteArray out = rig.exporter.standardOutput();
        const ScrapedBody body(out);
        QVERIFY2(body.isValid(), qPrintable(body.error()));

        const EcrRepository &repo = truth.repositories.at(1);
        const EcrImage &multi = truth.images.value(repo.repositoryName).at(0);
        QCOMPARE(multi.imageTags.size(), 3);
        for (const QString &tag : multi.imageTags) {
            QMap<QString, QString> labels{{QStringLiteral("digest"), multi.imageDigest},
                                          {QStringLiteral("image"), repo.repositoryUri + QLatin1Char(':') + tag},
                                          {QStringLiteral("name"), repo.repositoryName},
                                          {QStringLiteral("registry_id"), repo.registryId},
                                          {QStringLiteral("tag"), tag}};
            auto valueOf = [&](const QString &name, const QMap<QString, QString> &l) {
                return body.series().value(ScrapedBody::key(name, l), std::nan(""));
            };
            QCOMPARE(valueOf(QStringLiteral("aws_ecr_image_size_in_bytes"), labels), 91320109.0);
            QCOMPARE(valueOf(QStringLiteral("aws_ecr_image_pushed_at_timestamp_seconds"), labels), 1601994911.0);
            QCOMPARE(valueOf(QStringLiteral("aws_ecr_image_scan_completed_at_timestamp_seconds"), labels), 1617208126.0);
            const QMap<QString, double> severities{{QStringLiteral("MEDIUM"), 5}, {QStringLiteral("INFORMATIONAL"), 5},
                                                   {QStringLiteral("LOW"), 14}};
            for (auto it = severities.cbegin(); it != severities.cend(); ++it) {
                QMap<QString, QString> withSeverity = labels;
                withSeverity.insert(QStringLiteral("severity"), it.key());
                QCOMPARE(valueOf(QStringLiteral("aws_ecr_image_scan_severity_count"), withSeverity), it.value());
            }
        }
        QCOMPARE(body.count(QStringLiteral("aws_ecr_image_scan_severity_count")), 3 * 3 + 6);
        // The untagged image's digest appears nowhere.
        QVERIFY(!out.contains("sha256:10bcbc280f1bc017e767a2fc1ecb37085979dd0807fe312411ee9d3abc78f0b6"));
        // FAILED scan: size and pushed-at for both tags, nothing about the scan.
        const QStringList failedDigest = body.labelValues(QStringLiteral("aws_ecr_image_size_in_bytes"), QStringLiteral("digest"))
                                             .filter(QStringLiteral("sha256:9f47a709"));
        QCOMPARE(failedDigest.size(), 2);
        QVERIFY(!body.labelValues(QStringLiteral("aws_ecr_image_scan_completed_at_timestamp_seconds"), QStringLiteral("digest"))
                     .join(QLatin1Char(' '))
                     .contains(QStringLiteral("sha256:9f47a709")));
    }

    // Label values go through the exporter's JSON parser and exposition writer unchanged:
    // promtool accepts the body and every value reads back as the ground truth.
    void labelEscaping_data()
    {
        QTest::addColumn<QString>("repository");
        QTest::addColumn<QStringList>("tags");
        // What ECR allows: [a-z0-9] names with . _ - and / ; tags [A-Za-z0-9_.-] up to 128.
        QTest::newRow("ecr-legal") << QStringLiteral("team.one/sub_group-x/app.v2")
                                   << QStringList{QStringLiteral("v1.2.3-rc_1"), QStringLiteral("_leading.underscore"),
                                                  QStringLiteral("..--__"),
                                                  QStringLiteral("A-z.0_9").repeated(18).left(127) + QLatin1Char('Z')};
        // Beyond what ECR allows, to prove the escaping: quote, backslash, line break, UTF-8.
        QTest::newRow("beyond-ecr") << QStringLiteral("odd\"repo\\name")
                                    << QStringList{QStringLiteral("quote\"d"), QStringLiteral("back\\slash\\"),
                                                   QStringLiteral("line\nbreak"), QStringLiteral("ünï-€-😀"),
                                                   QStringLiteral("{x=\"1\",y}"), QStringLiteral("\\n literally")};
    }

    void labelEscaping()
    {
        QFETCH(QString, repository);
        QFETCH(QStringList, tags);
        FakeRegistry truth;
        truth.registryId = QString::fromLatin1(E2eRegistry::RegistryId);
        truth.region = QString::fromLatin1(E2eRegistry::Region);
        truth.repositories = {E2eRegistry::repository(repository, QStringLiteral("MUTABLE"), QStringLiteral("AES256"), true)};
        EcrImage image = E2eRegistry::image(repository, QStringLiteral("sha256:") + QString(64, QLatin1Char('c')), tags,
                                            4242, 1650000000000);
        image.hasScanSummary = true;
        image.scanStatus = QStringLiteral("COMPLETE");
        image.scanCompletedAt = QDateTime::fromMSecsSinceEpoch(1650000300000, QTimeZone::utc());
        image.severityCounts = {{QStringLiteral("HIGH"), 2}};
        truth.images.insert(repository, {image});

        Rig rig(truth);
        runOnce(rig, {}, 0);
        if (QTest::currentTestFailed())
            return;
        const QByteArray out = rig.exporter.standardOutput();
        checkPromtool(out);
        if (QTest::currentTestFailed())
            return;
        compareRegistrySeries(ScrapedBody(out), truth);
        QCOMPARE(ScrapedBody(out).count(QStringLiteral("aws_ecr_image_size_in_bytes")), tags.size());
    }

    // Throttling (400 and 429), 500s, 503s and dropped connections on most requests still
    // end in complete, correct data thanks to the retries (AWS_MAX_ATTEMPTS=5).
    void throttlingStormEndsComplete()
    {
        FakeRegistry::Spec spec;
        spec.repositories = 12;
        spec.imagesPerRepository = 3;
        spec.seed = 4242;
        spec.registryId = QString::fromLatin1(E2eRegistry::RegistryId);
        const FakeRegistry truth = FakeRegistry::generate(spec);
        Rig rig(truth);
        rig.exporter.setEnv(QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("5"));
        using F = FakeEcrServer::Fault;
        rig.fake.injectFault(QStringLiteral("DescribeRegistry"), F::InternalError, 1);
        rig.fake.injectFault(QStringLiteral("DescribeRepositories"), F::Throttle, 1);
        int injected = 2;
        // At most 2 faults per request, so 5 attempts always suffice; one repository in six is spared.
        const struct { F fault; int count; } plan[] = {{F::Throttle, 2}, {F::TooManyRequests, 1}, {F::InternalError, 2},
                                                       {F::ServiceUnavailable, 1}, {F::DropConnection, 1}, {F::Throttle, 0}};
        for (int i = 0; i < truth.repositories.size(); ++i) {
            const auto &p = plan[i % 6];
            if (p.count > 0)
                rig.fake.injectRepositoryFault(truth.repositories.at(i).repositoryName, p.fault, p.count);
            injected += p.count;
        }
        runOnce(rig, {}, 0, 60000);
        if (QTest::currentTestFailed())
            return;

        // The storm really happened: every injected fault was served.
        int faulted = 0;
        for (const auto &request : rig.fake.requests())
            faulted += request.status != 200 ? 1 : 0;
        QCOMPARE(faulted, injected);

        const ScrapedBody body(rig.exporter.standardOutput());
        compareRegistrySeries(body, truth);
        QCOMPARE(body.value(QStringLiteral("aws_ecr_exporter_data_complete")), 1.0);
        QCOMPARE(body.value(QStringLiteral("aws_ecr_exporter_failed_repositories")), 0.0);
        // Every API call ended in success (retries are attempts within a call, not outcomes).
        const QStringList outcomes = body.labelValues(QStringLiteral("aws_ecr_exporter_api_requests_total"), QStringLiteral("outcome"));
        QVERIFY(outcomes.size() >= 3);
        QCOMPARE(outcomes.filter(QStringLiteral("success")).size(), outcomes.size());
        QCOMPARE(body.series().value(QStringLiteral("aws_ecr_exporter_api_requests_total{operation=\"DescribeImages\",outcome=\"success\"}")),
                 double(truth.repositories.size()));
    }

    // A repository whose DescribeImages fails keeps its previous images, flagged as incomplete.
    void failingRepositoryKeepsItsImages()
    {
        const FakeRegistry truth = E2eRegistry::fixed();
        Rig rig(truth);
        serve(rig, {QStringLiteral("--refresh-interval=1s")});
        if (QTest::currentTestFailed())
            return;
        waitReady(rig);
        const quint16 port = rig.exporter.port();
        QCOMPARE(scrapedValue(port, QStringLiteral("aws_ecr_exporter_data_complete")), 1.0);

        const QString victim = QStringLiteral("team/flip-flop");
        rig.fake.injectRepositoryFault(victim, FakeEcrServer::Fault::AccessDenied);
        QTRY_COMPARE_WITH_TIMEOUT(scrapedValue(port, QStringLiteral("aws_ecr_exporter_failed_repositories")), 1.0, 15000);

        const HttpProbe::Response r = HttpProbe::get(port, "/metrics");
        QCOMPARE(r.status, 200);
        const ScrapedBody body(r.body);
        compareRegistrySeries(body, truth); // the victim's images are all still there
        QCOMPARE(body.value(QStringLiteral("aws_ecr_exporter_data_complete")), 0.0);
        QCOMPARE(body.value(QStringLiteral("aws_ecr_exporter_failed_repositories")), 1.0);
        QVERIFY(body.value(QStringLiteral("aws_ecr_exporter_refreshes_total")) >= 2);
        QVERIFY2(!rig.exporter.findLog(QStringLiteral("ecr.model"), QStringLiteral("WARNING"), victim).isEmpty(),
                 qPrintable(rig.exporter.describe()));

        // Once the repository answers again, the data is complete again.
        rig.fake.clearFaults();
        QTRY_COMPARE_WITH_TIMEOUT(scrapedValue(port, QStringLiteral("aws_ecr_exporter_data_complete")), 1.0, 15000);
        QCOMPARE(scrapedValue(port, QStringLiteral("aws_ecr_exporter_failed_repositories")), 0.0);
    }

    // Repositories, images and tags that disappear from the registry disappear from the body.
    void shrinkingRegistryRemovesSeries()
    {
        const FakeRegistry truth = E2eRegistry::fixed();
        Rig rig(truth);
        serve(rig, {QStringLiteral("--refresh-interval=1s")});
        if (QTest::currentTestFailed())
            return;
        waitReady(rig);
        const quint16 port = rig.exporter.port();
        {
            const HttpProbe::Response r = HttpProbe::get(port, "/metrics");
            compareRegistrySeries(ScrapedBody(r.body), truth);
        }

        FakeRegistry smaller = truth;
        const QString gone = QStringLiteral("team/flip-flop");
        smaller.repositories.removeIf([&](const EcrRepository &r) { return r.repositoryName == gone; });
        smaller.images.remove(gone);
        QVector<EcrImage> &images = smaller.images[QStringLiteral("flimflam")];
        images[0].imageTags.removeAll(QStringLiteral("latest")); // a tag goes
        images.removeLast();                                      // an image goes
        QCOMPARE(smaller.repositories.size(), 2);
        rig.fake.setRegistry(smaller);

        const QMap<QString, double> expected = E2eRegistry::expectedSeries(smaller);
        auto current = [&] {
            const HttpProbe::Response r = HttpProbe::get(port, "/metrics");
            const ScrapedBody body(r.body);
            return body.value(QStringLiteral("aws_ecr_exporter_data_complete")) == 1.0
                ? body.series(E2eRegistry::registryFamilies())
                : QMap<QString, double>();
        };
        QTRY_VERIFY_WITH_TIMEOUT(current() == expected, 15000);
        const QString difference = seriesDifference(current(), expected);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(scrapedValue(port, QStringLiteral("aws_ecr_repository_count")), 2.0);
    }

    // Bad settings: exit status 2, exactly one line on stderr, nothing served, ECR not asked.
    void badConfiguration_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QString>("line");
        QTest::newRow("APP_PORT=abc") << QStringList() << QStringList{QStringLiteral("APP_PORT=abc")}
                                      << QStringLiteral("ecr_exporter: invalid APP_PORT \"abc\": expected a port number "
                                                        "0-65535 (0 picks a free port)");
        QTest::newRow("APP_PORT=70000") << QStringList() << QStringList{QStringLiteral("APP_PORT=70000")}
                                        << QStringLiteral("ecr_exporter: invalid APP_PORT \"70000\": expected a port "
                                                          "number 0-65535 (0 picks a free port)");
        QTest::newRow("CACHE_REFRESH_INTERVAL=-5")
            << QStringList() << QStringList{QStringLiteral("CACHE_REFRESH_INTERVAL=-5")}
            << QStringLiteral("ecr_exporter: invalid CACHE_REFRESH_INTERVAL \"-5\": expected a duration > 0 in seconds "
                              "or with units, e.g. 1800, 90s, 30m, 1h30m, 1d (at most 7d)");
        QTest::newRow("LOG_LEVEL=loud") << QStringList() << QStringList{QStringLiteral("LOG_LEVEL=loud")}
                                        << QStringLiteral("ecr_exporter: invalid LOG_LEVEL \"loud\": expected one of "
                                                          "DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL");
        QTest::newRow("--bogus") << QStringList{QStringLiteral("--bogus")} << QStringList()
                                 << QStringLiteral("ecr_exporter: unknown flag --bogus (see --help)");
    }

    void badConfiguration()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, environment);
        QFETCH(QString, line);
        Rig rig(E2eRegistry::fixed());
        QVERIFY(rig.fakeListening());
        // Loopback only, had the configuration been accepted.
        rig.exporter.setEnv(QStringLiteral("APP_HOST"), QStringLiteral("127.0.0.1"));
        for (const QString &assignment : environment)
            rig.exporter.setEnv(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
        rig.exporter.start(arguments);
        QVERIFY2(rig.exporter.waitForFinished(10000), qPrintable(rig.exporter.describe()));
        QCOMPARE(rig.exporter.exitStatus(), QProcess::NormalExit);
        QCOMPARE(rig.exporter.exitCode(), 2);
        QCOMPARE(QString::fromUtf8(rig.exporter.standardError()), line + QLatin1Char('\n'));
        QCOMPARE(rig.exporter.standardOutput(), QByteArray());
        QCOMPARE(rig.exporter.port(), quint16(0)); // it never logged that it listens
        QCOMPARE(rig.fake.requestCount(), 0);      // nor asked ECR anything
    }

    // A port that is taken: exit status 1, one clear error line, ECR not asked.
    void portInUse()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        const QString address = QStringLiteral("127.0.0.1:%1").arg(blocker.serverPort());
        Rig rig(E2eRegistry::fixed());
        QVERIFY(rig.fakeListening());
        rig.exporter.start({QStringLiteral("--web.listen-address=") + address});
        QVERIFY2(rig.exporter.waitForFinished(10000), qPrintable(rig.exporter.describe()));
        QCOMPARE(rig.exporter.exitStatus(), QProcess::NormalExit);
        QCOMPARE(rig.exporter.exitCode(), 1);
        const QJsonObject error = rig.exporter.findLog(QStringLiteral("ecr.exporter"), QStringLiteral("ERROR"),
                                                       QStringLiteral("cannot listen on"));
        QCOMPARE(error.value(QStringLiteral("message")).toString(),
                 QStringLiteral("cannot listen on %1: address already in use; stop the program using it or choose "
                                "another address with --web.listen-address (or APP_HOST and APP_PORT)")
                     .arg(address));
        QCOMPARE(rig.exporter.port(), quint16(0));
        QCOMPARE(rig.fake.requestCount(), 0);
    }

    // SIGTERM: exit status 0 within 2 seconds, idle or in the middle of a refresh.
    void sigtermExitsPromptly_data()
    {
        QTest::addColumn<QString>("phase");
        QTest::newRow("idle") << QStringLiteral("idle");
        QTest::newRow("first reply held") << QStringLiteral("held");
        QTest::newRow("12000 repositories in flight") << QStringLiteral("big");
    }

    void sigtermExitsPromptly()
    {
        QFETCH(QString, phase);
        Rig rig(phase == QLatin1String("big") ? E2eRegistry::flat(12000) : E2eRegistry::fixed());
        if (phase == QLatin1String("held"))
            rig.fake.setLatency(60000);
        if (phase == QLatin1String("big")) {
            rig.fake.setSlowDelay(60000);
            rig.fake.injectFault(QStringLiteral("DescribeImages"), FakeEcrServer::Fault::Slow, -1);
        }
        serve(rig);
        if (QTest::currentTestFailed())
            return;
        if (phase == QLatin1String("idle"))
            waitReady(rig);
        else
            QTRY_VERIFY_WITH_TIMEOUT(rig.fake.requestCount(phase == QLatin1String("big") ? QStringLiteral("DescribeImages")
                                                                                        : QString()) > 0,
                                     15000);
        QElapsedTimer clock;
        clock.start();
        rig.exporter.terminate();
        QVERIFY2(rig.exporter.waitForFinished(10000), qPrintable(rig.exporter.describe()));
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(rig.exporter.exitStatus() == QProcess::NormalExit, qPrintable(rig.exporter.describe()));
        QCOMPARE(rig.exporter.exitCode(), 0);
        QVERIFY2(elapsed < 2000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
        QVERIFY(!rig.exporter.findLog(QStringLiteral("ecr.exporter"), QStringLiteral("INFO"), QStringLiteral("shutting down"))
                     .isEmpty());
    }

    // --once prints what the server would serve.
    void onceEqualsServedBody()
    {
        const FakeRegistry truth = E2eRegistry::fixed();
        QByteArray once;
        {
            Rig rig(truth);
            runOnce(rig, {}, 0);
            if (QTest::currentTestFailed())
                return;
            once = rig.exporter.standardOutput();
        }
        Rig rig(truth);
        serve(rig);
        if (QTest::currentTestFailed())
            return;
        waitReady(rig);
        const HttpProbe::Response served = HttpProbe::get(rig.exporter.port(), "/metrics");
        QCOMPARE(served.status, 200);
        compareRegistrySeries(ScrapedBody(once), truth);
        QCOMPARE(filtered(once), filtered(served.body));
    }

    // --once --output FILE replaces the file atomically (a new file renamed over the old one).
    void onceOutputReplacesFileAtomically()
    {
        const FakeRegistry truth = E2eRegistry::fixed();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString target = dir.filePath(QStringLiteral("ecr.prom"));
        const QString link = dir.filePath(QStringLiteral("old-inode.prom"));
        {
            QFile old(target);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old contents\n");
        }
        // A hard link to the old file: written in place, it would change too.
        QCOMPARE(::link(QFile::encodeName(target).constData(), QFile::encodeName(link).constData()), 0);

        Rig rig(truth);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        runOnce(rig, {QStringLiteral("--output"), target}, 0);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(rig.exporter.standardOutput(), QByteArray());
        QFile written(target);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray content = written.readAll();
        const ScrapedBody body(content);
        compareRegistrySeries(body, truth);
        checkRefreshTimestamps(body, before, QDateTime::currentMSecsSinceEpoch());
        compareWithGolden(filtered(content), QStringLiteral("fixed_registry.prom"));

        QFile oldInode(link);
        QVERIFY(oldInode.open(QIODevice::ReadOnly));
        QCOMPARE(oldInode.readAll(), QByteArray("old contents\n"));
        // No temporary file left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name),
                 QStringList({QStringLiteral("ecr.prom"), QStringLiteral("old-inode.prom")}));
    }

    // --once when ECR refuses: a clear message, non-zero status, nothing written.
    void onceFailureIsClear_data()
    {
        QTest::addColumn<bool>("toFile");
        QTest::newRow("stdout") << false;
        QTest::newRow("--output") << true;
    }

    void onceFailureIsClear()
    {
        QFETCH(bool, toFile);
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("ecr.prom"));
        if (toFile) {
            QFile old(target);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old contents\n");
        }
        Rig rig(E2eRegistry::fixed());
        rig.fake.injectFault(QStringLiteral("DescribeRepositories"), FakeEcrServer::Fault::AccessDenied, -1);
        runOnce(rig, toFile ? QStringList{QStringLiteral("--output=") + target} : QStringList(), 1);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(rig.exporter.standardOutput(), QByteArray());
        // The cause, as AWS said it...
        const QJsonObject cause = rig.exporter.findLog(QStringLiteral("ecr.model"), QStringLiteral("WARNING"),
                                                       QStringLiteral("DescribeRepositories: AccessDeniedException"));
        QVERIFY2(cause.value(QStringLiteral("message")).toString().contains(QStringLiteral("is not authorized to perform: ecr:DescribeRepositories")),
                 qPrintable(rig.exporter.describe()));
        // ...and what it means for --once, and what to check.
        const QString verdict = rig.exporter.findLog(QStringLiteral("ecr.exporter"), QStringLiteral("ERROR"),
                                                     QStringLiteral("--once: the refresh failed"))
                                    .value(QStringLiteral("message"))
                                    .toString();
        QVERIFY2(verdict.contains(QStringLiteral("nothing written")) && verdict.contains(QStringLiteral("ecr:DescribeRepositories")),
                 qPrintable(rig.exporter.describe()));
        if (toFile) {
            QFile file(target);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), QByteArray("old contents\n"));
        }
    }

    // SIGTERM before --once could write anything: quick, and not a success (a cron job or a
    // textfile-collector wrapper must not take "no output" for "done").
    void onceInterruptedBySigtermFails()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("ecr.prom"));
        Rig rig(E2eRegistry::fixed());
        rig.fake.setLatency(60000);
        QVERIFY(rig.fakeListening());
        rig.exporter.start({QStringLiteral("--once"), QStringLiteral("--output"), target});
        QTRY_VERIFY_WITH_TIMEOUT(rig.fake.requestCount() > 0, 15000);
        QElapsedTimer clock;
        clock.start();
        rig.exporter.terminate();
        QVERIFY2(rig.exporter.waitForFinished(10000), qPrintable(rig.exporter.describe()));
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
        QCOMPARE(rig.exporter.exitStatus(), QProcess::NormalExit);
        QCOMPARE(rig.exporter.exitCode(), 1);
        QVERIFY2(!rig.exporter.findLog(QStringLiteral("ecr.exporter"), QStringLiteral("ERROR"),
                                       QStringLiteral("--once: interrupted"))
                      .isEmpty(),
                 qPrintable(rig.exporter.describe()));
        QVERIFY(!QFileInfo::exists(target));
        QCOMPARE(rig.exporter.standardOutput(), QByteArray());
    }

    // 12,000 repositories (the original kept images for at most 10,000) all appear.
    void twelveThousandRepositoriesAppearWhole()
    {
        const FakeRegistry truth = E2eRegistry::flat(12000);
        Rig rig(truth);
        // About 10 s of CPU for both processes in a Debug build; generous for a busy machine.
        runOnce(rig, {}, 0, 180000);
        if (QTest::currentTestFailed())
            return;
        const ScrapedBody body(rig.exporter.standardOutput());
        QVERIFY2(body.isValid(), qPrintable(body.error()));
        QCOMPARE(body.count(QStringLiteral("aws_ecr_repository_info")), 12000);
        QCOMPARE(body.count(QStringLiteral("aws_ecr_image_size_in_bytes")), 12000);
        QCOMPARE(body.count(QStringLiteral("aws_ecr_image_pushed_at_timestamp_seconds")), 12000);
        QCOMPARE(body.value(QStringLiteral("aws_ecr_repository_count")), 12000.0);
        compareRegistrySeries(body, truth);
    }

    // Before the first refresh: not ready, healthy, only the exporter's own metrics. After it:
    // ready, registry metrics, and a landing page naming version, registry and region.
    void readinessAndLandingPage()
    {
        Rig rig(E2eRegistry::fixed());
        rig.fake.setLatency(1000); // holds the first reply
        serve(rig);
        if (QTest::currentTestFailed())
            return;
        const quint16 port = rig.exporter.port();
        QTRY_VERIFY_WITH_TIMEOUT(rig.fake.requestCount() > 0, 10000);
        rig.fake.setLatency(0);
        QSignalSpy answered(&rig.fake, &FakeEcrServer::requestHandled);

        QCOMPARE(HttpProbe::get(port, "/-/ready").status, 503);
        const HttpProbe::Response healthy = HttpProbe::get(port, "/-/healthy");
        QCOMPARE(healthy.status, 200);
        const HttpProbe::Response early = HttpProbe::get(port, "/metrics");
        QCOMPARE(early.status, 200);
        QCOMPARE(early.header("content-type"), kContentType);
        const ScrapedBody own(early.body);
        QVERIFY2(own.isValid(), qPrintable(own.error()));
        QVERIFY(own.has(QStringLiteral("aws_ecr_exporter_build_info")));
        QCOMPARE(own.value(QStringLiteral("aws_ecr_exporter_data_complete")), 0.0);
        QCOMPARE(own.value(QStringLiteral("aws_ecr_exporter_refreshes_total")), 0.0);
        for (const QString &family : E2eRegistry::registryFamilies())
            QVERIFY2(!own.has(family), qPrintable(family));
        // All of the above happened before ECR's first answer, so before the first refresh.
        QCOMPARE(answered.size(), 0);

        waitReady(rig);
        const ScrapedBody full(HttpProbe::get(port, "/metrics").body);
        QCOMPARE(full.value(QStringLiteral("aws_ecr_repository_count")), 3.0);
        QCOMPARE(HttpProbe::get(port, "/-/healthy").status, 200);

        const HttpProbe::Response landing = HttpProbe::get(port, "/");
        QCOMPARE(landing.status, 200);
        QVERIFY2(landing.header("content-type").startsWith("text/html"), landing.header("content-type").constData());
        for (const QByteArray &text : {BuildInfo::current().version.toUtf8(), QByteArray(E2eRegistry::RegistryId),
                                       QByteArray(E2eRegistry::Region), QByteArray("href=\"/metrics\"")})
            QVERIFY2(landing.body.contains(text), qPrintable(QStringLiteral("%1 not on the landing page:\n%2")
                                                                  .arg(QString::fromUtf8(text), QString::fromUtf8(landing.body))));
    }

    // gzip when asked for, the same body once inflated; the 0.0.4 content type either way.
    void gzipAndContentType()
    {
        Rig rig(E2eRegistry::fixed());
        serve(rig);
        if (QTest::currentTestFailed())
            return;
        waitReady(rig);
        const quint16 port = rig.exporter.port();
        const HttpProbe::Response zipped = HttpProbe::get(port, "/metrics", {{"Accept-Encoding", "gzip"}});
        const HttpProbe::Response plain = HttpProbe::get(port, "/metrics");
        const HttpProbe::Response identity = HttpProbe::get(port, "/metrics", {{"Accept-Encoding", "identity"}});
        QCOMPARE(zipped.status, 200);
        QCOMPARE(plain.status, 200);
        QCOMPARE(identity.status, 200);
        QCOMPARE(zipped.header("content-type"), kContentType);
        QCOMPARE(plain.header("content-type"), kContentType);
        QCOMPARE(zipped.header("content-encoding"), QByteArray("gzip"));
        QVERIFY(!plain.headers.contains("content-encoding"));
        QVERIFY(!identity.headers.contains("content-encoding"));
        QVERIFY(zipped.header("vary").contains("Accept-Encoding"));
        QVERIFY(zipped.body.size() < plain.body.size());
        bool ok = false;
        const QByteArray inflated = gunzip(zipped.body, &ok);
        QVERIFY2(ok, "the gzip body is not one complete gzip member");
        const ScrapedBody body(inflated);
        QVERIFY2(body.isValid(), qPrintable(body.error()));
        QVERIFY(body.has(QStringLiteral("process_cpu_seconds_total"))); // the per-scrape tail is inside
        QCOMPARE(filtered(inflated), filtered(plain.body));
        QCOMPARE(filtered(identity.body), filtered(plain.body));
    }

    // promtool finds nothing in the served body but the two _count names kept from the original.
    void promtoolOnServedBody()
    {
        Rig rig(E2eRegistry::fixed());
        serve(rig);
        if (QTest::currentTestFailed())
            return;
        waitReady(rig);
        const HttpProbe::Response r = HttpProbe::get(rig.exporter.port(), "/metrics");
        QCOMPARE(r.status, 200);
        checkPromtool(r.body);
    }
};

QTEST_GUILESS_MAIN(TestExporterE2e)
#include "tst_exporter_e2e.moc"
