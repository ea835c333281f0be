#include "scanfindingscollector.h"

#include "ecr/ecrclient.h"
#include "ecr/inspectorclient.h"
#include "logcategories.h"

#include <QMap>
#include <algorithm>
#include <limits>

namespace {

const QString kEnhanced = QStringLiteral("ENHANCED");
const QString kGetConfiguration = QStringLiteral("GetRegistryScanningConfiguration");
const QString kFindings = QStringLiteral("DescribeImageScanFindings");
const QString kAggregations = QStringLiteral("ListFindingAggregations");

QString cacheKey(const QString &repository, const QString &digest)
{
    return repository + QLatin1Char('\n') + digest;
}

bool isAccessDenied(const AwsError &e)
{
    return e.code == QLatin1String("AccessDeniedException") || e.code == QLatin1String("AccessDenied");
}

QString causeOf(const AwsError &e)
{
    return e.operation + QLatin1Char(' ') + (e.code.isEmpty() ? AwsError::kindName(e.kind) : e.code);
}

int countOf(const QMap<QString, int> &counts, const char *severity)
{
    return counts.value(QLatin1String(severity), 0);
}

// Do cached findings agree with Inspector's counts for the same image?
bool agrees(const EcrImageScanFindings &f, const InspectorImageCounts &c)
{
    qint64 all = 0;
    for (int n : f.severityCounts)
        all += n;
    return countOf(f.severityCounts, "CRITICAL") == c.critical && countOf(f.severityCounts, "HIGH") == c.high
        && countOf(f.severityCounts, "MEDIUM") == c.medium && all == c.all;
}

} // namespace

// One image of the run whose counts are not in DescribeImages' summary.
struct ScanFindingsCollector::Candidate
{
    int repository = 0;
    int image = 0;
    QString key;
    const InspectorImageCounts *inspector = nullptr; // this run's Inspector counts, if any
    bool needsFetch = false;
    bool neverFetched = true;
    QDateTime fetchedAt;
    bool fetched = false;                            // read in this run
    EcrImageScanFindings findings;
};

struct ScanFindingsCollector::Run
{
    quint64 serial = 0;
    QString registryId;
    QString requestRegistryId;
    Repositories repositories;
    QPointer<QObject> context;                       // child of the caller's context
    Callback callback;
    QDateTime now;

    RegistryScanState state;
    bool knownBasic = false;                         // the configuration says BASIC
    bool inspectorListed = false;                    // Inspector answered in this run
    QHash<QString, InspectorImageCounts> inspector;  // cacheKey -> counts
    QVector<Candidate> candidates;
    QVector<int> queue;                              // candidates to read, in order
    int next = 0;
    int inFlight = 0;
    int callsUsed = 0;
    int succeeded = 0;                               // reads that worked in this run
    bool denied = false;
    // cause -> (count, first message) of this run's findings failures
    QMap<QString, QPair<int, QString>> failures;
};

ScanFindingsCollector::ScanFindingsCollector(EcrClient *ecr, InspectorClient *inspector, const Options &options,
                                             QObject *parent)
    : QObject(parent)
    , m_ecr(ecr)
    , m_inspector(inspector)
    , m_options(options)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    Q_ASSERT(ecr);
    m_options.budget = qMax(0, m_options.budget);
    m_options.concurrency = qMax(1, m_options.concurrency);
    m_options.maxAgeMs = qMax<qint64>(0, m_options.maxAgeMs);
}

ScanFindingsCollector::~ScanFindingsCollector()
{
    if (m_run && m_run->context)
        delete m_run->context.data();
}

void ScanFindingsCollector::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

bool ScanFindingsCollector::hasScanResults(const QString &scanStatus)
{
    return scanStatus == QLatin1String("COMPLETE") || scanStatus == QLatin1String("ACTIVE");
}

bool ScanFindingsCollector::needsScanPhase(const EcrImage &image, bool knownBasic)
{
    if (image.hasScanSummary)
        return false;
    if (image.scanStatus == QLatin1String("COMPLETE"))
        return true;
    return image.scanStatus == QLatin1String("ACTIVE") && !knownBasic;
}

QMap<QString, int> ScanFindingsCollector::inspectorSeverities(const InspectorImageCounts &counts)
{
    QMap<QString, int> out;
    auto put = [&out](const char *name, qint64 n) {
        if (n > 0)
            out.insert(QLatin1String(name), int(qMin<qint64>(n, std::numeric_limits<int>::max())));
    };
    put("CRITICAL", counts.critical);
    put("HIGH", counts.high);
    put("MEDIUM", counts.medium);
    return out;
}

