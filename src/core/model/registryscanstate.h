#pragma once

#include "ecr/ecrimage.h"
#include "ecr/ecrscanningconfiguration.h"

#include <QMap>
#include <QString>

// What the scan phase of one refresh (ScanFindingsCollector) learnt about the registry's
// scanning: its configuration and how well the images' scan results are covered. Part of the
// RegistrySnapshot; exported as aws_ecr_registry_scanning_info and aws_ecr_exporter_scan_*.
struct RegistryScanState
{
    bool collected = false;                // the scan phase ran for this snapshot
    bool configurationKnown = false;       // GetRegistryScanningConfiguration answered for this registry
    EcrScanningConfiguration configuration;

    // Images (tagged, counted once per repository and digest) whose scan status says results
    // exist (COMPLETE, ACTIVE):
    QMap<QString, int> currentImages;      // up to date, by source name (scanSourceName)
    int waitingImages = 0;                 // a DescribeImageScanFindings call is owed (budget, error)
    int unavailableImages = 0;             // no permitted source gives their counts
    // Totals since the exporter started (counters):
    quint64 findingsFetchesTotal = 0;      // images whose findings were read (DescribeImageScanFindings)
    quint64 findingsCacheHitsTotal = 0;    // images whose call was skipped: the cached findings still hold

    // "summary", "findings", "inspector" (the `source` label); empty for None.
    static QString scanSourceName(EcrImage::ScanSource source)
    {
        switch (source) {
        case EcrImage::ScanSource::Summary: return QStringLiteral("summary");
        case EcrImage::ScanSource::ImageScanFindings: return QStringLiteral("findings");
        case EcrImage::ScanSource::Inspector: return QStringLiteral("inspector");
        case EcrImage::ScanSource::None: break;
        }
        return {};
    }
};
