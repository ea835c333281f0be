#pragma once

#include "awserror.h"
#include "sigv4signer.h"

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <any>
#include <functional>

// One AWS API call as the protocol layer above (ECR JSON, STS query, IMDS, ...) describes it
// to AwsHttpClient. Plain value: the client signs and sends it, as often as retries need.
struct AwsRequest
{
    QString operation;          // for logs, metrics and errors, e.g. "DescribeImages"
    QByteArray method = "POST";
    QUrl url;                   // full endpoint URL; a default port (80/443) is dropped
    // Headers to send. For signed requests these are exactly the headers signed (plus host,
    // which the client adds as sent, and x-amz-date / x-amz-security-token, which the signer
    // adds). Never put hop-by-hop or client-mutable headers (user-agent, ...) here.
    HttpHeaderList headers;
    QByteArray body;

    // Signing. Unsigned requests (STS AssumeRoleWithWebIdentity, IMDS, container
    // credentials) send `headers` as they are and never ask for credentials.
    bool sign = true;
    QString region;             // signing region, e.g. "eu-west-1"
    QString service;            // signing name, e.g. "ecr", "sts"

    // Per-request overrides of AwsHttpClient::Options; 0 = use the client's value.
    int maxAttempts = 0;
    int connectTimeoutMs = 0;
    int requestTimeoutMs = 0;

    // Optional check of a 2xx body (e.g. "is it a JSON object"). A non-None result turns the
    // reply into that error (kind Parse, not retried), so metrics count it as a failure.
    std::function<AwsError(const QByteArray &body)> validateBody;

    // Optional decoding of a 2xx body into the value the caller wants (a parsed page, ...),
    // run on the client's worker threads so that large replies neither stall the event loop
    // nor get parsed twice (check, then read). It must be a pure function of the body: it
    // runs on another thread. A non-None error fails the request like validateBody (kind
    // Parse, not retried, counted as a failure); otherwise the value is in
    // AwsResponse::decoded. Runs after validateBody when both are set.
    std::function<AwsError(const QByteArray &body, std::any *decoded)> decodeBody;

    // decodeBody from a protocol parser that fills a T (AwsResponse::decodedAs<T>() reads it).
    template<typename T>
    void decodeWith(AwsError (*parse)(const QByteArray &body, T *value))
    {
        decodeBody = [parse](const QByteArray &body, std::any *decoded) {
            T value;
            const AwsError e = parse(body, &value);
            *decoded = std::move(value);
            return e;
        };
    }

    // Convenience for AWS JSON protocols: POST with Content-Type and X-Amz-Target set.
    static AwsRequest json(const QString &operation, const QUrl &url, const QByteArray &contentType,
                           const QByteArray &target, const QByteArray &body,
                           const QString &region, const QString &service)
    {
        AwsRequest r;
        r.operation = operation;
        r.url = url;
        r.headers = { { QByteArrayLiteral("Content-Type"), contentType },
                      { QByteArrayLiteral("X-Amz-Target"), target } };
        r.body = body;
        r.region = region;
        r.service = service;
        return r;
    }
};
