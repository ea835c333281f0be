#pragma once

#include "metrics/buildinfo.h"
#include "metrics/processmetrics.h"
#include "model/refreshstats.h"
#include "model/registrysnapshot.h"

#include <memory>

// Everything one exposition body is rendered from.
struct ExpositionInput
{
    // Null before the first successful refresh: then only the exporter's own metrics are
    // written (never a misleading aws_ecr_repository_count 0).
    std::shared_ptr<const RegistrySnapshot> snapshot;
    RefreshStats stats;
    ProcessMetrics::Sample process;
    BuildInfo build;
};
