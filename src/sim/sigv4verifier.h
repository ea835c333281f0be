#pragma once

#include "aws/sigv4signer.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

// Server-side SigV4 check for the fake AWS servers, answering with the error codes AWS uses.
// It parses the Authorization header, checks the credential scope, the clock skew, the key
// and the session token, then recomputes the signature with SigV4Signer over exactly the
// headers named in SignedHeaders, as received, and compares in constant time.
class SigV4Verifier
{
public:
    struct Request {
        QByteArray method;
        QByteArray path;            // as received (percent-encoded)
        QByteArray query;
        HttpHeaderList headers;     // every header as received, in arrival order
        QByteArray body;
    };

    // What the Authorization header and X-Amz-Date said; filled as far as parsing got.
    struct Outcome {
        bool ok = false;
        int httpStatus = 0;         // 403 on failure
        QString errorCode;          // e.g. "InvalidSignatureException"
        QString message;
        QByteArray accessKeyId;
        QByteArray signature;       // never log it
        QByteArray amzDate;
    };

    void setRegion(const QString &region) { m_region = region; }
    void setService(const QString &service) { m_service = service; }
    void setClockSkewLimit(int seconds) { m_skewSeconds = seconds; }
    void addKey(const QString &accessKeyId, const QString &secret, const QString &sessionToken = {});
    void clearKeys() { m_keys.clear(); }
    bool hasKeys() const { return !m_keys.isEmpty(); }

    Outcome verify(const Request &request, const QDateTime &now) const;

    // Parses only the recorded parts (key id, signature, date); no checks.
    static Outcome inspect(const Request &request);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
    // All values of one header (case-insensitive name), in arrival order.
    static QByteArrayList headerValues(const HttpHeaderList &headers, const QByteArray &name);

private:
    struct Key {
        QString secret;
        QString sessionToken;
    };
    QString m_region;
    QString m_service = QStringLiteral("ecr");
    int m_skewSeconds = 900;
    QHash<QByteArray, Key> m_keys;
};
