#include "processmetrics.h"

#include <QDir>
#include <QFile>

#include <limits>
#include <unistd.h>

namespace {

// /proc files report a size of 0, so read until EOF instead of trusting size().
bool readSmallFile(const QString &path, QByteArray *content, QStringList *errors)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        errors->append(QStringLiteral("cannot read %1: %2 (process metrics need a Linux /proc)")
                           .arg(path, f.errorString()));
        return false;
    }
    *content = f.readAll();
    return true;
}

bool toNumber(const QByteArray &field, double *value)
{
    bool ok = false;
    const qulonglong n = field.toULongLong(&ok);
    if (ok)
        *value = double(n);
    return ok;
}

void readStat(const QString &procRoot, const QString &pid, long ticks, long pageSize,
              std::optional<double> bootTime, ProcessMetrics::Sample *s)
{
    const QString path = procRoot + QLatin1Char('/') + pid + QStringLiteral("/stat");
    QByteArray content;
    if (!readSmallFile(path, &content, &s->errors))
        return;
    // "pid (comm) state ..." - comm may contain spaces and ')', so split after the LAST ')'.
    const qsizetype close = content.lastIndexOf(')');
    if (close < 0) {
        s->errors.append(QStringLiteral("malformed %1: no \"(comm)\" field").arg(path));
        return;
    }
    const QList<QByteArray> f = content.mid(close + 1).simplified().split(' ');
    // f[0] is field 3 (state) of proc(5); field N is f[N - 3].
    constexpr int utime = 14 - 3, stime = 15 - 3, starttime = 22 - 3, vsize = 23 - 3, rss = 24 - 3;
    if (f.size() <= rss) {
        s->errors.append(QStringLiteral("malformed %1: %2 fields after comm, expected at least %3")
                             .arg(path).arg(f.size()).arg(rss + 1));
        return;
    }
    double u = 0, st = 0, start = 0, vs = 0, rs = 0;
    if (!toNumber(f[utime], &u) || !toNumber(f[stime], &st) || !toNumber(f[starttime], &start)
        || !toNumber(f[vsize], &vs) || !toNumber(f[rss], &rs)) {
        s->errors.append(QStringLiteral("malformed %1: non-numeric utime/stime/starttime/vsize/rss")
                             .arg(path));
        return;
    }
    s->cpuSecondsTotal = (u + st) / double(ticks);
    s->virtualMemoryBytes = vs;
    s->residentMemoryBytes = rs * double(pageSize);
    if (bootTime)
        s->startTimeSeconds = *bootTime + start / double(ticks);
}

std::optional<double> readBootTime(const QString &procRoot, QStringList *errors)
{
    const QString path = procRoot + QStringLiteral("/stat");
    QByteArray content;
    if (!readSmallFile(path, &content, errors))
        return std::nullopt;
    for (const QByteArray &line : content.split('\n')) {
        if (line.startsWith("btime ")) {
            double v = 0;
            if (toNumber(line.mid(6).trimmed(), &v))
                return v;
            break;
        }
    }
    errors->append(QStringLiteral("malformed %1: no numeric \"btime\" line").arg(path));
    return std::nullopt;
}

void readMaxFds(const QString &procRoot, const QString &pid, ProcessMetrics::Sample *s)
{
    const QString path = procRoot + QLatin1Char('/') + pid + QStringLiteral("/limits");
    QByteArray content;
    if (!readSmallFile(path, &content, &s->errors))
        return;
    static constexpr char key[] = "Max open files";
    for (const QByteArray &line : content.split('\n')) {
        if (!line.startsWith(key))
            continue;
        // "Max open files  <soft>  <hard>  files"
        const QList<QByteArray> cols = line.mid(sizeof key - 1).simplified().split(' ');
        double v = 0;
        if (cols.value(0) == "unlimited") {
            s->maxFds = std::numeric_limits<double>::infinity();
            return;
        }
        if (toNumber(cols.value(0), &v)) {
            s->maxFds = v;
            return;
        }
        break;
    }
    s->errors.append(QStringLiteral("malformed %1: no numeric \"Max open files\" soft limit").arg(path));
}

void readOpenFds(const QString &procRoot, const QString &pid, ProcessMetrics::Sample *s)
{
    const QString path = procRoot + QLatin1Char('/') + pid + QStringLiteral("/fd");
    QDir dir(path);
    if (!dir.exists()) {
        s->errors.append(QStringLiteral("cannot list %1 (process metrics need a Linux /proc)").arg(path));
        return;
    }
    // QDir::System lists the symlinks to sockets/pipes/deleted files too.
    s->openFds = double(dir.entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot)
                            .size());
}

} // namespace

ProcessMetrics::Sample ProcessMetrics::read(const QString &procRoot)
{
    long ticks = sysconf(_SC_CLK_TCK);
    long page = sysconf(_SC_PAGESIZE);
    return read(procRoot, QStringLiteral("self"), ticks > 0 ? ticks : 100, page > 0 ? page : 4096);
}

ProcessMetrics::Sample ProcessMetrics::read(const QString &procRoot, const QString &pid,
                                            long clockTicksPerSecond, long pageSizeBytes)
{
    Sample s;
    if (clockTicksPerSecond <= 0 || pageSizeBytes <= 0) {
        s.errors.append(QStringLiteral("clock ticks (%1) and page size (%2) must be positive")
                            .arg(clockTicksPerSecond).arg(pageSizeBytes));
        return s;
    }
    const std::optional<double> boot = readBootTime(procRoot, &s.errors);
    readStat(procRoot, pid, clockTicksPerSecond, pageSizeBytes, boot, &s);
    readOpenFds(procRoot, pid, &s);
    readMaxFds(procRoot, pid, &s);
    return s;
}
