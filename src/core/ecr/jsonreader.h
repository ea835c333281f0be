#pragma once

#include "aws/awserror.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QString>
#include <QStringList>

// Walks one AWS JSON reply (ECR's JSON 1.1 or Inspector's REST-JSON) and remembers the first
// problem, with the JSON path where it was found, so a parser can read every field it wants
// and report one precise error at the end. Absent members and JSON null are both "not
// there" (AWS omits optional members); a member of the wrong type is an error.
class JsonReader
{
public:
    explicit JsonReader(const QString &operation) : m_operation(operation) {}

    bool ok() const { return m_error.isEmpty(); }
    // AwsError of kind Parse: "<operation> reply: <first problem>".
    AwsError error() const;
    void fail(const QString &message);
    void wrongType(const QString &path, const QJsonValue &v, const char *expected);

    // The body as one JSON object; false (and an error) when empty, not JSON, or not an object.
    bool parseObject(const QByteArray &body, QJsonObject *out);

    static bool absent(const QJsonValue &v) { return v.isUndefined() || v.isNull(); }

    QString string(const QJsonObject &o, const char *key, const QString &path);
    bool boolean(const QJsonObject &o, const char *key, const QString &path);
    // Non-negative whole number; `fallback` when absent.
    qint64 count(const QJsonObject &o, const QString &key, const QString &path, qint64 fallback);
    // AWS timestamp (epoch seconds, fractional or exponent form, or ISO 8601); invalid when absent.
    QDateTime timestamp(const QJsonObject &o, const char *key, const QString &path);
    // Optional nested object: empty when absent; `present` says whether it was there.
    QJsonObject object(const QJsonObject &o, const char *key, const QString &path, bool *present = nullptr);
    QJsonArray array(const QJsonObject &o, const char *key, const QString &path);
    QStringList strings(const QJsonObject &o, const char *key, const QString &path);
    // A map of severity name -> count (ECR's findingSeverityCounts): every value a whole
    // number 0..INT_MAX.
    QMap<QString, int> counts(const QJsonObject &o, const QString &path);

    static QString join(const QString &path, const QString &key);
    static QString join(const QString &path, const char *key) { return join(path, QLatin1String(key)); }
    static QString typeName(const QJsonValue &v);

private:
    QString m_operation;
    QString m_error;
};
