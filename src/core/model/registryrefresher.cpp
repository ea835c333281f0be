#include "registryrefresher.h"

#include "ecr/ecrclient.h"
#include "logcategories.h"
#include "model/scanfindingscollector.h"

#include <QMap>
#include <algorithm>

namespace {
// DescribeImages calls handed to the client at a time (the client keeps at most its in-flight
// limit, 1-64, on the wire and queues the rest). A bounded hand-over keeps that queue short:
// the client's dispatch and cancel work grows with its queue, and with 12,000 repositories
// queued at once a refresh became CPU-bound and stop() (SIGTERM) took seconds.
constexpr int kImageRequestWindow = 64;
} // namespace

// State of one refresh in progress.
struct RegistryRefresher::Run
{
    QVector<RegistrySnapshot::RepositoryState> repositories;
    int pending = 0;
    int done = 0;
    int next = 0;        // repositories whose DescribeImages was handed to the client
    int failedRepositories = 0;
    bool registryIdPending = false; // DescribeRegistry still running beside the listing
    bool imagesListed = false;      // every repository's DescribeImages has answered
    RegistryScanState scan;
    // cause ("DescribeImages: AccessDeniedException") -> (count, first full message)
    QMap<QString, QPair<int, QString>> failures;
};

RegistryRefresher::RegistryRefresher(EcrClient *client, const QString &region, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_region(region)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { refreshNow(); });
}

RegistryRefresher::~RegistryRefresher() = default;

void RegistryRefresher::setRegistryId(const QString &registryId)
{
    m_configuredRegistryId = registryId;
    m_registryId = registryId;
}

void RegistryRefresher::setInterval(qint64 milliseconds)
{
    m_intervalMs = qMax<qint64>(1, milliseconds);
}

void RegistryRefresher::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void RegistryRefresher::setScanCollector(ScanFindingsCollector *collector)
{
    m_scanCollector = collector;
}

void RegistryRefresher::start()
{
    m_started = true;
    refreshNow();
}

void RegistryRefresher::stop()
{
    m_started = false;
    m_timer.stop();
    if (m_running) {
        // Deleting the context drops every callback still owed to this run.
        delete m_runContext;
        m_runContext = nullptr;
        m_run.reset();
        m_running = false;
    }
}

bool RegistryRefresher::refreshNow()
{
    if (m_running)
        return false;
    m_timer.stop();
    beginRun();
    return true;
}

void RegistryRefresher::recordApiRequest(const QString &operation, const QString &outcome)
{
    ++m_stats.apiRequests[qMakePair(operation, outcome)];
}

void RegistryRefresher::beginRun()
{
    m_running = true;
    m_runStart = m_clock();
    m_runElapsed.start();
    m_run = std::make_unique<Run>();
    m_runContext = new QObject(this);
    m_stats.lastRefreshStart = m_runStart;
    emit refreshStarted();
    qCDebug(lcModel) << "refresh started";

    if (m_registryId.isEmpty()) {
        // No registry id configured: ask once for the caller's own, as the original did. The
        // listing needs no id (it defaults to the caller's registry), so it runs meanwhile
        // and only the scan phase and the snapshot wait for the answer.
        m_run->registryIdPending = true;
        m_client->describeRegistry(m_runContext, [this](const QString &registryId, const AwsError &error) {
            if (error) {
                abortRun(error);
                return;
            }
            m_run->registryIdPending = false;
            m_registryId = registryId;
            qCInfo(lcModel).noquote() << "registry id" << registryId << "(the caller's own registry)";
            if (m_run->imagesListed)
                imagesDone();
        });
    }
    listRepositories();
}

void RegistryRefresher::abortRun(const AwsError &error)
{
    // Drop every callback still owed to this run (the listing may be in flight), then fail it.
    delete m_runContext;
    m_runContext = nullptr;
    finishRun(false, error);
}

void RegistryRefresher::listingDone()
{
    m_run->imagesListed = true;
    if (!m_run->registryIdPending)
        imagesDone();
}

void RegistryRefresher::listRepositories()
{
    m_client->describeRepositories(m_configuredRegistryId, m_runContext,
        [this](const QVector<EcrRepository> &repositories, const AwsError &error) {
            if (error) {
                abortRun(error);
                return;
            }
            m_run->repositories.reserve(repositories.size());
            for (const EcrRepository &repository : repositories)
                m_run->repositories.append({repository, {}, true});
            std::sort(m_run->repositories.begin(), m_run->repositories.end(),
                      [](const auto &a, const auto &b) {
                          return a.repository.repositoryName < b.repository.repositoryName;
                      });
            fetchImages();
        });
}

void RegistryRefresher::fetchImages()
{
    const int total = int(m_run->repositories.size());
    emit progress(0, total);
    if (total == 0) {
        listingDone();
        return;
    }
    m_run->pending = total;
    requestImages();
}

