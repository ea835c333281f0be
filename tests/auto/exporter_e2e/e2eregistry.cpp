#include "e2eregistry.h"

#include "scrapedbody.h"

#include <QCryptographicHash>
#include <QTimeZone>

namespace {

QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

void scanned(EcrImage &image, qint64 completedMs, const QMap<QString, int> &counts)
{
    image.scanStatus = QStringLiteral("COMPLETE");
    image.scanStatusDescription = QStringLiteral("The scan was completed successfully.");
    image.hasScanSummary = true;
    image.scanCompletedAt = utc(completedMs);
    image.vulnerabilitySourceUpdatedAt = utc(completedMs - 3600 * 1000);
    image.severityCounts = counts;
}

} // namespace

EcrRepository E2eRegistry::repository(const QString &name, const QString &mutability, const QString &encryption,
                                      bool scanOnPush)
{
    const QString id = QString::fromLatin1(RegistryId);
    const QString region = QString::fromLatin1(Region);
    EcrRepository r;
    r.registryId = id;
    r.repositoryName = name;
    r.repositoryArn = QStringLiteral("arn:aws:ecr:%1:%2:repository/%3").arg(region, id, name);
    r.repositoryUri = QStringLiteral("%1.dkr.ecr.%2.amazonaws.com/%3").arg(id, region, name);
    r.createdAt = utc(1577836800000); // 2020-01-01T00:00:00Z
    r.imageTagMutability = mutability;
    r.scanOnPush = scanOnPush;
    r.encryptionType = encryption;
    if (encryption != QLatin1String("AES256"))
        r.kmsKey = QStringLiteral("arn:aws:kms:%1:%2:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").arg(region, id);
    return r;
}

EcrImage E2eRegistry::image(const QString &repository, const QString &digest, const QStringList &tags, qint64 size,
                            qint64 pushedMs)
{
    EcrImage i;
    i.registryId = QString::fromLatin1(RegistryId);
    i.repositoryName = repository;
    i.imageDigest = digest;
    i.imageTags = tags;
    i.imageSizeInBytes = size;
    i.imagePushedAt = utc(pushedMs);
    i.imageManifestMediaType = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
    i.artifactMediaType = QStringLiteral("application/vnd.docker.container.image.v1+json");
    return i;
}

FakeRegistry E2eRegistry::fixed()
{
    FakeRegistry r;
    r.registryId = QString::fromLatin1(RegistryId);
    r.region = QString::fromLatin1(Region);

    EcrRepository empty = repository(QStringLiteral("empty-repo"), QStringLiteral("IMMUTABLE_WITH_EXCLUSION"),
                                     QStringLiteral("AES256"), false);
    empty.tagMutabilityExclusionFilters = {QStringLiteral("WILDCARD:latest")};
    const EcrRepository flimflam = repository(QStringLiteral("flimflam"), QStringLiteral("MUTABLE"),
                                              QStringLiteral("AES256"), false);
    const EcrRepository flipflop = repository(QStringLiteral("team/flip-flop"), QStringLiteral("IMMUTABLE"),
                                              QStringLiteral("KMS"), true);
    r.repositories = {empty, flimflam, flipflop};

    const QString f = flimflam.repositoryName;
    // Three tags on one manifest, scanned with findings.
    EcrImage multi = image(f, QStringLiteral("sha256:046c3c95cfd4ab660947885571130d34fef6fd5ddabb3ef84ac7fd7b79e4b8f1"),
                           {QStringLiteral("1df508a3"), QStringLiteral("v1.0.41"), QStringLiteral("latest")},
                           91320109, 1601994911000);
    scanned(multi, 1617208126000, {{QStringLiteral("MEDIUM"), 5}, {QStringLiteral("INFORMATIONAL"), 5},
                                   {QStringLiteral("LOW"), 14}});
    // Untagged: never exported, whatever it carries.
    EcrImage untagged = image(f, QStringLiteral("sha256:10bcbc280f1bc017e767a2fc1ecb37085979dd0807fe312411ee9d3abc78f0b6"),
                              {}, 91054438, 1593518011000);
    scanned(untagged, 1617208127000, {{QStringLiteral("HIGH"), 7}});
    // A completed scan that found nothing; pushed and completed at fractions of a second.
    EcrImage clean = image(f, QStringLiteral("sha256:b869d1ffa62b8aba6ac3e26056acacf276425287513bcc77317fa9d2b607c054"),
                           {QStringLiteral("release-2.0_rc.1")}, 91161959, 1596207388250);
    scanned(clean, 1622629411500, {});
    r.images.insert(f, {multi, untagged, clean});

    const QString t = flipflop.repositoryName;
    // The scan FAILED: no summary, so no severity or completed-at series.
    EcrImage failed = image(t, QStringLiteral("sha256:9f47a709e9bea292ce1906f216df5f080493403b45c5b3e9fbe43e1c10733da6"),
                            {QStringLiteral("v0.0.2"), QStringLiteral("v0.0.1")}, 246800685, 1618313952000);
    failed.scanStatus = QStringLiteral("FAILED");
    failed.scanStatusDescription = QStringLiteral("UnsupportedImageError: The operating system and/or package manager are not supported.");
    // Every severity ECR reports, and a size above 2^32.
    EcrImage all = image(t, QStringLiteral("sha256:a910ed7e15cb5fc7e5f0f2294f8028b56689be563bd1d352a4254197739dfa8e"),
                         {QStringLiteral("2faa6445")}, 1234567890123, 1622629411000);
    scanned(all, 1622629500999, {{QStringLiteral("CRITICAL"), 1}, {QStringLiteral("HIGH"), 2},
                                 {QStringLiteral("MEDIUM"), 3}, {QStringLiteral("LOW"), 14},
                                 {QStringLiteral("INFORMATIONAL"), 5}, {QStringLiteral("UNDEFINED"), 1}});
    // No scan data at all.
    const EcrImage unscanned = image(t, QStringLiteral("sha256:f340879c042e88e08d7540c7ec26fb0895814743aefbdd4e62f63b5e41e9f1cf"),
                                     {QStringLiteral("a_b.c-d")}, 2048, 1700000000123);
    r.images.insert(t, {failed, all, unscanned});
    return r;
}

