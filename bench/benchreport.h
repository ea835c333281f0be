#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

// Everything one benchmark run measured (plain value), and the table printed from it:
// each figure with its target from the performance issue and PASS/MISS. Formatting is pure
// so the table's arithmetic (ideal time, median, per-scrape CPU) is easy to check.
struct BenchReport
{
    // Workload and conditions.
    int repositories = 0;
    int images = 0;
    int taggedImages = 0;
    int tags = 0;
    int latencyMs = 0;
    int maxInFlight = 0;
    int clients = 0;
    int cpus = 0;
    QString loadAverageStart;       // /proc/loadavg, first three fields
    QString loadAverageEnd;
    QString exporterPath;
    QString buildType;              // CMAKE_BUILD_TYPE the bench was built with

    // The first refresh (times from the exporter's start).
    QMap<QString, int> callsByOperation;  // as counted by the fake ECR (all operations)
    int minimumCalls = 0;                 // listing calls, from the fake's ground truth
    int failedCalls = 0;                  // answered with a status other than 200
    int peakInFlight = 0;                 // the fake's peakConcurrentRequests()
    double fakeHeldSeconds = 0;           // sum over calls of arrival -> reply written, at the fake
    double fakeHeldMinMs = -1;            // the shortest of those
    double refreshWallSeconds = -1;       // exporter start -> last API reply sent
    double firstImagesReplySeconds = -1;  // exporter start -> first DescribeImages reply sent
    double exporterRefreshSeconds = -1;   // aws_ecr_exporter_last_successful_refresh_duration_seconds
    double readySeconds = -1;             // exporter start -> /-/ready answered 200
    double publishedSeconds = -1;         // exporter start -> the registry exposition was served
    double renderSeconds = -1;            // the exporter's log: rendering + gzip of that exposition
    double exporterCpuAtReadySeconds = -1;// exporter CPU (all threads) from its start to /-/ready
    double exporterMainCpuAtReadySeconds = -1; // the same, its main thread (event loop) only
    double exporterCpuRefreshSeconds = -1;// exporter CPU until the exposition was served
    double benchCpuRefreshSeconds = -1;   // this process (the fake ECR) in the same time
    qint64 exporterReadBytes = -1;        // what the exporter read until then (mostly API replies)

    qint64 rssAfterRefreshBytes = -1;     // VmRSS one second after the exposition was served
    qint64 hwmRefreshBytes = -1;          // VmHWM then: peak of start-up, refresh and rendering

    struct Phase
    {
        QString name;
        bool gzip = false;
        int clients = 1;
        int scrapes = 0;                  // completed with 200
        int failures = 0;
        double seconds = 0;               // first request -> last byte of the last scrape
        QVector<double> latenciesMs;      // request written -> last byte, one per scrape
        qint64 bodyBytes = -1;            // of the last successful scrape
        double cpuSeconds = -1;           // exporter utime + stime during the phase
        qint64 rssMaxSampledBytes = -1;   // largest VmRSS seen every 50 ms
        qint64 hwmBytes = -1;             // VmHWM at the end (reset at the start)
        QString firstError;

        double scrapesPerSecond() const { return seconds > 0 ? scrapes / seconds : 0; }
        double cpuPerScrapeSeconds() const { return scrapes > 0 && cpuSeconds >= 0 ? cpuSeconds / scrapes : -1; }
        qint64 peakRssBytes() const { return qMax(rssMaxSampledBytes, hwmBytes); }
    };
    QVector<Phase> phases;                // sequential plain, sequential gzip, concurrent plain, gzip

    QStringList checks;                   // content checks, "ok: ..." or "FAILED: ..."
    QStringList notes;                    // anything else worth printing (warnings of the exporter)
    int exporterExitCode = 0;             // after SIGTERM at the end (0 = graceful)

    // The scan-results calls (GetRegistryScanningConfiguration, DescribeImageScanFindings),
    // which the performance issue counts apart from the listing calls.
    static bool isScanOperation(const QString &operation);
    int totalCalls() const;               // listing calls: every operation but the scan ones
    int scanCalls() const;
    // The ideal: calls x latency / in-flight limit, with the minimum number of calls
    // (the ideal refresh makes no more calls than needed).
    double idealSeconds() const;
    // The same with the peak in flight actually reached instead of the configured limit.
    double idealAtPeakSeconds() const;
    const Phase *phase(bool gzip, bool concurrent) const;

    // The four targets of the issue, each true when met.
    bool refreshTargetMet() const;        // wall time <= 1.2 x ideal
    bool callsTargetMet() const;          // calls == minimum, none failed
    bool scrapeCpuTargetMet() const;      // per-scrape CPU <= 10 % of one rendering
    bool memoryTargetMet() const;         // peak under concurrent plain scrapes < 600 MiB
    bool checksPassed() const;
    bool allTargetsMet() const;

    QString format() const;

    static double median(QVector<double> values);
    static double maximum(const QVector<double> &values);
    static QString bytesText(qint64 bytes);   // "123.4 MiB"

    static constexpr double RefreshFactor = 1.2;
    static constexpr double ScrapeCpuFraction = 0.10;
    static constexpr qint64 MemoryLimitBytes = 600LL * 1024 * 1024;
};
