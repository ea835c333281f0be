// RegistryRefresher hands DescribeImages to the HTTP client a bounded window at a time, so
// the client's queue stays short whatever the registry size (a queue of 12,000 made the
// client's dispatch and cancel work quadratic: a CPU-bound refresh and a slow SIGTERM).
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
const QString kKey = QStringLiteral("AKIDREFRESHERWINDOW1");
const QString kSecret = QStringLiteral("refresher-window-test-secret");
constexpr int kWindow = 64; // the bound under test: the exporter's --max-in-flight maximum
}

class TestRefresherWindow : public QObject
{
    Q_OBJECT

    struct Rig {
        FakeEcrServer fake;
        QNetworkAccessManager nam;
        QObject owner;
        AwsHttpClient *http = nullptr;
        RegistryRefresher *refresher = nullptr;

        Rig(const FakeRegistry &registry, int maxInFlight)
        {
            fake.setRegistry(registry);
            fake.addCredentials(kKey, kSecret);
            fake.listen();
            AwsCredentials c;
            c.accessKeyId = kKey;
            c.secretAccessKey = kSecret;
            auto *credentials = new StaticCredentialProvider(c, &owner);
            AwsHttpClient::Options o;
            o.maxInFlight = maxInFlight;
            http = new AwsHttpClient(&nam, credentials, o, &owner);
            auto *ecr = new EcrClient(http, registry.region, fake.endpoint(), &owner);
            refresher = new RegistryRefresher(ecr, registry.region, &owner);
            refresher->setRegistryId(registry.registryId);
        }
    };

    static FakeRegistry registry(int repositories)
    {
        FakeRegistry::Spec spec;
        spec.repositories = repositories;
        spec.imagesPerRepository = 1;
        spec.seed = 11;
        return FakeRegistry::generate(spec);
    }

private slots:
    void initTestCase() { qRegisterMetaType<std::shared_ptr<const RegistrySnapshot>>(); }

    // However many repositories, the client never holds more than the window, and the
    // snapshot still has every repository.
    void clientQueueStaysBounded_data()
    {
        QTest::addColumn<int>("maxInFlight");
        // (One in flight is left out: every call would wait for the fake's delayed ACK.)
        QTest::newRow("6 in flight") << 6;
        QTest::newRow("8 in flight") << 8;
        QTest::newRow("64 in flight") << 64;
    }

    void clientQueueStaysBounded()
    {
        QFETCH(int, maxInFlight);
        const FakeRegistry truth = registry(400);
        Rig rig(truth, maxInFlight);
        QVERIFY(rig.fake.port() != 0);
        int peak = 0;
        auto sample = [&] { peak = qMax(peak, rig.http->queued() + rig.http->inFlight()); };
        connect(rig.http, &AwsHttpClient::requestFinished, this, sample);
        connect(rig.refresher, &RegistryRefresher::progress, this, sample);
        QSignalSpy finished(rig.refresher, &RegistryRefresher::refreshFinished);
        QVERIFY(rig.refresher->refreshNow());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QVERIFY(finished.at(0).at(0).toBool());
        QVERIFY2(peak <= kWindow, qPrintable(QStringLiteral("the client held %1 requests at once").arg(peak)));
        QVERIFY(peak >= qMin(maxInFlight, 6)); // the window still keeps the wire busy
        const auto snapshot = rig.refresher->snapshot();
        QCOMPARE(snapshot->repositories.size(), truth.repositories.size());
        for (const auto &state : snapshot->repositories)
            QVERIFY(state.imagesFresh);
        QCOMPARE(rig.fake.requestCount(QStringLiteral("DescribeImages")), truth.repositories.size());
        QVERIFY(rig.refresher->stats().complete);
    }

    // Stopping a refresh of 12,000 repositories whose replies are all held is quick.
    void stopWithManyRepositoriesIsQuick()
    {
        Rig rig(registry(12000), 8);
        rig.fake.setSlowDelay(60000);
        rig.fake.injectFault(QStringLiteral("DescribeImages"), FakeEcrServer::Fault::Slow, -1);
        QVERIFY(rig.refresher->refreshNow());
        QTRY_VERIFY_WITH_TIMEOUT(rig.fake.requestCount(QStringLiteral("DescribeImages")) > 0, 60000);
        QVERIFY(rig.http->queued() + rig.http->inFlight() <= kWindow);
        QElapsedTimer clock;
        clock.start();
        rig.refresher->stop();
        QVERIFY2(clock.elapsed() < 500, qPrintable(QStringLiteral("stop() took %1 ms").arg(clock.elapsed())));
        QVERIFY(!rig.refresher->isRefreshing());
        QTRY_COMPARE(rig.http->queued() + rig.http->inFlight(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRefresherWindow)
#include "tst_refresherwindow.moc"
