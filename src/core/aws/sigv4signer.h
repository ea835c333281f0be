#pragma once

#include "awscredentials.h"
#include "awserror.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

using HttpHeaderList = QList<QPair<QByteArray, QByteArray>>;

// AWS Signature Version 4, header variant. A pure function: the clock, region and service
// are parameters, and only the headers the caller hands in (plus the ones the signer adds
// itself: x-amz-date, x-amz-security-token, x-amz-content-sha256) are signed.
// Bad input (no Host header, missing keys, invalid time, a header with a line break) gives
// Result::error set and nothing to send, never a half-signed request.
class SigV4Signer
{
public:
    struct Request {
        QByteArray method;          // "POST"
        QByteArray path;            // as it appears in the URL (already percent-encoded once), "/" when empty;
                                    // bytes that cannot appear in a URL path (space, non-ASCII) are encoded once
        QByteArray query;           // raw query string without '?', may be empty
        HttpHeaderList headers;     // headers to sign, names in any case, must include host; a caller's own
                                    // authorization/x-amz-date (and the token/body-hash header when the
                                    // signer adds them) are dropped, so re-signing a retry is safe
        QByteArray body;
    };

    struct Options {
        QString region;
        QString service;            // signing name, e.g. "ecr", "sts", "inspector2"
        QDateTime time;             // request time; converted to UTC
        bool normalizePath = true;  // false = S3-style (no normalisation, no double encoding)
        bool signBody = false;      // add and sign x-amz-content-sha256
        bool omitSessionToken = false; // legacy: add the token after signing, unsigned
    };

    struct Result {
        QByteArray canonicalRequest;
        QByteArray stringToSign;
        QByteArray signature;       // lower-case hex
        QByteArray authorization;   // value of the Authorization header
        QByteArray signedHeaders;   // "content-type;host;x-amz-date;x-amz-target"
        // Headers the caller must send in addition to its own (x-amz-date, the token,
        // x-amz-content-sha256 when asked, and Authorization), names in canonical case.
        HttpHeaderList headersToAdd;
        AwsError error;             // Kind::None on success; otherwise every other field is empty
        bool ok() const { return !error.isError(); }
    };

    static Result sign(const Request &request, const AwsCredentials &credentials, const Options &options);

    // Building blocks, public for tests and for the fake servers' verification.
    static QByteArray amzDate(const QDateTime &time);          // 20150830T123600Z
    static QByteArray canonicalUri(const QByteArray &path, bool normalize);
    static QByteArray canonicalQuery(const QByteArray &query);  // decodes (incl. '+' = space), re-encodes, sorts
    static QByteArray signingKey(const QString &secret, const QByteArray &dateStamp,
                                 const QString &region, const QString &service);
    static QByteArray sha256Hex(const QByteArray &data);
};
