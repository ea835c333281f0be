// RegistryRefresher against the fake ECR through the real signed client: snapshots equal
// the fake's ground truth, failures keep the last good data, the schedule never overlaps.
#include "aws/awshttpclient.h"
#include "aws/staticcredentialprovider.h"
#include "ecr/ecrclient.h"
#include "fakeecrserver.h"
#include "fakeregistry.h"
#include "model/registryrefresher.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(std::shared_ptr<const RegistrySnapshot>)

namespace {
const QString kKey = QStringLiteral("AKIDREFRESHERTEST");
const QString kSecret = QStringLiteral("refresher-test-secret");
}

class TestRefresher : public QObject
{
    Q_OBJECT

    struct Rig {
        FakeEcrServer fake;
        QNetworkAccessManager nam;
        StaticCredentialProvider *credentials = nullptr;
        AwsHttpClient *http = nullptr;
        EcrClient *ecr = nullptr;
        RegistryRefresher *refresher = nullptr;
        QObject owner;

        explicit Rig(const FakeRegistry &registry)
        {
            fake.setRegistry(registry);
            fake.addCredentials(kKey, kSecret);
            fake.listen();
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
            refresher = new RegistryRefresher(ecr, registry.region, &owner);
            QObject::connect(http, &AwsHttpClient::requestFinished, refresher, &RegistryRefresher::recordApiRequest);
        }
    };

    static FakeRegistry registry(int repositories, quint32 seed = 3)
    {
        FakeRegistry::Spec spec;
        spec.repositories = repositories;
        spec.imagesPerRepository = 4;
        spec.seed = seed;
        return FakeRegistry::generate(spec);
    }

    // The snapshot must hold exactly the fake's repositories and their TAGGED images.
    static void compareWithTruth(const RegistrySnapshot &snapshot, const FakeRegistry &truth)
    {
        QCOMPARE(snapshot.registryId, truth.registryId);
        QCOMPARE(snapshot.repositories.size(), truth.repositories.size());
        for (int i = 0; i < snapshot.repositories.size(); ++i) {
            const auto &state = snapshot.repositories.at(i);
            QCOMPARE(state.repository, truth.repositories.at(i));
            QVector<EcrImage> tagged;
            for (const EcrImage &image : truth.images.value(state.repository.repositoryName))
                if (!image.imageTags.isEmpty())
                    tagged.append(image);
            QCOMPARE(state.images.size(), tagged.size());
            for (int j = 0; j < tagged.size(); ++j)
                QCOMPARE(state.images.at(j), tagged.at(j));
            QVERIFY(state.imagesFresh);
        }
    }

private slots:
    void initTestCase() { qRegisterMetaType<std::shared_ptr<const RegistrySnapshot>>(); }

    void firstRefreshMatchesGroundTruth()
    {
        const FakeRegistry truth = registry(25);
        Rig rig(truth);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        QVERIFY(rig.refresher->refreshNow());
        QVERIFY(!rig.refresher->refreshNow()); // never two at once
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QVERIFY(finished.at(0).at(0).toBool());
        const auto snapshot = rig.refresher->snapshot();
        QVERIFY(snapshot);
        compareWithTruth(*snapshot, truth);
        QVERIFY(rig.refresher->stats().complete);
        // DescribeRegistry (no id configured) + one page of repositories + one DescribeImages each.
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeRegistry")), 1);
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeRepositories")), 1);
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeImages")), 25);
        QCOMPARE(rig.refresher->stats().apiRequests.value(qMakePair(QStringLiteral("DescribeImages"), QStringLiteral("success"))), 25u);

        // The registry id is asked for once, not at every refresh.
        QVERIFY(rig.refresher->refreshNow());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeRegistry")), 1);
    }

