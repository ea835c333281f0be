// EcrClient against FakeEcrServer: exact request counts for pagination (pageCap and page
// size), results equal to the fake's ground truth field by field, identical inputs on every
// page, typed errors (never partial data) when a page fails.

#include "aws/awshttpclient.h"
#include "aws/staticcredentialprovider.h"
#include "ecr/ecrclient.h"
#include "fakeecrserver.h"
#include "fakeregistry.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

#include <memory>

Q_DECLARE_METATYPE(EcrClient::TagStatus)
Q_DECLARE_METATYPE(FakeEcrServer::Fault)

namespace {

const QString kKeyId = QStringLiteral("AKIDFAKEECRTEST00001");
const QString kSecret = QStringLiteral("fakeSecretKeyForTests/0123456789abcdefghij");

int ceilDiv(int n, int d) { return n == 0 ? 1 : (n + d - 1) / d; } // an empty result is still one request

template<typename T>
struct Result
{
    bool done = false;
    int calls = 0;
    T value;
    AwsError error;
};

QString ts(const QDateTime &t) { return t.isValid() ? t.toString(Qt::ISODateWithMs) : QStringLiteral("-"); }

// Names the first differing field, so a failure says more than "not equal".
QString firstDifference(const EcrRepository &a, const EcrRepository &b)
{
    if (a.repositoryArn != b.repositoryArn) return QStringLiteral("repositoryArn %1 != %2").arg(a.repositoryArn, b.repositoryArn);
    if (a.registryId != b.registryId) return QStringLiteral("registryId");
    if (a.repositoryName != b.repositoryName) return QStringLiteral("repositoryName %1 != %2").arg(a.repositoryName, b.repositoryName);
    if (a.repositoryUri != b.repositoryUri) return QStringLiteral("repositoryUri");
    if (a.createdAt != b.createdAt) return QStringLiteral("createdAt %1 != %2").arg(ts(a.createdAt), ts(b.createdAt));
    if (a.imageTagMutability != b.imageTagMutability) return QStringLiteral("imageTagMutability");
    if (a.tagMutabilityExclusionFilters != b.tagMutabilityExclusionFilters)
        return QStringLiteral("tagMutabilityExclusionFilters %1 != %2").arg(a.tagMutabilityExclusionFilters.join(','), b.tagMutabilityExclusionFilters.join(','));
    if (a.scanOnPush != b.scanOnPush) return QStringLiteral("scanOnPush");
    if (a.encryptionType != b.encryptionType) return QStringLiteral("encryptionType");
    if (a.kmsKey != b.kmsKey) return QStringLiteral("kmsKey");
    return a == b ? QString() : QStringLiteral("operator== disagrees");
}

QString firstDifference(const EcrImage &a, const EcrImage &b)
{
    if (a.registryId != b.registryId) return QStringLiteral("registryId");
    if (a.repositoryName != b.repositoryName) return QStringLiteral("repositoryName");
    if (a.imageDigest != b.imageDigest) return QStringLiteral("imageDigest %1 != %2").arg(a.imageDigest, b.imageDigest);
    if (a.imageTags != b.imageTags) return QStringLiteral("imageTags %1 != %2").arg(a.imageTags.join(','), b.imageTags.join(','));
    if (a.imageSizeInBytes != b.imageSizeInBytes) return QStringLiteral("imageSizeInBytes %1 != %2").arg(a.imageSizeInBytes).arg(b.imageSizeInBytes);
    if (a.imagePushedAt != b.imagePushedAt) return QStringLiteral("imagePushedAt %1 != %2").arg(ts(a.imagePushedAt), ts(b.imagePushedAt));
    if (a.scanStatus != b.scanStatus) return QStringLiteral("scanStatus");
    if (a.scanStatusDescription != b.scanStatusDescription) return QStringLiteral("scanStatusDescription");
    if (a.hasScanSummary != b.hasScanSummary) return QStringLiteral("hasScanSummary");
    if (a.scanCompletedAt != b.scanCompletedAt) return QStringLiteral("scanCompletedAt %1 != %2").arg(ts(a.scanCompletedAt), ts(b.scanCompletedAt));
    if (a.vulnerabilitySourceUpdatedAt != b.vulnerabilitySourceUpdatedAt) return QStringLiteral("vulnerabilitySourceUpdatedAt");
    if (a.severityCounts != b.severityCounts) return QStringLiteral("severityCounts");
    if (a.imageManifestMediaType != b.imageManifestMediaType) return QStringLiteral("imageManifestMediaType");
    if (a.artifactMediaType != b.artifactMediaType) return QStringLiteral("artifactMediaType");
    if (a.lastRecordedPullTime != b.lastRecordedPullTime) return QStringLiteral("lastRecordedPullTime %1 != %2").arg(ts(a.lastRecordedPullTime), ts(b.lastRecordedPullTime));
    if (a.subjectManifestDigest != b.subjectManifestDigest) return QStringLiteral("subjectManifestDigest");
    if (a.imageStatus != b.imageStatus) return QStringLiteral("imageStatus");
    if (a.lastArchivedAt != b.lastArchivedAt) return QStringLiteral("lastArchivedAt");
    if (a.lastActivatedAt != b.lastActivatedAt) return QStringLiteral("lastActivatedAt");
    return a == b ? QString() : QStringLiteral("operator== disagrees");
}

QVector<EcrImage> truth(const FakeRegistry &registry, const QString &repository, EcrClient::TagStatus status)
{
    QVector<EcrImage> out;
    for (const EcrImage &image : registry.images.value(repository)) {
        const bool tagged = !image.imageTags.isEmpty();
        if (status == EcrClient::TagStatus::Any || (status == EcrClient::TagStatus::Tagged) == tagged)
            out.append(image);
    }
    return out;
}

} // namespace

