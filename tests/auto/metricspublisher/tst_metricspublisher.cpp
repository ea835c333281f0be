// MetricsPublisher: renders on a worker thread, the newest publish wins, the gzip prefix plus
// a per-scrape tail is one gzip member of the whole body, and deleting the publisher while a
// render runs is safe.
#include "fakeregistry.h"
#include "metrics/expositionwriter.h"
#include "metrics/metricspublisher.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

namespace {

using TestSupport::gunzip;

std::shared_ptr<const RegistrySnapshot> snapshotOf(int repositories, quint32 seed)
{
    FakeRegistry::Spec spec;
    spec.repositories = repositories;
    spec.imagesPerRepository = 5;
    spec.seed = seed;
    const FakeRegistry registry = FakeRegistry::generate(spec);
    auto snapshot = std::make_shared<RegistrySnapshot>();
    snapshot->registryId = registry.registryId;
    snapshot->region = registry.region;
    for (const EcrRepository &repository : registry.repositories) {
        RegistrySnapshot::RepositoryState state;
        state.repository = repository;
        for (const EcrImage &image : registry.images.value(repository.repositoryName))
            if (!image.imageTags.isEmpty())
                state.images.append(image);
        snapshot->repositories.append(state);
    }
    return snapshot;
}

BuildInfo build()
{
    return BuildInfo{QStringLiteral("1.2.3"), QStringLiteral("abc"), QStringLiteral("6.4.2")};
}
} // namespace

class TestMetricsPublisher : public QObject
{
    Q_OBJECT

private slots:
    void rendersTheSnapshotOffThread()
    {
        MetricsPublisher publisher(build());
        QSignalSpy published(&publisher, &MetricsPublisher::published);
        const auto snapshot = snapshotOf(20, 4);
        RefreshStats stats;
        stats.complete = true;
        publisher.publish(snapshot, stats);
        QVERIFY(!publisher.hasBody()); // nothing yet: the render runs on a worker thread
        QTRY_COMPARE(published.size(), 1);

        ExpositionInput input;
        input.snapshot = snapshot;
        input.stats = stats;
        input.build = build();
        QCOMPARE(publisher.plainPrefix(), ExpositionWriter::render(input));
        QVERIFY(publisher.plainPrefix().contains("aws_ecr_repository_count{registry_id=\"123456789012\"} 20\n"));

        // Plain: prefix + fresh process_* tail; gzip: the same bytes once inflated.
        const QByteArray tail = publisher.bodyTail(false);
        QVERIFY(tail.startsWith("# HELP process_"));
        const QByteArray gz = publisher.gzipPrefix() + publisher.bodyTail(true);
        const QByteArray inflated = gunzip(gz);
        QVERIFY(inflated.startsWith(publisher.plainPrefix()));
        QVERIFY(inflated.mid(publisher.plainPrefix().size()).startsWith("# HELP process_"));
    }

    void newestPublishWins()
    {
        MetricsPublisher publisher(build());
        QSignalSpy published(&publisher, &MetricsPublisher::published);
        publisher.publish(snapshotOf(300, 1), RefreshStats()); // slower
        publisher.publish(snapshotOf(2, 2), RefreshStats());   // newer
        QTRY_VERIFY(published.size() >= 1);
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QVERIFY(publisher.plainPrefix().contains("aws_ecr_repository_count{registry_id=\"123456789012\"} 2\n"));
    }

    void beforeFirstRefreshOnlyOwnMetrics()
    {
        MetricsPublisher publisher(build());
        publisher.publishNow(nullptr, RefreshStats());
        QVERIFY(publisher.hasBody());
        QVERIFY(publisher.plainPrefix().contains("aws_ecr_exporter_build_info"));
        QVERIFY(!publisher.plainPrefix().contains("aws_ecr_repository_count"));
    }

    void deletedWhileRendering()
    {
        for (int i = 0; i < 5; ++i) {
            auto *publisher = new MetricsPublisher(build());
            publisher->publish(snapshotOf(200, quint32(10 + i)), RefreshStats());
            delete publisher; // the render still runs; its result must go nowhere
        }
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents(); // deliver the orphaned results: no crash
        QCoreApplication::processEvents();
    }
};

QTEST_GUILESS_MAIN(TestMetricsPublisher)
#include "tst_metricspublisher.moc"
