#include "expositionwriter.h"

#include "logcategories.h"
#include "metrics/promtext.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

namespace {

// HELP texts of the original Python exporter's families are kept verbatim.
constexpr char HelpRepositoryCount[] = "Total count of all ECR repositories";
constexpr char HelpRepositoryInfo[] = "ECR repository information";
constexpr char HelpImageSize[] = "The size of an image in bytes";
constexpr char HelpImagePushedAt[] = "The unix timestamp that this image was pushed at";
constexpr char HelpScanSeverity[] = "ECR image scan summary results";
constexpr char HelpScanCompletedAt[] = "The unix timestamp when the scan was completed";
constexpr char HelpUp[] = "Whether the ECR exporter is running";
constexpr char HelpScanStatus[] = "Scan status of an ECR image: 1 for its current status (COMPLETE, ACTIVE, "
                                  "IN_PROGRESS, PENDING, FAILED, UNSUPPORTED_IMAGE, SCAN_ELIGIBILITY_EXPIRED, "
                                  "FINDINGS_UNAVAILABLE, ...)";
constexpr char HelpVulnerabilitySource[] = "The unix timestamp at which the vulnerability data the image's last scan "
                                           "used was updated";

struct Series {
    QByteArray labels; // escaped, label names in alphabetical order, without braces
    double value;
};

// One metric family; either a list of (few) series or a custom writer for the big ones.
struct Family {
    QByteArray name;
    const char *help;
    const char *type;
    std::vector<Series> series;
    std::function<void(QByteArray &)> writeSeries; // set for the per-tag families
    qsizetype sizeEstimate = 0;
};

double toSeconds(const QDateTime &t)
{
    // Milliseconds since the epoch do not depend on the process time zone.
    return double(t.toMSecsSinceEpoch()) / 1000.0;
}

// Label names must be passed in alphabetical order.
QByteArray labels(std::initializer_list<std::pair<const char *, QStringView>> pairs)
{
    QByteArray out;
    const char *previous = nullptr;
    for (const auto &[name, value] : pairs) {
        Q_ASSERT(!previous || std::strcmp(previous, name) < 0);
        previous = name;
        if (!out.isEmpty())
            out.append(',');
        PromText::appendLabel(out, name, value);
    }
    return out;
}

void appendHeader(QByteArray &out, QByteArrayView name, const char *help, const char *type)
{
    out.append("# HELP ", 7);
    out.append(name.data(), name.size());
    out.append(' ');
    PromText::appendHelp(out, help);
    out.append("\n# TYPE ", 8);
    out.append(name.data(), name.size());
    out.append(' ');
    out.append(type);
    out.append('\n');
}

void appendSample(QByteArray &out, QByteArrayView name, QByteArrayView labelText, double value)
{
    out.append(name.data(), name.size());
    if (!labelText.isEmpty()) {
        out.append('{');
        out.append(labelText.data(), labelText.size());
        out.append('}');
    }
    out.append(' ');
    PromText::appendValue(out, value);
    out.append('\n');
}

bool keyLess(QByteArrayView a, QByteArrayView b)
{
    const int c = std::memcmp(a.data(), b.data(), size_t(qMin(a.size(), b.size())));
    return c != 0 ? c < 0 : a.size() < b.size();
}

Family simple(const char *name, const char *help, const char *type, double value)
{
    Family f{name, help, type, {}, {}, 0};
    f.series.push_back({QByteArray(), value});
    return f;
}

void addProcessFamilies(std::vector<Family> &families, const ProcessMetrics::Sample &p)
{
    // Names and HELP texts of client_golang's process collector.
    auto add = [&](const char *name, const char *help, const char *type, const std::optional<double> &v) {
        if (v)
            families.push_back(simple(name, help, type, *v));
    };
    add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
        p.cpuSecondsTotal);
    add("process_max_fds", "Maximum number of open file descriptors.", "gauge", p.maxFds);
    add("process_open_fds", "Number of open file descriptors.", "gauge", p.openFds);
    add("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", p.residentMemoryBytes);
    add("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge",
        p.startTimeSeconds);
    add("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", p.virtualMemoryBytes);
}

