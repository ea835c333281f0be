#pragma once

#include "ecr/ecrimage.h"
#include "ecr/ecrrepository.h"
#include "ecr/ecrscanningconfiguration.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

// JSON text of the fake ECR's replies, written by hand rather than with QJsonDocument so
// that timestamps can be printed the way AWS prints them: seconds with a fraction
// (1688712875.123) or in Java's exponent form (1.688712875123E9).
class FakeEcrJson
{
public:
    enum class TimeStyle { Plain, Exponent };

    static QByteArray timestamp(const QDateTime &time, TimeStyle style);
    static QByteArray string(const QString &text);            // quoted and escaped
    static QByteArray repository(const EcrRepository &repository, TimeStyle style);
    // emptySeverityObject: with a scan summary but no findings, write "findingSeverityCounts":{}
    // (true) or leave the member out (false); AWS has been seen doing both.
    static QByteArray image(const EcrImage &image, TimeStyle style, bool emptySeverityObject);
    // The same, appended to `out` (no temporaries: pages of 1000 images are built this way).
    static void appendString(QByteArray &out, const QString &text);
    static void appendRepository(QByteArray &out, const EcrRepository &repository, TimeStyle style);
    static void appendImage(QByteArray &out, const EcrImage &image, TimeStyle style, bool emptySeverityObject);
    static QByteArray error(const QString &code, const QString &message);

    // GetRegistryScanningConfiguration's reply.
    static QByteArray scanningConfiguration(const QString &registryId, const QString &scanType,
                                            const QVector<EcrScanningConfiguration::Rule> &rules);
    // One finding of `image` with `severity`; `index` (0-based within the image) makes it
    // distinct. Basic: ECR's ImageScanFinding; enhanced: EnhancedImageScanFinding as Inspector
    // fills it (package details, CVSS, resources, remediation).
    static void appendBasicFinding(QByteArray &out, const EcrImage &image, const QString &severity, int index);
    static void appendEnhancedFinding(QByteArray &out, const EcrImage &image, const QString &severity, int index,
                                      const QString &region, TimeStyle style);
};
