#pragma once

#include "aws/awserror.h"
#include "ecrimage.h"
#include "ecrrepository.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonValue>
#include <QString>
#include <QVector>

// Pure parsers for the ECR JSON 1.1 replies the exporter uses (DescribeRegistry,
// DescribeRepositories, DescribeImages) into EcrRepository / EcrImage values. Unknown fields
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

    static AwsError parseDescribeRegistry(const QByteArray &body, QString *registryId);
    static AwsError parseDescribeRepositories(const QByteArray &body, RepositoriesPage *page);
    static AwsError parseDescribeImages(const QByteArray &body, ImagesPage *page);

    // An AWS JSON timestamp (epoch seconds as a JSON number, possibly fractional or in
    // exponent form; an ISO 8601 string is accepted too, as botocore does) → UTC QDateTime with
    // millisecond precision. Exact for every value with at most millisecond digits: the
    // nearest double of such a number is within 2^-21 s of it for |t| < 2^32 s, far inside
    // the ±0.5 ms that rounding to whole milliseconds tolerates. False when not a timestamp.
    static bool timestampFromJson(const QJsonValue &value, QDateTime *out);
    // The same conversion from seconds as a double (false for NaN/inf/out of range).
    static bool timestampFromSeconds(double seconds, QDateTime *out);
};
