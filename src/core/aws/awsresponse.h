#pragma once

#include "awserror.h"
#include "sigv4signer.h"

#include <QByteArray>
#include <QString>
#include <any>

// What came back for one AwsRequest: the final attempt's HTTP status, headers and body
// (the body is handed on untouched; it may carry credentials, so never log it).
struct AwsResponse
{
    QString operation;
    int httpStatus = 0;          // 0 when no HTTP response arrived (network error, timeout)
    HttpHeaderList headers;      // as received, names in the server's case
    QByteArray body;
    QString requestId;           // x-amzn-RequestId or x-amz-request-id, when present
    int attempts = 0;            // attempts made, the first try included
    qint64 elapsedMs = 0;        // from send() to completion, queueing and backoff included
    std::any decoded;            // AwsRequest::decodeBody's value, on success

    bool isSuccess() const { return httpStatus >= 200 && httpStatus < 300; }

    // AwsRequest::decodeWith's value; null when the request had no decoder for a T.
    template<typename T>
    const T *decodedAs() const { return std::any_cast<T>(&decoded); }
    // The same, and when there is none a Parse error in *missing: a caller that always sets a
    // decoder gets a typed failure, not a crash, if the HTTP layer ever broke that contract.
    template<typename T>
    const T *decodedAs(AwsError *missing) const
    {
        const T *value = decodedAs<T>();
        if (!value)
            *missing = AwsError::make(AwsError::Kind::Parse,
                                      QStringLiteral("%1: the reply was not decoded").arg(operation));
        return value;
    }

    // First header named `name` (case-insensitive), null when absent.
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

#include "awserror.h"
#include <functional>

// Turns a non-2xx AwsResponse into a typed AwsError (code, message, request id) for one
// protocol: JsonErrorParser::parse for JSON services, XmlErrorParser::parse for query/XML.
using AwsErrorParser = std::function<AwsError(const AwsResponse &)>;
