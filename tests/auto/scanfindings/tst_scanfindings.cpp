// Scan results below the exporter binary. Expected values come from hand-written JSON (the
// parsers), from the fake registry's ground truth (clients and collector), and from the
// documented endpoint rules. The fakes speak the wire formats botocore checks in tests/auto/boto3_scan.
#include "aws/awshttpclient.h"
#include "aws/endpointresolver.h"
#include "aws/staticcredentialprovider.h"
#include "ecr/ecrclient.h"
#include "ecr/ecrjsonparser.h"
#include "ecr/inspectorclient.h"
#include "ecr/inspectorjsonparser.h"
#include "fakeecrserver.h"
#include "fakeinspectorserver.h"
#include "fakeregistry.h"
#include "model/registryrefresher.h"
#include "model/scanfindingscollector.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

Q_DECLARE_METATYPE(std::shared_ptr<const RegistrySnapshot>)
Q_DECLARE_METATYPE(FakeRegistry::ScanMode)
Q_DECLARE_METATYPE(FakeEcrServer::SeverityCountsPolicy)

namespace {

const QString kKey = QStringLiteral("AKIDSCANFINDINGSTEST");
const QString kSecret = QStringLiteral("scan/findings/test/secret");
const QString kFindings = QStringLiteral("DescribeImageScanFindings");

using Mode = FakeRegistry::ScanMode;
using Policy = FakeEcrServer::SeverityCountsPolicy;

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::BasicLegacy: return QStringLiteral("basic-legacy");
    case Mode::BasicCurrent: return QStringLiteral("basic-current");
    case Mode::Enhanced: return QStringLiteral("enhanced");
    }
    return {};
}

QDateTime at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
}

FakeRegistry makeRegistry(Mode mode, int repositories = 8, int images = 6, quint32 seed = 77)
{
    FakeRegistry::Spec spec;
    spec.repositories = repositories;
    spec.imagesPerRepository = images;
    spec.seed = seed;
    spec.scanMode = mode;
    return FakeRegistry::generate(spec);
}

// Does the image's count come from the scan phase? No summary, and COMPLETE, or ACTIVE
// unless the registry is known to scan BASIC (the issue: basic COMPLETE, enhanced ACTIVE).
bool needsPhase(const EcrImage &image, bool knownBasic)
{
    return !image.hasScanSummary
        && (image.scanStatus == QLatin1String("COMPLETE") || (image.scanStatus == QLatin1String("ACTIVE") && !knownBasic));
}

// Tagged images that need a findings call. Key "<repo>\n<digest>". `knownBasic`: the
// exporter can read the scanning configuration and it says BASIC.
QMap<QString, EcrImage> candidates(const FakeRegistry &truth, bool knownBasic)
{
    QMap<QString, EcrImage> out;
    for (const EcrRepository &r : truth.repositories) {
        for (const EcrImage &image : truth.images.value(r.repositoryName)) {
            if (!image.imageTags.isEmpty() && needsPhase(image, knownBasic))
                out.insert(r.repositoryName + QLatin1Char('\n') + image.imageDigest, image);
        }
    }
    return out;
}

QMap<QString, EcrImage> candidates(const FakeRegistry &truth)
{
    return candidates(truth, truth.scanMode != Mode::Enhanced);
}

QString keyOf(const QJsonObject &body)
{
    return body.value(QStringLiteral("repositoryName")).toString() + QLatin1Char('\n')
        + body.value(QStringLiteral("imageId")).toObject().value(QStringLiteral("imageDigest")).toString();
}

// Keys of the images DescribeImageScanFindings was asked about (first pages only), in order.
QStringList findingsCalls(const FakeEcrServer &fake, int from = 0)
{
    QStringList out;
    const auto requests = fake.requests();
    for (int i = from; i < requests.size(); ++i) {
        const auto &r = requests.at(i);
        if (r.operation != kFindings)
            continue;
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        if (!body.contains(QStringLiteral("nextToken")) && body.value(QStringLiteral("maxResults")).toInt() == 1)
            out << keyOf(body);
    }
    return out;
}

QMap<QString, int> inspectorView(const EcrImage &image)
{
    QMap<QString, int> out;
    for (const char *s : {"CRITICAL", "HIGH", "MEDIUM"}) {
        const int n = image.severityCounts.value(QLatin1String(s));
        if (n > 0)
            out.insert(QLatin1String(s), n);
    }
    return out;
}

struct ClientRig {
    FakeEcrServer fake;
    FakeInspectorServer inspector{&fake};
    QNetworkAccessManager nam;
    QObject owner;
    StaticCredentialProvider *credentials = nullptr;
    AwsHttpClient *http = nullptr;
    EcrClient *ecr = nullptr;
    InspectorClient *inspectorClient = nullptr;

    explicit ClientRig(const FakeRegistry &registry)
    {
        fake.setRegistry(registry);
        fake.addCredentials(kKey, kSecret);
        inspector.addCredentials(kKey, kSecret);
        fake.listen();
        inspector.listen();
        AwsCredentials c;
        c.accessKeyId = kKey;
        c.secretAccessKey = kSecret;
        credentials = new StaticCredentialProvider(c, &owner);
        AwsHttpClient::Options o;
        o.retryBaseDelayMs = 1;
        o.retryMaxDelayMs = 5;
        o.maxAttempts = 2;
        http = new AwsHttpClient(&nam, credentials, o, &owner);
        ecr = new EcrClient(http, registry.region, fake.endpoint(), &owner);
        inspectorClient = new InspectorClient(http, registry.region, inspector.endpoint(), &owner);
    }
};

struct CollectorRig : ClientRig {
    ScanFindingsCollector *collector = nullptr;
    RegistryRefresher *refresher = nullptr;
    QDateTime now = at("2026-01-01T00:00:00Z");