void addExporterFamilies(std::vector<Family> &families, const ExpositionInput &in)
{
    const RefreshStats &s = in.stats;

    Family api{"aws_ecr_exporter_api_requests_total",
               "Number of AWS API requests made by the exporter, by operation and outcome "
               "(\"success\" or the error code).",
               "counter", {}, {}, 0};
    for (auto it = s.apiRequests.cbegin(); it != s.apiRequests.cend(); ++it)
        api.series.push_back({labels({{"operation", it.key().first}, {"outcome", it.key().second}}),
                              double(it.value())});
    if (!api.series.empty())
        families.push_back(std::move(api));

    Family build{"aws_ecr_exporter_build_info",
                 "A metric with a constant '1' value labeled by the exporter's version, git revision "
                 "and the Qt version it runs on.",
                 "gauge", {}, {}, 0};
    build.series.push_back({labels({{"qt_version", in.build.qtVersion},
                                    {"revision", in.build.revision},
                                    {"version", in.build.version}}),
                            1});
    families.push_back(std::move(build));

    families.push_back(simple("aws_ecr_exporter_data_complete",
                              "1 if the last refresh listed the images of every repository, 0 if some "
                              "failed (their images are from an earlier refresh) or none has finished yet.",
                              "gauge", s.complete ? 1 : 0));
    families.push_back(simple("aws_ecr_exporter_failed_repositories",
                              "Number of repositories whose images could not be listed in the last refresh.",
                              "gauge", s.failedRepositories));
    if (s.lastRefreshStart.isValid()) {
        families.push_back(simple("aws_ecr_exporter_last_refresh_timestamp_seconds",
                                  "Unix time at which the last refresh (successful or not) started.",
                                  "gauge", toSeconds(s.lastRefreshStart)));
        families.push_back(simple("aws_ecr_exporter_last_refresh_duration_seconds",
                                  "How long the last refresh (successful or not) took, in seconds.",
                                  "gauge", s.lastRefreshDurationSeconds));
    }
    if (s.lastSuccessStart.isValid()) {
        families.push_back(simple("aws_ecr_exporter_last_successful_refresh_timestamp_seconds",
                                  "Unix time at which the last refresh that produced registry data started.",
                                  "gauge", toSeconds(s.lastSuccessStart)));
        families.push_back(simple("aws_ecr_exporter_last_successful_refresh_duration_seconds",
                                  "How long the last refresh that produced registry data took, in seconds.",
                                  "gauge", s.lastSuccessDurationSeconds));
    }
    families.push_back(simple("aws_ecr_exporter_refreshes_total",
                              "Number of registry refreshes the exporter has run, successful or not.",
                              "counter", double(s.refreshesTotal)));
    families.push_back(simple("aws_ecr_exporter_refresh_failures_total",
                              "Number of registry refreshes that failed to produce registry data.",
                              "counter", double(s.refreshFailuresTotal)));
    families.push_back(simple("aws_ecr_repository_exporter_up", HelpUp, "gauge", 1));
}

