#include "ecrjsonparser.h"

#include "jsonreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>
#include <limits>

namespace {

using Reader = JsonReader;

bool parseTopLevel(const QByteArray &body, Reader &reader, QJsonObject *out)
{
    return reader.parseObject(body, out);
}

// `path` + "." + `key`, or nothing on a pass without paths (see readEach).
QString subPath(const QString &path, const char *key)
{
    return path.isEmpty() ? QString() : Reader::join(path, key);
}

EcrRepository parseRepository(Reader &r, const QJsonObject &o, const QString &path)
{
    EcrRepository repo;
    repo.repositoryArn = r.string(o, "repositoryArn", path);
    repo.registryId = r.string(o, "registryId", path);
    repo.repositoryName = r.string(o, "repositoryName", path);
    repo.repositoryUri = r.string(o, "repositoryUri", path);
    repo.createdAt = r.timestamp(o, "createdAt", path);
    repo.imageTagMutability = r.string(o, "imageTagMutability", path);

    const QJsonArray filters = r.array(o, "imageTagMutabilityExclusionFilters", path);
    for (qsizetype i = 0; i < filters.size() && r.ok(); ++i) {
        const QString fpath = path.isEmpty() ? QString()
            : QStringLiteral("%1[%2]").arg(Reader::join(path, "imageTagMutabilityExclusionFilters")).arg(i);
        const QJsonValue v = filters.at(i);
        if (!v.isObject()) {
            r.wrongType(fpath, v, "an object");
            break;
        }
        const QJsonObject f = v.toObject();
        const QString type = r.string(f, "filterType", fpath);
        const QString filter = r.string(f, "filter", fpath);
        repo.tagMutabilityExclusionFilters.append(type + QLatin1Char(':') + filter);
    }

    const QJsonObject scanning = r.object(o, "imageScanningConfiguration", path);
    repo.scanOnPush = r.boolean(scanning, "scanOnPush", subPath(path, "imageScanningConfiguration"));
    const QJsonObject encryption = r.object(o, "encryptionConfiguration", path);
    const QString epath = subPath(path, "encryptionConfiguration");
    repo.encryptionType = r.string(encryption, "encryptionType", epath);
    repo.kmsKey = r.string(encryption, "kmsKey", epath);

    if (r.ok() && repo.repositoryName.isEmpty())
        r.fail(QStringLiteral("%1 has no repositoryName").arg(path));
    return repo;
}

EcrImage parseImage(Reader &r, const QJsonObject &o, const QString &path)
{
    EcrImage image;
    image.registryId = r.string(o, "registryId", path);
    image.repositoryName = r.string(o, "repositoryName", path);
    image.imageDigest = r.string(o, "imageDigest", path);
    image.imageTags = r.strings(o, "imageTags", path);
    image.imageSizeInBytes = r.count(o, QStringLiteral("imageSizeInBytes"), path, -1);
    image.imagePushedAt = r.timestamp(o, "imagePushedAt", path);

    const QJsonObject status = r.object(o, "imageScanStatus", path);
    const QString spath = subPath(path, "imageScanStatus");
    image.scanStatus = r.string(status, "status", spath);
    image.scanStatusDescription = r.string(status, "description", spath);

    const QJsonObject summary = r.object(o, "imageScanFindingsSummary", path, &image.hasScanSummary);
    const QString fpath = subPath(path, "imageScanFindingsSummary");
    image.scanCompletedAt = r.timestamp(summary, "imageScanCompletedAt", fpath);
    image.vulnerabilitySourceUpdatedAt = r.timestamp(summary, "vulnerabilitySourceUpdatedAt", fpath);
    const QJsonObject counts = r.object(summary, "findingSeverityCounts", fpath);
    image.severityCounts = r.counts(counts, subPath(fpath, "findingSeverityCounts"));

    image.imageManifestMediaType = r.string(o, "imageManifestMediaType", path);
    image.artifactMediaType = r.string(o, "artifactMediaType", path);
    image.lastRecordedPullTime = r.timestamp(o, "lastRecordedPullTime", path);
    image.subjectManifestDigest = r.string(o, "subjectManifestDigest", path);
    image.imageStatus = r.string(o, "imageStatus", path);
    image.lastArchivedAt = r.timestamp(o, "lastArchivedAt", path);
    image.lastActivatedAt = r.timestamp(o, "lastActivatedAt", path);

    if (r.ok() && image.imageDigest.isEmpty())
        r.fail(QStringLiteral("%1 has no imageDigest").arg(path));
    return image;
}

// Reads every object of `list` (the member `name` of the top level) with `parseItem`.
// Paths only serve error messages, and building three or four strings per item cost more
// than reading it (for 1,000 repositories, time before the first DescribeImages can go
// out). So each item is read without paths, and only an item where that finds a problem is
// read again, with its path, to say where. Stops at the first problem, which `r` then holds.
template<typename Item>
QVector<Item> readEach(Reader &r, const QJsonArray &list, const char *name,
                       Item (*parseItem)(Reader &, const QJsonObject &, const QString &))
{
    QVector<Item> items;
    items.reserve(list.size());
    Reader quick(QString{});
    for (qsizetype i = 0; i < list.size() && r.ok(); ++i) {
        const QJsonValue v = list.at(i);
        if (!v.isObject()) {
            r.wrongType(QStringLiteral("%1[%2]").arg(QLatin1String(name)).arg(i), v, "an object");
            break;
        }
        const QJsonObject o = v.toObject();
        Item item = parseItem(quick, o, QString());
        if (!quick.ok()) {
            parseItem(r, o, QStringLiteral("%1[%2]").arg(QLatin1String(name)).arg(i));
            if (r.ok()) // cannot happen: the same reads, only the paths differ
                r.fail(QStringLiteral("%1[%2] could not be read").arg(QLatin1String(name)).arg(i));
            break;
        }
        items.append(std::move(item));
    }
    return items;
}

QString nextToken(Reader &r, const QJsonObject &top)
{
    return r.string(top, "nextToken", QString());
}

} // namespace

