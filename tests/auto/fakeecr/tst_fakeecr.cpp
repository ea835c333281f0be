// Tests of the fake ECR server (src/sim): the generator's coverage and determinism, the
// wire format (checked against AWS's shapes by parsing the JSON here, independently of the
// ECR client), pagination, filters, SigV4 verification failures with AWS's error codes,
// injected faults, latency and the request counters. Requests are made with a plain
// QNetworkAccessManager and signed with SigV4Signer.

#include "aws/sigv4signer.h"
#include "fakeecrjson.h"
#include "fakeecrserver.h"
#include "fakeregistry.h"
#include "pagetokencodec.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>

namespace {

const QString kAkid = QStringLiteral("AKIDFAKEECRTEST");
const QString kSecret = QStringLiteral("fake/Secret+Key0123456789abcdefghijklmn");
const QString kTempAkid = QStringLiteral("ASIAFAKEECRTEMP");
const QString kTempSecret = QStringLiteral("temporary/secret/key");
const QString kTempToken = QStringLiteral("IQoJb3JpZ2luX2VjEFAKE//session+token==");
const QByteArray kTargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";

struct Call {
    bool finished = false;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray requestId;
    QByteArray contentType;
    qint64 elapsedMs = 0;

    QString type() const { return json.value(QStringLiteral("__type")).toString(); }
    QString message() const { return json.value(QStringLiteral("message")).toString(); }
};

struct SendOptions {
    QByteArray target;                  // full X-Amz-Target; empty = kTargetPrefix + operation
    QByteArray signedTarget;            // sign this target instead (tampered header)
    QByteArray signedBody;              // sign this body instead (tampered body); null = the sent body
    AwsCredentials credentials;
    QString region = QStringLiteral("eu-west-1");
    QString service = QStringLiteral("ecr");
    QDateTime time;                     // signing time; invalid = now
    bool sign = true;
    QByteArray authorization;           // replaces the Authorization header when set
    int transferTimeoutMs = 20000;
};

AwsCredentials credentials(const QString &akid, const QString &secret, const QString &token = {})
{
    AwsCredentials c;
    c.accessKeyId = akid;
    c.secretAccessKey = secret;
    c.sessionToken = token;
    return c;
}

qint64 jsonTimeMs(const QJsonValue &v)
{
    return qRound64(v.toDouble() * 1000.0);
}

QDateTime jsonTime(const QJsonObject &o, const QString &key)
{
    if (!o.contains(key))
        return {};
    return QDateTime::fromMSecsSinceEpoch(jsonTimeMs(o.value(key)), Qt::UTC);
}

// Independent reading of the AWS Repository shape (botocore service-2.json).
EcrRepository repositoryFromJson(const QJsonObject &o)
{
    EcrRepository r;
    r.repositoryArn = o.value(QStringLiteral("repositoryArn")).toString();
    r.registryId = o.value(QStringLiteral("registryId")).toString();
    r.repositoryName = o.value(QStringLiteral("repositoryName")).toString();
    r.repositoryUri = o.value(QStringLiteral("repositoryUri")).toString();
    r.createdAt = jsonTime(o, QStringLiteral("createdAt"));
    r.imageTagMutability = o.value(QStringLiteral("imageTagMutability")).toString();
    for (const QJsonValue &f : o.value(QStringLiteral("imageTagMutabilityExclusionFilters")).toArray()) {
        r.tagMutabilityExclusionFilters << f.toObject().value(QStringLiteral("filterType")).toString() + QLatin1Char(':')
                + f.toObject().value(QStringLiteral("filter")).toString();
    }
    r.scanOnPush = o.value(QStringLiteral("imageScanningConfiguration")).toObject().value(QStringLiteral("scanOnPush")).toBool();
    const QJsonObject enc = o.value(QStringLiteral("encryptionConfiguration")).toObject();
    r.encryptionType = enc.value(QStringLiteral("encryptionType")).toString();
    r.kmsKey = enc.value(QStringLiteral("kmsKey")).toString();
    return r;
}

// Independent reading of the AWS ImageDetail shape.
EcrImage imageFromJson(const QJsonObject &o)
{
    EcrImage i;
    i.registryId = o.value(QStringLiteral("registryId")).toString();
    i.repositoryName = o.value(QStringLiteral("repositoryName")).toString();
    i.imageDigest = o.value(QStringLiteral("imageDigest")).toString();
    for (const QJsonValue &t : o.value(QStringLiteral("imageTags")).toArray())
        i.imageTags << t.toString();
    if (o.contains(QStringLiteral("imageSizeInBytes")))
        i.imageSizeInBytes = qint64(o.value(QStringLiteral("imageSizeInBytes")).toDouble());
    i.imagePushedAt = jsonTime(o, QStringLiteral("imagePushedAt"));
    const QJsonObject status = o.value(QStringLiteral("imageScanStatus")).toObject();
    i.scanStatus = status.value(QStringLiteral("status")).toString();
    i.scanStatusDescription = status.value(QStringLiteral("description")).toString();
    if (o.contains(QStringLiteral("imageScanFindingsSummary"))) {
        const QJsonObject summary = o.value(QStringLiteral("imageScanFindingsSummary")).toObject();
        i.hasScanSummary = true;
        i.scanCompletedAt = jsonTime(summary, QStringLiteral("imageScanCompletedAt"));
        i.vulnerabilitySourceUpdatedAt = jsonTime(summary, QStringLiteral("vulnerabilitySourceUpdatedAt"));
        const QJsonObject counts = summary.value(QStringLiteral("findingSeverityCounts")).toObject();
        for (auto it = counts.begin(); it != counts.end(); ++it)
            i.severityCounts.insert(it.key(), it.value().toInt());
    }
    i.imageManifestMediaType = o.value(QStringLiteral("imageManifestMediaType")).toString();
    i.artifactMediaType = o.value(QStringLiteral("artifactMediaType")).toString();
    i.lastRecordedPullTime = jsonTime(o, QStringLiteral("lastRecordedPullTime"));
    i.subjectManifestDigest = o.value(QStringLiteral("subjectManifestDigest")).toString();
    i.imageStatus = o.value(QStringLiteral("imageStatus")).toString();
    i.lastArchivedAt = jsonTime(o, QStringLiteral("lastArchivedAt"));
    i.lastActivatedAt = jsonTime(o, QStringLiteral("lastActivatedAt"));
    return i;
}

QByteArray jsonBody(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

Q_DECLARE_METATYPE(SendOptions)

class TstFakeEcr : public QObject
{
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;
    std::unique_ptr<FakeEcrServer> m_server;
    FakeRegistry m_registry;

    QNetworkReply *start(const QString &operation, const QByteArray &body, const SendOptions &options = {});
    Call wait(QNetworkReply *reply);
    Call call(const QString &operation, const QByteArray &body, const SendOptions &options = {})
    {
        return wait(start(operation, body, options));
    }
    SendOptions defaults() const
    {
        SendOptions o;
        o.credentials = credentials(kAkid, kSecret);
        return o;
    }
    // Every page of one paginated call; fails the test (empty result) on an error page.
    QList<Call> walk(const QString &operation, QJsonObject input, int maxResults);

private slots:
    void initTestCase();
    void init();
    void cleanup();

    // generator
    void generatorIsDeterministic();
    void generatorCoverage_data();
    void generatorCoverage();
    void generatorLargeRegistry();

    // JSON text helpers
    void timestampText_data();
    void timestampText();
    void jsonStrings_data();
    void jsonStrings();
    void pageTokens();

    // wire format and pagination
    void describeRegistry();
    void pagination_data();
    void pagination();
    void timestampsMixBothForms();
    void tagStatusFilter_data();
    void tagStatusFilter();
    void invalidParameters_data();
    void invalidParameters();
    void foreignTokensRejected();
    void repositoryNamesAndImageIds();
    void unknownOperation();
    void replyHeaders();

    // SigV4
    void verification_data();
    void verification();
    void verificationDisabled();

    // faults
    void faults_data();
    void faults();
    void faultScopes();
    void slowReplyAndClientTimeout();
    void dropConnection();
    void destroyedWhileRepliesPending();

    // latency, concurrency, counters
    void latencyAndPeakConcurrency();
    void counters();
    void bigPagesAreFast();
    void benchmarkScale();
};

void TstFakeEcr::initTestCase()
{
    m_nam.setProxy(QNetworkProxy::NoProxy);
    FakeRegistry::Spec spec;
    spec.repositories = 24;
    spec.imagesPerRepository = 12;
    spec.seed = 42;
    m_registry = FakeRegistry::generate(spec);
}

void TstFakeEcr::init()
{
    m_server = std::make_unique<FakeEcrServer>();
    m_server->setRegistry(m_registry);
    m_server->addCredentials(kAkid, kSecret);
    m_server->addCredentials(kTempAkid, kTempSecret, kTempToken);
    QVERIFY(m_server->listen());
    QVERIFY(m_server->port() != 0);
}

void TstFakeEcr::cleanup()
{
    m_server.reset();
}

QNetworkReply *TstFakeEcr::start(const QString &operation, const QByteArray &body, const SendOptions &o)
{
    const QByteArray target = o.target.isEmpty() ? kTargetPrefix + operation.toLatin1() : o.target;
    const QByteArray host = "127.0.0.1:" + QByteArray::number(m_server->port());
    QNetworkRequest request(m_server->endpoint().resolved(QUrl(QStringLiteral("/"))));
    request.setTransferTimeout(o.transferTimeoutMs);
    request.setRawHeader("Content-Type", "application/x-amz-json-1.1");
    request.setRawHeader("X-Amz-Target", target);
    if (o.sign) {
        SigV4Signer::Request toSign;
        toSign.method = "POST";
        toSign.path = "/";
        toSign.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                          {"Host", host},
                          {"X-Amz-Target", o.signedTarget.isEmpty() ? target : o.signedTarget}};
        toSign.body = o.signedBody.isNull() ? body : o.signedBody;
        SigV4Signer::Options options;
        options.region = o.region;
        options.service = o.service;
        options.time = o.time.isValid() ? o.time : QDateTime::currentDateTimeUtc();
        const SigV4Signer::Result signature = SigV4Signer::sign(toSign, o.credentials, options);
        for (const auto &[name, value] : signature.headersToAdd)
            request.setRawHeader(name, value);
    }
    if (!o.authorization.isNull())
        request.setRawHeader("Authorization", o.authorization);
    return m_nam.post(request, body);
}

Call TstFakeEcr::wait(QNetworkReply *reply)
{
    Call c;
    QElapsedTimer clock;
    clock.start();
    if (!reply->isFinished()) {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        spy.wait(30000);
    }
    c.finished = reply->isFinished();
    c.elapsedMs = clock.elapsed();
    c.error = reply->error();
    c.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen())
        c.body = reply->readAll();
    c.json = QJsonDocument::fromJson(c.body).object();
    c.requestId = reply->rawHeader("x-amzn-RequestId");
    c.contentType = reply->rawHeader("Content-Type");
    reply->deleteLater();
    return c;
}