    void failingRepositoryKeepsItsImages()
    {
        const FakeRegistry truth = registry(6);
        Rig rig(truth);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        const QString victim = truth.repositories.at(2).repositoryName;
        const auto before = rig.refresher->snapshot();

        rig.fake.injectRepositoryFault(victim, FakeEcrServer::Fault::AccessDenied);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        QVERIFY(finished.at(1).at(0).toBool()); // the refresh as a whole succeeded
        const auto after = rig.refresher->snapshot();
        QVERIFY(after != before);
        QCOMPARE(after->repositories.size(), before->repositories.size());
        QCOMPARE(after->repositories.at(2).repository.repositoryName, victim);
        QVERIFY(!after->repositories.at(2).imagesFresh);
        QVERIFY(!after->repositories.at(2).images.isEmpty());
        QCOMPARE(after->repositories.at(2).images, before->repositories.at(2).images);
        QVERIFY(after->repositories.at(1).imagesFresh);
        QCOMPARE(rig.refresher->stats().failedRepositories, 1);
        QVERIFY(!rig.refresher->stats().complete);
        QCOMPARE(rig.refresher->stats().apiRequests.value(qMakePair(QStringLiteral("DescribeImages"), QStringLiteral("AccessDeniedException"))), 1u);

        rig.fake.clearFaults();
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 20000);
        compareWithTruth(*rig.refresher->snapshot(), truth);
        QVERIFY(rig.refresher->stats().complete);
    }

    void failedRefreshKeepsLastSnapshot()
    {
        const FakeRegistry truth = registry(4);
        Rig rig(truth);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        const auto good = rig.refresher->snapshot();

        rig.fake.injectFault(QStringLiteral("DescribeRepositories"), FakeEcrServer::Fault::AccessDenied, 1);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        QVERIFY(!finished.at(1).at(0).toBool());
        QCOMPARE(rig.refresher->snapshot(), good); // the very same snapshot is still served
        QCOMPARE(rig.refresher->stats().refreshFailuresTotal, 1u);
        QCOMPARE(rig.refresher->stats().refreshesTotal, 2u);
        QVERIFY(!rig.refresher->stats().complete);
    }

    void noSnapshotBeforeFirstSuccess()
    {
        Rig rig(registry(3));
        rig.fake.injectFault(QStringLiteral("DescribeRegistry"), FakeEcrServer::Fault::AccessDenied, 1);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY(!rig.refresher->snapshot());
        QVERIFY(!finished.at(0).at(1).value<std::shared_ptr<const RegistrySnapshot>>());
    }

    void shrinkingRegistryRemovesRepositories()
    {
        const FakeRegistry big = registry(10, 9);
        Rig rig(big);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QCOMPARE(rig.refresher->snapshot()->repositories.size(), 10);

        FakeRegistry small = big;
        const QString gone = small.repositories.takeAt(4).repositoryName;
        small.images.remove(gone);
        // Drop the tagged images of another repository too.
        const QString emptied = small.repositories.at(0).repositoryName;
        small.images[emptied].clear();
        rig.fake.setRegistry(small);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        compareWithTruth(*rig.refresher->snapshot(), small);
    }

    // Without a configured id, DescribeRegistry runs beside the listing (which needs no id),
    // and the refresh still ends only once the id is known.
    void registryIdIsAskedBesideTheListing()
    {
        const FakeRegistry truth = registry(6);
        Rig rig(truth);
        rig.fake.setSlowDelay(400);
        rig.fake.injectFault(QStringLiteral("DescribeRegistry"), FakeEcrServer::Fault::Slow, 1);
        QSignalSpy handled(&rig.fake, &FakeEcrServer::requestHandled);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QVERIFY(finished.at(0).at(0).toBool());
        QStringList order;
        for (const QList<QVariant> &call : std::as_const(handled))
            order << call.at(0).toString();
        // Everything else was answered while DescribeRegistry was held for 400 ms.
        QCOMPARE(order.size(), 8);
        QCOMPARE(order.last(), QStringLiteral("DescribeRegistry"));
        QCOMPARE(order.count(QStringLiteral("DescribeImages")), 6);
        compareWithTruth(*rig.refresher->snapshot(), truth);
    }

    // A DescribeRegistry that fails while the listing is in flight ends the refresh at once:
    // the listing's late answer is dropped, no DescribeImages goes out, nothing crashes.
    void failingRegistryIdStopsTheListing()
    {
        Rig rig(registry(5));
        rig.fake.setSlowDelay(300);
        rig.fake.injectFault(QStringLiteral("DescribeRepositories"), FakeEcrServer::Fault::Slow, 1);
        rig.fake.injectFault(QStringLiteral("DescribeRegistry"), FakeEcrServer::Fault::AccessDenied, 1);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        QElapsedTimer clock;
        clock.start();
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QVERIFY2(clock.elapsed() < 300, "the refresh waited for the listing");
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY(!rig.refresher->snapshot());
        QCOMPARE(rig.refresher->stats().refreshFailuresTotal, 1u);
        QTest::qWait(500); // past the listing's answer
        QCOMPARE(finished.size(), 1);
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeImages")), 0);
        QVERIFY(!rig.refresher->isRefreshing());

        // The next refresh works normally.
        QVERIFY(rig.refresher->refreshNow());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        QVERIFY(finished.at(1).at(0).toBool());
        QCOMPARE(rig.refresher->snapshot()->repositories.size(), 5);
    }

    void configuredRegistryIdSkipsDescribeRegistry()
    {
        const FakeRegistry truth = registry(3);
        Rig rig(truth);
        rig.refresher->setRegistryId(truth.registryId);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeRegistry")), 0);
        compareWithTruth(*rig.refresher->snapshot(), truth);
    }

    void scheduleRepeatsWithoutOverlap()
    {
        Rig rig(registry(3));
        rig.fake.setLatency(30);
        rig.refresher->setInterval(50); // shorter than a refresh: the next one starts right after
        QSignalSpy started(rig.refresher, &RegistryRefresher::refreshStarted);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        connect(rig.refresher, &RegistryRefresher::refreshStarted, this, [&] {
            // A refresh starts only after the previous one finished.
            QCOMPARE(started.size() - 1, finished.size());
        });
        rig.refresher->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 3, 20000);
        rig.refresher->stop();
        const int after = int(finished.size());
        QTest::qWait(300); // stop() really stops: nothing more starts
        QVERIFY(finished.size() <= after + 1);
        QVERIFY(!rig.refresher->isRefreshing());
    }

    void stopDuringRefreshDropsIt()
    {
        Rig rig(registry(5));
        rig.fake.setLatency(200);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        rig.refresher->start();
        QTRY_VERIFY(rig.fake.requestCount() >= 1);
        rig.refresher->stop();
        QVERIFY(!rig.refresher->isRefreshing());
        QTest::qWait(600); // replies still arrive from the fake; none may reach the refresher
        QCOMPARE(finished.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRefresher)
#include "tst_refresher.moc"
