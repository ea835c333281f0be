#pragma once

#include "aws/awserror.h"
#include "ecr/ecrimagescanfindings.h"
#include "ecr/inspectorimagecounts.h"
#include "model/registryscanstate.h"
#include "model/registrysnapshot.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QVector>
#include <functional>
#include <memory>

class EcrClient;
class InspectorClient;

// The scan phase of a refresh: gives every image whose scan status says results exist
// (basic COMPLETE, enhanced ACTIVE) its severity counts and completion time from the
// cheapest source that has them, and fills the images' effective scan fields
// (EcrImage::severityCounts, scanCompletedAt, vulnerabilitySourceUpdatedAt, scanSource):
//   1. imageScanFindingsSummary from DescribeImages (old basic scanning): nothing to call;
//      (ACTIVE images of a registry known to scan BASIC are left alone: see needsScanPhase)
//   2. DescribeImageScanFindings per repository and digest (current basic and enhanced
//      scanning): all six severities and the completion time. Results are cached per
//      repository and digest and read again only when the image's scan status or its
//      Inspector counts change, or the entry is older than maxAge; at most `budget` calls
//      per refresh, images never read first, then the oldest;
//   3. Amazon Inspector's ListFindingAggregations (ENHANCED registries; when the scanning
//      configuration cannot be read, when some image is ACTIVE): CRITICAL/HIGH/MEDIUM/all for
//      100 images per call. It tells which cached findings still hold, and gives the three
//      severities alone (no completion time) where DescribeImageScanFindings is denied, off,
//      or not done yet.
// GetRegistryScanningConfiguration is read on every run for the scanning info metric.
// A denied optional permission is logged once (again only after it worked in between) and
// costs only what no other permitted call can give.
class ScanFindingsCollector : public QObject
{
    Q_OBJECT
public:
    struct Options {
        bool findings = true;                    // false: never call DescribeImageScanFindings
        qint64 maxAgeMs = 24LL * 3600 * 1000;    // cached findings older than this are read again
        int budget = 1000;                       // DescribeImageScanFindings calls per run
        bool inspector = true;                   // use Inspector on ENHANCED registries
        int concurrency = 8;                     // images being read at once
    };
    using Clock = std::function<QDateTime()>;
    using Repositories = QVector<RegistrySnapshot::RepositoryState>;
    using Callback = std::function<void(Repositories repositories, const RegistryScanState &state)>;

    // `ecr` is required; `inspector` may be null (then Inspector is never used). Neither is owned.
    ScanFindingsCollector(EcrClient *ecr, InspectorClient *inspector, const Options &options,
                          QObject *parent = nullptr);
    ~ScanFindingsCollector() override;

    void setClock(Clock clock);                 // for tests; default: current UTC time
    const Options &options() const { return m_options; }

    // Runs the scan phase over `repositories` (one refresh's images) and calls back once with
    // them filled in, later in the event loop and only while `context` lives. `registryId` is
    // the exported registry; `requestRegistryId` is what DescribeImageScanFindings sends
    // (empty: the caller's own). A run still in progress is abandoned.
    void collect(const QString &registryId, const QString &requestRegistryId, Repositories repositories,
                 QObject *context, Callback callback);
    bool isCollecting() const { return m_run != nullptr; }
    int cachedImages() const { return int(m_cache.size()); }

    // COMPLETE (basic) and ACTIVE (enhanced): the statuses under which an image has results.
    static bool hasScanResults(const QString &scanStatus);
    // Whether an image's counts must come from the scan phase: no summary, and COMPLETE, or
    // ACTIVE unless the registry is known to scan BASIC (ACTIVE is enhanced scanning's status;
    // a BASIC registry has no Inspector results to read).
    static bool needsScanPhase(const EcrImage &image, bool knownBasic);
    // The counts Inspector gives, as a severity map (CRITICAL, HIGH, MEDIUM; zeros left out).
    static QMap<QString, int> inspectorSeverities(const InspectorImageCounts &counts);

private:
    struct Run;
    struct Candidate;
    struct CacheEntry {
        QString scanStatus;                      // the image's status (DescribeImages) when read
        bool hasInspector = false;               // Inspector's counts when read (or confirmed since)
        InspectorImageCounts inspector;
        QDateTime fetchedAt;
        EcrImageScanFindings findings;
        quint64 seenRun = 0;
    };

    void readConfiguration();
    void readInspector();
    void plan();
    void pump();
    void fetchDone(int candidate, const EcrImageScanFindings &findings, const AwsError &error);
    void finish();
    // Logs a failure of an optional call: a warning the first time for each cause, debug after.
    void noteOptionalFailure(const AwsError &error, const QString &consequence);
    void noteSuccess(const QString &operation);

    EcrClient *m_ecr;
    QPointer<InspectorClient> m_inspector;
    Options m_options;
    Clock m_clock;
    std::unique_ptr<Run> m_run;
    quint64 m_runSerial = 0;
    QHash<QString, CacheEntry> m_cache;          // "<repository>\n<digest>"
    QSet<QString> m_warnedCauses;                // "<operation> <code>" already logged as warnings
    quint64 m_fetchesTotal = 0;
    quint64 m_cacheHitsTotal = 0;
};
