#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>

// One image's scan results as DescribeImageScanFindings gives them, reduced to what the
// exporter keeps: the status, the two times, and the number of findings per severity
// (AWS's findingSeverityCounts when the reply has it, otherwise counted over every page of
// findings / enhancedFindings). The individual findings are not kept.
struct EcrImageScanFindings
{
    QString scanStatus;                  // imageScanStatus.status
    QString scanStatusDescription;
    QDateTime imageScanCompletedAt;      // invalid when absent
    QDateTime vulnerabilitySourceUpdatedAt;
    QMap<QString, int> severityCounts;   // as findingSeverityCounts states them, or the counted findings
    bool countsFromSummary = false;      // true: findingSeverityCounts; false: findings counted
    int findingsCounted = 0;             // findings read when counting (0 with countsFromSummary)
    int requests = 0;                    // DescribeImageScanFindings calls it took (also on error)

    bool operator==(const EcrImageScanFindings &o) const
    {
        return scanStatus == o.scanStatus && scanStatusDescription == o.scanStatusDescription
            && imageScanCompletedAt == o.imageScanCompletedAt
            && vulnerabilitySourceUpdatedAt == o.vulnerabilitySourceUpdatedAt
            && severityCounts == o.severityCounts && countsFromSummary == o.countsFromSummary
            && findingsCounted == o.findingsCounted && requests == o.requests;
    }
};