void ScanFindingsCollector::collect(const QString &registryId, const QString &requestRegistryId,
                                    Repositories repositories, QObject *context, Callback callback)
{
    if (m_run && m_run->context)
        delete m_run->context.data(); // drops every callback still owed to the old run
    m_run = std::make_unique<Run>();
    m_run->serial = ++m_runSerial;
    m_run->registryId = registryId;
    m_run->requestRegistryId = requestRegistryId;
    m_run->repositories = std::move(repositories);
    m_run->callback = std::move(callback);
    m_run->now = m_clock();
    m_run->state.collected = true;
    auto *runContext = new QObject(context ? context : this);
    m_run->context = runContext;
    // The caller gave up (its context died): forget the run, its callbacks are gone anyway.
    const quint64 serial = m_run->serial;
    connect(runContext, &QObject::destroyed, this, [this, serial] {
        if (m_run && m_run->serial == serial)
            m_run.reset();
    });
    readConfiguration();
}

void ScanFindingsCollector::readConfiguration()
{
    m_ecr->getRegistryScanningConfiguration(m_run->context,
        [this](const EcrScanningConfiguration &configuration, const AwsError &error) {
            RegistryScanState &state = m_run->state;
            if (error) {
                noteOptionalFailure(error, QStringLiteral("aws_ecr_registry_scanning_info is not exported (needs "
                                                          "ecr:GetRegistryScanningConfiguration); scan results are "
                                                          "still read"));
            } else {
                noteSuccess(kGetConfiguration);
                if (!configuration.registryId.isEmpty() && configuration.registryId != m_run->registryId) {
                    // The call has no registryId input: it describes the caller's own registry.
                    const QString cause = QStringLiteral("scanning configuration of another registry");
                    if (!m_warnedCauses.contains(cause)) {
                        m_warnedCauses.insert(cause);
                        qCInfo(lcModel).noquote()
                            << QStringLiteral("GetRegistryScanningConfiguration describes registry %1 (the caller's "
                                              "own), not the exported registry %2: its scan type is not exported")
                                   .arg(configuration.registryId, m_run->registryId);
                    }
                } else {
                    state.configurationKnown = true;
                    state.configuration = configuration;
                    if (state.configuration.registryId.isEmpty())
                        state.configuration.registryId = m_run->registryId;
                }
            }
            readInspector();
        });
}

void ScanFindingsCollector::readInspector()
{
    const RegistryScanState &state = m_run->state;
    m_run->knownBasic = state.configurationKnown && state.configuration.scanType == QLatin1String("BASIC");
    bool needed = false;
    bool anyActive = false;
    for (const auto &repository : m_run->repositories) {
        for (const EcrImage &image : repository.images) {
            if (needsScanPhase(image, m_run->knownBasic)) {
                needed = true;
                anyActive = anyActive || image.scanStatus == QLatin1String("ACTIVE");
            }
        }
    }
    const bool enhanced = state.configurationKnown ? state.configuration.scanType == kEnhanced : anyActive;
    if (!m_options.inspector || !m_inspector || !needed || !enhanced) {
        plan();
        return;
    }
    m_inspector->listEcrContainerAggregations(m_run->registryId, m_run->context,
        [this](const QVector<InspectorImageCounts> &images, const AwsError &error) {
            if (error) {
                noteOptionalFailure(error, QStringLiteral("Inspector's counts are not used (needs "
                                                          "inspector2:ListFindingAggregations); changed scans are "
                                                          "then seen by status and age only"));
            } else {
                noteSuccess(kAggregations);
                m_run->inspectorListed = true;
                m_run->inspector.reserve(images.size());
                for (const InspectorImageCounts &c : images) {
                    const QString key = cacheKey(c.repository, c.imageSha);
                    if (!m_run->inspector.contains(key))
                        m_run->inspector.insert(key, c);
                }
            }
            plan();
        });
}

