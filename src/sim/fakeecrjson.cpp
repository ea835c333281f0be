#include "fakeecrjson.h"

namespace {

// Appends `"name":` (with a leading comma unless it is the first member).
void key(QByteArray &out, const char *name)
{
    if (!out.endsWith('{'))
        out += ',';
    out += '"';
    out += name;
    out += "\":";
}

void member(QByteArray &out, const char *name, const QString &value)
{
    key(out, name);
    FakeEcrJson::appendString(out, value);
}

void optionalMember(QByteArray &out, const char *name, const QString &value)
{
    if (!value.isEmpty())
        member(out, name, value);
}

void optionalTime(QByteArray &out, const char *name, const QDateTime &time, FakeEcrJson::TimeStyle style)
{
    if (time.isValid()) {
        key(out, name);
        out += FakeEcrJson::timestamp(time, style);
    }
}

} // namespace

QByteArray FakeEcrJson::timestamp(const QDateTime &time, TimeStyle style)
{
    const qint64 ms = time.toMSecsSinceEpoch();
    // Floor division so that pre-1970 instants still get a fraction in [0, 1).
    qint64 seconds = ms / 1000;
    qint64 millis = ms % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    QByteArray fraction = QByteArray::number(millis).rightJustified(3, '0');
    while (fraction.endsWith('0'))
        fraction.chop(1);

    if (style == TimeStyle::Plain || seconds <= 0)
        return QByteArray::number(seconds) + '.' + (fraction.isEmpty() ? QByteArray("0") : fraction);

    // Java's Double.toString for values >= 1e7: d.dddE<n>, trailing zeros dropped.
    const QByteArray integer = QByteArray::number(seconds);
    QByteArray mantissa = integer.mid(1) + fraction;
    while (mantissa.endsWith('0'))
        mantissa.chop(1);
    if (mantissa.isEmpty())
        mantissa = "0";
    return integer.left(1) + '.' + mantissa + 'E' + QByteArray::number(integer.size() - 1);
}

QByteArray FakeEcrJson::string(const QString &text)
{
    QByteArray out;
    out.reserve(text.size() + 2);
    appendString(out, text);
    return out;
}