QList<Call> TstFakeEcr::walk(const QString &operation, QJsonObject input, int maxResults)
{
    QList<Call> pages;
    if (maxResults > 0)
        input.insert(QStringLiteral("maxResults"), maxResults);
    for (int guard = 0; guard < 10000; ++guard) {
        const Call c = call(operation, jsonBody(input), defaults());
        if (!c.finished || c.status != 200) {
            qWarning() << "page failed" << c.status << c.body.left(300);
            return {};
        }
        pages.append(c);
        const QJsonValue token = c.json.value(QStringLiteral("nextToken"));
        if (token.isUndefined())
            return pages;
        input.insert(QStringLiteral("nextToken"), token);
    }
    return {};
}

// ---------------------------------------------------------------------------- generator

void TstFakeEcr::generatorIsDeterministic()
{
    FakeRegistry::Spec spec;
    spec.repositories = 30;
    spec.imagesPerRepository = 8;
    spec.seed = 7;
    const FakeRegistry a = FakeRegistry::generate(spec);
    const FakeRegistry b = FakeRegistry::generate(spec);
    QCOMPARE(a.repositories, b.repositories);
    QCOMPARE(a.images, b.images);
    spec.seed = 8;
    const FakeRegistry c = FakeRegistry::generate(spec);
    QVERIFY(a.images != c.images);
}

void TstFakeEcr::generatorCoverage_data()
{
    QTest::addColumn<int>("repositories");
    QTest::addColumn<int>("images");
    QTest::addColumn<uint>("seed");
    QTest::addColumn<double>("untagged");
    QTest::newRow("default spec") << 10 << 5 << 1u << 0.1;
    QTest::newRow("seed 99") << 10 << 5 << 99u << 0.1;
    QTest::newRow("60x20") << 60 << 20 << 3u << 0.25;
}

