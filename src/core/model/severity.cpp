#include "severity.h"

namespace {
// Index = Level; the AWS spelling of each level.
const char *const kNames[] = {"NONE", "UNDEFINED", "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
constexpr int kLevels = int(sizeof(kNames) / sizeof(kNames[0]));
} // namespace

QString Severity::name(Level level)
{
    const int i = int(level);
    return QString::fromLatin1(i >= 0 && i < kLevels ? kNames[i] : kNames[0]);
}

Severity::Level Severity::fromName(const QString &name)
{
    for (int i = 1; i < kLevels; ++i) {
        if (name.compare(QLatin1String(kNames[i]), Qt::CaseInsensitive) == 0)
            return Level(i);
    }
    return None;
}

QStringList Severity::names()
{
    QStringList list;
    for (int i = kLevels - 1; i >= 1; --i)
        list.append(QString::fromLatin1(kNames[i]));
    return list;
}

Severity::Level Severity::worst(const QMap<QString, int> &severityCounts)
{
    Level worst = None;
    for (auto it = severityCounts.cbegin(); it != severityCounts.cend(); ++it) {
        if (it.value() <= 0)
            continue;
        const Level level = fromName(it.key());
        if (level > worst)
            worst = level;
    }
    return worst;
}

int Severity::count(const QMap<QString, int> &severityCounts, Level level)
{
    if (level == None)
        return 0;
    // AWS spells the keys in upper case; accept any case like fromName().
    int total = 0;
    for (auto it = severityCounts.cbegin(); it != severityCounts.cend(); ++it) {
        if (fromName(it.key()) == level)
            total += qMax(0, it.value());
    }
    return total;
}
