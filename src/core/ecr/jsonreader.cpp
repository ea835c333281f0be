#include "jsonreader.h"

#include "ecrjsonparser.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <limits>

QString JsonReader::typeName(const QJsonValue &v)
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

AwsError JsonReader::error() const
{
    AwsError e = AwsError::make(AwsError::Kind::Parse, QStringLiteral("%1 reply: %2").arg(m_operation, m_error));
    e.operation = m_operation;
    return e;
}

void JsonReader::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

void JsonReader::wrongType(const QString &path, const QJsonValue &v, const char *expected)
{
    fail(QStringLiteral("%1 is %2, expected %3").arg(path, typeName(v), QLatin1String(expected)));
}

bool JsonReader::parseObject(const QByteArray &body, QJsonObject *out)
{
    if (body.trimmed().isEmpty()) {
        fail(QStringLiteral("the body is empty, expected a JSON object"));
        return false;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        fail(QStringLiteral("not valid JSON (%1 at byte %2 of %3; truncated or corrupted reply)")
                 .arg(error.errorString())
                 .arg(error.offset)
                 .arg(body.size()));
        return false;
    }
    if (!doc.isObject()) {
        fail(QStringLiteral("the body is a JSON %1, expected an object")
                 .arg(doc.isArray() ? QStringLiteral("array") : QStringLiteral("value")));
        return false;
    }
    *out = doc.object();
    return true;
}

QString JsonReader::string(const QJsonObject &o, const char *key, const QString &path)
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

bool JsonReader::boolean(const QJsonObject &o, const char *key, const QString &path)
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

qint64 JsonReader::count(const QJsonObject &o, const QString &key, const QString &path, qint64 fallback)
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

QDateTime JsonReader::timestamp(const QJsonObject &o, const char *key, const QString &path)
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

QJsonObject JsonReader::object(const QJsonObject &o, const char *key, const QString &path, bool *present)
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

QJsonArray JsonReader::array(const QJsonObject &o, const char *key, const QString &path)
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

QStringList JsonReader::strings(const QJsonObject &o, const char *key, const QString &path)
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

QMap<QString, int> JsonReader::counts(const QJsonObject &o, const QString &path)
{
    QMap<QString, int> out;
    for (auto it = o.begin(); it != o.end() && ok(); ++it) {
        const qint64 n = count(o, it.key(), path, 0);
        if (n > std::numeric_limits<int>::max())
            fail(QStringLiteral("%1 is too large").arg(join(path, it.key())));
        else if (ok())
            out.insert(it.key(), int(n));
    }
    return out;
}

QString JsonReader::join(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}