void TstFakeEcr::generatorCoverage()
{
    QFETCH(int, repositories);
    QFETCH(int, images);
    QFETCH(uint, seed);
    QFETCH(double, untagged);
    FakeRegistry::Spec spec;
    spec.repositories = repositories;
    spec.imagesPerRepository = images;
    spec.seed = seed;
    spec.untaggedFraction = untagged;
    spec.registryId = QStringLiteral("210987654321");
    spec.region = QStringLiteral("ap-southeast-2");
    const FakeRegistry r = FakeRegistry::generate(spec);

    QCOMPARE(r.registryId, spec.registryId);
    QCOMPARE(r.region, spec.region);
    QCOMPARE(r.repositories.size(), repositories);
    QCOMPARE(r.images.size(), repositories);

    // ECR's documented patterns.
    const QRegularExpression namePattern(QStringLiteral(
        "^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$"));
    const QRegularExpression tagPattern(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"));
    const QRegularExpression digestPattern(QStringLiteral("^sha256:[0-9a-f]{64}$"));

    QSet<QString> mutabilities, encryptions, statuses, severities;
    bool slash = false, scanOnPushTrue = false, scanOnPushFalse = false, kmsWithKey = true;
    bool multiTag = false, untaggedSeen = false, maxLengthTag = false, mixedCase = false, noScan = false;
    bool zeroFindings = false, failedWithDescription = false, pulled = false, neverPulled = false;
    bool manifestList = false, noArtifactType = false;
    QSet<QString> digests;
    int taggedCount = 0, allCount = 0, tags = 0;
    for (int p = 0; p < r.repositories.size(); ++p) {
        const EcrRepository &repo = r.repositories.at(p);
        if (p > 0)
            QVERIFY2(r.repositories.at(p - 1).repositoryName < repo.repositoryName, "repositories are sorted by name");
        QVERIFY2(namePattern.match(repo.repositoryName).hasMatch(), qPrintable(repo.repositoryName));
        QVERIFY(repo.repositoryName.size() >= 2 && repo.repositoryName.size() <= 256);
        slash = slash || repo.repositoryName.contains(QLatin1Char('/'));
        QCOMPARE(repo.registryId, spec.registryId);
        QCOMPARE(repo.repositoryUri, QStringLiteral("210987654321.dkr.ecr.ap-southeast-2.amazonaws.com/") + repo.repositoryName);
        QCOMPARE(repo.repositoryArn, QStringLiteral("arn:aws:ecr:ap-southeast-2:210987654321:repository/") + repo.repositoryName);
        QVERIFY(repo.createdAt.isValid());
        mutabilities.insert(repo.imageTagMutability);
        if (repo.imageTagMutability.endsWith(QLatin1String("_WITH_EXCLUSION")))
            QVERIFY(!repo.tagMutabilityExclusionFilters.isEmpty());
        else
            QVERIFY(repo.tagMutabilityExclusionFilters.isEmpty());
        (repo.scanOnPush ? scanOnPushTrue : scanOnPushFalse) = true;
        encryptions.insert(repo.encryptionType);
        if (repo.encryptionType.startsWith(QLatin1String("KMS")))
            kmsWithKey = kmsWithKey && repo.kmsKey.startsWith(QLatin1String("arn:aws:kms:ap-southeast-2:210987654321:key/"));
        else
            QVERIFY(repo.kmsKey.isEmpty());

        QVERIFY(r.images.contains(repo.repositoryName));
        QSet<QString> repoTags;
        for (const EcrImage &image : r.images.value(repo.repositoryName)) {
            ++allCount;
            QCOMPARE(image.repositoryName, repo.repositoryName);
            QCOMPARE(image.registryId, spec.registryId);
            QVERIFY2(digestPattern.match(image.imageDigest).hasMatch(), qPrintable(image.imageDigest));
            QVERIFY2(!digests.contains(image.imageDigest), "digests are unique");
            digests.insert(image.imageDigest);
            QVERIFY(image.imagePushedAt >= repo.createdAt);
            QVERIFY(image.imageSizeInBytes > 0);
            if (image.imageTags.isEmpty())
                untaggedSeen = true;
            else
                ++taggedCount;
            multiTag = multiTag || image.imageTags.size() > 1;
            for (const QString &tag : image.imageTags) {
                ++tags;
                QVERIFY2(tagPattern.match(tag).hasMatch(), qPrintable(tag));
                QVERIFY2(!repoTags.contains(tag), "a tag names one image per repository");
                repoTags.insert(tag);
                maxLengthTag = maxLengthTag || tag.size() == 128;
                mixedCase = mixedCase || (tag != tag.toLower() && tag != tag.toUpper());
            }
            if (image.scanStatus.isEmpty()) {
                noScan = true;
                QVERIFY(!image.hasScanSummary);
            }
            statuses.insert(image.scanStatus);
            if (image.scanStatus == QLatin1String("COMPLETE")) {
                QVERIFY(image.hasScanSummary);
                QVERIFY(image.scanCompletedAt.isValid());
                zeroFindings = zeroFindings || image.severityCounts.isEmpty();
            } else {
                QVERIFY(!image.hasScanSummary);
            }
            if (image.scanStatus == QLatin1String("FAILED"))
                failedWithDescription = !image.scanStatusDescription.isEmpty();
            for (auto it = image.severityCounts.cbegin(); it != image.severityCounts.cend(); ++it) {
                severities.insert(it.key());
                QVERIFY(it.value() > 0);
            }
            (image.lastRecordedPullTime.isValid() ? pulled : neverPulled) = true;
            QVERIFY(!image.imageManifestMediaType.isEmpty());
            manifestList = manifestList || image.imageManifestMediaType.contains(QLatin1String("list"))
                || image.imageManifestMediaType.contains(QLatin1String("index"));
            noArtifactType = noArtifactType || image.artifactMediaType.isEmpty();
        }
    }
    QVERIFY(slash);
    QCOMPARE(mutabilities, (QSet<QString>{"MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"}));
    QVERIFY(encryptions.contains(QStringLiteral("AES256")));
    QVERIFY(encryptions.contains(QStringLiteral("KMS")));
    QVERIFY(kmsWithKey);
    QVERIFY(scanOnPushTrue && scanOnPushFalse);
    QVERIFY(multiTag);
    QVERIFY(untaggedSeen);
    QVERIFY(maxLengthTag);
    QVERIFY(mixedCase);
    QVERIFY(noScan);
    QVERIFY(zeroFindings);
    QVERIFY(failedWithDescription);
    QVERIFY(pulled && neverPulled);
    QVERIFY(manifestList && noArtifactType);
    for (const char *s : {"COMPLETE", "FAILED", "IN_PROGRESS", "UNSUPPORTED_IMAGE", "ACTIVE", "PENDING",
                          "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE"})
        QVERIFY2(statuses.contains(QLatin1String(s)), s);
    QCOMPARE(severities, (QSet<QString>{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL", "UNDEFINED"}));

    QCOMPARE(r.imageCount(false), allCount);
    QCOMPARE(r.imageCount(true), taggedCount);
    QCOMPARE(r.tagCount(), tags);
    // The untagged share follows the spec (the cosign signatures are always tagged).
    const double share = double(allCount - taggedCount) / allCount;
    QVERIFY2(qAbs(share - untagged) < 0.08, qPrintable(QString::number(share)));
}

void TstFakeEcr::generatorLargeRegistry()
{
    FakeRegistry::Spec spec;
    spec.repositories = 1000;
    spec.imagesPerRepository = 100;
    QElapsedTimer clock;
    clock.start();
    const FakeRegistry r = FakeRegistry::generate(spec);
    qInfo("generated %d repositories, %d images in %lld ms", int(r.repositories.size()), r.imageCount(false),
          clock.elapsed());
    QCOMPARE(r.repositories.size(), 1000);
    // Uniform in [0, 200] per repository: the mean of 1000 draws is 100 +- a few.
    QVERIFY(r.imageCount(false) > 95000 && r.imageCount(false) < 105000);
    QSet<QString> names;
    for (const EcrRepository &repo : r.repositories)
        names.insert(repo.repositoryName);
    QCOMPARE(names.size(), 1000);
}

// ---------------------------------------------------------------------------- helpers

void TstFakeEcr::timestampText_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("exponent");
    // Forms from the reference (AWS JSON: "1565128275.0" and "1.565128275E9") and Java's
    // Double.toString, worked out by hand.
    QTest::newRow("whole second") << qint64(1565128275000) << QByteArray("1565128275.0") << QByteArray("1.565128275E9");
    QTest::newRow("milliseconds") << qint64(1688712875123) << QByteArray("1688712875.123") << QByteArray("1.688712875123E9");
    QTest::newRow("trailing zero ms") << qint64(1688712875100) << QByteArray("1688712875.1") << QByteArray("1.6887128751E9");
    QTest::newRow("trailing zero seconds") << qint64(1688712870000) << QByteArray("1688712870.0") << QByteArray("1.68871287E9");
    QTest::newRow("leading zero ms") << qint64(1688712875005) << QByteArray("1688712875.005") << QByteArray("1.688712875005E9");
}

void TstFakeEcr::timestampText()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, exponent);
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    QCOMPARE(FakeEcrJson::timestamp(t, FakeEcrJson::TimeStyle::Plain), plain);
    QCOMPARE(FakeEcrJson::timestamp(t, FakeEcrJson::TimeStyle::Exponent), exponent);
    // Both read back as the same instant.
    QCOMPARE(qRound64(plain.toDouble() * 1000), ms);
    QCOMPARE(qRound64(exponent.toDouble() * 1000), ms);
}

void TstFakeEcr::jsonStrings_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << QStringLiteral("team-a/api");
    QTest::newRow("quote and backslash") << QStringLiteral("a\"b\\c");
    QTest::newRow("control characters") << QStringLiteral("line\nbreak\ttab\r\x01\x1f");
    QTest::newRow("non-ASCII") << QStringLiteral("caf\u00e9 \u4e2d\u6587 \U0001F600");
    QTest::newRow("empty") << QString();
}

void TstFakeEcr::jsonStrings()
{
    QFETCH(QString, text);
    // Qt's own JSON parser is the independent judge of the escaping.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + FakeEcrJson::string(text) + "]", &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.array().at(0).toString(), text);
}

void TstFakeEcr::pageTokens()
{
    const PageTokenCodec codec;
    const QString token = codec.encode(1234, "ctx");
    bool isInt = false;
    token.toInt(&isInt);
    QVERIFY2(!isInt, "tokens are not plain integers");
    QVERIFY(codec.decode(token, "ctx") == std::optional<int>(1234));
    QVERIFY(!codec.decode(token, "other"));
    QVERIFY(!PageTokenCodec().decode(token, "ctx")); // another server's key
    QByteArray raw = QByteArray::fromBase64(token.toLatin1());
    raw[3] = char(raw[3] ^ 1); // offset 1234 -> 1235 without a new MAC
    QVERIFY(!codec.decode(QString::fromLatin1(raw.toBase64()), "ctx"));
    QVERIFY(!codec.decode(QStringLiteral("not base64 !!"), "ctx"));
    QVERIFY(!codec.decode(QStringLiteral("100"), "ctx"));
}

