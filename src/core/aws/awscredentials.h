#pragma once

#include <QDateTime>
#include <QString>

// A set of AWS keys as handed out by one credential source. Plain value; never log it
// (operator<< deliberately does not exist).
struct AwsCredentials
{
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken;     // empty for long-term keys
    QDateTime expiration;     // invalid (null) = never expires
    QString source;           // which provider supplied them, e.g. "environment", "shared-credentials-file"

    bool isValid() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }
    bool canExpire() const { return expiration.isValid(); }
    // True when the keys expire within `seconds` of `now` (never for non-expiring keys).
    bool expiresWithin(qint64 seconds, const QDateTime &now) const
    {
        return expiration.isValid() && now.secsTo(expiration) < seconds;
    }
};