class TestEcrClient : public QObject
{
    Q_OBJECT

    FakeRegistry m_big;    // 1,000 repositories
    FakeRegistry m_images; // few repositories, many images
    std::unique_ptr<FakeEcrServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<StaticCredentialProvider> m_creds;
    std::unique_ptr<AwsHttpClient> m_http;
    std::unique_ptr<EcrClient> m_ecr;

    void serve(const FakeRegistry &registry)
    {
        m_server->setRegistry(registry);
    }

    auto repositories(const QString &registryId = {})
    {
        auto r = std::make_shared<Result<QVector<EcrRepository>>>();
        m_ecr->describeRepositories(registryId, this, [r](const QVector<EcrRepository> &v, const AwsError &e) {
            r->done = true;
            ++r->calls;
            r->value = v;
            r->error = e;
        });
        return r;
    }

    auto images(const QString &repository, EcrClient::TagStatus status, const QString &registryId = {})
    {
        auto r = std::make_shared<Result<QVector<EcrImage>>>();
        m_ecr->describeImages(registryId, repository, status, this, [r](const QVector<EcrImage> &v, const AwsError &e) {
            r->done = true;
            ++r->calls;
            r->value = v;
            r->error = e;
        });
        return r;
    }

    template<typename R>
    bool wait(const R &r) { return QTest::qWaitFor([&] { return r->done; }, 30000); }

    // Every page sent the same input apart from nextToken, and only the first had none.
    bool pagesShareInputs(const QString &operation)
    {
        QJsonObject first;
        int page = 0;
        for (const auto &req : m_server->requests()) {
            if (req.operation != operation)
                continue;
            QJsonObject o = QJsonDocument::fromJson(req.body).object();
            const bool hasToken = o.contains(QLatin1String("nextToken"));
            if (hasToken != (page > 0))
                return false;
            o.remove(QLatin1String("nextToken"));
            if (page == 0)
                first = o;
            else if (o != first)
                return false;
            ++page;
        }
        return page > 0;
    }

private slots:
    void initTestCase()
    {
        FakeRegistry::Spec big;
        big.repositories = 1000;
        big.imagesPerRepository = 1;
        big.seed = 7;
        m_big = FakeRegistry::generate(big);
        QCOMPARE(m_big.repositories.size(), 1000);

        FakeRegistry::Spec many;
        many.repositories = 6;
        many.imagesPerRepository = 30;
        many.untaggedFraction = 0.2;
        many.seed = 11;
        m_images = FakeRegistry::generate(many);
    }

    void init()
    {
        m_server = std::make_unique<FakeEcrServer>();
        m_server->addCredentials(kKeyId, kSecret);
        serve(m_big);
        QVERIFY(m_server->listen());
        m_nam = std::make_unique<QNetworkAccessManager>();
        AwsCredentials c;
        c.accessKeyId = kKeyId;
        c.secretAccessKey = kSecret;
        m_creds = std::make_unique<StaticCredentialProvider>(c);
        AwsHttpClient::Options o;
        o.retryBaseDelayMs = 5;
        o.retryMaxDelayMs = 20;
        o.requestTimeoutMs = 5000;
        m_http = std::make_unique<AwsHttpClient>(m_nam.get(), m_creds.get(), o);
        m_ecr = std::make_unique<EcrClient>(m_http.get(), m_big.region, m_server->endpoint());
    }