void addScanFamilies(std::vector<Family> &families, const RegistrySnapshot &snap)
{
    const RegistryScanState &scan = snap.scan;
    if (!scan.collected)
        return;
    if (scan.configurationKnown && !scan.configuration.scanType.isEmpty()) {
        Family info{"aws_ecr_registry_scanning_info",
                    "The registry's scanning configuration: 1, labelled with its scan type (BASIC or ENHANCED).",
                    "gauge", {}, {}, 0};
        const QString &registryId = scan.configuration.registryId.isEmpty() ? snap.registryId
                                                                            : scan.configuration.registryId;
        info.series.push_back({labels({{"registry_id", registryId}, {"scan_type", scan.configuration.scanType}}), 1});
        families.push_back(std::move(info));
    }

    Family current{"aws_ecr_exporter_scan_images_current",
                   "Images with scan results whose severity counts are up to date, by the source that gave them "
                   "(summary: DescribeImages, findings: DescribeImageScanFindings, inspector: Amazon Inspector).",
                   "gauge", {}, {}, 0};
    for (const char *source : {"summary", "findings", "inspector"}) {
        const QString name = QLatin1String(source);
        current.series.push_back({labels({{"source", name}}), double(scan.currentImages.value(name))});
    }
    families.push_back(std::move(current));
    families.push_back(simple("aws_ecr_exporter_scan_images_waiting",
                              "Images with scan results still waiting for a DescribeImageScanFindings call (call "
                              "budget spent or the call failed); they show older or Inspector counts meanwhile.",
                              "gauge", scan.waitingImages));
    families.push_back(simple("aws_ecr_exporter_scan_images_unavailable",
                              "Images with scan results whose counts no permitted source gives (findings calls off "
                              "or denied and no Inspector counts).",
                              "gauge", scan.unavailableImages));
    families.push_back(simple("aws_ecr_exporter_scan_findings_fetches_total",
                              "Images whose scan findings were read with DescribeImageScanFindings.", "counter",
                              double(scan.findingsFetchesTotal)));
    families.push_back(simple("aws_ecr_exporter_scan_findings_cache_hits_total",
                              "Images whose DescribeImageScanFindings call was skipped because their cached "
                              "findings still hold.",
                              "counter", double(scan.findingsCacheHitsTotal)));
}

void addRepositoryFamilies(std::vector<Family> &families, const RegistrySnapshot &snap)
{
    Family count{"aws_ecr_repository_count", HelpRepositoryCount, "gauge", {}, {}, 0};
    count.series.push_back({labels({{"registry_id", snap.registryId}}), double(snap.repositories.size())});
    families.push_back(std::move(count));

    Family info{"aws_ecr_repository_info", HelpRepositoryInfo, "gauge", {}, {}, 0};
    info.series.reserve(size_t(snap.repositories.size()));
    for (const RegistrySnapshot::RepositoryState &st : snap.repositories) {
        const EcrRepository &r = st.repository;
        const QString &registryId = r.registryId.isEmpty() ? snap.registryId : r.registryId;
        info.series.push_back({labels({{"encryption_type", r.encryptionType},
                                       {"name", r.repositoryName},
                                       {"registry_id", registryId},
                                       {"repository_uri", r.repositoryUri},
                                       {"scan_on_push", r.scanOnPush ? u"true" : u"false"},
                                       {"tag_mutability", r.imageTagMutability}}),
                               1});
    }
    if (!info.series.empty())
        families.push_back(std::move(info));
}

// The per-tag families share one label set (digest, image, name, registry_id, tag; the
// severity and status families add severity / status before tag). Each tag's label text is built once into an
// arena, the tags are sorted once, and every family is written from that order with raw
// memcpy into a buffer reserved up front: no per-line allocation.
//
// Sorting by the full `digest=..,image=..,name=..,registry_id=..,tag=..` text also orders the
// severity (and status) series correctly: the escaped prefix up to registry_id's closing
// quote can never be a proper prefix of another tag's (an unescaped '"' only ends a value), so
// two tags' series are already ordered within that prefix, wherever `severity=` is inserted.
class ImageFamilies
{
public:
    explicit ImageFamilies(const RegistrySnapshot &snap) { build(snap); }

