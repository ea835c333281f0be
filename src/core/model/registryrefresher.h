#pragma once

#include "aws/awserror.h"
#include "model/refreshstats.h"
#include "model/registrysnapshot.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

class EcrClient;
class ScanFindingsCollector;

// Keeps a RegistrySnapshot fresh: one refresh at start, then one per interval measured
// start to start (no drift), never two at once. A refresh is DescribeRegistry (once, when
// no registry id is configured), DescribeRepositories, then DescribeImages(TAGGED) for
// every repository; the HTTP client bounds how many are in flight. With a
// ScanFindingsCollector set, a scan phase follows that fills in the images' scan results
// (see ScanFindingsCollector) before the snapshot is published.
//
// Nothing is lost on failure: a repository whose DescribeImages fails keeps its images
// from the previous snapshot (marked stale), and a refresh that fails as a whole keeps
// the previous snapshot. Every failure is counted; each distinct cause is logged once
// per refresh.
class RegistryRefresher : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    RegistryRefresher(EcrClient *client, const QString &region, QObject *parent = nullptr);
    ~RegistryRefresher() override;

    void setRegistryId(const QString &registryId);   // empty = the caller's own (DescribeRegistry)
    void setInterval(qint64 milliseconds);
    void setClock(Clock clock);                      // for tests; default: current UTC time
    // Runs `collector` (not owned; null = no scan phase) after the images of every refresh.
    void setScanCollector(ScanFindingsCollector *collector);

    // Starts the schedule with an immediate first refresh.
    void start();
    // Stops the schedule; an in-flight refresh is abandoned (its replies are ignored).
    void stop();
    // Starts a refresh now unless one is running (then returns false).
    bool refreshNow();

    bool isRefreshing() const { return m_running; }
    std::shared_ptr<const RegistrySnapshot> snapshot() const { return m_snapshot; }
    const RefreshStats &stats() const { return m_stats; }
    QString registryId() const { return m_registryId; }

public slots:
    // Counts one finished API request (connect AwsHttpClient::requestFinished here).
    void recordApiRequest(const QString &operation, const QString &outcome);

signals:
    void refreshStarted();
    // Emitted after every refresh; `snapshot` is the one now current (possibly the previous
    // one when this refresh failed as a whole, null when none ever succeeded).
    void refreshFinished(bool success, std::shared_ptr<const RegistrySnapshot> snapshot);
    void statsChanged();
    // Progress of the running refresh: repositories whose images are done, of total.
    void progress(int done, int total);

private:
    struct Run;

    void beginRun();
    void listRepositories();
    void fetchImages();
    void requestImages();
    void repositoryDone(int index, QVector<EcrImage> images, const AwsError &error);
    void listingDone();
    void imagesDone();
    void abortRun(const AwsError &error);
    void finishRun(bool success, const AwsError &fatal = {});
    void noteFailure(const AwsError &error, const QString &what);
    void scheduleNext();

    EcrClient *m_client;
    ScanFindingsCollector *m_scanCollector = nullptr;
    QString m_region;
    QString m_configuredRegistryId;
    QString m_registryId;
    qint64 m_intervalMs = 1800 * 1000;
    Clock m_clock;
    QTimer m_timer;
    bool m_started = false;
    bool m_running = false;
    QDateTime m_runStart;
    QElapsedTimer m_runElapsed;
    QObject *m_runContext = nullptr;                 // parent of the current run's callbacks
    std::unique_ptr<Run> m_run;
    std::shared_ptr<const RegistrySnapshot> m_snapshot;
    RefreshStats m_stats;
};