// ---------------------------------------------------------------------------- wire format

void TstFakeEcr::describeRegistry()
{
    const Call c = call(QStringLiteral("DescribeRegistry"), "{}", defaults());
    QVERIFY(c.finished);
    QCOMPARE(c.status, 200);
    QCOMPARE(c.json.value(QStringLiteral("registryId")).toString(), m_registry.registryId);
    QVERIFY(c.json.value(QStringLiteral("replicationConfiguration")).toObject().value(QStringLiteral("rules")).isArray());
}

void TstFakeEcr::pagination_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<int>("maxResults");  // 0 = absent
    QTest::addColumn<int>("pageCap");
    QTest::addColumn<int>("expectedPageSize");
    QTest::newRow("repositories default page (100)") << "DescribeRepositories" << 0 << 1000 << 100;
    QTest::newRow("repositories 1") << "DescribeRepositories" << 1 << 1000 << 1;
    QTest::newRow("repositories 7") << "DescribeRepositories" << 7 << 1000 << 7;
    QTest::newRow("repositories 1000") << "DescribeRepositories" << 1000 << 1000 << 1000;
    QTest::newRow("repositories capped at 5") << "DescribeRepositories" << 1000 << 5 << 5;
    QTest::newRow("images default page (100)") << "DescribeImages" << 0 << 1000 << 100;
    QTest::newRow("images 1") << "DescribeImages" << 1 << 1000 << 1;
    QTest::newRow("images 4") << "DescribeImages" << 4 << 1000 << 4;
    QTest::newRow("images 1000 capped at 3") << "DescribeImages" << 1000 << 3 << 3;
    QTest::newRow("images absent capped at 2") << "DescribeImages" << 0 << 2 << 2;
}

void TstFakeEcr::pagination()
{
    QFETCH(QString, operation);
    QFETCH(int, maxResults);
    QFETCH(int, pageCap);
    QFETCH(int, expectedPageSize);
    m_server->setPageCap(pageCap);

    if (operation == QLatin1String("DescribeRepositories")) {
        const QList<Call> pages = walk(operation, {}, maxResults);
        QVERIFY(!pages.isEmpty());
        QVector<EcrRepository> seen;
        for (int p = 0; p < pages.size(); ++p) {
            const QJsonArray items = pages.at(p).json.value(QStringLiteral("repositories")).toArray();
            const bool last = p == pages.size() - 1;
            QCOMPARE(pages.at(p).json.contains(QStringLiteral("nextToken")), !last);
            if (!last)
                QCOMPARE(items.size(), expectedPageSize);
            else
                QVERIFY(items.size() <= expectedPageSize && items.size() > 0);
            for (const QJsonValue &v : items)
                seen.append(repositoryFromJson(v.toObject()));
        }
        QCOMPARE(seen, m_registry.repositories);
        return;
    }

    // Images of a few repositories, including one with more than a default page of images.
    FakeRegistry::Spec spec;
    spec.repositories = 6;
    spec.imagesPerRepository = 100;
    spec.seed = 5;
    const FakeRegistry registry = FakeRegistry::generate(spec);
    m_server->setRegistry(registry);
    QStringList names;
    QString biggest;
    for (const EcrRepository &repo : registry.repositories) {
        if (biggest.isEmpty() || registry.images.value(repo.repositoryName).size() > registry.images.value(biggest).size())
            biggest = repo.repositoryName;
    }
    names << biggest << registry.repositories.first().repositoryName << registry.repositories.last().repositoryName;
    QVERIFY(registry.images.value(biggest).size() > expectedPageSize);
    for (const QString &name : names) {
        const QList<Call> pages = walk(operation, {{QStringLiteral("repositoryName"), name}}, maxResults);
        QVERIFY2(!pages.isEmpty(), qPrintable(name));
        QVector<EcrImage> seen;
        for (int p = 0; p < pages.size(); ++p) {
            const QJsonArray items = pages.at(p).json.value(QStringLiteral("imageDetails")).toArray();
            const bool last = p == pages.size() - 1;
            QCOMPARE(pages.at(p).json.contains(QStringLiteral("nextToken")), !last);
            if (!last)
                QCOMPARE(items.size(), expectedPageSize);
            for (const QJsonValue &v : items)
                seen.append(imageFromJson(v.toObject()));
        }
        QCOMPARE(seen, registry.images.value(name));
    }
}

void TstFakeEcr::timestampsMixBothForms()
{
    const Call repos = call(QStringLiteral("DescribeRepositories"), "{\"maxResults\":1000}", defaults());
    QCOMPARE(repos.status, 200);
    const QRegularExpression exponent(QStringLiteral("\"createdAt\":\\d\\.\\d+E9[,}]"));
    const QRegularExpression plain(QStringLiteral("\"createdAt\":\\d{10}\\.\\d{1,3}[,}]"));
    QVERIFY(exponent.match(QString::fromUtf8(repos.body)).hasMatch());
    QVERIFY(plain.match(QString::fromUtf8(repos.body)).hasMatch());

    QString biggest;
    for (const EcrRepository &repo : m_registry.repositories) {
        if (biggest.isEmpty() || m_registry.images.value(repo.repositoryName).size() > m_registry.images.value(biggest).size())
            biggest = repo.repositoryName;
    }
    const Call images = call(QStringLiteral("DescribeImages"),
                             jsonBody({{QStringLiteral("repositoryName"), biggest}, {QStringLiteral("maxResults"), 1000}}),
                             defaults());
    QCOMPARE(images.status, 200);
    const QString text = QString::fromUtf8(images.body);
    QVERIFY(QRegularExpression(QStringLiteral("\"imagePushedAt\":\\d\\.\\d+E9[,}]")).match(text).hasMatch());
    QVERIFY(QRegularExpression(QStringLiteral("\"imagePushedAt\":\\d{10}\\.\\d{1,3}[,}]")).match(text).hasMatch());
}

void TstFakeEcr::tagStatusFilter_data()
{
    QTest::addColumn<QJsonValue>("filter");   // undefined = no filter member
    QTest::addColumn<QString>("expected");    // ANY, TAGGED, UNTAGGED
    QTest::newRow("no filter") << QJsonValue(QJsonValue::Undefined) << "ANY";
    QTest::newRow("empty filter") << QJsonValue(QJsonObject{}) << "ANY";
    QTest::newRow("ANY") << QJsonValue(QJsonObject{{"tagStatus", "ANY"}}) << "ANY";
    QTest::newRow("TAGGED") << QJsonValue(QJsonObject{{"tagStatus", "TAGGED"}}) << "TAGGED";
    QTest::newRow("UNTAGGED") << QJsonValue(QJsonObject{{"tagStatus", "UNTAGGED"}}) << "UNTAGGED";
}

void TstFakeEcr::tagStatusFilter()
{
    QFETCH(QJsonValue, filter);
    QFETCH(QString, expected);
    int total = 0;
    for (const EcrRepository &repo : m_registry.repositories) {
        QJsonObject input{{QStringLiteral("repositoryName"), repo.repositoryName}};
        if (!filter.isUndefined())
            input.insert(QStringLiteral("filter"), filter);
        const QList<Call> pages = walk(QStringLiteral("DescribeImages"), input, 3);
        QVERIFY(!pages.isEmpty());
        QVector<EcrImage> seen;
        for (const Call &c : pages) {
            for (const QJsonValue &v : c.json.value(QStringLiteral("imageDetails")).toArray())
                seen.append(imageFromJson(v.toObject()));
        }
        QVector<EcrImage> want;
        for (const EcrImage &image : m_registry.images.value(repo.repositoryName)) {
            if (expected == QLatin1String("ANY") || (expected == QLatin1String("TAGGED")) == !image.imageTags.isEmpty())
                want.append(image);
        }
        QCOMPARE(seen, want);
        total += seen.size();
    }
    const int all = m_registry.imageCount(false);
    const int tagged = m_registry.imageCount(true);
    QCOMPARE(total, expected == QLatin1String("ANY") ? all : expected == QLatin1String("TAGGED") ? tagged : all - tagged);
}

