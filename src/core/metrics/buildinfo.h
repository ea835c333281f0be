#pragma once

#include <QString>

// What aws_ecr_exporter_build_info reports about this binary.
struct BuildInfo
{
    QString version;
    QString revision;
    QString qtVersion;

    // This build: ECR_VERSION / ECR_REVISION (from CMake) and the Qt version running it.
    static BuildInfo current();
};
