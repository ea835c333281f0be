#pragma once

#include "aws/awserror.h"
#include "ecrimage.h"
#include "ecrrepository.h"
#include "ecrscanningconfiguration.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonValue>
#include <QMap>
#include <QString>
#include <QVector>

// Pure parsers for the ECR JSON 1.1 replies the exporter uses (DescribeRegistry,
// DescribeRepositories, DescribeImages, GetRegistryScanningConfiguration,
// DescribeImageScanFindings) into EcrRepository / EcrImage / ... values. Unknown fields
// are ignored and optional ones may be missing; a body that is not JSON, is cut short, or
// has a field of the wrong type gives an AwsError of kind Parse naming the field, never a
// crash or a half-filled result.
class EcrJsonParser
{
public:
    struct RepositoriesPage {
        QVector<EcrRepository> repositories;
        QString nextToken;                   // empty when this was the last page
    };
    struct ImagesPage {
        QVector<EcrImage> images;
        QString nextToken;
    };

    // One page of DescribeImageScanFindings, with the findings already counted by severity.
    struct ImageScanFindingsPage {
        QString scanStatus;
        QString scanStatusDescription;
        QDateTime imageScanCompletedAt;
        QDateTime vulnerabilitySourceUpdatedAt;
        bool hasSeverityCounts = false;          // imageScanFindings.findingSeverityCounts was there
        QMap<QString, int> severityCounts;       // ... and said this (totals for the whole image)
        QMap<QString, int> countedSeverities;    // findings[] + enhancedFindings[] of THIS page by
                                                 // severity; one without a severity counts as UNDEFINED
        int findingCount = 0;                    // findings on this page
        QString nextToken;
    };

    static AwsError parseDescribeRegistry(const QByteArray &body, QString *registryId);
    static AwsError parseDescribeRepositories(const QByteArray &body, RepositoriesPage *page);
    static AwsError parseDescribeImages(const QByteArray &body, ImagesPage *page);
    static AwsError parseGetRegistryScanningConfiguration(const QByteArray &body,
                                                          EcrScanningConfiguration *configuration);
    static AwsError parseDescribeImageScanFindings(const QByteArray &body, ImageScanFindingsPage *page);

    // An AWS JSON timestamp (epoch seconds as a JSON number, possibly fractional or in
    // exponent form; an ISO 8601 string is accepted too, as botocore does) → UTC QDateTime with
    // millisecond precision. Exact for every value with at most millisecond digits: the
    // nearest double of such a number is within 2^-21 s of it for |t| < 2^32 s, far inside
    // the ±0.5 ms that rounding to whole milliseconds tolerates. False when not a timestamp.
    static bool timestampFromJson(const QJsonValue &value, QDateTime *out);
    // The same conversion from seconds as a double (false for NaN/inf/out of range).
    static bool timestampFromSeconds(double seconds, QDateTime *out);
};
