#include "xmlerrorparser.h"

#include "jsonerrorparser.h"
#include "retrypolicy.h"

#include <QXmlStreamReader>

AwsError XmlErrorParser::parse(const AwsResponse &response)
{
    AwsError error;
    error.kind = AwsError::Kind::Service;
    error.httpStatus = response.httpStatus;
    error.operation = response.operation;
    error.attempts = response.attempts;
    error.requestId = response.requestId;

    QString code;
    QString message;
    QString documentRequestId;
    bool inError = false;
    QXmlStreamReader xml(response.body);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) {
            if (xml.isEndElement() && xml.name() == QLatin1String("Error"))
                inError = false;
            continue;
        }
        const auto name = xml.name();
        if (name == QLatin1String("Error")) {
            inError = true;
        } else if (inError && name == QLatin1String("Code") && code.isEmpty()) {
            code = xml.readElementText(QXmlStreamReader::SkipChildElements).trimmed();
        } else if (inError && name == QLatin1String("Message") && message.isEmpty()) {
            message = xml.readElementText(QXmlStreamReader::SkipChildElements).trimmed();
        } else if ((name == QLatin1String("RequestId") || name == QLatin1String("RequestID"))
                   && documentRequestId.isEmpty()) {
            documentRequestId = xml.readElementText(QXmlStreamReader::SkipChildElements).trimmed();
        }
    }
    const bool readable = !xml.hasError() || !code.isEmpty();

    error.code = JsonErrorParser::normalizeCode(code);
    error.message = message;
    if (error.requestId.isEmpty())
        error.requestId = documentRequestId;
    if (error.code.isEmpty() && error.message.isEmpty()) {
        error.message = response.body.isEmpty() || !readable
            ? QStringLiteral("HTTP %1 with an error body that is not an AWS XML error document")
                  .arg(response.httpStatus)
            : QStringLiteral("HTTP %1 with an XML body that has no Error/Code").arg(response.httpStatus);
    }
    if (RetryPolicy::isThrottling(error.code, error.httpStatus))
        error.kind = AwsError::Kind::Throttling;
    return error;
}
