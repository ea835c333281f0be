#pragma once

#include "fakeregistry.h"

#include <QMap>
#include <QString>
#include <QStringList>

// Registries the end-to-end tests serve through the fake ECR, and what the exporter must
// export for them, derived from the ground truth by the rules of the original exporter's
// README (not from the exporter's code): one aws_ecr_repository_info per repository, and for
// every tag of every TAGGED image size, pushed-at, scan-completed-at and one severity series
// per finding severity, all labelled with digest, image (uri:tag), name, registry_id and tag.
class E2eRegistry
{
public:
    static constexpr char RegistryId[] = "112233445566";
    static constexpr char Region[] = "eu-west-1";

    // The small hand-built dataset of the golden file: 4 repositories (one empty, one with a
    // slash in its name, KMS and AES256, all mutabilities), a 3-tag image, an untagged image,
    // a completed scan with findings, one with no findings, a FAILED scan, an image with no
    // scan data, a size above 2^32 and timestamps with fractions of a second.
    static FakeRegistry fixed();
    // `repositories` repositories "repo-00000".., each with exactly one image tagged "v1".
    static FakeRegistry flat(int repositories);

    static EcrRepository repository(const QString &name, const QString &mutability, const QString &encryption,
                                    bool scanOnPush);
    static EcrImage image(const QString &repository, const QString &digest, const QStringList &tags,
                          qint64 size, qint64 pushedMs);

    // The registry families the ground truth implies: series key (ScrapedBody::key) -> value.
    static QMap<QString, double> expectedSeries(const FakeRegistry &registry);
    // The names of the families expectedSeries() covers.
    static QStringList registryFamilies();
};