    void addTo(std::vector<Family> &families) const
    {
        addSimple(families, "aws_ecr_image_pushed_at_timestamp_seconds", HelpImagePushedAt, &ImageData::pushed);
        addSimple(families, "aws_ecr_image_scan_completed_at_timestamp_seconds", HelpScanCompletedAt,
                  &ImageData::scanCompleted);
        addSimple(families, "aws_ecr_image_size_in_bytes", HelpImageSize, &ImageData::size);
        addSimple(families, "aws_ecr_image_scan_vulnerability_source_updated_timestamp_seconds",
                  HelpVulnerabilitySource, &ImageData::vulnerabilitySource);

        Family f{"aws_ecr_image_scan_severity_count", HelpScanSeverity, "gauge", {}, {}, 0};
        for (const Row &row : rows) {
            const ImageData &img = images[row.image];
            for (quint32 k = img.severityBegin; k < img.severityBegin + img.severityCount; ++k)
                f.sizeEstimate += lineBound(f.name, row.fullLen + severityLabels[severities[k].label].size());
        }
        if (f.sizeEstimate > 0) {
            f.writeSeries = [this, name = f.name, bound = f.sizeEstimate](QByteArray &out) {
                writeSeverities(out, name, bound);
            };
            families.push_back(std::move(f));
        }

        Family st{"aws_ecr_image_scan_status", HelpScanStatus, "gauge", {}, {}, 0};
        for (const Row &row : rows) {
            const ImageData &img = images[row.image];
            if (img.status >= 0)
                st.sizeEstimate += lineBound(st.name, row.fullLen + statusLabels[img.status].size());
        }
        if (st.sizeEstimate > 0) {
            st.writeSeries = [this, name = st.name, bound = st.sizeEstimate](QByteArray &out) {
                writeStatuses(out, name, bound);
            };
            families.push_back(std::move(st));
        }
    }

private:
    struct ImageData {
        std::optional<double> size, pushed, scanCompleted, vulnerabilitySource;
        quint32 severityBegin = 0, severityCount = 0; // into `severities`, sorted by label text
        int status = -1;                              // into statusLabels; -1: no scan status
    };
    struct Severity {
        int label; // into severityLabels
        int count;
    };
    struct Row {
        qsizetype offset; // into arena
        int prefixLen;    // digest, image, name, registry_id
        int fullLen;      // ... plus ,tag="..."
        int image;        // into images
    };

    static qsizetype lineBound(const QByteArray &name, qsizetype labelLen)
    {
        return name.size() + 1 + labelLen + 2 + PromText::MaxValueLength + 1; // name{labels} value\n
    }

    QByteArrayView key(const Row &r) const { return QByteArrayView(arena.constData() + r.offset, r.fullLen); }

    // `,status="..."` texts, one per distinct status.
    int statusLabel(const QString &status)
    {
        auto it = statusIndex.constFind(status);
        if (it != statusIndex.cend())
            return *it;
        QByteArray s(",status=\"");
        PromText::appendLabelValue(s, status);
        s.append('"');
        statusLabels.push_back(s);
        return *statusIndex.insert(status, int(statusLabels.size() - 1));
    }

    int severityLabel(const QString &severity)
    {
        auto it = severityIndex.constFind(severity);
        if (it != severityIndex.cend())
            return *it;
        QByteArray s(",severity=\"");
        PromText::appendLabelValue(s, severity);
        s.append('"');
        severityLabels.push_back(s);
        return *severityIndex.insert(severity, int(severityLabels.size() - 1));
    }