    void cleanup()
    {
        m_ecr.reset();
        m_http.reset();
        m_creds.reset();
        m_nam.reset();
        m_server.reset();
    }

    void describeRegistry()
    {
        auto r = std::make_shared<Result<QString>>();
        m_ecr->describeRegistry(this, [r](const QString &id, const AwsError &e) {
            r->done = true;
            r->value = id;
            r->error = e;
        });
        QVERIFY(!r->done);
        QVERIFY(wait(r));
        QVERIFY2(!r->error, qPrintable(r->error.toString()));
        QCOMPARE(r->value, m_big.registryId);
        QCOMPARE(m_server->requests().at(0).body, QByteArray("{}"));
    }

    void repositoriesPagination_data()
    {
        QTest::addColumn<int>("pageCap");   // the fake's
        QTest::addColumn<int>("pageSize");  // the client's maxResults
        QTest::addColumn<int>("requests");
        QTest::newRow("cap 1000 → 1 request") << 1000 << 1000 << 1;
        QTest::newRow("cap 100 → 10 requests") << 100 << 1000 << 10;
        QTest::newRow("cap 300 → 4 requests") << 300 << 1000 << 4;
        QTest::newRow("client pageSize 250 → 4 requests") << 1000 << 250 << 4;
        QTest::newRow("cap 999 → 2 requests") << 999 << 1000 << 2;
    }
    void repositoriesPagination()
    {
        QFETCH(int, pageCap);
        QFETCH(int, pageSize);
        QFETCH(int, requests);
        QCOMPARE(requests, (1000 + std::min(pageCap, pageSize) - 1) / std::min(pageCap, pageSize));
        m_server->setPageCap(pageCap);
        m_ecr->setPageSize(pageSize);
        auto r = repositories();
        QVERIFY(wait(r));
        QVERIFY2(!r->error, qPrintable(r->error.toString()));
        QCOMPARE(r->calls, 1);
        QCOMPARE(m_server->requestCount(QStringLiteral("DescribeRepositories")), requests);
        QCOMPARE(m_server->requestCount(), requests);
        QVERIFY(pagesShareInputs(QStringLiteral("DescribeRepositories")));
        const QJsonObject first = QJsonDocument::fromJson(m_server->requests().at(0).body).object();
        QCOMPARE(first.value(QLatin1String("maxResults")).toInt(), pageSize);
        QVERIFY(!first.contains(QLatin1String("registryId"))); // empty = the caller's own

        QCOMPARE(r->value.size(), m_big.repositories.size());
        for (int i = 0; i < r->value.size(); ++i) {
            const QString diff = firstDifference(r->value.at(i), m_big.repositories.at(i));
            if (!diff.isEmpty())
                QFAIL(qPrintable(QStringLiteral("repository %1 (%2): %3").arg(i).arg(m_big.repositories.at(i).repositoryName, diff)));
        }
    }

    void explicitRegistryId()
    {
        auto r = repositories(m_big.registryId);
        QVERIFY(wait(r));
        QVERIFY2(!r->error, qPrintable(r->error.toString()));
        QCOMPARE(r->value.size(), 1000);
        const QJsonObject body = QJsonDocument::fromJson(m_server->requests().at(0).body).object();
        QCOMPARE(body.value(QLatin1String("registryId")).toString(), m_big.registryId);
        // Compact JSON: no whitespace at all.
        QVERIFY(!m_server->requests().at(0).body.contains(' '));
    }

    void foreignRegistryIsATypedError()
    {
        auto r = repositories(QStringLiteral("999999999999"));
        QVERIFY(wait(r));
        QCOMPARE(r->error.code, QStringLiteral("AccessDeniedException"));
        QCOMPARE(r->error.operation, QStringLiteral("DescribeRepositories"));
        QVERIFY(r->value.isEmpty());
    }

