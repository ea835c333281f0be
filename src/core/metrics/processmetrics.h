#pragma once

#include <QString>
#include <QStringList>

#include <optional>

// Reads the standard process_* metrics of the Prometheus client libraries (CPU time,
// resident/virtual memory, start time, open/max file descriptors) for the running process
// from a Linux-style proc filesystem. The proc root is a parameter so tests can point it
// at fixture files.
class ProcessMetrics
{
public:
    // One reading. A field is empty when its source could not be read or parsed; the
    // matching family is then left out of the exposition and the reason is in `errors`.
    struct Sample {
        std::optional<double> cpuSecondsTotal;     // (utime + stime) / clock ticks
        std::optional<double> residentMemoryBytes; // rss pages * page size
        std::optional<double> virtualMemoryBytes;  // vsize
        std::optional<double> startTimeSeconds;    // btime + starttime / clock ticks (Unix time)
        std::optional<double> openFds;             // entries of <pid>/fd
        std::optional<double> maxFds;              // soft "Max open files"; +Inf when unlimited
        QStringList errors;                        // one line per unreadable or malformed source
    };

    // Reads <procRoot>/self/{stat,fd,limits} and <procRoot>/stat, with the host's clock
    // ticks per second and page size (sysconf).
    static Sample read(const QString &procRoot = QStringLiteral("/proc"));

    // Same with explicit clock ticks and page size (for fixtures); pid may be "self" or a number.
    static Sample read(const QString &procRoot, const QString &pid, long clockTicksPerSecond,
                       long pageSizeBytes);
};
