#pragma once

#include "awserror.h"
#include "awsresponse.h"

#include <QByteArray>
#include <QString>

// Error documents of the AWS JSON protocols (ECR and every other JSON 1.0/1.1 service):
// {"__type": "...", "message": "..."} → typed AwsError, following botocore's parser.
class JsonErrorParser
{
public:
    // For a non-2xx response: code from `__type` (else the x-amzn-ErrorType header),
    // message from `message` or `Message`, request id, HTTP status. Kind is Throttling for
    // throttling codes and 429, Service otherwise; an unreadable body still gives a Service
    // error that names the HTTP status.
    static AwsError parse(const AwsResponse &response);

    // botocore's code extraction: drop anything after ':', keep only what follows the
    // last '#' ("ns#RepositoryNotFoundException:http://x" → "RepositoryNotFoundException").
    static QString normalizeCode(const QString &raw);

    // AwsRequest::validateBody for JSON services: a 2xx body must be one JSON object.
    static AwsError requireJsonObject(const QByteArray &body);
};