void ScanFindingsCollector::plan()
{
    Run &run = *m_run;
    for (int r = 0; r < run.repositories.size(); ++r) {
        const auto &repository = run.repositories.at(r);
        for (int i = 0; i < repository.images.size(); ++i) {
            const EcrImage &image = repository.images.at(i);
            if (!needsScanPhase(image, run.knownBasic))
                continue;
            Candidate c;
            c.repository = r;
            c.image = i;
            c.key = cacheKey(repository.repository.repositoryName, image.imageDigest);
            const auto found = run.inspector.constFind(c.key);
            if (found != run.inspector.cend())
                c.inspector = &found.value();

            auto entry = m_cache.find(c.key);
            if (entry == m_cache.end()) {
                c.needsFetch = true;
            } else {
                entry->seenRun = run.serial;
                c.neverFetched = false;
                c.fetchedAt = entry->fetchedAt;
                bool same = entry->scanStatus == image.scanStatus;
                if (same && run.inspectorListed) {
                    if (c.inspector && entry->hasInspector) {
                        same = entry->inspector.sameCounts(*c.inspector);
                    } else if (c.inspector) {
                        // Read before Inspector was available: keep it if the two agree.
                        same = agrees(entry->findings, *c.inspector);
                        if (same) {
                            entry->hasInspector = true;
                            entry->inspector = *c.inspector;
                        }
                    } else if (entry->hasInspector) {
                        // Inspector lists only images with findings: this one has none left.
                        same = entry->inspector.all == 0;
                    }
                }
                const bool fresh = entry->fetchedAt.msecsTo(run.now) < m_options.maxAgeMs;
                c.needsFetch = !(same && fresh);
            }
            run.candidates.append(c);
        }
    }

    if (m_options.findings) {
        for (int k = 0; k < run.candidates.size(); ++k) {
            if (run.candidates.at(k).needsFetch)
                run.queue.append(k);
        }
        // Images never read first (in registry order), then the longest ago.
        std::stable_sort(run.queue.begin(), run.queue.end(), [&run](int a, int b) {
            const Candidate &x = run.candidates.at(a);
            const Candidate &y = run.candidates.at(b);
            if (x.neverFetched != y.neverFetched)
                return x.neverFetched;
            return x.fetchedAt < y.fetchedAt;
        });
    }
    qCDebug(lcModel).nospace() << "scan phase: " << run.candidates.size() << " images without a summary, "
                               << run.queue.size() << " to read, budget " << m_options.budget
                               << (run.inspectorListed ? ", Inspector counts for " : "")
                               << (run.inspectorListed ? QString::number(run.inspector.size()) : QString());
    pump();
}

void ScanFindingsCollector::pump()
{
    Run &run = *m_run;
    // The first read goes alone: when the permission is missing, one denied call is all it costs.
    while (!run.denied && run.inFlight < (run.succeeded > 0 ? m_options.concurrency : 1)
           && run.next < run.queue.size() && run.callsUsed + run.inFlight < m_options.budget) {
        const int k = run.queue.at(run.next++);
        const Candidate &c = run.candidates.at(k);
        const auto &repository = run.repositories.at(c.repository);
        ++run.inFlight;
        const quint64 serial = run.serial;
        m_ecr->describeImageScanFindings(run.requestRegistryId, repository.repository.repositoryName,
                                         repository.images.at(c.image).imageDigest, run.context,
            [this, k, serial](const EcrImageScanFindings &findings, const AwsError &error) {
                if (m_run && m_run->serial == serial)
                    fetchDone(k, findings, error);
            });
    }
    if (run.inFlight == 0)
        finish();
}

void ScanFindingsCollector::fetchDone(int k, const EcrImageScanFindings &findings, const AwsError &error)
{
    Run &run = *m_run;
    --run.inFlight;
    run.callsUsed += qMax(1, findings.requests);
    Candidate &c = run.candidates[k];
    if (error) {
        if (isAccessDenied(error)) {
            if (!run.denied)
                noteOptionalFailure(error, QStringLiteral("no more scan findings are read in this refresh; images "
                                                          "without a scan summary get Inspector's counts where "
                                                          "allowed (needs ecr:DescribeImageScanFindings)"));
            run.denied = true;
        } else {
            const auto &repository = run.repositories.at(c.repository);
            auto &entry = run.failures[causeOf(error)];
            if (entry.first++ == 0)
                entry.second = QStringLiteral("%1@%2: %3").arg(repository.repository.repositoryName,
                                                                repository.images.at(c.image).imageDigest,
                                                                error.toString());
        }
    } else {
        noteSuccess(kFindings);
        ++run.succeeded;
        c.fetched = true;
        c.findings = findings;
        const EcrImage &image = run.repositories.at(c.repository).images.at(c.image);
        CacheEntry entry;
        entry.scanStatus = image.scanStatus;
        entry.hasInspector = c.inspector != nullptr;
        if (c.inspector)
            entry.inspector = *c.inspector;
        entry.fetchedAt = run.now;
        entry.findings = findings;
        entry.seenRun = run.serial;
        m_cache.insert(c.key, entry);
    }
    pump();
}

