#pragma once

#include <QString>

// What aws_ecr_exporter_build_info reports about this binary.
struct BuildInfo
{
    QString version;
    QString revision;
    QString qtVersion;

    // This build: the project version, the git revision it was built from (or "unknown")
    // and the Qt version running it. The only place these are compiled in.
    static BuildInfo current();
};