    void build(const RegistrySnapshot &snap)
    {
        qsizetype tags = 0, imageCount = 0;
        for (const auto &st : snap.repositories) {
            imageCount += st.images.size();
            for (const EcrImage &img : st.images)
                tags += img.imageTags.size();
        }
        rows.reserve(size_t(tags));
        images.reserve(size_t(imageCount));
        arena.reserve(tags * 224);

        QByteArray uri, name, registry;
        for (const RegistrySnapshot::RepositoryState &st : snap.repositories) {
            const EcrRepository &r = st.repository;
            uri.clear();
            name.clear();
            registry.clear();
            PromText::appendLabelValue(uri, r.repositoryUri);
            PromText::appendLabelValue(name, r.repositoryName);
            PromText::appendLabelValue(registry, r.registryId.isEmpty() ? snap.registryId : r.registryId);
            for (const EcrImage &img : st.images) {
                if (img.imageTags.isEmpty())
                    continue;
                addImage(img);
                for (const QString &tag : img.imageTags) {
                    if (tag.isEmpty())
                        continue;
                    Row row{arena.size(), 0, 0, int(images.size() - 1)};
                    arena.append("digest=\"", 8);
                    PromText::appendLabelValue(arena, img.imageDigest);
                    arena.append("\",image=\"", 9);
                    arena.append(uri);
                    arena.append(':');
                    PromText::appendLabelValue(arena, tag);
                    arena.append("\",name=\"", 8);
                    arena.append(name);
                    arena.append("\",registry_id=\"", 15);
                    arena.append(registry);
                    arena.append('"');
                    row.prefixLen = int(arena.size() - row.offset);
                    arena.append(",tag=\"", 6);
                    PromText::appendLabelValue(arena, tag);
                    arena.append('"');
                    row.fullLen = int(arena.size() - row.offset);
                    rows.push_back(row);
                }
            }
        }

        std::sort(rows.begin(), rows.end(), [this](const Row &a, const Row &b) { return keyLess(key(a), key(b)); });
        // A tag listed twice for one repository would make duplicate series; keep the first.
        const auto last = std::unique(rows.begin(), rows.end(),
                                      [this](const Row &a, const Row &b) { return key(a) == key(b); });
        if (last != rows.end()) {
            qCWarning(lcMetrics) << "Dropped" << (rows.end() - last)
                                 << "duplicate image tags from the exposition (the snapshot lists a tag twice)";
            rows.erase(last, rows.end());
        }
    }

    void addImage(const EcrImage &img)
    {
        ImageData d;
        if (img.imageSizeInBytes >= 0)
            d.size = double(img.imageSizeInBytes);
        if (img.imagePushedAt.isValid())
            d.pushed = toSeconds(img.imagePushedAt);
        if (img.scanCompletedAt.isValid())
            d.scanCompleted = toSeconds(img.scanCompletedAt);
        if (img.vulnerabilitySourceUpdatedAt.isValid())
            d.vulnerabilitySource = toSeconds(img.vulnerabilitySourceUpdatedAt);
        if (!img.scanStatus.isEmpty())
            d.status = statusLabel(img.scanStatus);
        d.severityBegin = quint32(severities.size());
        for (auto it = img.severityCounts.cbegin(); it != img.severityCounts.cend(); ++it)
            severities.push_back({severityLabel(it.key()), it.value()});
        d.severityCount = quint32(severities.size()) - d.severityBegin;
        // Series of one tag differ only in severity="...": order by that escaped text.
        std::sort(severities.begin() + d.severityBegin, severities.end(), [this](const Severity &a, const Severity &b) {
            return keyLess(severityLabels[a.label], severityLabels[b.label]);
        });
        images.push_back(d);
    }

    void addSimple(std::vector<Family> &families, const char *name, const char *help,
                   std::optional<double> ImageData::*value) const
    {
        Family f{name, help, "gauge", {}, {}, 0};
        for (const Row &row : rows)
            if (images[row.image].*value)
                f.sizeEstimate += lineBound(f.name, row.fullLen);
        if (f.sizeEstimate == 0)
            return;
        f.writeSeries = [this, name = f.name, bound = f.sizeEstimate, value](QByteArray &out) {
            char *p = PromText::beginAppend(out, bound);
            for (const Row &row : rows) {
                const std::optional<double> &v = images[row.image].*value;
                if (!v)
                    continue;
                p = put(p, name.constData(), name.size());
                *p++ = '{';
                p = put(p, arena.constData() + row.offset, row.fullLen);
                *p++ = '}';
                *p++ = ' ';
                p = PromText::writeValue(p, *v);
                *p++ = '\n';
            }
            PromText::endAppend(out, p);
        };
        families.push_back(std::move(f));
    }

