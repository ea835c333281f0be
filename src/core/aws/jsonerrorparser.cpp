#include "jsonerrorparser.h"

#include "retrypolicy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

QString JsonErrorParser::normalizeCode(const QString &raw)
{
    QString code = raw.trimmed();
    const qsizetype colon = code.indexOf(QLatin1Char(':'));
    if (colon >= 0)
        code.truncate(colon);
    const qsizetype hash = code.lastIndexOf(QLatin1Char('#'));
    if (hash >= 0)
        code = code.mid(hash + 1);
    return code;
}

AwsError JsonErrorParser::parse(const AwsResponse &response)
{
    AwsError error;
    error.kind = AwsError::Kind::Service;
    error.httpStatus = response.httpStatus;
    error.operation = response.operation;
    error.attempts = response.attempts;
    error.requestId = response.requestId;

    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &jsonError);
    const QJsonObject body = doc.isObject() ? doc.object() : QJsonObject();

    QString rawCode = body.value(QLatin1String("__type")).toString();
    if (rawCode.isEmpty())
        rawCode = body.value(QLatin1String("code")).toString();
    if (rawCode.isEmpty())
        rawCode = QString::fromLatin1(response.header("x-amzn-ErrorType"));
    error.code = normalizeCode(rawCode);

    error.message = body.value(QLatin1String("message")).toString();
    if (error.message.isEmpty())
        error.message = body.value(QLatin1String("Message")).toString();
    if (error.message.isEmpty() && error.code.isEmpty()) {
        error.message = response.body.isEmpty()
            ? QStringLiteral("HTTP %1 with an empty body").arg(response.httpStatus)
            : QStringLiteral("HTTP %1 with an error body that is not an AWS JSON error document")
                  .arg(response.httpStatus);
    }

    if (RetryPolicy::isThrottling(error.code, error.httpStatus))
        error.kind = AwsError::Kind::Throttling;
    return error;
}

AwsError JsonErrorParser::requireJsonObject(const QByteArray &body)
{
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        return AwsError::make(AwsError::Kind::Parse,
                              QStringLiteral("reply is not valid JSON (%1 at byte %2 of %3)")
                                  .arg(jsonError.errorString())
                                  .arg(jsonError.offset)
                                  .arg(body.size()));
    }
    if (!doc.isObject())
        return AwsError::make(AwsError::Kind::Parse, QStringLiteral("reply is JSON but not an object"));
    return {};
}
