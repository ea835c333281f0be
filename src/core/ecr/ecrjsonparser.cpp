#include "ecrjsonparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>
#include <limits>

namespace {

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: return QStringLiteral("missing");
    }
    return QStringLiteral("unknown");
}

// Walks one reply and remembers the first problem, with the JSON path where it was found.
// Absent members and JSON null are both "not there" (AWS omits optional members).
class Reader
{
public:
    explicit Reader(const QString &operation) : m_operation(operation) {}

    bool ok() const { return m_error.isEmpty(); }
    AwsError error() const
    {
        AwsError e = AwsError::make(AwsError::Kind::Parse,
                                    QStringLiteral("%1 reply: %2").arg(m_operation, m_error));
        e.operation = m_operation;
        return e;
    }
    void fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
    }
    void wrongType(const QString &path, const QJsonValue &v, const char *expected)
    {
        fail(QStringLiteral("%1 is %2, expected %3").arg(path, typeName(v), QLatin1String(expected)));
    }

    static bool absent(const QJsonValue &v) { return v.isUndefined() || v.isNull(); }

    QString string(const QJsonObject &o, const char *key, const QString &path)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (absent(v))
            return {};
        if (!v.isString()) {
            wrongType(join(path, key), v, "a string");
            return {};
        }
        return v.toString();
    }

    bool boolean(const QJsonObject &o, const char *key, const QString &path)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (absent(v))
            return false;
        if (!v.isBool()) {
            wrongType(join(path, key), v, "true or false");
            return false;
        }
        return v.toBool();
    }

    // Non-negative whole number; `fallback` when absent.
    qint64 count(const QJsonObject &o, const QString &key, const QString &path, qint64 fallback)
    {
        const QJsonValue v = o.value(key);
        if (absent(v))
            return fallback;
        if (!v.isDouble()) {
            wrongType(join(path, key), v, "a whole number");
            return fallback;
        }
        const qint64 n = v.toInteger(-1);
        if (n < 0) {
            fail(QStringLiteral("%1 is %2, expected a whole number >= 0")
                     .arg(join(path, key), QString::number(v.toDouble(), 'g', 17)));
            return fallback;
        }
        return n;
    }

    QDateTime timestamp(const QJsonObject &o, const char *key, const QString &path)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (absent(v))
            return {};
        QDateTime t;
        if (!EcrJsonParser::timestampFromJson(v, &t)) {
            if (v.isDouble() || v.isString())
                fail(QStringLiteral("%1 is not a usable timestamp").arg(join(path, key)));
            else
                wrongType(join(path, key), v, "a timestamp (epoch seconds)");
        }
        return t;
    }

    // Optional nested object: empty object when absent, flags `present`.
    QJsonObject object(const QJsonObject &o, const char *key, const QString &path, bool *present = nullptr)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (present)
            *present = false;
        if (absent(v))
            return {};
        if (!v.isObject()) {
            wrongType(join(path, key), v, "an object");
            return {};
        }
        if (present)
            *present = true;
        return v.toObject();
    }

    QJsonArray array(const QJsonObject &o, const char *key, const QString &path)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (absent(v))
            return {};
        if (!v.isArray()) {
            wrongType(join(path, key), v, "an array");
            return {};
        }
        return v.toArray();
    }

    QStringList strings(const QJsonObject &o, const char *key, const QString &path)
    {
        QStringList out;
        const QJsonArray a = array(o, key, path);
        for (qsizetype i = 0; i < a.size() && ok(); ++i) {
            const QJsonValue v = a.at(i);
            if (!v.isString())
                wrongType(QStringLiteral("%1[%2]").arg(join(path, key)).arg(i), v, "a string");
            else
                out.append(v.toString());
        }
        return out;
    }

    static QString join(const QString &path, const QString &key)
    {
        return path.isEmpty() ? key : path + QLatin1Char('.') + key;
    }
    static QString join(const QString &path, const char *key) { return join(path, QLatin1String(key)); }

private:
    QString m_operation;
    QString m_error;
};

bool parseTopLevel(const QByteArray &body, Reader &reader, QJsonObject *out)
{
    if (body.trimmed().isEmpty()) {
        reader.fail(QStringLiteral("the body is empty, expected a JSON object"));
        return false;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        reader.fail(QStringLiteral("not valid JSON (%1 at byte %2 of %3; truncated or corrupted reply)")
                        .arg(error.errorString())
                        .arg(error.offset)
                        .arg(body.size()));
        return false;
    }
    if (!doc.isObject()) {
        reader.fail(QStringLiteral("the body is a JSON %1, expected an object")
                        .arg(doc.isArray() ? QStringLiteral("array") : QStringLiteral("value")));
        return false;
    }
    *out = doc.object();
    return true;
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
        const QString fpath = QStringLiteral("%1[%2]").arg(Reader::join(path, "imageTagMutabilityExclusionFilters")).arg(i);
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
    repo.scanOnPush = r.boolean(scanning, "scanOnPush", Reader::join(path, "imageScanningConfiguration"));
    const QJsonObject encryption = r.object(o, "encryptionConfiguration", path);
    const QString epath = Reader::join(path, "encryptionConfiguration");
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
    const QString spath = Reader::join(path, "imageScanStatus");
    image.scanStatus = r.string(status, "status", spath);
    image.scanStatusDescription = r.string(status, "description", spath);

    const QJsonObject summary = r.object(o, "imageScanFindingsSummary", path, &image.hasScanSummary);
    const QString fpath = Reader::join(path, "imageScanFindingsSummary");
    image.scanCompletedAt = r.timestamp(summary, "imageScanCompletedAt", fpath);
    image.vulnerabilitySourceUpdatedAt = r.timestamp(summary, "vulnerabilitySourceUpdatedAt", fpath);
    const QJsonObject counts = r.object(summary, "findingSeverityCounts", fpath);
    const QString cpath = Reader::join(fpath, "findingSeverityCounts");
    for (auto it = counts.begin(); it != counts.end() && r.ok(); ++it) {
        const qint64 n = r.count(counts, it.key(), cpath, 0);
        if (n > std::numeric_limits<int>::max())
            r.fail(QStringLiteral("%1 is too large").arg(Reader::join(cpath, it.key())));
        else if (r.ok())
            image.severityCounts.insert(it.key(), int(n));
    }

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
    const QJsonArray list = r.array(top, "repositories", QString());
    result.repositories.reserve(list.size());
    for (qsizetype i = 0; i < list.size() && r.ok(); ++i) {
        const QString path = QStringLiteral("repositories[%1]").arg(i);
        const QJsonValue v = list.at(i);
        if (!v.isObject()) {
            r.wrongType(path, v, "an object");
            break;
        }
        result.repositories.append(parseRepository(r, v.toObject(), path));
    }
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
    const QJsonArray list = r.array(top, "imageDetails", QString());
    result.images.reserve(list.size());
    for (qsizetype i = 0; i < list.size() && r.ok(); ++i) {
        const QString path = QStringLiteral("imageDetails[%1]").arg(i);
        const QJsonValue v = list.at(i);
        if (!v.isObject()) {
            r.wrongType(path, v, "an object");
            break;
        }
        result.images.append(parseImage(r, v.toObject(), path));
    }
    result.nextToken = nextToken(r, top);
    if (!r.ok())
        return r.error();
    *page = std::move(result);
    return {};
}
