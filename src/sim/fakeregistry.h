#pragma once

#include "ecr/ecrimage.h"
#include "ecr/ecrrepository.h"
#include "ecr/ecrscanningconfiguration.h"

#include <QHash>
#include <QString>
#include <QVector>

// Ground truth of a simulated ECR registry (plain value). FakeEcrServer serves exactly this
// data, so tests compare what a client parsed against these structs. generate() builds a
// deterministic registry from a Spec that exercises every awkward corner of the ECR model.
//
// Scan results: each image's severityCounts / scanCompletedAt / vulnerabilitySourceUpdatedAt
// are the truth of its scan, whatever the mode; hasScanSummary says whether DescribeImages
// shows them as imageScanFindingsSummary. The scan mode says how the registry scans:
//   BasicLegacy  (the default) old basic scanning: summaries in DescribeImages;
//   BasicCurrent AWS's current basic scanning: status COMPLETE, no summary; the counts come
//                from DescribeImageScanFindings (findings[]);
//   Enhanced     Amazon Inspector: status ACTIVE, no summary; DescribeImageScanFindings gives
//                enhancedFindings[]; Inspector's ListFindingAggregations has the counts too.
struct FakeRegistry
{
    enum class ScanMode { BasicLegacy, BasicCurrent, Enhanced };

    QString registryId;                       // 12 digits
    QString region;                           // e.g. "eu-west-1"
    QVector<EcrRepository> repositories;      // sorted by name
    QHash<QString, QVector<EcrImage>> images; // repositoryName -> ALL images (tagged and untagged)
    ScanMode scanMode = ScanMode::BasicLegacy;
    QVector<EcrScanningConfiguration::Rule> scanningRules{
        {QStringLiteral("SCAN_ON_PUSH"), {QStringLiteral("WILDCARD:*")}}};

    struct Spec {
        int repositories = 10;
        int imagesPerRepository = 5;          // average; actual count varies deterministically
        quint32 seed = 1;
        QString registryId = QStringLiteral("123456789012");
        QString region = QStringLiteral("eu-west-1");
        double untaggedFraction = 0.1;
        ScanMode scanMode = ScanMode::BasicLegacy;
    };
    // Deterministic for a given Spec: repo names with slashes, long/odd but legal tags
    // (<=128 chars, [A-Za-z0-9_.-]), untagged images, multi-tag images, KMS and AES256
    // repos, all tag mutabilities, scan summaries of every status and severity, some
    // images without scan data, lastRecordedPullTime on some.
    static FakeRegistry generate(const Spec &spec);

    // Turns a registry described the old-basic way (summaries on COMPLETE images) into one of
    // the other modes, keeping every image's scan truth: BasicCurrent drops the summaries;
    // Enhanced also maps the statuses (COMPLETE -> ACTIVE, FAILED -> FINDINGS_UNAVAILABLE,
    // IN_PROGRESS -> PENDING) and the rules to continuous scanning. BasicLegacy: no change.
    void applyScanMode(ScanMode mode);
    static QString scanTypeName(ScanMode mode);   // "BASIC" or "ENHANCED"
    // The image, or null.
    const EcrImage *findImage(const QString &repositoryName, const QString &digest) const;

    int imageCount(bool taggedOnly) const;
    int tagCount() const;
};