    void imagesPagination_data()
    {
        QTest::addColumn<int>("pageCap");
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<EcrClient::TagStatus>("status");
        using S = EcrClient::TagStatus;
        QTest::newRow("tagged, one page") << 1000 << 1000 << S::Tagged;
        QTest::newRow("tagged, cap 7") << 7 << 1000 << S::Tagged;
        QTest::newRow("tagged, cap 4") << 4 << 1000 << S::Tagged;
        QTest::newRow("tagged, pageSize 10") << 1000 << 10 << S::Tagged;
        QTest::newRow("untagged, cap 3") << 3 << 1000 << S::Untagged;
        QTest::newRow("any, cap 16") << 16 << 1000 << S::Any;
    }
    void imagesPagination()
    {
        QFETCH(int, pageCap);
        QFETCH(int, pageSize);
        QFETCH(EcrClient::TagStatus, status);
        serve(m_images);
        m_server->setPageCap(pageCap);
        m_ecr->setPageSize(pageSize);
        const int effective = std::min(pageCap, pageSize);

        int expectedRequests = 0;
        for (const EcrRepository &repo : m_images.repositories) {
            const QVector<EcrImage> want = truth(m_images, repo.repositoryName, status);
            m_server->resetCounters();
            auto r = images(repo.repositoryName, status);
            QVERIFY(wait(r));
            QVERIFY2(!r->error, qPrintable(r->error.toString()));
            QCOMPARE(r->calls, 1);
            QCOMPARE(m_server->requestCount(QStringLiteral("DescribeImages")), ceilDiv(want.size(), effective));
            expectedRequests += ceilDiv(want.size(), effective);
            QVERIFY(pagesShareInputs(QStringLiteral("DescribeImages")));
            const QJsonObject first = QJsonDocument::fromJson(m_server->requests().at(0).body).object();
            QCOMPARE(first.value(QLatin1String("filter")).toObject().value(QLatin1String("tagStatus")).toString(),
                     EcrClient::tagStatusName(status));
            QCOMPARE(first.value(QLatin1String("repositoryName")).toString(), repo.repositoryName);

            QCOMPARE(r->value.size(), want.size());
            for (int i = 0; i < want.size(); ++i) {
                const QString diff = firstDifference(r->value.at(i), want.at(i));
                if (!diff.isEmpty())
                    QFAIL(qPrintable(QStringLiteral("%1 image %2: %3").arg(repo.repositoryName).arg(i).arg(diff)));
            }
        }
        QVERIFY(expectedRequests > m_images.repositories.size() || effective >= 1000);
        // The ground truth has both kinds, or the filter would prove nothing.
        QVERIFY(m_images.imageCount(true) > 0);
        QVERIFY(m_images.imageCount(false) > m_images.imageCount(true));
    }

    void tagStatusNames()
    {
        QCOMPARE(EcrClient::tagStatusName(EcrClient::TagStatus::Tagged), QStringLiteral("TAGGED"));
        QCOMPARE(EcrClient::tagStatusName(EcrClient::TagStatus::Untagged), QStringLiteral("UNTAGGED"));
        QCOMPARE(EcrClient::tagStatusName(EcrClient::TagStatus::Any), QStringLiteral("ANY"));
        // Bodies exactly as a.3 of the AWS reference signs them (key order aside, compact).
        QCOMPARE(EcrClient::describeRepositoriesBody(QString(), 100, QString()), QByteArray("{\"maxResults\":100}"));
        QCOMPARE(EcrClient::describeImagesBody(QString(), QStringLiteral("app/web"), EcrClient::TagStatus::Tagged, 1000, QString()),
                 QByteArray("{\"filter\":{\"tagStatus\":\"TAGGED\"},\"maxResults\":1000,\"repositoryName\":\"app/web\"}"));
        QCOMPARE(EcrClient::describeImagesBody(QStringLiteral("123456789012"), QStringLiteral("a"), EcrClient::TagStatus::Any, 5,
                                               QStringLiteral("tok")),
                 QByteArray("{\"filter\":{\"tagStatus\":\"ANY\"},\"maxResults\":5,\"nextToken\":\"tok\",\"registryId\":\"123456789012\",\"repositoryName\":\"a\"}"));
    }

    void unknownRepository()
    {
        auto r = images(QStringLiteral("does/not/exist"), EcrClient::TagStatus::Tagged);
        QVERIFY(wait(r));
        QCOMPARE(r->error.kind, AwsError::Kind::Service);
        QCOMPARE(r->error.code, QStringLiteral("RepositoryNotFoundException"));
        QCOMPARE(r->error.attempts, 1);
    }