void RegistryRefresher::requestImages()
{
    // Each answer makes room for the next request. EcrClient calls back from the event loop,
    // never from inside describeImages(), so this does not recurse.
    const int total = int(m_run->repositories.size());
    while (m_run->next < total && m_run->next - m_run->done < kImageRequestWindow) {
        const int i = m_run->next++;
        const QString name = m_run->repositories.at(i).repository.repositoryName;
        m_client->describeImages(m_configuredRegistryId, name, EcrClient::TagStatus::Tagged, m_runContext,
            [this, i](const QVector<EcrImage> &images, const AwsError &error) {
                repositoryDone(i, images, error);
            });
    }
}

void RegistryRefresher::repositoryDone(int index, QVector<EcrImage> images, const AwsError &error)
{
    RegistrySnapshot::RepositoryState &state = m_run->repositories[index];
    if (error) {
        ++m_run->failedRepositories;
        noteFailure(error, state.repository.repositoryName);
        // Keep the last good images of this repository rather than dropping them.
        state.imagesFresh = false;
        if (m_snapshot) {
            const auto &old = m_snapshot->repositories;
            auto it = std::lower_bound(old.begin(), old.end(), state.repository.repositoryName,
                                       [](const RegistrySnapshot::RepositoryState &s, const QString &name) {
                                           return s.repository.repositoryName < name;
                                       });
            if (it != old.end() && it->repository.repositoryName == state.repository.repositoryName)
                state.images = it->images;
        }
    } else {
        state.images = std::move(images);
    }
    ++m_run->done;
    emit progress(m_run->done, int(m_run->repositories.size()));
    if (--m_run->pending == 0)
        listingDone();
    else
        requestImages();
}

void RegistryRefresher::imagesDone()
{
    if (!m_scanCollector) {
        finishRun(true);
        return;
    }
    // The scan phase takes the images and gives them back with their scan results filled in.
    m_scanCollector->collect(m_registryId, m_configuredRegistryId, std::move(m_run->repositories), m_runContext,
        [this](ScanFindingsCollector::Repositories repositories, const RegistryScanState &scan) {
            m_run->repositories = std::move(repositories);
            m_run->scan = scan;
            finishRun(true);
        });
}

void RegistryRefresher::noteFailure(const AwsError &error, const QString &what)
{
    const QString cause = error.operation + QLatin1Char(' ')
        + (error.code.isEmpty() ? AwsError::kindName(error.kind) : error.code);
    auto &entry = m_run->failures[cause];
    if (entry.first++ == 0)
        entry.second = what.isEmpty() ? error.toString() : what + QStringLiteral(": ") + error.toString();
}

void RegistryRefresher::finishRun(bool success, const AwsError &fatal)
{
    const double seconds = m_runElapsed.nsecsElapsed() / 1e9;
    m_stats.lastRefreshDurationSeconds = seconds;
    ++m_stats.refreshesTotal;

    if (success) {
        auto snapshot = std::make_shared<RegistrySnapshot>();
        snapshot->registryId = m_registryId;
        snapshot->region = m_region;
        snapshot->repositories = std::move(m_run->repositories);
        snapshot->takenAt = m_clock();
        snapshot->scan = m_run->scan;
        m_snapshot = std::move(snapshot);
        m_stats.lastSuccessStart = m_runStart;
        m_stats.lastSuccessDurationSeconds = seconds;
        m_stats.failedRepositories = m_run->failedRepositories;
        m_stats.complete = m_run->failedRepositories == 0;
    } else {
        ++m_stats.refreshFailuresTotal;
        m_stats.complete = false;
        noteFailure(fatal, QString());
    }

    // One log line per distinct cause, however many requests it hit.
    for (auto it = m_run->failures.cbegin(); it != m_run->failures.cend(); ++it) {
        if (it.value().first > 1)
            qCWarning(lcModel).noquote() << it.value().second
                                         << QStringLiteral("(and %1 more like it in this refresh)").arg(it.value().first - 1);
        else
            qCWarning(lcModel).noquote() << it.value().second;
    }
    if (success) {
        qCInfo(lcModel).noquote() << QStringLiteral("refresh done in %1 s: %2 repositories, %3 failed%4")
                                         .arg(seconds, 0, 'f', 3)
                                         .arg(m_snapshot->repositories.size())
                                         .arg(m_stats.failedRepositories)
                                         .arg(m_stats.failedRepositories ? QStringLiteral(" (kept their previous images)") : QString());
    } else {
        qCWarning(lcModel).noquote() << QStringLiteral("refresh failed after %1 s; still serving the %2")
                                            .arg(seconds, 0, 'f', 3)
                                            .arg(m_snapshot ? QStringLiteral("previous data") : QStringLiteral("exporter's own metrics only"));
    }

    m_run.reset();
    if (m_runContext)
        m_runContext->deleteLater();
    m_runContext = nullptr;
    m_running = false;
    emit statsChanged();
    emit refreshFinished(success, m_snapshot);
    scheduleNext();
}

void RegistryRefresher::scheduleNext()
{
    if (!m_started || m_running)
        return;
    // Start to start: subtract the time the refresh itself took, so the period does not drift.
    const qint64 delay = qMax<qint64>(0, m_intervalMs - m_runElapsed.elapsed());
    m_timer.start(std::chrono::milliseconds(delay));
}
