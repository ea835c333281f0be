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