void ScanFindingsCollector::finish()
{
    std::unique_ptr<Run> run = std::move(m_run);
    RegistryScanState &state = run->state;
    const bool findingsPossible = m_options.findings && !run->denied;
    int nextCandidate = 0;

    for (int r = 0; r < run->repositories.size(); ++r) {
        auto &images = run->repositories[r].images;
        for (int i = 0; i < images.size(); ++i) {
            EcrImage &image = images[i];
            if (image.hasScanSummary) {
                image.scanSource = EcrImage::ScanSource::Summary;
                if (hasScanResults(image.scanStatus))
                    ++state.currentImages[RegistryScanState::scanSourceName(image.scanSource)];
                continue;
            }
            // Effective fields come only from this run's decision (an image kept from an
            // earlier snapshot may carry old ones).
            image.severityCounts.clear();
            image.scanCompletedAt = QDateTime();
            image.vulnerabilitySourceUpdatedAt = QDateTime();
            image.scanSource = EcrImage::ScanSource::None;
            if (nextCandidate >= run->candidates.size())
                continue;
            const Candidate &c = run->candidates.at(nextCandidate);
            if (c.repository != r || c.image != i)
                continue;
            ++nextCandidate;

            auto fillFindings = [&image](const EcrImageScanFindings &f) {
                image.severityCounts = f.severityCounts;
                image.scanCompletedAt = f.imageScanCompletedAt;
                image.vulnerabilitySourceUpdatedAt = f.vulnerabilitySourceUpdatedAt;
                image.scanSource = EcrImage::ScanSource::ImageScanFindings;
            };
            const auto entry = m_cache.constFind(c.key);
            if (c.fetched) {
                fillFindings(c.findings);
                ++m_fetchesTotal;
                ++state.currentImages[RegistryScanState::scanSourceName(image.scanSource)];
                continue;
            }
            if (!c.needsFetch && entry != m_cache.cend()) {
                fillFindings(entry->findings);
                ++m_cacheHitsTotal;
                ++state.currentImages[RegistryScanState::scanSourceName(image.scanSource)];
                continue;
            }
            // Still owed a read (or none is possible): the best data there is meanwhile.
            const bool cacheAgrees = entry != m_cache.cend()
                && (!c.inspector || (entry->hasInspector ? entry->inspector.sameCounts(*c.inspector)
                                                         : agrees(entry->findings, *c.inspector)));
            if (entry != m_cache.cend() && cacheAgrees) {
                fillFindings(entry->findings);
            } else if (c.inspector) {
                image.severityCounts = inspectorSeverities(*c.inspector);
                image.scanSource = EcrImage::ScanSource::Inspector;
            } else if (entry != m_cache.cend()) {
                fillFindings(entry->findings);
            }
            if (findingsPossible)
                ++state.waitingImages;
            else if (image.scanSource == EcrImage::ScanSource::Inspector)
                ++state.currentImages[RegistryScanState::scanSourceName(image.scanSource)];
            else
                ++state.unavailableImages;
        }
    }

    // Forget images that are gone (not seen in this run).
    for (auto it = m_cache.begin(); it != m_cache.end();) {
        if (it->seenRun != run->serial)
            it = m_cache.erase(it);
        else
            ++it;
    }
    state.findingsFetchesTotal = m_fetchesTotal;
    state.findingsCacheHitsTotal = m_cacheHitsTotal;

    for (auto it = run->failures.cbegin(); it != run->failures.cend(); ++it) {
        qCWarning(lcModel).noquote() << it.value().second
                                     << (it.value().first > 1
                                             ? QStringLiteral("(and %1 more like it in this refresh; retried next refresh)")
                                                   .arg(it.value().first - 1)
                                             : QStringLiteral("(retried next refresh)"));
    }
    int current = 0;
    for (int n : state.currentImages)
        current += n;
    qCInfo(lcModel).noquote() << QStringLiteral("scan results: %1 images current, %2 waiting, %3 unavailable; "
                                                "%4 DescribeImageScanFindings calls")
                                     .arg(current)
                                     .arg(state.waitingImages)
                                     .arg(state.unavailableImages)
                                     .arg(run->callsUsed);

    Callback callback = std::move(run->callback);
    Repositories repositories = std::move(run->repositories);
    const RegistryScanState finalState = state;
    if (run->context)
        run->context->deleteLater();
    callback(std::move(repositories), finalState);
}

void ScanFindingsCollector::noteOptionalFailure(const AwsError &error, const QString &consequence)
{
    const QString cause = causeOf(error);
    const QString line = QStringLiteral("%1; %2").arg(error.toString(), consequence);
    if (m_warnedCauses.contains(cause)) {
        qCDebug(lcModel).noquote() << line;
        return;
    }
    m_warnedCauses.insert(cause);
    qCWarning(lcModel).noquote() << line << QStringLiteral("(logged once)");
}

void ScanFindingsCollector::noteSuccess(const QString &operation)
{
    const QString prefix = operation + QLatin1Char(' ');
    for (auto it = m_warnedCauses.begin(); it != m_warnedCauses.end();) {
        if (it->startsWith(prefix))
            it = m_warnedCauses.erase(it);
        else
            ++it;
    }
}