void FakeEcrJson::appendString(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    out += '"';
    bool plain = true;
    for (const char *c = utf8.constData(), *end = c + utf8.size(); c != end && plain; ++c)
        plain = *c != '"' && *c != '\\' && static_cast<unsigned char>(*c) >= 0x20;
    if (plain) {
        out += utf8;   // the common case: names, tags, digests, ARNs
        out += '"';
        return;
    }
    for (const char c : utf8) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0');
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

QByteArray FakeEcrJson::repository(const EcrRepository &r, TimeStyle style)
{
    QByteArray out;
    out.reserve(512);
    appendRepository(out, r, style);
    return out;
}

void FakeEcrJson::appendRepository(QByteArray &out, const EcrRepository &r, TimeStyle style)
{
    out += '{';
    member(out, "repositoryArn", r.repositoryArn);
    member(out, "registryId", r.registryId);
    member(out, "repositoryName", r.repositoryName);
    member(out, "repositoryUri", r.repositoryUri);
    optionalTime(out, "createdAt", r.createdAt, style);
    optionalMember(out, "imageTagMutability", r.imageTagMutability);
    if (!r.tagMutabilityExclusionFilters.isEmpty()) {
        key(out, "imageTagMutabilityExclusionFilters");
        out += '[';
        for (int i = 0; i < r.tagMutabilityExclusionFilters.size(); ++i) {
            // Ground truth keeps them as "<filterType>:<filter>".
            const QString &f = r.tagMutabilityExclusionFilters.at(i);
            const int colon = f.indexOf(QLatin1Char(':'));
            if (i > 0)
                out += ',';
            out += '{';
            member(out, "filterType", f.left(colon));
            member(out, "filter", f.mid(colon + 1));
            out += '}';
        }
        out += ']';
    }
    key(out, "imageScanningConfiguration");
    out += r.scanOnPush ? "{\"scanOnPush\":true}" : "{\"scanOnPush\":false}";
    if (!r.encryptionType.isEmpty()) {
        key(out, "encryptionConfiguration");
        out += '{';
        member(out, "encryptionType", r.encryptionType);
        optionalMember(out, "kmsKey", r.kmsKey);
        out += '}';
    }
    out += '}';
}

QByteArray FakeEcrJson::image(const EcrImage &i, TimeStyle style, bool emptySeverityObject)
{
    QByteArray out;
    out.reserve(1024);
    appendImage(out, i, style, emptySeverityObject);
    return out;
}

void FakeEcrJson::appendImage(QByteArray &out, const EcrImage &i, TimeStyle style, bool emptySeverityObject)
{
    out += '{';
    member(out, "registryId", i.registryId);
    member(out, "repositoryName", i.repositoryName);
    member(out, "imageDigest", i.imageDigest);
    if (!i.imageTags.isEmpty()) {
        key(out, "imageTags");
        out += '[';
        for (int t = 0; t < i.imageTags.size(); ++t) {
            if (t > 0)
                out += ',';
            appendString(out, i.imageTags.at(t));
        }
        out += ']';
    }
    if (i.imageSizeInBytes >= 0) {
        key(out, "imageSizeInBytes");
        out += QByteArray::number(i.imageSizeInBytes);
    }
    optionalTime(out, "imagePushedAt", i.imagePushedAt, style);
    if (!i.scanStatus.isEmpty()) {
        key(out, "imageScanStatus");
        out += '{';
        member(out, "status", i.scanStatus);
        optionalMember(out, "description", i.scanStatusDescription);
        out += '}';
    }
    if (i.hasScanSummary) {
        key(out, "imageScanFindingsSummary");
        out += '{';
        optionalTime(out, "imageScanCompletedAt", i.scanCompletedAt, style);
        optionalTime(out, "vulnerabilitySourceUpdatedAt", i.vulnerabilitySourceUpdatedAt, style);
        if (!i.severityCounts.isEmpty() || emptySeverityObject) {
            key(out, "findingSeverityCounts");
            out += '{';
            for (auto it = i.severityCounts.cbegin(); it != i.severityCounts.cend(); ++it) {
                key(out, it.key().toLatin1().constData());
                out += QByteArray::number(it.value());
            }
            out += '}';
        }
        out += '}';
    }
    optionalMember(out, "imageManifestMediaType", i.imageManifestMediaType);
    optionalMember(out, "artifactMediaType", i.artifactMediaType);
    optionalTime(out, "lastRecordedPullTime", i.lastRecordedPullTime, style);
    optionalMember(out, "subjectManifestDigest", i.subjectManifestDigest);
    optionalMember(out, "imageStatus", i.imageStatus);
    optionalTime(out, "lastArchivedAt", i.lastArchivedAt, style);
    optionalTime(out, "lastActivatedAt", i.lastActivatedAt, style);
    out += '}';
}

QByteArray FakeEcrJson::error(const QString &code, const QString &message)
{
    QByteArray out = "{";
    member(out, "__type", code);
    member(out, "message", message);
    out += '}';
    return out;
}

QByteArray FakeEcrJson::scanningConfiguration(const QString &registryId, const QString &scanType,
                                              const QVector<EcrScanningConfiguration::Rule> &rules)
{
    QByteArray out = "{";
    member(out, "registryId", registryId);
    key(out, "scanningConfiguration");
    out += '{';
    member(out, "scanType", scanType);
    key(out, "rules");
    out += '[';
    for (int r = 0; r < rules.size(); ++r) {
        if (r > 0)
            out += ',';
        out += '{';
        member(out, "scanFrequency", rules.at(r).scanFrequency);
        key(out, "repositoryFilters");
        out += '[';
        for (int f = 0; f < rules.at(r).repositoryFilters.size(); ++f) {
            const QString &text = rules.at(r).repositoryFilters.at(f);
            const int colon = text.indexOf(QLatin1Char(':'));
            if (f > 0)
                out += ',';
            out += '{';
            member(out, "filter", text.mid(colon + 1));
            member(out, "filterType", text.left(colon));
            out += '}';
        }
        out += "]}";
    }
    out += "]}}";
    return out;
}

namespace {

// A CVE id and a package that differ for every (image, index).
QString cveId(const EcrImage &image, int index)
{
    const uint h = qHash(image.imageDigest) % 40000u;
    return QStringLiteral("CVE-20%1-%2").arg(18 + index % 6).arg(10000 + (h + uint(index) * 7919u) % 89999u);
}

const char *const kPackages[] = {"openssl", "glibc", "zlib", "curl", "libxml2", "expat", "sqlite", "busybox"};

double scoreFor(const QString &severity)
{
    if (severity == QLatin1String("CRITICAL")) return 9.8;
    if (severity == QLatin1String("HIGH")) return 7.5;
    if (severity == QLatin1String("MEDIUM")) return 5.3;
    if (severity == QLatin1String("LOW")) return 3.1;
    return 0.0;
}

} // namespace

void FakeEcrJson::appendBasicFinding(QByteArray &out, const EcrImage &image, const QString &severity, int index)
{
    const QString cve = cveId(image, index);
    const QString package = QString::fromLatin1(kPackages[index % 8]);
    out += '{';
    member(out, "name", cve);
    member(out, "description", QStringLiteral("A flaw was found in %1 that may allow a remote attacker to "
                                              "cause a denial of service (\"fake\" finding %2).")
                                   .arg(package).arg(index));
    member(out, "uri", QStringLiteral("https://security-tracker.debian.org/tracker/") + cve);
    member(out, "severity", severity);
    key(out, "attributes");
    out += '[';
    out += "{\"key\":\"package_version\",\"value\":";
    appendString(out, QStringLiteral("1.%1.%2").arg(index % 5).arg(index));
    out += "},{\"key\":\"package_name\",\"value\":";
    appendString(out, package);
    out += "},{\"key\":\"CVSS2_VECTOR\",\"value\":\"AV:N/AC:L/Au:N/C:P/I:P/A:P\"}";
    if (scoreFor(severity) > 0) {
        out += ",{\"key\":\"CVSS2_SCORE\",\"value\":";
        appendString(out, QString::number(scoreFor(severity)));
        out += '}';
    }
    out += "]}";
}

void FakeEcrJson::appendEnhancedFinding(QByteArray &out, const EcrImage &image, const QString &severity, int index,
                                        const QString &region, TimeStyle style)
{
    const QString cve = cveId(image, index);
    const QString package = QString::fromLatin1(kPackages[index % 8]);
    const QDateTime observed = image.scanCompletedAt.isValid() ? image.scanCompletedAt : image.imagePushedAt;
    const QString findingId = QString::fromLatin1(
        QByteArray::number(qHash(image.imageDigest) ^ uint(index * 2654435761u), 16).rightJustified(8, '0')
        + QByteArray::number(uint(index), 16).rightJustified(24, '0'));
    const double score = scoreFor(severity);
    const QString vector = QStringLiteral("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");

    out += '{';
    member(out, "awsAccountId", image.registryId);
    member(out, "description", QStringLiteral("A flaw was found in %1 (fake enhanced finding %2).").arg(package).arg(index));
    member(out, "findingArn", QStringLiteral("arn:aws:inspector2:%1:%2:finding/%3").arg(region, image.registryId, findingId));
    optionalTime(out, "firstObservedAt", observed, style);
    optionalTime(out, "lastObservedAt", observed, style);
    key(out, "packageVulnerabilityDetails");
    out += '{';
    key(out, "cvss");
    out += "[{\"baseScore\":";
    out += QByteArray::number(score);
    out += ",\"scoringVector\":";
    appendString(out, vector);
    out += ",\"source\":\"NVD\",\"version\":\"3.1\"}]";
    key(out, "referenceUrls");
    out += '[';
    appendString(out, QStringLiteral("https://nvd.nist.gov/vuln/detail/") + cve);
    out += ']';
    key(out, "relatedVulnerabilities");
    out += "[]";
    member(out, "source", QStringLiteral("NVD"));
    member(out, "sourceUrl", QStringLiteral("https://nvd.nist.gov/vuln/detail/") + cve);
    optionalTime(out, "vendorCreatedAt", observed.addDays(-30), style);
    member(out, "vendorSeverity", severity);
    optionalTime(out, "vendorUpdatedAt", observed.addDays(-2), style);
    member(out, "vulnerabilityId", cve);
    key(out, "vulnerablePackages");
    out += "[{\"arch\":\"X86_64\",\"epoch\":0,\"name\":";
    appendString(out, package);
    out += ",\"packageManager\":\"OS\",\"release\":\"1.el8\",\"sourceLayerHash\":";
    appendString(out, image.imageDigest);
    out += ",\"version\":";
    appendString(out, QStringLiteral("1.%1.%2").arg(index % 5).arg(index));
    out += "}]}";
    key(out, "remediation");
    out += "{\"recommendation\":{\"text\":\"None Provided\"}}";
    key(out, "resources");
    out += "[{\"details\":{\"awsEcrContainerImage\":{\"architecture\":\"amd64\",\"imageHash\":";
    appendString(out, image.imageDigest);
    out += ",\"imageTags\":[";
    for (int t = 0; t < image.imageTags.size(); ++t) {
        if (t > 0)
            out += ',';
        appendString(out, image.imageTags.at(t));
    }
    out += "],\"platform\":\"DEBIAN_11\"";
    optionalTime(out, "pushedAt", image.imagePushedAt, style);
    member(out, "registry", image.registryId);
    member(out, "repositoryName", image.repositoryName);
    out += "}},\"id\":";
    appendString(out, QStringLiteral("arn:aws:ecr:%1:%2:repository/%3/%4")
                          .arg(region, image.registryId, image.repositoryName, image.imageDigest));
    out += ",\"type\":\"AWS_ECR_CONTAINER_IMAGE\"}]";
    key(out, "score");
    out += QByteArray::number(score);
    key(out, "scoreDetails");
    out += "{\"cvss\":{\"adjustments\":[],\"score\":";
    out += QByteArray::number(score);
    out += ",\"scoreSource\":\"NVD\",\"scoringVector\":";
    appendString(out, vector);
    out += ",\"version\":\"3.1\"}}";
    member(out, "severity", severity);
    member(out, "status", QStringLiteral("ACTIVE"));
    member(out, "title", cve + QStringLiteral(" - ") + package);
    member(out, "type", QStringLiteral("PACKAGE_VULNERABILITY"));
    optionalTime(out, "updatedAt", observed, style);
    out += '}';
}
