#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

// How the desktop writes sizes, digests, times and image references for people. Pure
// functions with the clock and time zone as parameters, so the item models that use them
// stay testable.
class DisplayFormat
{
public:
    // IEC units, base 1024: "512 B", "1.5 KiB", "12.3 MiB", "123 MiB", "1.2 GiB".
    // One decimal below 100 of a unit, none above; negative (unknown) -> "unknown".
    static QString size(qint64 bytes);
    // "sha256:0123456789ab" (algorithm and the first 12 hex digits, as docker prints it).
    static QString shortDigest(const QString &digest);
    // "2024-03-01 14:05" in the given zone (Qt::LocalTime in the app); invalid -> `empty`.
    static QString dateTime(const QDateTime &when, Qt::TimeSpec spec = Qt::LocalTime,
                            const QString &empty = QString());
    // "just now", "5 minutes ago", "3 hours ago", "2 days ago", "4 months ago", "2 years ago";
    // invalid -> `empty`; a time in the future -> "just now" (clock skew).
    static QString age(const QDateTime &when, const QDateTime &now, const QString &empty = QString());
    // <repositoryUri>:<tag> (the first tag), or <repositoryUri>@<digest> without tags: the
    // same reference `docker pull` and kube-state-metrics' `image` label use.
    static QString imageUri(const QString &repositoryUri, const QStringList &tags, const QString &digest);
};