void TstFakeEcr::invalidParameters_data()
{
    const QString repo = m_registry.repositories.first().repositoryName;
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    auto images = [&](QJsonObject extra) {
        extra.insert(QStringLiteral("repositoryName"), repo);
        return jsonBody(extra);
    };
    QTest::newRow("maxResults 0") << "DescribeRepositories" << QByteArray("{\"maxResults\":0}") << "InvalidParameterException";
    QTest::newRow("maxResults 1001") << "DescribeRepositories" << QByteArray("{\"maxResults\":1001}") << "InvalidParameterException";
    QTest::newRow("maxResults -5") << "DescribeImages" << images({{"maxResults", -5}}) << "InvalidParameterException";
    QTest::newRow("maxResults 2.5") << "DescribeImages" << images({{"maxResults", 2.5}}) << "InvalidParameterException";
    QTest::newRow("maxResults string") << "DescribeImages" << images({{"maxResults", "10"}}) << "InvalidParameterException";
    QTest::newRow("forged token") << "DescribeRepositories"
                                  << jsonBody({{"nextToken", QString::fromLatin1(QByteArray(28, 'A').toBase64())}})
                                  << "InvalidParameterException";
    QTest::newRow("integer token") << "DescribeImages" << images({{"nextToken", "100"}}) << "InvalidParameterException";
    QTest::newRow("numeric token") << "DescribeImages" << images({{"nextToken", 100}}) << "InvalidParameterException";
    QTest::newRow("bad tagStatus") << "DescribeImages" << images({{"filter", QJsonObject{{"tagStatus", "tagged"}}}})
                                   << "InvalidParameterException";
    QTest::newRow("no repositoryName") << "DescribeImages" << QByteArray("{}") << "InvalidParameterException";
    QTest::newRow("unknown repository") << "DescribeImages" << QByteArray("{\"repositoryName\":\"no/such-repo\"}")
                                        << "RepositoryNotFoundException";
    QTest::newRow("unknown repository by name") << "DescribeRepositories"
                                                << QByteArray("{\"repositoryNames\":[\"no/such-repo\"]}")
                                                << "RepositoryNotFoundException";
    QTest::newRow("names with maxResults") << "DescribeRepositories"
                                           << jsonBody({{"repositoryNames", QJsonArray{repo}}, {"maxResults", 5}})
                                           << "InvalidParameterException";
    QTest::newRow("unknown image") << "DescribeImages"
                                   << images({{"imageIds", QJsonArray{QJsonObject{{"imageTag", "no-such-tag"}}}}})
                                   << "ImageNotFoundException";
    QTest::newRow("body not JSON") << "DescribeRepositories" << QByteArray("{maxResults:") << "SerializationException";
    QTest::newRow("other registry") << "DescribeImages" << images({{"registryId", "999999999999"}}) << "AccessDeniedException";
}

void TstFakeEcr::invalidParameters()
{
    QFETCH(QString, operation);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    const Call c = call(operation, body, defaults());
    QVERIFY(c.finished);
    QCOMPARE(c.status, 400);
    QCOMPARE(c.type(), code);
    QVERIFY(!c.message().isEmpty());
    QCOMPARE(m_server->requests().constLast().errorCode, code);
}

void TstFakeEcr::foreignTokensRejected()
{
    QString repoA, repoB;
    for (const EcrRepository &repo : m_registry.repositories) {
        if (m_registry.images.value(repo.repositoryName).size() > 2) {
            (repoA.isEmpty() ? repoA : repoB) = repo.repositoryName;
            if (!repoB.isEmpty())
                break;
        }
    }
    QVERIFY(!repoB.isEmpty());
    const Call first = call(QStringLiteral("DescribeImages"),
                            jsonBody({{"repositoryName", repoA}, {"maxResults", 1}}), defaults());
    QCOMPARE(first.status, 200);
    const QString token = first.json.value(QStringLiteral("nextToken")).toString();
    QVERIFY(!token.isEmpty());

    // The same token continues the same query ...
    Call ok = call(QStringLiteral("DescribeImages"),
                   jsonBody({{"repositoryName", repoA}, {"maxResults", 1}, {"nextToken", token}}), defaults());
    QCOMPARE(ok.status, 200);
    QCOMPARE(imageFromJson(ok.json.value(QStringLiteral("imageDetails")).toArray().at(0).toObject()),
             m_registry.images.value(repoA).at(1));
    // ... but not another repository, another filter or another operation.
    const Call otherRepo = call(QStringLiteral("DescribeImages"),
                                jsonBody({{"repositoryName", repoB}, {"nextToken", token}}), defaults());
    QCOMPARE(otherRepo.status, 400);
    QCOMPARE(otherRepo.type(), QStringLiteral("InvalidParameterException"));
    const Call otherFilter = call(QStringLiteral("DescribeImages"),
                                  jsonBody({{"repositoryName", repoA}, {"nextToken", token},
                                            {"filter", QJsonObject{{"tagStatus", "TAGGED"}}}}), defaults());
    QCOMPARE(otherFilter.type(), QStringLiteral("InvalidParameterException"));
    const Call otherOp = call(QStringLiteral("DescribeRepositories"), jsonBody({{"nextToken", token}}), defaults());
    QCOMPARE(otherOp.type(), QStringLiteral("InvalidParameterException"));
    // A token from another server instance (another key) is unknown here.
    FakeEcrServer other;
    other.setRegistry(m_registry);
    other.setVerifySignatures(false);
    QVERIFY(other.listen());
    const Call fromHere = call(QStringLiteral("DescribeRepositories"), "{\"maxResults\":1}", defaults());
    const QString repoToken = fromHere.json.value(QStringLiteral("nextToken")).toString();
    QNetworkRequest request(other.endpoint());
    request.setRawHeader("Content-Type", "application/x-amz-json-1.1");
    request.setRawHeader("X-Amz-Target", kTargetPrefix + "DescribeRepositories");
    const Call elsewhere = wait(m_nam.post(request, jsonBody({{"nextToken", repoToken}})));
    QCOMPARE(elsewhere.status, 400);
    QCOMPARE(elsewhere.type(), QStringLiteral("InvalidParameterException"));
}

void TstFakeEcr::repositoryNamesAndImageIds()
{
    const EcrRepository &a = m_registry.repositories.at(3);
    const EcrRepository &b = m_registry.repositories.at(1);
    const Call named = call(QStringLiteral("DescribeRepositories"),
                            jsonBody({{"repositoryNames", QJsonArray{a.repositoryName, b.repositoryName}}}), defaults());
    QCOMPARE(named.status, 200);
    const QJsonArray repos = named.json.value(QStringLiteral("repositories")).toArray();
    QCOMPARE(repos.size(), 2);
    QCOMPARE(repositoryFromJson(repos.at(0).toObject()), a);
    QCOMPARE(repositoryFromJson(repos.at(1).toObject()), b);
    QVERIFY(!named.json.contains(QStringLiteral("nextToken")));

    // One image by tag and one by digest.
    EcrImage byTag, byDigest;
    QString repoName;
    for (const EcrRepository &repo : m_registry.repositories) {
        const QVector<EcrImage> images = m_registry.images.value(repo.repositoryName);
        if (images.size() >= 3 && !images.at(0).imageTags.isEmpty()) {
            repoName = repo.repositoryName;
            byTag = images.at(0);
            byDigest = images.at(2);
            break;
        }
    }
    QVERIFY(!repoName.isEmpty());
    const Call ids = call(QStringLiteral("DescribeImages"),
                          jsonBody({{"repositoryName", repoName},
                                    {"imageIds", QJsonArray{QJsonObject{{"imageTag", byTag.imageTags.constLast()}},
                                                            QJsonObject{{"imageDigest", byDigest.imageDigest}}}}}),
                          defaults());
    QCOMPARE(ids.status, 200);
    const QJsonArray details = ids.json.value(QStringLiteral("imageDetails")).toArray();
    QCOMPARE(details.size(), 2);
    QCOMPARE(imageFromJson(details.at(0).toObject()), byTag);
    QCOMPARE(imageFromJson(details.at(1).toObject()), byDigest);
}