    CollectorRig(const FakeRegistry &registry, const ScanFindingsCollector::Options &options)
        : ClientRig(registry)
    {
        collector = new ScanFindingsCollector(ecr, inspectorClient, options, &owner);
        collector->setClock([this] { return now; });
        refresher = new RegistryRefresher(ecr, registry.region, &owner);
        refresher->setScanCollector(collector);
        QObject::connect(http, &AwsHttpClient::requestFinished, refresher, &RegistryRefresher::recordApiRequest);
    }

    std::shared_ptr<const RegistrySnapshot> refresh()
    {
        QSignalSpy finished(refresher, &RegistryRefresher::refreshFinished);
        if (!refresher->refreshNow())
            return nullptr;
        if (!QTest::qWaitFor([&] { return finished.size() == 1; }, 30000))
            return nullptr;
        return refresher->snapshot();
    }
};

const EcrImage *findIn(const RegistrySnapshot &snapshot, const QString &key)
{
    const QString repository = key.section(QLatin1Char('\n'), 0, 0);
    const QString digest = key.section(QLatin1Char('\n'), 1, 1);
    for (const auto &state : snapshot.repositories) {
        if (state.repository.repositoryName != repository)
            continue;
        for (const EcrImage &image : state.images) {
            if (image.imageDigest == digest)
                return &image;
        }
    }
    return nullptr;
}

// Every tagged image with results carries the truth's counts and times (from its summary or
// from DescribeImageScanFindings); every image without results carries none.
QString compareScanTruth(const RegistrySnapshot &snapshot, const FakeRegistry &truth)
{
    for (const EcrRepository &r : truth.repositories) {
        for (const EcrImage &t : truth.images.value(r.repositoryName)) {
            if (t.imageTags.isEmpty())
                continue;
            const EcrImage *image = findIn(snapshot, r.repositoryName + QLatin1Char('\n') + t.imageDigest);
            if (!image)
                return QStringLiteral("%1@%2 missing").arg(r.repositoryName, t.imageDigest);
            const bool candidate = needsPhase(t, truth.scanMode != Mode::Enhanced);
            const bool expectData = candidate || t.hasScanSummary;
            const QMap<QString, int> counts = expectData ? t.severityCounts : QMap<QString, int>();
            const QDateTime completed = expectData ? t.scanCompletedAt : QDateTime();
            const QDateTime source = expectData ? t.vulnerabilitySourceUpdatedAt : QDateTime();
            if (image->severityCounts != counts || image->scanCompletedAt != completed
                || image->vulnerabilitySourceUpdatedAt != source) {
                QStringList got, want;
                for (auto it = image->severityCounts.cbegin(); it != image->severityCounts.cend(); ++it)
                    got << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
                for (auto it = counts.cbegin(); it != counts.cend(); ++it)
                    want << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
                return QStringLiteral("%1@%2 (%3): counts {%4} completed %5 source %6, expected {%7} %8 %9")
                    .arg(r.repositoryName, t.imageDigest, t.scanStatus, got.join(QLatin1Char(',')),
                         image->scanCompletedAt.toString(Qt::ISODateWithMs),
                         image->vulnerabilitySourceUpdatedAt.toString(Qt::ISODateWithMs), want.join(QLatin1Char(',')),
                         completed.toString(Qt::ISODateWithMs), source.toString(Qt::ISODateWithMs));
            }
            const EcrImage::ScanSource expected = t.hasScanSummary ? EcrImage::ScanSource::Summary
                : candidate ? EcrImage::ScanSource::ImageScanFindings
                            : EcrImage::ScanSource::None;
            if (image->scanSource != expected)
                return QStringLiteral("%1@%2: source %3, expected %4").arg(r.repositoryName, t.imageDigest)
                    .arg(int(image->scanSource)).arg(int(expected));
        }
    }
    return {};
}

} // namespace