bool EcrJsonParser::timestampFromSeconds(double seconds, QDateTime *out)
{
    // Year 9999 either way: beyond that QDateTime and every consumer give up.
    constexpr double kLimit = 253402300799.0;
    if (!std::isfinite(seconds) || std::fabs(seconds) > kLimit)
        return false;
    const qint64 ms = std::llround(seconds * 1000.0);
    *out = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return out->isValid();
}

bool EcrJsonParser::timestampFromJson(const QJsonValue &value, QDateTime *out)
{
    if (value.isDouble())
        return timestampFromSeconds(value.toDouble(), out);
    if (value.isString()) {
        const QString s = value.toString().trimmed();
        bool ok = false;
        const double seconds = s.toDouble(&ok);
        if (ok)
            return timestampFromSeconds(seconds, out);
        QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!t.isValid() || t.timeSpec() == Qt::LocalTime) // no zone given: ambiguous
            return false;
        *out = t.toUTC();
        return true;
    }
    return false;
}

AwsError EcrJsonParser::parseDescribeRegistry(const QByteArray &body, QString *registryId)
{
    Reader r(QStringLiteral("DescribeRegistry"));
    QJsonObject top;
    if (!parseTopLevel(body, r, &top))
        return r.error();
    const QString id = r.string(top, "registryId", QString());
    r.object(top, "replicationConfiguration", QString()); // type-checked, otherwise unused
    if (r.ok() && id.isEmpty())
        r.fail(QStringLiteral("registryId is missing"));
    if (!r.ok())
        return r.error();
    *registryId = id;
    return {};
}

AwsError EcrJsonParser::parseDescribeRepositories(const QByteArray &body, RepositoriesPage *page)
{
    Reader r(QStringLiteral("DescribeRepositories"));
    QJsonObject top;
    if (!parseTopLevel(body, r, &top))
        return r.error();
    RepositoriesPage result;
    result.repositories = readEach(r, r.array(top, "repositories", QString()), "repositories", &parseRepository);
    result.nextToken = nextToken(r, top);
    if (!r.ok())
        return r.error();
    *page = std::move(result);
    return {};
}

AwsError EcrJsonParser::parseDescribeImages(const QByteArray &body, ImagesPage *page)
{
    Reader r(QStringLiteral("DescribeImages"));
    QJsonObject top;
    if (!parseTopLevel(body, r, &top))
        return r.error();
    ImagesPage result;
    result.images = readEach(r, r.array(top, "imageDetails", QString()), "imageDetails", &parseImage);
    result.nextToken = nextToken(r, top);
    if (!r.ok())
        return r.error();
    *page = std::move(result);
    return {};
}

