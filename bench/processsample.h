#pragma once

#include <QByteArray>
#include <QString>

// What /proc says about another process at one moment: resident memory now (VmRSS), its
// peak (VmHWM) and the CPU time it has used (utime + stime). Linux only. The parsers are
// pure and separate from reading, so they can be checked against fixture text.
struct ProcessSample
{
    qint64 rssBytes = -1;    // VmRSS
    qint64 hwmBytes = -1;    // VmHWM: peak resident memory since start or the last resetPeak()
    double cpuSeconds = -1;  // utime + stime, all threads
    double mainThreadCpuSeconds = -1; // the same for the main thread (the event loop) only
    qint64 readBytes = -1;   // rchar of /proc/<pid>/io: bytes read by read()-like calls (sockets too)

    bool isValid() const { return rssBytes >= 0 && hwmBytes >= 0 && cpuSeconds >= 0; }

    // Reads /proc/<pid>/status, /proc/<pid>/stat, /proc/<pid>/task/<pid>/stat and (when
    // readable) /proc/<pid>/io. Invalid (with *error) when the process
    // is gone or the files cannot be parsed.
    static ProcessSample read(qint64 pid, QString *error = nullptr);
    // Resets VmHWM to the current VmRSS (writes "5" to /proc/<pid>/clear_refs; Linux 4.0+,
    // same user), so a later VmHWM is the peak of what happened in between.
    static bool resetPeak(qint64 pid, QString *error = nullptr);

    // "VmRSS:\t  123 kB" lines of /proc/<pid>/status; -1 when absent.
    static qint64 statusFieldBytes(const QByteArray &status, const QByteArray &field);
    // utime + stime of a /proc/<pid>/stat line, in clock ticks; -1 when malformed. The
    // command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    static qint64 statCpuTicks(const QByteArray &stat);
    // "rchar: 123" of /proc/<pid>/io; -1 when absent.
    static qint64 ioField(const QByteArray &io, const QByteArray &field);
};
