#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

// One image (manifest) as DescribeImages reports it: every field of botocore's ImageDetail.
struct EcrImage
{
    QString registryId;
    QString repositoryName;
    QString imageDigest;                 // sha256:...
    QStringList imageTags;               // all tags of this manifest, in AWS's order
    qint64 imageSizeInBytes = -1;        // -1 when absent
    QDateTime imagePushedAt;             // UTC; invalid when absent

    // imageScanStatus
    QString scanStatus;                  // COMPLETE, ACTIVE, IN_PROGRESS, FAILED, ...; empty when absent
    QString scanStatusDescription;

    // imageScanFindingsSummary (present only for old-style basic scanning)
    bool hasScanSummary = false;
    // The effective scan results: the summary's as DescribeImages gave them; for images
    // without a summary the refresher's scan phase (ScanFindingsCollector) fills them from
    // DescribeImageScanFindings or Amazon Inspector and says which in scanSource.
    QDateTime scanCompletedAt;
    QDateTime vulnerabilitySourceUpdatedAt;
    QMap<QString, int> severityCounts;   // INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNDEFINED
    enum class ScanSource { None, Summary, ImageScanFindings, Inspector };
    ScanSource scanSource = ScanSource::None; // None until the scan phase ran (or no results)

    QString imageManifestMediaType;
    QString artifactMediaType;
    QDateTime lastRecordedPullTime;
    QString subjectManifestDigest;
    QString imageStatus;                 // ACTIVE, ARCHIVED, ACTIVATING (newer model)
    QDateTime lastArchivedAt;
    QDateTime lastActivatedAt;

    bool operator==(const EcrImage &o) const
    {
        return registryId == o.registryId && repositoryName == o.repositoryName
            && imageDigest == o.imageDigest && imageTags == o.imageTags
            && imageSizeInBytes == o.imageSizeInBytes && imagePushedAt == o.imagePushedAt
            && scanStatus == o.scanStatus && scanStatusDescription == o.scanStatusDescription
            && hasScanSummary == o.hasScanSummary && scanCompletedAt == o.scanCompletedAt
            && vulnerabilitySourceUpdatedAt == o.vulnerabilitySourceUpdatedAt
            && severityCounts == o.severityCounts && scanSource == o.scanSource
            && imageManifestMediaType == o.imageManifestMediaType
            && artifactMediaType == o.artifactMediaType
            && lastRecordedPullTime == o.lastRecordedPullTime
            && subjectManifestDigest == o.subjectManifestDigest && imageStatus == o.imageStatus
            && lastArchivedAt == o.lastArchivedAt && lastActivatedAt == o.lastActivatedAt;
    }
    bool operator!=(const EcrImage &o) const { return !(*this == o); }
};
