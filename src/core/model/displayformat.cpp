#include "displayformat.h"

QString DisplayFormat::size(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("unknown");
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = double(bytes) / 1024.0;
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    // Rounding 99.96 to one decimal gives "100.0": switch to no decimals there, and
    // 1023.6 KiB rounds to "1024 KiB" — print that as the next unit instead.
    if (value >= 99.95) {
        if (value >= 1023.5 && unit < 5) {
            value /= 1024.0;
            ++unit;
            return QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(units[unit]));
        }
        return QStringLiteral("%1 %2").arg(value, 0, 'f', 0).arg(QLatin1String(units[unit]));
    }
    return QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(units[unit]));
}

QString DisplayFormat::shortDigest(const QString &digest)
{
    const int colon = digest.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return digest.left(12);
    return digest.left(colon + 1 + 12);
}

QString DisplayFormat::dateTime(const QDateTime &when, Qt::TimeSpec spec, const QString &empty)
{
    if (!when.isValid())
        return empty;
    return when.toTimeSpec(spec).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString DisplayFormat::age(const QDateTime &when, const QDateTime &now, const QString &empty)
{
    if (!when.isValid() || !now.isValid())
        return empty;
    const qint64 seconds = when.secsTo(now);
    auto plural = [](qint64 n, const char *unit) {
        return QStringLiteral("%1 %2%3 ago").arg(n).arg(QLatin1String(unit)).arg(n == 1 ? QString() : QStringLiteral("s"));
    };
    if (seconds < 60)
        return QStringLiteral("just now");
    if (seconds < 3600)
        return plural(seconds / 60, "minute");
    if (seconds < 86400)
        return plural(seconds / 3600, "hour");
    const qint64 days = seconds / 86400;
    if (days < 31)
        return plural(days, "day");
    if (days < 365)
        return plural(days / 30, "month");
    return plural(days / 365, "year");
}

QString DisplayFormat::imageUri(const QString &repositoryUri, const QStringList &tags, const QString &digest)
{
    if (!tags.isEmpty())
        return repositoryUri + QLatin1Char(':') + tags.constFirst();
    return repositoryUri + QLatin1Char('@') + digest;
}
