#pragma once

#include <QString>

// A typed error from any AWS call or from the layers around it. `kind` says what class of
// failure it is; for service errors `code`/`message`/`requestId` carry AWS's own words.
struct AwsError
{
    enum class Kind {
        None,          // no error
        Service,       // AWS answered with an error document (code/message set)
        Throttling,    // AWS throttled us (ThrottlingException, 429, ...)
        Network,       // connection refused/reset/dropped, DNS, TLS
        Timeout,       // connect or whole-request timeout
        Credentials,   // no usable credentials, or a credential source failed
        Parse,         // a reply body we could not understand (malformed/truncated JSON/XML)
        Config,        // bad configuration (file, variable, endpoint)
        Cancelled,     // shutting down
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    QString code;       // AWS error code, e.g. "AccessDeniedException"
    QString message;    // human-readable
    QString requestId;  // x-amzn-RequestId when AWS gave one
    QString operation;  // e.g. "DescribeImages"
    int attempts = 0;   // how many attempts were made before giving up

    bool isError() const { return kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    static AwsError make(Kind kind, const QString &message, const QString &code = {})
    {
        AwsError e;
        e.kind = kind;
        e.message = message;
        e.code = code;
        return e;
    }

    static QString kindName(Kind kind);
    // One line for logs and error messages: "DescribeImages: AccessDeniedException (HTTP 400): ... [request id ...]".
    QString toString() const;
};
