#pragma once

#include "model/registrysnapshot.h"
#include "model/severity.h"

#include <QMap>
#include <QString>

// Registry-wide sums of one snapshot, for the desktop's header and tray tooltip. Plain value;
// compute() is pure. Images are the snapshot's (tagged) images; severity totals add up the
// basic-scan finding counts of every image.
struct RegistryTotals
{
    int repositoryCount = 0;
    int imageCount = 0;
    qint64 totalSizeBytes = 0;                  // images with an unknown size count as 0
    QMap<QString, int> severityTotals;          // all six AWS names, 0 when there is none
    int imagesWithCritical = 0;
    int imagesWithHigh = 0;
    Severity::Level worst = Severity::None;     // worst finding of any image
    int staleRepositories = 0;                  // whose images are from an earlier refresh

    int total(Severity::Level level) const { return severityTotals.value(Severity::name(level)); }
    static RegistryTotals compute(const RegistrySnapshot &snapshot);
};