FakeRegistry E2eRegistry::flat(int repositories)
{
    FakeRegistry r;
    r.registryId = QString::fromLatin1(RegistryId);
    r.region = QString::fromLatin1(Region);
    r.repositories.reserve(repositories);
    for (int i = 0; i < repositories; ++i) {
        const QString name = QStringLiteral("repo-%1").arg(i, 5, 10, QLatin1Char('0'));
        r.repositories.append(repository(name, QStringLiteral("MUTABLE"), QStringLiteral("AES256"), i % 2 == 0));
        const QByteArray hash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex();
        r.images.insert(name, {image(name, QStringLiteral("sha256:") + QString::fromLatin1(hash), {QStringLiteral("v1")},
                                     1000000 + i, 1600000000000 + qint64(i) * 1000)});
    }
    return r;
}

QStringList E2eRegistry::registryFamilies()
{
    return {QStringLiteral("aws_ecr_repository_count"), QStringLiteral("aws_ecr_repository_info"),
            QStringLiteral("aws_ecr_image_size_in_bytes"), QStringLiteral("aws_ecr_image_pushed_at_timestamp_seconds"),
            QStringLiteral("aws_ecr_image_scan_severity_count"),
            QStringLiteral("aws_ecr_image_scan_completed_at_timestamp_seconds")};
}

QMap<QString, double> E2eRegistry::expectedSeries(const FakeRegistry &registry)
{
    QMap<QString, double> out;
    out.insert(ScrapedBody::key(QStringLiteral("aws_ecr_repository_count"), {{QStringLiteral("registry_id"), registry.registryId}}),
               registry.repositories.size());
    for (const EcrRepository &r : registry.repositories) {
        out.insert(ScrapedBody::key(QStringLiteral("aws_ecr_repository_info"),
                                    {{QStringLiteral("encryption_type"), r.encryptionType},
                                     {QStringLiteral("name"), r.repositoryName},
                                     {QStringLiteral("registry_id"), r.registryId},
                                     {QStringLiteral("repository_uri"), r.repositoryUri},
                                     {QStringLiteral("scan_on_push"), r.scanOnPush ? QStringLiteral("true") : QStringLiteral("false")},
                                     {QStringLiteral("tag_mutability"), r.imageTagMutability}}),
                   1);
        for (const EcrImage &i : registry.images.value(r.repositoryName)) {
            for (const QString &tag : i.imageTags) { // untagged images have none: nothing exported
                QMap<QString, QString> labels{{QStringLiteral("digest"), i.imageDigest},
                                              {QStringLiteral("image"), r.repositoryUri + QLatin1Char(':') + tag},
                                              {QStringLiteral("name"), r.repositoryName},
                                              {QStringLiteral("registry_id"), r.registryId},
                                              {QStringLiteral("tag"), tag}};
                if (i.imageSizeInBytes >= 0)
                    out.insert(ScrapedBody::key(QStringLiteral("aws_ecr_image_size_in_bytes"), labels), double(i.imageSizeInBytes));
                if (i.imagePushedAt.isValid())
                    out.insert(ScrapedBody::key(QStringLiteral("aws_ecr_image_pushed_at_timestamp_seconds"), labels),
                               i.imagePushedAt.toMSecsSinceEpoch() / 1000.0);
                if (i.scanCompletedAt.isValid())
                    out.insert(ScrapedBody::key(QStringLiteral("aws_ecr_image_scan_completed_at_timestamp_seconds"), labels),
                               i.scanCompletedAt.toMSecsSinceEpoch() / 1000.0);
                for (auto it = i.severityCounts.cbegin(); it != i.severityCounts.cend(); ++it) {
                    QMap<QString, QString> withSeverity = labels;
                    withSeverity.insert(QStringLiteral("severity"), it.key());
                    out.insert(ScrapedBody::key(QStringLiteral("aws_ecr_image_scan_severity_count"), withSeverity), it.value());
                }
            }
        }
    }
    return out;
}