void TstFakeEcr::unknownOperation()
{
    const Call c = call(QStringLiteral("ListImages"), "{}", defaults());
    QCOMPARE(c.status, 400);
    QCOMPARE(c.type(), QStringLiteral("UnknownOperationException"));
    SendOptions o = defaults();
    o.target = "SomethingElse.DescribeImages";
    const Call wrongPrefix = call(QString(), "{}", o);
    QCOMPARE(wrongPrefix.type(), QStringLiteral("UnknownOperationException"));
    QCOMPARE(m_server->requests().constLast().operation, QString());
    QCOMPARE(m_server->requestCount(QStringLiteral("DescribeImages")), 0);
}

void TstFakeEcr::replyHeaders()
{
    const Call ok = call(QStringLiteral("DescribeRegistry"), "{}", defaults());
    SendOptions bad = defaults();
    bad.credentials.secretAccessKey = QStringLiteral("wrong");
    const Call error = call(QStringLiteral("DescribeRegistry"), "{}", bad);
    QCOMPARE(ok.status, 200);
    QCOMPARE(error.status, 403);
    for (const Call &c : {ok, error}) {
        QCOMPARE(c.contentType, QByteArray("application/x-amz-json-1.1"));
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f-]{36}$")).match(QString::fromLatin1(c.requestId)).hasMatch());
    }
    QVERIFY(ok.requestId != error.requestId);
}

// ---------------------------------------------------------------------------- SigV4

void TstFakeEcr::verification_data()
{
    QTest::addColumn<SendOptions>("options");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messageStart");

    const QByteArray body = "{\"maxResults\":5}";
    const QDateTime now = QDateTime::currentDateTimeUtc();
    SendOptions good;
    good.credentials = credentials(kAkid, kSecret);

    QTest::newRow("valid") << good << body << 200 << QString() << QString();
    SendOptions temp = good;
    temp.credentials = credentials(kTempAkid, kTempSecret, kTempToken);
    QTest::newRow("valid with session token") << temp << body << 200 << QString() << QString();
    SendOptions skewOk = good;
    skewOk.time = now.addSecs(-600);
    QTest::newRow("10 minutes old") << skewOk << body << 200 << QString() << QString();

    SendOptions o = good;
    o.credentials.secretAccessKey = QStringLiteral("not-the-secret");
    QTest::newRow("wrong secret") << o << body << 403 << "InvalidSignatureException"
                                  << "The request signature we calculated does not match";
    o = good;
    o.signedBody = "{\"maxResults\":6}";
    QTest::newRow("tampered body") << o << body << 403 << "InvalidSignatureException"
                                   << "The request signature we calculated does not match";
    o = good;
    o.signedTarget = kTargetPrefix + "DescribeRegistry";
    QTest::newRow("tampered header") << o << body << 403 << "InvalidSignatureException"
                                     << "The request signature we calculated does not match";
    o = good;
    o.time = now.addSecs(-20 * 60);
    QTest::newRow("stale date") << o << body << 403 << "InvalidSignatureException" << "Signature expired: ";
    o = good;
    o.time = now.addSecs(20 * 60);
    QTest::newRow("future date") << o << body << 403 << "InvalidSignatureException" << "Signature not yet current: ";
    o = good;
    o.credentials.accessKeyId = QStringLiteral("AKIDUNKNOWN");
    QTest::newRow("unknown key") << o << body << 403 << "UnrecognizedClientException"
                                 << "The security token included in the request is invalid";
    o = temp;
    o.credentials.sessionToken = QStringLiteral("some-other-token");
    QTest::newRow("wrong token") << o << body << 403 << "UnrecognizedClientException"
                                 << "The security token included in the request is invalid";
    o = temp;
    o.credentials.sessionToken.clear();
    QTest::newRow("missing token") << o << body << 403 << "UnrecognizedClientException"
                                   << "The security token included in the request is invalid";
    o = good;
    o.credentials.sessionToken = QStringLiteral("unexpected-token");
    QTest::newRow("token for long-term key") << o << body << 403 << "UnrecognizedClientException"
                                             << "The security token included in the request is invalid";
    o = good;
    o.region = QStringLiteral("us-east-1");
    QTest::newRow("wrong region") << o << body << 403 << "InvalidSignatureException" << "Credential should be scoped to a valid region";
    o = good;
    o.service = QStringLiteral("ec2");
    QTest::newRow("wrong service") << o << body << 403 << "InvalidSignatureException" << "Credential should be scoped to correct service";
    o = good;
    o.sign = false;
    QTest::newRow("unsigned") << o << body << 403 << "MissingAuthenticationTokenException" << "Missing Authentication Token";
    o = good;
    o.authorization = "AWS4-HMAC-SHA256 Credential=AKIDFAKEECRTEST/20240101/eu-west-1/ecr/aws4_request";
    QTest::newRow("no signature part") << o << body << 403 << "IncompleteSignatureException"
                                       << "Authorization header requires 'SignedHeaders' parameter.";
    o = good;
    o.authorization = "Basic dXNlcjpwYXNz";
    QTest::newRow("other scheme") << o << body << 403 << "IncompleteSignatureException" << "Unsupported AWS 'algorithm'";
    o = good;
    o.authorization = "AWS4-HMAC-SHA256 Credential=AKIDFAKEECRTEST, SignedHeaders=host;x-amz-date, Signature=00";
    QTest::newRow("short credential") << o << body << 403 << "IncompleteSignatureException" << "Credential must have exactly 5";
}

void TstFakeEcr::verification()
{
    QFETCH(SendOptions, options);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, messageStart);
    const Call c = call(QStringLiteral("DescribeRepositories"), body, options);
    QVERIFY(c.finished);
    QCOMPARE(c.status, status);
    QCOMPARE(c.type(), code);
    QVERIFY2(c.message().startsWith(messageStart), qPrintable(c.message()));
    if (status == 200)
        QCOMPARE(c.json.value(QStringLiteral("repositories")).toArray().size(), 5);

    const FakeEcrServer::RecordedRequest r = m_server->requests().constLast();
    QCOMPARE(r.operation, QStringLiteral("DescribeRepositories"));
    QCOMPARE(r.status, status);
    QCOMPARE(r.errorCode, code);
    QCOMPARE(r.body, body);
    if (options.sign && options.authorization.isNull()) {
        QCOMPARE(QString::fromLatin1(r.accessKeyId), options.credentials.accessKeyId);
        QCOMPARE(r.amzDate.size(), 16);
        QCOMPARE(r.signature.size(), 64);
    }
}