    void emptyRepositoryNameIsAConfigError()
    {
        auto r = images(QString(), EcrClient::TagStatus::Tagged);
        QVERIFY(!r->done);
        QVERIFY(wait(r));
        QCOMPARE(r->error.kind, AwsError::Kind::Config);
        QCOMPARE(m_server->requestCount(), 0);
    }

    // A page that fails for good: the typed error, no partial list. A page that fails once:
    // retried, full result.
    void midPaginationError_data()
    {
        QTest::addColumn<FakeEcrServer::Fault>("fault");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("code");       // empty = success expected
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("requests");
        using F = FakeEcrServer::Fault;
        QTest::newRow("access denied on page 4") << F::AccessDenied << 1 << "AccessDeniedException" << int(AwsError::Kind::Service) << 4;
        QTest::newRow("throttled for good on page 4") << F::Throttle << 10 << "ThrottlingException" << int(AwsError::Kind::Throttling) << 3 + 3;
        QTest::newRow("truncated page 4") << F::TruncatedJson << 1 << "" << int(AwsError::Kind::Parse) << 4;
        QTest::newRow("throttled once on page 4 → retried") << F::Throttle << 1 << "" << int(AwsError::Kind::None) << 11;
        QTest::newRow("dropped once on page 4 → retried") << F::DropConnection << 1 << "" << int(AwsError::Kind::None) << 11;
    }
    void midPaginationError()
    {
        QFETCH(FakeEcrServer::Fault, fault);
        QFETCH(int, count);
        QFETCH(QString, code);
        QFETCH(int, kind);
        QFETCH(int, requests);
        m_server->setPageCap(100);
        // Arm the fault once three pages have been served.
        int handled = 0;
        connect(m_server.get(), &FakeEcrServer::requestHandled, this, [&, fault, count](const QString &, int) {
            if (++handled == 3)
                m_server->injectFault(QStringLiteral("DescribeRepositories"), fault, count);
        });
        auto r = repositories();
        QVERIFY(wait(r));
        QCOMPARE(r->calls, 1);
        QCOMPARE(int(r->error.kind), kind);
        QCOMPARE(r->error.code, code);
        QTRY_COMPARE(m_server->requestCount(), requests);
        if (kind == int(AwsError::Kind::None)) {
            QCOMPARE(r->value.size(), 1000);
            QCOMPARE(r->value.last(), m_big.repositories.last());
        } else {
            QVERIFY(r->value.isEmpty());
            QCOMPARE(r->error.operation, QStringLiteral("DescribeRepositories"));
            QVERIFY2(r->error.message.contains(QLatin1String("on page 4")), qPrintable(r->error.message));
        }
        disconnect(m_server.get(), nullptr, this, nullptr);
    }

    void repositoryFaultOnlyHitsThatRepository()
    {
        serve(m_images);
        const QString bad = m_images.repositories.at(1).repositoryName;
        const QString good = m_images.repositories.at(2).repositoryName;
        m_server->injectRepositoryFault(bad, FakeEcrServer::Fault::AccessDenied);
        auto a = images(bad, EcrClient::TagStatus::Tagged);
        auto b = images(good, EcrClient::TagStatus::Tagged);
        QVERIFY(wait(a));
        QVERIFY(wait(b));
        QCOMPARE(a->error.code, QStringLiteral("AccessDeniedException"));
        QVERIFY(a->value.isEmpty());
        QVERIFY2(!b->error, qPrintable(b->error.toString()));
        QCOMPARE(b->value.size(), truth(m_images, good, EcrClient::TagStatus::Tagged).size());
    }

    void contextDeathStopsPagination()
    {
        m_server->setPageCap(100);
        m_server->setLatency(30);
        auto context = std::make_unique<QObject>();
        bool called = false;
        m_ecr->describeRepositories(QString(), context.get(), [&called](const QVector<EcrRepository> &, const AwsError &) {
            called = true;
        });
        QTRY_VERIFY(m_server->requestCount() >= 2);
        context.reset();
        const int sent = m_server->requestCount();
        QVERIFY(sent < 10);
        QTRY_COMPARE(m_http->inFlight(), 0);
        QTest::qWait(150); // several latencies: no further page may be requested
        QCOMPARE(m_server->requestCount(), sent);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestEcrClient)
#include "tst_ecrclient.moc"