    void writeSeverities(QByteArray &out, const QByteArray &name, qsizetype bound) const
    {
        char *p = PromText::beginAppend(out, bound);
        for (const Row &row : rows) {
            const ImageData &img = images[row.image];
            const char *base = arena.constData() + row.offset;
            for (quint32 k = img.severityBegin; k < img.severityBegin + img.severityCount; ++k) {
                const QByteArray &label = severityLabels[severities[k].label];
                p = put(p, name.constData(), name.size());
                *p++ = '{';
                p = put(p, base, row.prefixLen);
                p = put(p, label.constData(), label.size());
                p = put(p, base + row.prefixLen, row.fullLen - row.prefixLen); // ,tag="..."
                *p++ = '}';
                *p++ = ' ';
                p = PromText::writeValue(p, severities[k].count);
                *p++ = '\n';
            }
        }
        PromText::endAppend(out, p);
    }

    void writeStatuses(QByteArray &out, const QByteArray &name, qsizetype bound) const
    {
        char *p = PromText::beginAppend(out, bound);
        for (const Row &row : rows) {
            const ImageData &img = images[row.image];
            if (img.status < 0)
                continue;
            const char *base = arena.constData() + row.offset;
            const QByteArray &label = statusLabels[img.status];
            p = put(p, name.constData(), name.size());
            *p++ = '{';
            p = put(p, base, row.prefixLen);
            p = put(p, label.constData(), label.size());
            p = put(p, base + row.prefixLen, row.fullLen - row.prefixLen); // ,tag="..."
            *p++ = '}';
            *p++ = ' ';
            *p++ = '1';
            *p++ = '\n';
        }
        PromText::endAppend(out, p);
    }

    static char *put(char *p, const char *s, qsizetype n)
    {
        std::memcpy(p, s, size_t(n));
        return p + n;
    }

    QByteArray arena;
    std::vector<Row> rows;
    std::vector<ImageData> images;
    std::vector<Severity> severities;
    std::vector<QByteArray> severityLabels;
    QHash<QString, int> severityIndex;
    std::vector<QByteArray> statusLabels;
    QHash<QString, int> statusIndex;
};

void writeFamilies(QByteArray &out, std::vector<Family> &families)
{
    std::sort(families.begin(), families.end(), [](const Family &a, const Family &b) { return a.name < b.name; });
    // Exact upper bound for the big families, generous for the rest: one allocation.
    qsizetype estimate = out.size() + 1024;
    for (const Family &f : families) {
        estimate += 1024 + f.sizeEstimate;
        for (const Series &s : f.series)
            estimate += f.name.size() + s.labels.size() + 32;
    }
    if (estimate > out.capacity())
        out.reserve(estimate);

    for (Family &f : families) {
        appendHeader(out, f.name, f.help, f.type);
        if (f.writeSeries) {
            f.writeSeries(out);
            continue;
        }
        std::sort(f.series.begin(), f.series.end(),
                  [](const Series &a, const Series &b) { return keyLess(a.labels, b.labels); });
        for (size_t i = 0; i < f.series.size(); ++i) {
            if (i > 0 && f.series[i].labels == f.series[i - 1].labels)
                continue; // duplicate series would make the whole exposition invalid
            appendSample(out, f.name, f.series[i].labels, f.series[i].value);
        }
    }
}

} // namespace

QByteArray ExpositionWriter::render(const ExpositionInput &input)
{
    std::vector<Family> families;
    addExporterFamilies(families, input);
    std::optional<ImageFamilies> images;
    if (input.snapshot) {
        addRepositoryFamilies(families, *input.snapshot);
        addScanFamilies(families, *input.snapshot);
        images.emplace(*input.snapshot);
        images->addTo(families);
    }
    addProcessFamilies(families, input.process);

    QByteArray out;
    writeFamilies(out, families);
    return out;
}

void ExpositionWriter::appendProcessMetrics(QByteArray &out, const ProcessMetrics::Sample &sample)
{
    std::vector<Family> families;
    addProcessFamilies(families, sample);
    writeFamilies(out, families);
}