void TstFakeEcr::verificationDisabled()
{
    m_server->setVerifySignatures(false);
    SendOptions o = defaults();
    o.sign = false;
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", o).status, 200);
    o = defaults();
    o.credentials.secretAccessKey = QStringLiteral("wrong");
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", o).status, 200);
    // The recorded request still shows what was sent.
    QCOMPARE(m_server->requests().constLast().accessKeyId, kAkid.toLatin1());

    // The skew limit and region are configurable.
    m_server->setVerifySignatures(true);
    m_server->setClockSkewLimit(60);
    o = defaults();
    o.time = QDateTime::currentDateTimeUtc().addSecs(-120);
    const Call stale = call(QStringLiteral("DescribeRegistry"), "{}", o);
    QCOMPARE(stale.type(), QStringLiteral("InvalidSignatureException"));
    QVERIFY2(stale.message().contains(QLatin1String("(")) && stale.message().endsWith(QLatin1String("- 1 min.)")),
             qPrintable(stale.message()));
    m_server->setRegion(QStringLiteral("us-west-2"));
    o = defaults();
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", o).type(), QStringLiteral("InvalidSignatureException"));
    o.region = QStringLiteral("us-west-2");
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", o).status, 200);
}

// ---------------------------------------------------------------------------- faults

Q_DECLARE_METATYPE(FakeEcrServer::Fault)

void TstFakeEcr::faults_data()
{
    QTest::addColumn<FakeEcrServer::Fault>("fault");
    QTest::addColumn<int>("status");          // 0 = no HTTP reply
    QTest::addColumn<QString>("code");        // __type, or "" when the body is not an error document
    QTest::addColumn<bool>("jsonParses");
    using F = FakeEcrServer::Fault;
    QTest::newRow("Throttle") << F::Throttle << 400 << "ThrottlingException" << true;
    QTest::newRow("TooManyRequests") << F::TooManyRequests << 429 << "ThrottlingException" << true;
    QTest::newRow("InternalError") << F::InternalError << 500 << "ServerException" << true;
    QTest::newRow("ServiceUnavailable") << F::ServiceUnavailable << 503 << "ServiceUnavailable" << true;
    QTest::newRow("AccessDenied") << F::AccessDenied << 400 << "AccessDeniedException" << true;
    QTest::newRow("ExpiredToken") << F::ExpiredToken << 400 << "ExpiredTokenException" << true;
    QTest::newRow("MalformedJson") << F::MalformedJson << 200 << "" << false;
    QTest::newRow("TruncatedJson") << F::TruncatedJson << 200 << "" << false;
    QTest::newRow("DropConnection") << F::DropConnection << 0 << "" << false;
    QTest::newRow("Slow") << F::Slow << 200 << "" << true;
}

void TstFakeEcr::faults()
{
    QFETCH(FakeEcrServer::Fault, fault);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(bool, jsonParses);
    m_server->setSlowDelay(250);
    // QNetworkAccessManager resends a request once when a kept-alive connection drops before
    // any reply; drop every attempt so that the client really sees the failure.
    const bool drop = fault == FakeEcrServer::Fault::DropConnection;
    m_server->injectFault(QString(), fault, drop ? -1 : 1);

    const QByteArray body = "{\"maxResults\":10}";
    const Call c = call(QStringLiteral("DescribeRepositories"), body, defaults());
    QVERIFY(c.finished);
    QCOMPARE(c.status, status);
    QCOMPARE(c.type(), code);
    QJsonParseError parseError;
    QJsonDocument::fromJson(c.body, &parseError);
    QCOMPARE(parseError.error == QJsonParseError::NoError, jsonParses);
    if (drop) {
        QVERIFY(c.error != QNetworkReply::NoError);
        m_server->clearFaults();
    }
    if (fault == FakeEcrServer::Fault::Slow) {
        QVERIFY2(c.elapsedMs >= 240, qPrintable(QString::number(c.elapsedMs)));
        QCOMPARE(c.json.value(QStringLiteral("repositories")).toArray().size(), 10);
    }
    if (fault == FakeEcrServer::Fault::TruncatedJson) {
        const Call whole = call(QStringLiteral("DescribeRepositories"), body, defaults());
        QCOMPARE(c.body.size(), whole.body.size() / 2);
        QVERIFY(whole.body.startsWith(c.body));
    }
    QCOMPARE(m_server->requests().constFirst().status, status);
    QCOMPARE(m_server->requests().constFirst().errorCode, code);

    // Count 1: the next request is served normally.
    const Call next = call(QStringLiteral("DescribeRepositories"), body, defaults());
    QCOMPARE(next.status, 200);
    QCOMPARE(next.json.value(QStringLiteral("repositories")).toArray().size(), 10);
}

void TstFakeEcr::faultScopes()
{
    const QString victim = m_registry.repositories.at(2).repositoryName;
    const QString other = m_registry.repositories.at(3).repositoryName;
    auto images = [&](const QString &name) {
        return call(QStringLiteral("DescribeImages"), jsonBody({{"repositoryName", name}}), defaults());
    };

    // Operation-scoped, count 2.
    m_server->injectFault(QStringLiteral("DescribeImages"), FakeEcrServer::Fault::InternalError, 2);
    QCOMPARE(call(QStringLiteral("DescribeRepositories"), "{}", defaults()).status, 200);
    QCOMPARE(images(other).status, 500);
    QCOMPARE(images(other).status, 500);
    QCOMPARE(images(other).status, 200);

    // Repository-scoped, until cleared.
    m_server->injectRepositoryFault(victim, FakeEcrServer::Fault::AccessDenied);
    for (int i = 0; i < 3; ++i) {
        const Call c = images(victim);
        QCOMPARE(c.status, 400);
        QCOMPARE(c.type(), QStringLiteral("AccessDeniedException"));
    }
    QCOMPARE(images(other).status, 200);
    QCOMPARE(call(QStringLiteral("DescribeRepositories"), "{}", defaults()).status, 200);
    m_server->clearFaults();
    QCOMPARE(images(victim).status, 200);

    // Repository-scoped with a count.
    m_server->injectRepositoryFault(victim, FakeEcrServer::Fault::Throttle, 1);
    QCOMPARE(images(victim).type(), QStringLiteral("ThrottlingException"));
    QCOMPARE(images(victim).status, 200);

    // Faults apply after authentication: a bad signature is still reported as such.
    m_server->injectFault(QString(), FakeEcrServer::Fault::Throttle, 1);
    SendOptions bad = defaults();
    bad.credentials.secretAccessKey = QStringLiteral("wrong");
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", bad).type(), QStringLiteral("InvalidSignatureException"));
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", defaults()).type(), QStringLiteral("ThrottlingException"));
}

void TstFakeEcr::slowReplyAndClientTimeout()
{
    m_server->setSlowDelay(1500);
    m_server->injectFault(QStringLiteral("DescribeRegistry"), FakeEcrServer::Fault::Slow, 1);
    QSignalSpy handled(m_server.get(), &FakeEcrServer::requestHandled);
    SendOptions o = defaults();
    o.transferTimeoutMs = 200;
    const Call c = call(QStringLiteral("DescribeRegistry"), "{}", o);
    QVERIFY(c.finished);
    QCOMPARE(c.error, QNetworkReply::OperationCanceledError);
    QVERIFY(c.elapsedMs < 1400);
    // The server is not blocked meanwhile, and finishes the abandoned request later.
    QCOMPARE(call(QStringLiteral("DescribeRepositories"), "{}", defaults()).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(handled.count(), 2, 5000);
    QCOMPARE(handled.at(1).at(0).toString(), QStringLiteral("DescribeRegistry"));
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", defaults()).status, 200);
}

void TstFakeEcr::dropConnection()
{
    m_server->setLatency(50);
    m_server->injectRepositoryFault(m_registry.repositories.at(0).repositoryName, FakeEcrServer::Fault::DropConnection);
    const Call c = call(QStringLiteral("DescribeImages"),
                        jsonBody({{"repositoryName", m_registry.repositories.at(0).repositoryName}}), defaults());
    QVERIFY(c.finished);
    QCOMPARE(c.status, 0);
    QVERIFY(c.error == QNetworkReply::RemoteHostClosedError || c.error == QNetworkReply::ConnectionRefusedError
            || c.error == QNetworkReply::UnknownNetworkError);
    for (const FakeEcrServer::RecordedRequest &r : m_server->requests())
        QCOMPARE(r.status, 0);
    m_server->clearFaults();
    QCOMPARE(call(QStringLiteral("DescribeImages"),
                  jsonBody({{"repositoryName", m_registry.repositories.at(0).repositoryName}}), defaults()).status, 200);
}

void TstFakeEcr::destroyedWhileRepliesPending()
{
    m_server->setLatency(400);
    QNetworkReply *reply = start(QStringLiteral("DescribeRegistry"), "{}", defaults());
    QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 1, 5000);
    m_server.reset();   // the delayed answer must neither crash nor reach the client
    const Call c = wait(reply);
    QVERIFY(c.finished);
    QVERIFY(c.error != QNetworkReply::NoError);
    // Let the orphaned latency timer expire; nothing observable may happen.
    QTest::qWait(600);
    init();
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", defaults()).status, 200);
}