AwsError EcrJsonParser::parseGetRegistryScanningConfiguration(const QByteArray &body,
                                                              EcrScanningConfiguration *configuration)
{
    Reader r(QStringLiteral("GetRegistryScanningConfiguration"));
    QJsonObject top;
    if (!parseTopLevel(body, r, &top))
        return r.error();
    EcrScanningConfiguration result;
    result.registryId = r.string(top, "registryId", QString());
    const QJsonObject config = r.object(top, "scanningConfiguration", QString());
    const QString cpath = QStringLiteral("scanningConfiguration");
    result.scanType = r.string(config, "scanType", cpath);
    const QJsonArray rules = r.array(config, "rules", cpath);
    for (qsizetype i = 0; i < rules.size() && r.ok(); ++i) {
        const QString rpath = QStringLiteral("scanningConfiguration.rules[%1]").arg(i);
        if (!rules.at(i).isObject()) {
            r.wrongType(rpath, rules.at(i), "an object");
            break;
        }
        const QJsonObject o = rules.at(i).toObject();
        EcrScanningConfiguration::Rule rule;
        rule.scanFrequency = r.string(o, "scanFrequency", rpath);
        const QJsonArray filters = r.array(o, "repositoryFilters", rpath);
        for (qsizetype k = 0; k < filters.size() && r.ok(); ++k) {
            const QString fpath = QStringLiteral("%1.repositoryFilters[%2]").arg(rpath).arg(k);
            if (!filters.at(k).isObject()) {
                r.wrongType(fpath, filters.at(k), "an object");
                break;
            }
            const QJsonObject f = filters.at(k).toObject();
            const QString type = r.string(f, "filterType", fpath);
            const QString filter = r.string(f, "filter", fpath);
            rule.repositoryFilters.append(type + QLatin1Char(':') + filter);
        }
        result.rules.append(rule);
    }
    if (!r.ok())
        return r.error();
    *configuration = std::move(result);
    return {};
}

AwsError EcrJsonParser::parseDescribeImageScanFindings(const QByteArray &body, ImageScanFindingsPage *page)
{
    Reader r(QStringLiteral("DescribeImageScanFindings"));
    QJsonObject top;
    if (!parseTopLevel(body, r, &top))
        return r.error();
    ImageScanFindingsPage result;
    const QJsonObject status = r.object(top, "imageScanStatus", QString());
    result.scanStatus = r.string(status, "status", QStringLiteral("imageScanStatus"));
    result.scanStatusDescription = r.string(status, "description", QStringLiteral("imageScanStatus"));

    const QString fpath = QStringLiteral("imageScanFindings");
    const QJsonObject findings = r.object(top, "imageScanFindings", QString());
    result.imageScanCompletedAt = r.timestamp(findings, "imageScanCompletedAt", fpath);
    result.vulnerabilitySourceUpdatedAt = r.timestamp(findings, "vulnerabilitySourceUpdatedAt", fpath);
    const QJsonObject counts = r.object(findings, "findingSeverityCounts", fpath, &result.hasSeverityCounts);
    result.severityCounts = r.counts(counts, Reader::join(fpath, "findingSeverityCounts"));

    // Basic findings carry ECR's FindingSeverity, enhanced ones Inspector's severity string;
    // only the severity of each is needed.
    for (const char *list : {"findings", "enhancedFindings"}) {
        const QJsonArray items = r.array(findings, list, fpath);
        for (qsizetype i = 0; i < items.size() && r.ok(); ++i) {
            const QString ipath = QStringLiteral("%1.%2[%3]").arg(fpath, QLatin1String(list)).arg(i);
            if (!items.at(i).isObject()) {
                r.wrongType(ipath, items.at(i), "an object");
                break;
            }
            QString severity = r.string(items.at(i).toObject(), "severity", ipath);
            if (severity.isEmpty())
                severity = QStringLiteral("UNDEFINED");
            ++result.countedSeverities[severity];
            ++result.findingCount;
        }
    }
    result.nextToken = nextToken(r, top);
    if (!r.ok())
        return r.error();
    *page = std::move(result);
    return {};
}