class TestScanFindings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qRegisterMetaType<std::shared_ptr<const RegistrySnapshot>>();
    }

    // ----- parsers, against hand-written replies

    void parseScanningConfiguration()
    {
        const QByteArray body = R"({"registryId":"123456789012","scanningConfiguration":{"scanType":"ENHANCED","rules":[
            {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]},
            {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"},{"filter":"x","filterType":"WILDCARD"}]}]}})";
        EcrScanningConfiguration c;
        QVERIFY(!EcrJsonParser::parseGetRegistryScanningConfiguration(body, &c));
        QCOMPARE(c.registryId, QStringLiteral("123456789012"));
        QCOMPARE(c.scanType, QStringLiteral("ENHANCED"));
        QCOMPARE(c.rules.size(), 2);
        QCOMPARE(c.rules.at(0).scanFrequency, QStringLiteral("CONTINUOUS_SCAN"));
        QCOMPARE(c.rules.at(0).repositoryFilters, QStringList{QStringLiteral("WILDCARD:prod-*")});
        QCOMPARE(c.rules.at(1).repositoryFilters, (QStringList{QStringLiteral("WILDCARD:*"), QStringLiteral("WILDCARD:x")}));

        EcrScanningConfiguration empty;
        QVERIFY(!EcrJsonParser::parseGetRegistryScanningConfiguration("{}", &empty));
        QVERIFY(empty.scanType.isEmpty() && empty.rules.isEmpty());

        EcrScanningConfiguration untouched;
        untouched.scanType = QStringLiteral("KEEP");
        const AwsError e = EcrJsonParser::parseGetRegistryScanningConfiguration(
            R"({"scanningConfiguration":{"scanType":"BASIC","rules":{}}})", &untouched);
        QCOMPARE(e.kind, AwsError::Kind::Parse);
        QCOMPARE(e.message, QStringLiteral("GetRegistryScanningConfiguration reply: scanningConfiguration.rules is an "
                                           "object, expected an array"));
        QCOMPARE(untouched.scanType, QStringLiteral("KEEP"));
    }

    void parseImageScanFindingsPage()
    {
        // Basic findings with the totals; timestamps in both of AWS's number forms.
        const QByteArray basic = R"({"registryId":"123456789012","repositoryName":"app","imageId":{"imageDigest":"sha256:ab"},
            "imageScanStatus":{"status":"COMPLETE","description":"The scan was completed successfully."},
            "imageScanFindings":{"imageScanCompletedAt":1.7000000001E9,"vulnerabilitySourceUpdatedAt":1699990000.25,
              "findingSeverityCounts":{"HIGH":3,"LOW":0},
              "findings":[{"name":"CVE-1","severity":"HIGH","attributes":[]},{"name":"CVE-2","severity":"HIGH"}]},
            "nextToken":"abc"})";
        EcrJsonParser::ImageScanFindingsPage p;
        QVERIFY(!EcrJsonParser::parseDescribeImageScanFindings(basic, &p));
        QCOMPARE(p.scanStatus, QStringLiteral("COMPLETE"));
        QCOMPARE(p.scanStatusDescription, QStringLiteral("The scan was completed successfully."));
        QCOMPARE(p.imageScanCompletedAt, at("2023-11-14T22:13:20.100Z"));
        QCOMPARE(p.vulnerabilitySourceUpdatedAt, at("2023-11-14T19:26:40.250Z"));
        QVERIFY(p.hasSeverityCounts);
        QCOMPARE(p.severityCounts, (QMap<QString, int>{{QStringLiteral("HIGH"), 3}, {QStringLiteral("LOW"), 0}}));
        QCOMPARE(p.countedSeverities, (QMap<QString, int>{{QStringLiteral("HIGH"), 2}}));
        QCOMPARE(p.findingCount, 2);
        QCOMPARE(p.nextToken, QStringLiteral("abc"));

        // Enhanced findings, no totals; a finding without severity counts as UNDEFINED.
        const QByteArray enhanced = R"({"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{"enhancedFindings":[
            {"severity":"CRITICAL","packageVulnerabilityDetails":{"cvss":[{"baseScore":9.8}]}},
            {"severity":"MEDIUM"},{"severity":"CRITICAL"},{"title":"no severity"}]}})";
        EcrJsonParser::ImageScanFindingsPage q;
        QVERIFY(!EcrJsonParser::parseDescribeImageScanFindings(enhanced, &q));
        QVERIFY(!q.hasSeverityCounts);
        QCOMPARE(q.countedSeverities, (QMap<QString, int>{{QStringLiteral("CRITICAL"), 2}, {QStringLiteral("MEDIUM"), 1},
                                                          {QStringLiteral("UNDEFINED"), 1}}));
        QCOMPARE(q.findingCount, 4);
        QVERIFY(q.nextToken.isEmpty());
        QVERIFY(!q.imageScanCompletedAt.isValid());

        // Status only (a scan without results).
        EcrJsonParser::ImageScanFindingsPage s;
        QVERIFY(!EcrJsonParser::parseDescribeImageScanFindings(R"({"imageScanStatus":{"status":"FAILED"}})", &s));
        QCOMPARE(s.scanStatus, QStringLiteral("FAILED"));
        QCOMPARE(s.findingCount, 0);
    }

    void parseImageScanFindingsErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("finding not an object") << QByteArray(R"({"imageScanFindings":{"findings":[{"severity":"LOW"},3]}})")
            << QStringLiteral("DescribeImageScanFindings reply: imageScanFindings.findings[1] is a number, expected an object");
        QTest::newRow("negative count") << QByteArray(R"({"imageScanFindings":{"findingSeverityCounts":{"HIGH":-1}}})")
            << QStringLiteral("DescribeImageScanFindings reply: imageScanFindings.findingSeverityCounts.HIGH is -1, expected a whole number >= 0");
        QTest::newRow("severity not a string") << QByteArray(R"({"imageScanFindings":{"enhancedFindings":[{"severity":7}]}})")
            << QStringLiteral("DescribeImageScanFindings reply: imageScanFindings.enhancedFindings[0].severity is a number, expected a string");
        // (not a raw string: moc miscounts the unbalanced braces of one)
        QTest::newRow("truncated") << QByteArray("{\"imageScanFindings\":{\"findings\":[{\"sev")
            << QString();
    }

    void parseImageScanFindingsErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        EcrJsonParser::ImageScanFindingsPage p;
        const AwsError e = EcrJsonParser::parseDescribeImageScanFindings(body, &p);
        QCOMPARE(e.kind, AwsError::Kind::Parse);
        QCOMPARE(e.operation, kFindings);
        if (!message.isEmpty())
            QCOMPARE(e.message, message);
        else
            QVERIFY2(e.message.contains(QLatin1String("not valid JSON")), qPrintable(e.message));
    }

    void inspectorBodyAndParse()
    {
        // QJsonDocument writes keys in sorted order: the expected text is written that way.
        QCOMPARE(InspectorJsonParser::listEcrContainerAggregationsBody(QStringLiteral("123456789012"), {}, 100, QStringLiteral("tok")),
                 QByteArray(R"({"accountIds":[{"comparison":"EQUALS","value":"123456789012"}],"aggregationRequest":)"
                            R"({"awsEcrContainerAggregation":{"sortBy":"ALL","sortOrder":"DESC"}},)"
                            R"("aggregationType":"AWS_ECR_CONTAINER","maxResults":100,"nextToken":"tok"})"));
        QCOMPARE(InspectorJsonParser::listEcrContainerAggregationsBody(QString(), {QStringLiteral("a/b")}, 7, QString()),
                 QByteArray(R"({"aggregationRequest":{"awsEcrContainerAggregation":{"repositories":[{"comparison":"EQUALS","value":"a/b"}],)"
                            R"("sortBy":"ALL","sortOrder":"DESC"}},"aggregationType":"AWS_ECR_CONTAINER","maxResults":7})"));

        const QByteArray reply = R"({"aggregationType":"AWS_ECR_CONTAINER","responses":[
            {"awsEcrContainerAggregation":{"accountId":"123456789012","architecture":"amd64","imageSha":"sha256:01",
              "imageTags":["v1","latest"],"repository":"team/app","resourceId":"arn:aws:ecr:eu-west-1:123456789012:repository/team/app/sha256:01",
              "severityCounts":{"all":12,"critical":1,"high":2,"medium":3}}},
            {"accountAggregation":{"accountId":"123456789012","severityCounts":{"all":99}}},
            {"awsEcrContainerAggregation":{"imageSha":"sha256:02","repository":"x","resourceId":"r","severityCounts":{}}}],
            "nextToken":"n2"})";
        InspectorJsonParser::AggregationsPage page;
        QVERIFY(!InspectorJsonParser::parseListFindingAggregations(reply, &page));
        QCOMPARE(page.images.size(), 2);
        const InspectorImageCounts &a = page.images.at(0);
        QCOMPARE(a.repository, QStringLiteral("team/app"));
        QCOMPARE(a.imageSha, QStringLiteral("sha256:01"));
        QCOMPARE(a.imageTags, (QStringList{QStringLiteral("v1"), QStringLiteral("latest")}));
        QCOMPARE(a.all, 12);
        QCOMPARE(a.critical, 1);
        QCOMPARE(a.high, 2);
        QCOMPARE(a.medium, 3);
        QCOMPARE(page.images.at(1).all, 0);
        QCOMPARE(page.nextToken, QStringLiteral("n2"));

        InspectorJsonParser::AggregationsPage bad;
        AwsError e = InspectorJsonParser::parseListFindingAggregations(
            R"({"responses":[{"awsEcrContainerAggregation":{"repository":"x","imageSha":"s","severityCounts":{"high":"2"}}}]})", &bad);
        QCOMPARE(e.message, QStringLiteral("ListFindingAggregations reply: responses[0].awsEcrContainerAggregation."
                                           "severityCounts.high is a string, expected a whole number"));
        e = InspectorJsonParser::parseListFindingAggregations(R"({"aggregationType":"REPOSITORY","responses":[]})", &bad);
        QCOMPARE(e.kind, AwsError::Kind::Parse);
    }

    // ----- clients against the fakes

    void scanningConfiguration_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<QString>("scanType");
        QTest::addColumn<QString>("frequency");
        QTest::newRow("basic-legacy") << Mode::BasicLegacy << QStringLiteral("BASIC") << QStringLiteral("SCAN_ON_PUSH");
        QTest::newRow("basic-current") << Mode::BasicCurrent << QStringLiteral("BASIC") << QStringLiteral("SCAN_ON_PUSH");
        QTest::newRow("enhanced") << Mode::Enhanced << QStringLiteral("ENHANCED") << QStringLiteral("CONTINUOUS_SCAN");
    }

    void scanningConfiguration()
    {
        QFETCH(Mode, mode);
        QFETCH(QString, scanType);
        QFETCH(QString, frequency);
        const FakeRegistry truth = makeRegistry(mode, 2, 2);
        ClientRig rig(truth);
        bool done = false;
        EcrScanningConfiguration got;
        AwsError error;
        rig.ecr->getRegistryScanningConfiguration(&rig.owner, [&](const EcrScanningConfiguration &c, const AwsError &e) {
            got = c;
            error = e;
            done = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
        QVERIFY2(!error, qPrintable(error.toString()));
        QCOMPARE(got.registryId, truth.registryId);
        QCOMPARE(got.scanType, scanType);
        QCOMPARE(got.rules.size(), 1);
        QCOMPARE(got.rules.at(0).scanFrequency, frequency);
        QCOMPARE(got.rules.at(0).repositoryFilters, QStringList{QStringLiteral("WILDCARD:*")});
    }

    // Every image's totals equal the ground truth whatever the reply carries; the first call
    // always asks for one finding; counting re-reads from the start in 1000-finding pages.
    void imageScanFindings_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<Policy>("policy");
        QTest::addColumn<int>("pageCap");
        for (Mode mode : {Mode::BasicCurrent, Mode::Enhanced}) {
            for (const auto &p : {qMakePair(Policy::Always, "counts"), qMakePair(Policy::Never, "no counts"),
                                  qMakePair(Policy::Alternate, "alternate")}) {
                for (int cap : {40, 1000}) {
                    QTest::addRow("%s, %s, page cap %d", qPrintable(modeName(mode)), p.second, cap)
                        << mode << p.first << cap;
                }
            }
        }
    }

    void imageScanFindings()
    {
        QFETCH(Mode, mode);
        QFETCH(Policy, policy);
        QFETCH(int, pageCap);
        const FakeRegistry truth = makeRegistry(mode, 6, 6, 11);
        ClientRig rig(truth);
        rig.fake.setSeverityCountsPolicy(policy);
        rig.fake.setPageCap(pageCap);
        const QMap<QString, EcrImage> wanted = candidates(truth);
        QVERIFY(wanted.size() >= 5);
        // All at once (the client queues them), then each checked.
        QMap<QString, QPair<EcrImageScanFindings, AwsError>> results;
        for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
            const QString key = it.key();
            rig.ecr->describeImageScanFindings(QString(), it.value().repositoryName, it.value().imageDigest, &rig.owner,
                                               [&results, key](const EcrImageScanFindings &f, const AwsError &e) {
                                                   results.insert(key, {f, e});
                                               });
        }
        QVERIFY(QTest::qWaitFor([&] { return results.size() == wanted.size(); }, 30000));
        // Requests of each image, in order.
        QMap<QString, QList<QJsonObject>> bodies;
        for (const auto &r : rig.fake.requests()) {
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            bodies[keyOf(body)].append(body);
        }
        int withMany = 0;
        for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
            const EcrImage &t = it.value();
            const EcrImageScanFindings &got = results.value(it.key()).first;
            const AwsError &error = results.value(it.key()).second;
            QVERIFY2(!error, qPrintable(error.toString()));
            QCOMPARE(got.scanStatus, t.scanStatus);
            QCOMPARE(got.severityCounts, t.severityCounts);
            QCOMPARE(got.imageScanCompletedAt, t.scanCompletedAt);
            QCOMPARE(got.vulnerabilitySourceUpdatedAt, t.vulnerabilitySourceUpdatedAt);

            int total = 0;
            for (int n : t.severityCounts)
                total += n;
            const QList<QJsonObject> requests = bodies.value(it.key());
            QCOMPARE(got.requests, requests.size());
            QCOMPARE(requests.first().value(QStringLiteral("maxResults")).toInt(), 1);
            QVERIFY(!requests.first().contains(QStringLiteral("nextToken")));
            if (got.countsFromSummary || total <= 1) {
                QCOMPARE(requests.size(), 1);
            } else {
                ++withMany;
                QCOMPARE(got.findingsCounted, total);
                // One probe, then ceil(total / pageCap) pages of maxResults 1000.
                QCOMPARE(requests.size(), 1 + (total + pageCap - 1) / pageCap);
                for (int i = 1; i < requests.size(); ++i) {
                    QCOMPARE(requests.at(i).value(QStringLiteral("maxResults")).toInt(), 1000);
                    QCOMPARE(requests.at(i).contains(QStringLiteral("nextToken")), i > 1);
                }
            }
        }
        if (policy != Policy::Always)
            QVERIFY(withMany > 0); // the counting path really ran
    }

    void imageScanFindingsWithoutResults()
    {
        FakeRegistry truth = makeRegistry(Mode::BasicCurrent, 1, 1);
        const QString repository = truth.repositories.at(0).repositoryName;
        EcrImage image;
        image.registryId = truth.registryId;
        image.repositoryName = repository;
        image.imageDigest = QStringLiteral("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        image.imageTags = {QStringLiteral("v1")};
        auto run = [&](const QString &status) {
            image.scanStatus = status;
            truth.images[repository] = {image};
            ClientRig rig(truth);
            bool done = false;
            QPair<EcrImageScanFindings, AwsError> result;
            rig.ecr->describeImageScanFindings(QString(), repository, image.imageDigest, &rig.owner,
                                               [&](const EcrImageScanFindings &f, const AwsError &e) {
                                                   result = {f, e};
                                                   done = true;
                                               });
            if (!QTest::qWaitFor([&] { return done; }, 10000))
                result.second = AwsError::make(AwsError::Kind::Timeout, QStringLiteral("no answer"));
            return result;
        };
        const auto inProgress = run(QStringLiteral("IN_PROGRESS"));
        QVERIFY(!inProgress.second);
        QCOMPARE(inProgress.first.scanStatus, QStringLiteral("IN_PROGRESS"));
        QVERIFY(inProgress.first.severityCounts.isEmpty());
        QVERIFY(!inProgress.first.imageScanCompletedAt.isValid());

        const auto none = run(QString());
        QCOMPARE(none.second.code, QStringLiteral("ScanNotFoundException"));
        QCOMPARE(none.second.operation, kFindings);
        QCOMPARE(none.first.requests, 1);
    }

    void inspectorAggregations_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("pageCap");
        QTest::newRow("enhanced, pages of 4") << Mode::Enhanced << 4;
        QTest::newRow("enhanced, pages of 100") << Mode::Enhanced << 100;
        QTest::newRow("basic-current: Inspector has nothing") << Mode::BasicCurrent << 100;
    }

    void inspectorAggregations()
    {
        QFETCH(Mode, mode);
        QFETCH(int, pageCap);
        const FakeRegistry truth = makeRegistry(mode, 10, 6, 5);
        ClientRig rig(truth);
        rig.inspector.setPageCap(pageCap);
        // Expected: every ACTIVE image (tagged or not) with at least one finding.
        QMap<QString, QVector<qint64>> expected;
        if (mode == Mode::Enhanced) {
            for (const EcrRepository &r : truth.repositories) {
                for (const EcrImage &i : truth.images.value(r.repositoryName)) {
                    qint64 all = 0;
                    for (int n : i.severityCounts)
                        all += n;
                    if (i.scanStatus == QLatin1String("ACTIVE") && all > 0)
                        expected.insert(r.repositoryName + QLatin1Char('\n') + i.imageDigest,
                                        {all, i.severityCounts.value(QStringLiteral("CRITICAL")),
                                         i.severityCounts.value(QStringLiteral("HIGH")),
                                         i.severityCounts.value(QStringLiteral("MEDIUM"))});
                }
            }
            QVERIFY(expected.size() > 8);
        }
        bool done = false;
        QVector<InspectorImageCounts> got;
        AwsError error;
        rig.inspectorClient->listEcrContainerAggregations(truth.registryId, &rig.owner,
            [&](const QVector<InspectorImageCounts> &images, const AwsError &e) {
                got = images;
                error = e;
                done = true;
            });
        QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
        QVERIFY2(!error, qPrintable(error.toString()));
        QMap<QString, QVector<qint64>> actual;
        for (const InspectorImageCounts &c : got) {
            QCOMPARE(c.accountId, truth.registryId);
            actual.insert(c.repository + QLatin1Char('\n') + c.imageSha, {c.all, c.critical, c.high, c.medium});
        }
        QCOMPARE(actual.size(), got.size()); // no image twice across pages
        QCOMPARE(actual, expected);
        QCOMPARE(rig.inspector.requestCount(), qMax(1, int((expected.size() + pageCap - 1) / pageCap)));
        for (const auto &r : rig.inspector.requests()) {
            QCOMPARE(r.path, QByteArray("/findings/aggregation/list"));
            QCOMPARE(r.status, 200);
        }
    }

    void inspectorErrors()
    {
        const FakeRegistry truth = makeRegistry(Mode::Enhanced, 2, 2);
        ClientRig rig(truth);
        auto call = [&] {
            bool done = false;
            AwsError error;
            rig.inspectorClient->listEcrContainerAggregations(truth.registryId, &rig.owner,
                [&](const QVector<InspectorImageCounts> &, const AwsError &e) {
                    error = e;
                    done = true;
                });
            if (!QTest::qWaitFor([&] { return done; }, 10000))
                error = AwsError::make(AwsError::Kind::Timeout, QStringLiteral("no answer"));
            return error;
        };
        rig.inspector.injectFault(FakeInspectorServer::Fault::AccessDenied);
        AwsError e = call();
        QCOMPARE(e.code, QStringLiteral("AccessDeniedException"));
        QCOMPARE(e.httpStatus, 403);
        QCOMPARE(e.operation, QStringLiteral("ListFindingAggregations"));
        QVERIFY(e.message.contains(QLatin1String("inspector2:ListFindingAggregations")));

        rig.inspector.injectFault(FakeInspectorServer::Fault::MalformedJson);
        e = call();
        QCOMPARE(e.kind, AwsError::Kind::Parse);

        // Signed for the wrong service: the fake checks the credential scope.
        FakeInspectorServer other(&rig.fake);
        other.addCredentials(kKey, kSecret);
        QVERIFY(other.listen());
        EcrClient wrong(rig.http, truth.region, other.endpoint());
        bool done = false;
        AwsError error;
        wrong.getRegistryScanningConfiguration(&rig.owner, [&](const EcrScanningConfiguration &, const AwsError &err) {
            error = err;
            done = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
        QCOMPARE(error.httpStatus, 403);
        QVERIFY(!error.code.isEmpty());
    }

    // ----- the collector through the refresher

    void collectorMatchesGroundTruth_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<Policy>("policy");
        for (Mode mode : {Mode::BasicLegacy, Mode::BasicCurrent, Mode::Enhanced}) {
            QTest::addRow("%s, alternate", qPrintable(modeName(mode))) << mode << Policy::Alternate;
            QTest::addRow("%s, never counts", qPrintable(modeName(mode))) << mode << Policy::Never;
        }
    }

    void collectorMatchesGroundTruth()
    {
        QFETCH(Mode, mode);
        QFETCH(Policy, policy);
        const FakeRegistry truth = makeRegistry(mode, 10, 6, 21);
        CollectorRig rig(truth, {});
        rig.fake.setSeverityCountsPolicy(policy);
        rig.fake.setPageCap(50); // several pages for the images with many findings
        const auto first = rig.refresh();
        QVERIFY(first);
        const QString difference = compareScanTruth(*first, truth);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        // One findings call chain per image without a summary, none for the others.
        const QMap<QString, EcrImage> wanted = candidates(truth);
        QStringList called = findingsCalls(rig.fake);
        std::sort(called.begin(), called.end());
        QCOMPARE(called, QStringList(wanted.keys()));
        QCOMPARE(first->scan.findingsFetchesTotal, quint64(wanted.size()));
        QCOMPARE(first->scan.currentImages.value(QStringLiteral("findings")), int(wanted.size()));
        QCOMPARE(first->scan.waitingImages, 0);
        QCOMPARE(first->scan.unavailableImages, 0);
        QVERIFY(first->scan.configurationKnown);
        QCOMPARE(first->scan.configuration.scanType, FakeRegistry::scanTypeName(mode));
        QCOMPARE(rig.inspector.requestCount() > 0, mode == Mode::Enhanced);

        // No scan changed: the second refresh reads no findings, and serves the same.
        rig.fake.resetCounters();
        rig.now = rig.now.addSecs(1800);
        const auto second = rig.refresh();
        QVERIFY(second);
        QCOMPARE(rig.fake.requestCount(kFindings), 0);
        QCOMPARE(second->scan.findingsCacheHitsTotal, quint64(wanted.size()));
        QCOMPARE(second->scan.findingsFetchesTotal, quint64(wanted.size()));
        const QString again = compareScanTruth(*second, truth);
        QVERIFY2(again.isEmpty(), qPrintable(again));
    }

    // Budget: at most N calls per refresh, images never read first, then the oldest.
    void budgetAndMaxAge()
    {
        const FakeRegistry truth = makeRegistry(Mode::BasicCurrent, 6, 5, 31);
        ScanFindingsCollector::Options options;
        options.budget = 4;
        options.maxAgeMs = 10LL * 3600 * 1000;
        options.concurrency = 2;
        CollectorRig rig(truth, options);
        rig.fake.setSeverityCountsPolicy(Policy::Always); // one call per image
        const QStringList all = candidates(truth).keys();
        QVERIFY(all.size() > 8);

        QStringList seen;
        QDateTime firstReadAt;
        int refreshes = 0;
        while (seen.size() < all.size()) {
            const int before = rig.fake.requests().size();
            const auto snapshot = rig.refresh();
            QVERIFY(snapshot);
            const QStringList called = findingsCalls(rig.fake, before);
            QCOMPARE(called.size(), qMin(4, int(all.size() - seen.size())));
            for (const QString &k : called)
                QVERIFY2(!seen.contains(k), qPrintable(QStringLiteral("read twice before all were read: ") + k));
            seen += called;
            QCOMPARE(snapshot->scan.waitingImages, int(all.size() - seen.size()));
            QCOMPARE(snapshot->scan.currentImages.value(QStringLiteral("findings")), int(seen.size()));
            // Images still waiting have no counts yet; the ones read have the truth.
            for (const QString &k : all) {
                const EcrImage *image = findIn(*snapshot, k);
                QVERIFY(image);
                if (seen.contains(k))
                    QCOMPARE(image->severityCounts, candidates(truth).value(k).severityCounts);
                else
                    QCOMPARE(image->scanSource, EcrImage::ScanSource::None);
            }
            if (refreshes++ == 0)
                firstReadAt = rig.now;
            rig.now = rig.now.addSecs(3600);
            QVERIFY(refreshes < 20);
        }
        // All read: nothing to do until the oldest pass max age.
        int before = rig.fake.requests().size();
        QVERIFY(rig.refresh());
        QCOMPARE(findingsCalls(rig.fake, before).size(), 0);
        // 10 h after the first batch: exactly that batch (the oldest) is read again.
        rig.now = firstReadAt.addSecs(10 * 3600);
        before = rig.fake.requests().size();
        QVERIFY(rig.refresh());
        QStringList again = findingsCalls(rig.fake, before);
        QStringList firstBatch = seen.mid(0, 4);
        std::sort(again.begin(), again.end());
        std::sort(firstBatch.begin(), firstBatch.end());
        QCOMPARE(again, firstBatch);
    }

    // Enhanced: a change of Inspector's counts is what triggers a new read.
    void inspectorCountsTriggerRead()
    {
        FakeRegistry truth = makeRegistry(Mode::Enhanced, 6, 5, 41);
        CollectorRig rig(truth, {});
        QVERIFY(rig.refresh());
        const QMap<QString, EcrImage> wanted = candidates(truth);
        // The first image with findings gets one more HIGH finding and a new scan time.
        QString changed;
        for (auto it = wanted.cbegin(); it != wanted.cend() && changed.isEmpty(); ++it) {
            if (!it.value().severityCounts.isEmpty())
                changed = it.key();
        }
        QVERIFY(!changed.isEmpty());
        const QString repository = changed.section(QLatin1Char('\n'), 0, 0);
        for (EcrImage &image : truth.images[repository]) {
            if (image.imageDigest == changed.section(QLatin1Char('\n'), 1, 1)) {
                image.severityCounts[QStringLiteral("HIGH")] += 1;
                image.scanCompletedAt = image.scanCompletedAt.addSecs(86400);
            }
        }
        rig.fake.setRegistry(truth);
        rig.fake.resetCounters();
        rig.now = rig.now.addSecs(1800);
        const auto snapshot = rig.refresh();
        QVERIFY(snapshot);
        QCOMPARE(findingsCalls(rig.fake), QStringList{changed});
        const QString difference = compareScanTruth(*snapshot, truth);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // A status change of current basic scanning (rescan) is seen; the old entry is dropped
    // while the image has no results.
    void statusChangeTriggersRead()
    {
        FakeRegistry truth = makeRegistry(Mode::BasicCurrent, 4, 5, 43);
        CollectorRig rig(truth, {});
        QVERIFY(rig.refresh());
        const QString key = candidates(truth).firstKey();
        const QString repository = key.section(QLatin1Char('\n'), 0, 0);
        auto edit = [&](const std::function<void(EcrImage &)> &f) {
            for (EcrImage &image : truth.images[repository]) {
                if (image.imageDigest == key.section(QLatin1Char('\n'), 1, 1))
                    f(image);
            }
            rig.fake.setRegistry(truth);
        };
        edit([](EcrImage &i) { i.scanStatus = QStringLiteral("IN_PROGRESS"); });
        rig.fake.resetCounters();
        auto snapshot = rig.refresh();
        QVERIFY(snapshot);
        QCOMPARE(findingsCalls(rig.fake).size(), 0);
        QCOMPARE(findIn(*snapshot, key)->scanSource, EcrImage::ScanSource::None);
        QVERIFY(findIn(*snapshot, key)->severityCounts.isEmpty());

        edit([](EcrImage &i) {
            i.scanStatus = QStringLiteral("COMPLETE");
            i.severityCounts = {{QStringLiteral("CRITICAL"), 9}};
            i.scanCompletedAt = i.scanCompletedAt.addDays(3);
        });
        rig.fake.resetCounters();
        snapshot = rig.refresh();
        QVERIFY(snapshot);
        QCOMPARE(findingsCalls(rig.fake), QStringList{key});
        QCOMPARE(findIn(*snapshot, key)->severityCounts, (QMap<QString, int>{{QStringLiteral("CRITICAL"), 9}}));
    }

    // What each denied or disabled source costs, and only that.
    void denials_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<bool>("denyConfiguration");
        QTest::addColumn<bool>("denyFindings");
        QTest::addColumn<bool>("denyInspector");
        QTest::addColumn<bool>("findingsOff");
        for (Mode mode : {Mode::BasicLegacy, Mode::BasicCurrent, Mode::Enhanced}) {
            const QByteArray m = modeName(mode).toLatin1();
            QTest::newRow(m + ", configuration denied") << mode << true << false << false << false;
            QTest::newRow(m + ", findings denied") << mode << false << true << false << false;
            QTest::newRow(m + ", inspector denied") << mode << false << false << true << false;
            QTest::newRow(m + ", all denied") << mode << true << true << true << false;
            QTest::newRow(m + ", findings off") << mode << false << false << false << true;
        }
    }

    void denials()
    {
        QFETCH(Mode, mode);
        QFETCH(bool, denyConfiguration);
        QFETCH(bool, denyFindings);
        QFETCH(bool, denyInspector);
        QFETCH(bool, findingsOff);
        const FakeRegistry truth = makeRegistry(mode, 8, 6, 51);
        ScanFindingsCollector::Options options;
        options.findings = !findingsOff;
        CollectorRig rig(truth, options);
        if (denyConfiguration)
            rig.fake.injectFault(QStringLiteral("GetRegistryScanningConfiguration"), FakeEcrServer::Fault::AccessDenied, -1);
        if (denyFindings)
            rig.fake.injectFault(kFindings, FakeEcrServer::Fault::AccessDenied, -1);
        if (denyInspector)
            rig.inspector.injectFault(FakeInspectorServer::Fault::AccessDenied, -1);

        for (int round = 0; round < 2; ++round) {
            const auto snapshot = rig.refresh();
            QVERIFY(snapshot);
            QVERIFY(rig.refresher->stats().complete);
            QCOMPARE(snapshot->scan.configurationKnown, !denyConfiguration);
            const bool findings = !denyFindings && !findingsOff;
            // Enhanced is recognised from the configuration, or from ACTIVE images without it.
            const bool knownBasic = mode != Mode::Enhanced && !denyConfiguration;
            bool anyActive = false;
            for (const EcrImage &c : candidates(truth, knownBasic))
                anyActive = anyActive || c.scanStatus == QLatin1String("ACTIVE");
            QCOMPARE(rig.inspector.requestCount() > 0, mode == Mode::Enhanced || (denyConfiguration && anyActive));
            const bool inspector = mode == Mode::Enhanced && !denyInspector;
            int inspectorImages = 0, unavailable = 0;
            for (const EcrRepository &r : truth.repositories) {
                for (const EcrImage &t : truth.images.value(r.repositoryName)) {
                    if (t.imageTags.isEmpty())
                        continue;
                    const EcrImage *image = findIn(*snapshot, r.repositoryName + QLatin1Char('\n') + t.imageDigest);
                    QVERIFY(image);
                    QMap<QString, int> counts;
                    QDateTime completed;
                    const bool candidate = needsPhase(t, knownBasic);
                    if (t.hasScanSummary || (candidate && findings)) {
                        counts = t.severityCounts;
                        completed = t.scanCompletedAt;
                    } else if (candidate && inspector) {
                        // Inspector lists only images with findings.
                        qint64 all = 0;
                        for (int n : t.severityCounts)
                            all += n;
                        counts = inspectorView(t);
                        if (all > 0)
                            ++inspectorImages;
                        else
                            ++unavailable;
                    } else if (candidate) {
                        ++unavailable;
                    }
                    QVERIFY2(image->severityCounts == counts,
                             qPrintable(QStringLiteral("%1@%2 %3").arg(r.repositoryName, t.imageDigest, t.scanStatus)));
                    QCOMPARE(image->scanCompletedAt, completed);
                }
            }
            QCOMPARE(snapshot->scan.currentImages.value(QStringLiteral("inspector")), inspectorImages);
            QCOMPARE(snapshot->scan.unavailableImages, unavailable);
            QCOMPARE(snapshot->scan.waitingImages, 0);
            // A denied call is tried again each refresh, but a single one: the rest is not asked.
            if (denyFindings)
                QCOMPARE(rig.fake.requestCount(kFindings), candidates(truth, knownBasic).isEmpty() ? 0 : round + 1);
            if (findingsOff)
                QCOMPARE(rig.fake.requestCount(kFindings), 0);
            rig.now = rig.now.addSecs(1800);
        }
    }

    // ----- the inspector2 endpoint follows ECR's rules

    void inspectorEndpoint_data()
    {
        QTest::addColumn<QString>("region");
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("source");
        QTest::newRow("default") << QStringLiteral("eu-west-1") << QStringList()
                                 << QStringLiteral("https://inspector2.eu-west-1.amazonaws.com") << QStringLiteral("default");
        QTest::newRow("china") << QStringLiteral("cn-north-1") << QStringList()
                               << QStringLiteral("https://inspector2.cn-north-1.amazonaws.com.cn") << QStringLiteral("default");
        QTest::newRow("ECR's own variable is not used") << QStringLiteral("eu-west-1")
            << QStringList{QStringLiteral("AWS_ENDPOINT_URL_ECR=http://127.0.0.1:1")}
            << QStringLiteral("https://inspector2.eu-west-1.amazonaws.com") << QStringLiteral("default");
        QTest::newRow("AWS_ENDPOINT_URL") << QStringLiteral("eu-west-1")
            << QStringList{QStringLiteral("AWS_ENDPOINT_URL=http://127.0.0.1:4566")}
            << QStringLiteral("http://127.0.0.1:4566") << QStringLiteral("AWS_ENDPOINT_URL");
        QTest::newRow("AWS_ENDPOINT_URL_INSPECTOR2 wins") << QStringLiteral("eu-west-1")
            << QStringList{QStringLiteral("AWS_ENDPOINT_URL=http://127.0.0.1:4566"),
                           QStringLiteral("AWS_ENDPOINT_URL_INSPECTOR2=http://127.0.0.1:4567")}
            << QStringLiteral("http://127.0.0.1:4567") << QStringLiteral("AWS_ENDPOINT_URL_INSPECTOR2");
    }

    void inspectorEndpoint()
    {
        QFETCH(QString, region);
        QFETCH(QStringList, env);
        QFETCH(QString, url);
        QFETCH(QString, source);
        QProcessEnvironment e;
        for (const QString &pair : env)
            e.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
        AwsError error;
        const EndpointResolver::Result r = EndpointResolver::resolve(EndpointResolver::inspector2(), region, e, nullptr,
                                                                     QString(), &error);
        QVERIFY2(!error, qPrintable(error.toString()));
        QCOMPARE(r.url.toString(), url);
        QVERIFY2(r.source.startsWith(source), qPrintable(r.source));
    }
};

QTEST_MAIN(TestScanFindings)
#include "tst_scanfindings.moc"
