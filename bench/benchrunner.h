#pragma once

#include "benchoptions.h"
#include "benchreport.h"
#include "scrapeclient.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>
#include <QVector>

#include <functional>
#include <memory>

class ExporterProcess;
class FakeEcrServer;
class FakeStsServer;

// Runs the benchmark once: hosts the fake ECR, starts ecr_exporter against it, times the
// first refresh, checks the served exposition against the fake's ground truth, then runs
// the scrape phases (sequential plain and gzip for latency, concurrent plain and gzip for
// throughput) while watching the exporter's CPU time and resident memory in /proc.
// Every step is asynchronous; finished() carries the process exit status.
class BenchRunner : public QObject
{
    Q_OBJECT
public:
    explicit BenchRunner(const BenchOptions &options, QObject *parent = nullptr);
    ~BenchRunner() override;

    void start();
    const BenchReport &report() const { return m_report; }

signals:
    // 0 all targets met, 1 a target missed, 3 the benchmark could not run.
    void finished(int exitCode);

private:
    struct PhaseRun;

    bool setUpFake(QString *error);
    void startExporter();
    void pollReady();
    void pollMetrics();
    void onRegistryExposition(const ScrapeClient::Result &result);
    void checkExposition(const QByteArray &body);
    void afterRefresh();
    void runPhase(const QString &name, bool gzip, int clients, std::function<void()> next);
    void onPhaseScrape(ScrapeClient *client, const ScrapeClient::Result &result);
    void endPhase();
    void samplePhaseMemory();
    void finishRun();
    void fail(const QString &message);
    void progress(const QString &message) const;
    double elapsedSeconds() const;

    BenchOptions m_options;
    BenchReport m_report;
    QTemporaryDir m_home;
    FakeEcrServer *m_fake = nullptr;
    FakeStsServer *m_sts = nullptr;           // answers the exporter's start-up GetCallerIdentity
    ExporterProcess *m_exporter = nullptr;
    ScrapeClient *m_probe = nullptr;          // /-/ready and the first full scrape
    QElapsedTimer m_sinceStart;               // from the exporter's start
    QTimer m_refreshTimeout;
    QTimer m_sampler;
    double m_benchCpuAtStart = 0;
    double m_lastApiReply = -1;
    int m_apiReplies = 0;
    QSet<const QObject *> m_fakeNoDelay;      // the fake's connections seen with TCP_NODELAY on
    int m_rendersSeen = 0;
    bool m_ready = false;
    bool m_failed = false;
    bool m_finishing = false;
    qint64 m_expectedSizeSeries = 0;          // tags of images with a size (ground truth)
    qint64 m_plainBodyBytes = -1;
    QByteArray m_plainProbeBody;              // freed once the gzip body was compared
    std::unique_ptr<PhaseRun> m_phase;
};
