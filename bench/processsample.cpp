#include "processsample.h"

#include <QFile>
#include <QList>

#include <unistd.h>

namespace {

bool readFile(const QString &path, QByteArray *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2 (has the process exited?)").arg(path, file.errorString());
        return false;
    }
    // procfs files report size 0: read until the end.
    *out = file.readAll();
    return true;
}

} // namespace

qint64 ProcessSample::statusFieldBytes(const QByteArray &status, const QByteArray &field)
{
    const QByteArray key = field + ':';
    for (const QByteArray &line : status.split('\n')) {
        if (!line.startsWith(key))
            continue;
        const QList<QByteArray> parts = line.mid(key.size()).simplified().split(' ');
        if (parts.isEmpty())
            return -1;
        bool ok = false;
        const qint64 value = parts.at(0).toLongLong(&ok);
        if (!ok || value < 0)
            return -1;
        const QByteArray unit = parts.size() > 1 ? parts.at(1) : QByteArray();
        if (unit == "kB")
            return value * 1024;
        return unit.isEmpty() ? value : -1;
    }
    return -1;
}

qint64 ProcessSample::statCpuTicks(const QByteArray &stat)
{
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    // After ")": field 3 (state) is index 0, so utime (field 14) is index 11, stime index 12.
    const QList<QByteArray> fields = stat.mid(close + 1).simplified().split(' ');
    if (fields.size() < 13)
        return -1;
    bool okUser = false, okSystem = false;
    const qint64 user = fields.at(11).toLongLong(&okUser);
    const qint64 system = fields.at(12).toLongLong(&okSystem);
    if (!okUser || !okSystem || user < 0 || system < 0)
        return -1;
    return user + system;
}

qint64 ProcessSample::ioField(const QByteArray &io, const QByteArray &field)
{
    const QByteArray key = field + ": ";
    for (const QByteArray &line : io.split('\n')) {
        if (!line.startsWith(key))
            continue;
        bool ok = false;
        const qint64 value = line.mid(key.size()).trimmed().toLongLong(&ok);
        return ok && value >= 0 ? value : -1;
    }
    return -1;
}

ProcessSample ProcessSample::read(qint64 pid, QString *error)
{
    ProcessSample sample;
    const QString base = QStringLiteral("/proc/%1/").arg(pid);
    QByteArray status, stat;
    if (!readFile(base + QStringLiteral("status"), &status, error) || !readFile(base + QStringLiteral("stat"), &stat, error))
        return sample;
    const qint64 rss = statusFieldBytes(status, "VmRSS");
    const qint64 hwm = statusFieldBytes(status, "VmHWM");
    const qint64 ticks = statCpuTicks(stat);
    const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    if (rss < 0 || hwm < 0 || ticks < 0 || ticksPerSecond <= 0) {
        if (error)
            *error = QStringLiteral("cannot parse %1status or %1stat (VmRSS, VmHWM, utime, stime)").arg(base);
        return sample;
    }
    sample.rssBytes = rss;
    sample.hwmBytes = hwm;
    sample.cpuSeconds = double(ticks) / double(ticksPerSecond);
    QByteArray threadStat;
    if (readFile(base + QStringLiteral("task/%1/stat").arg(pid), &threadStat, nullptr)) {
        const qint64 mainTicks = statCpuTicks(threadStat);
        if (mainTicks >= 0)
            sample.mainThreadCpuSeconds = double(mainTicks) / double(ticksPerSecond);
    }
    QByteArray io;
    if (readFile(base + QStringLiteral("io"), &io, nullptr)) // optional: needs ptrace access
        sample.readBytes = ioField(io, "rchar");
    return sample;
}

bool ProcessSample::resetPeak(qint64 pid, QString *error)
{
    QFile file(QStringLiteral("/proc/%1/clear_refs").arg(pid));
    if (!file.open(QIODevice::WriteOnly) || file.write("5") != 1 || !file.flush()) {
        if (error)
            *error = QStringLiteral("cannot reset the peak resident memory through %1: %2")
                         .arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}