// ---------------------------------------------------------------------------- latency, counters

void TstFakeEcr::latencyAndPeakConcurrency()
{
    m_server->setLatency(300);
    QElapsedTimer clock;
    clock.start();
    // QNetworkAccessManager opens up to 6 connections per host.
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 5; ++i)
        replies << start(QStringLiteral("DescribeRepositories"), "{\"maxResults\":2}", defaults());
    QList<Call> calls;
    for (QNetworkReply *reply : replies)
        calls << wait(reply);
    const qint64 elapsed = clock.elapsed();
    for (const Call &c : calls)
        QCOMPARE(c.status, 200);
    QVERIFY2(elapsed >= 300, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed < 5 * 300, qPrintable(QString::number(elapsed)));   // answered concurrently
    QCOMPARE(m_server->peakConcurrentRequests(), 5);

    m_server->resetCounters();
    QCOMPARE(m_server->peakConcurrentRequests(), 0);
    m_server->setLatency(0);
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", defaults()).status, 200);
    QCOMPARE(m_server->peakConcurrentRequests(), 1);
}

void TstFakeEcr::counters()
{
    QSignalSpy handled(m_server.get(), &FakeEcrServer::requestHandled);
    QCOMPARE(m_server->requestCount(), 0);
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", defaults()).status, 200);
    QCOMPARE(call(QStringLiteral("DescribeRepositories"), "{}", defaults()).status, 200);
    QCOMPARE(call(QStringLiteral("DescribeRepositories"), "{\"maxResults\":0}", defaults()).status, 400);
    QCOMPARE(call(QStringLiteral("Nope"), "{}", defaults()).status, 400);
    QCOMPARE(m_server->requestCount(), 4);
    QCOMPARE(m_server->requestCount(QStringLiteral("DescribeRepositories")), 2);
    QCOMPARE(m_server->requestCount(QStringLiteral("DescribeRegistry")), 1);
    QCOMPARE(m_server->requestCount(QStringLiteral("DescribeImages")), 0);

    const QVector<FakeEcrServer::RecordedRequest> r = m_server->requests();
    QCOMPARE(r.size(), 4);
    QCOMPARE(r.at(0).operation, QStringLiteral("DescribeRegistry"));
    QCOMPARE(r.at(1).operation, QStringLiteral("DescribeRepositories"));
    QCOMPARE(r.at(2).status, 400);
    QCOMPARE(r.at(2).errorCode, QStringLiteral("InvalidParameterException"));
    QCOMPARE(r.at(2).body, QByteArray("{\"maxResults\":0}"));
    QCOMPARE(r.at(3).operation, QString());
    QCOMPARE(r.at(3).errorCode, QStringLiteral("UnknownOperationException"));

    QCOMPARE(handled.count(), 4);
    QCOMPARE(handled.at(0).at(0).toString(), QStringLiteral("DescribeRegistry"));
    QCOMPARE(handled.at(0).at(1).toInt(), 200);
    QCOMPARE(handled.at(2).at(1).toInt(), 400);

    m_server->resetCounters();
    QCOMPARE(m_server->requestCount(), 0);
    QVERIFY(m_server->requests().isEmpty());
    QCOMPARE(call(QStringLiteral("DescribeRegistry"), "{}", defaults()).status, 200);
    QCOMPARE(m_server->requestCount(), 1);
}

void TstFakeEcr::bigPagesAreFast()
{
    FakeRegistry::Spec spec;
    spec.repositories = 20;
    spec.imagesPerRepository = 1000;
    const FakeRegistry big = FakeRegistry::generate(spec);
    m_server->setRegistry(big);
    QString biggest;
    for (const EcrRepository &repo : big.repositories) {
        if (biggest.isEmpty() || big.images.value(repo.repositoryName).size() > big.images.value(biggest).size())
            biggest = repo.repositoryName;
    }
    QVERIFY(big.images.value(biggest).size() > 1000);
    QElapsedTimer clock;
    clock.start();
    const QList<Call> pages = walk(QStringLiteral("DescribeImages"), {{"repositoryName", biggest}}, 1000);
    const qint64 elapsed = clock.elapsed();
    QVERIFY(pages.size() >= 2);
    QCOMPARE(pages.at(0).json.value(QStringLiteral("imageDetails")).toArray().size(), 1000);
    int total = 0;
    for (const Call &c : pages)
        total += c.json.value(QStringLiteral("imageDetails")).toArray().size();
    QCOMPARE(total, big.images.value(biggest).size());
    qInfo("%d images in %d pages of up to 1000 in %lld ms", total, int(pages.size()), elapsed);
    // Generous: a debug build on a busy 2-core machine still answers a page in well under a second.
    QVERIFY2(elapsed < 3000 * pages.size(), qPrintable(QString::number(elapsed)));
}

// The benchmark's scenario: 1,000 repositories x ~100 images, 20 ms latency, signatures
// verified, 6 requests in flight. Every image must arrive once, concurrently.
void TstFakeEcr::benchmarkScale()
{
    FakeRegistry::Spec spec;
    spec.repositories = 1000;
    spec.imagesPerRepository = 100;
    const FakeRegistry big = FakeRegistry::generate(spec);
    m_server->setRegistry(big);
    m_server->setLatency(20);

    QElapsedTimer clock;
    clock.start();
    const QList<Call> repoPages = walk(QStringLiteral("DescribeRepositories"), {}, 1000);
    QCOMPARE(repoPages.size(), 1);
    const QJsonArray repos = repoPages.at(0).json.value(QStringLiteral("repositories")).toArray();
    QCOMPARE(repos.size(), 1000);

    int next = 0, running = 0, images = 0, failures = 0;
    std::function<void()> launch = [&] {
        while (running < 6 && next < repos.size()) {
            const QString name = repos.at(next++).toObject().value(QStringLiteral("repositoryName")).toString();
            QNetworkReply *reply = start(QStringLiteral("DescribeImages"),
                                         jsonBody({{"repositoryName", name}, {"maxResults", 1000}}), defaults());
            ++running;
            connect(reply, &QNetworkReply::finished, this, [&, reply] {
                reply->deleteLater();
                --running;
                const QJsonObject page = QJsonDocument::fromJson(reply->readAll()).object();
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200
                    || page.contains(QStringLiteral("nextToken")))
                    ++failures;
                images += page.value(QStringLiteral("imageDetails")).toArray().size();
                launch();
            });
        }
    };
    launch();
    QTRY_VERIFY_WITH_TIMEOUT(running == 0 && next == repos.size(), 120000);
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(failures, 0);
    QCOMPARE(images, big.imageCount(false));
    QCOMPARE(m_server->requestCount(QStringLiteral("DescribeImages")), 1000);
    QCOMPARE(m_server->peakConcurrentRequests(), 6);
    qInfo("%d images from 1000 repositories, 6 in flight, 20 ms latency: %lld ms", images, elapsed);
    // 1000 requests / 6 in flight x 20 ms = 3.3 s of pure latency; the rest is work.
    QVERIFY2(elapsed < 60000, qPrintable(QString::number(elapsed)));
}

QTEST_GUILESS_MAIN(TstFakeEcr)
#include "tst_fakeecr.moc"
