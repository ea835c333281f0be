#include "fakeregistry.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace {

const char *const kTeams[] = {"team-a", "team-b", "platform", "data", "ml", "infra", "web", "payments"};
const char *const kServices[] = {"api",     "worker", "frontend", "gateway",   "auth",
                                 "billing", "search", "ingest",   "scheduler", "notifier"};
const char *const kWords[] = {"Alpha", "bravo", "Charlie", "delta", "ECHO", "foxtrot", "Golf", "hotel"};

const QString kSeverities[] = {QStringLiteral("INFORMATIONAL"), QStringLiteral("LOW"),
                               QStringLiteral("MEDIUM"),        QStringLiteral("HIGH"),
                               QStringLiteral("CRITICAL"),      QStringLiteral("UNDEFINED")};

// Media types as ECR reports them for the common kinds of artifact.
const QString kDockerManifest = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
const QString kDockerList = QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json");
const QString kDockerConfig = QStringLiteral("application/vnd.docker.container.image.v1+json");
const QString kOciManifest = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
const QString kOciIndex = QStringLiteral("application/vnd.oci.image.index.v1+json");
const QString kOciConfig = QStringLiteral("application/vnd.oci.image.config.v1+json");
const QString kHelmConfig = QStringLiteral("application/vnd.cncf.helm.config.v1+json");
const QString kCosignSignature = QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json");

constexpr int kMaxTagLength = 128;

template<size_t N>
QString pick(QRandomGenerator &rng, const char *const (&list)[N])
{
    return QString::fromLatin1(list[rng.bounded(int(N))]);
}

QDateTime utcFromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

qint64 randomMs(QRandomGenerator &rng, qint64 minSeconds, qint64 maxSeconds)
{
    // bounded() takes ints: draw seconds and milliseconds separately.
    return qint64(rng.bounded(int(minSeconds), int(maxSeconds))) * 1000 + rng.bounded(1000);
}

// Low-discrepancy sequence in [0,1): spreads untagged images evenly whatever the count.
double weyl(qint64 i)
{
    const double x = 0.5 + double(i) * 0.6180339887498949;
    return x - std::floor(x);
}

QByteArray hexHash(const QByteArray &input)
{
    return QCryptographicHash::hash(input, QCryptographicHash::Sha256).toHex();
}

// Lower-case, '/'-separated names matching ECR's repository-name pattern
// (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*
QString repositoryName(int index, QRandomGenerator &rng)
{
    const QString team = pick(rng, kTeams);
    const QString service = pick(rng, kServices);
    const QString word = pick(rng, kWords).toLower();
    const QString n = QString::number(index);
    if (index % 50 == 7) {
        // A deep, long path (still well under ECR's 256-character limit).
        QString name = team;
        for (int i = 0; i < 12; ++i)
            name += QStringLiteral("/segment-%1").arg(i);
        return name + QLatin1Char('/') + service + QLatin1Char('-') + n;
    }
    switch (index % 6) {
    case 0: return team + QLatin1Char('/') + service + QLatin1Char('-') + n + QStringLiteral("/api");
    case 1: return team + QLatin1Char('/') + service + QLatin1Char('-') + n;
    case 2: return service + n;
    case 3: return team + QLatin1Char('/') + service + QLatin1Char('_') + n + QStringLiteral(".v2");
    case 4: return team + QStringLiteral("/tools/") + word + QLatin1Char('.') + n + QStringLiteral("/sidecar-proxy");
    default: return QStringLiteral("ml/models/") + word + QLatin1Char('_') + n;
    }
}

QString kmsKeyArn(const QString &region, const QString &registryId, const QByteArray &hex)
{
    const QString id = QString::fromLatin1(hex.left(8) + '-' + hex.mid(8, 4) + '-' + hex.mid(12, 4) + '-'
                                           + hex.mid(16, 4) + '-' + hex.mid(20, 12));
    return QStringLiteral("arn:aws:kms:%1:%2:key/%3").arg(region, registryId, id);
}

// One tag in one of several legal styles ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}).
QString makeTag(int style, int imageIndex, const QDateTime &pushedAt, const QByteArray &digestHex,
                QRandomGenerator &rng)
{
    const QString n = QString::number(imageIndex);
    switch (style) {
    case 0: return QStringLiteral("v%1.%2.%3").arg(imageIndex / 100).arg((imageIndex / 10) % 10).arg(imageIndex % 10);
    case 1: return QStringLiteral("%1.%2").arg(imageIndex / 10).arg(imageIndex % 10);
    case 2: return QStringLiteral("sha-") + QString::fromLatin1(digestHex.mid(7, 7));
    case 3: return QStringLiteral("release_") + pushedAt.toString(QStringLiteral("yyyy.MM.dd")) + QLatin1Char('.') + n;
    case 4: return QStringLiteral("Feature-Branch_") + pick(rng, kWords) + QLatin1Char('.') + n;
    case 5: return QStringLiteral("_tmp.") + n;
    case 6: {
        // Exactly the maximum length ECR allows.
        QString tag = QStringLiteral("build-") + n + QLatin1Char('-');
        const QString filler = QStringLiteral("abcdefghijklmnopqrstuvwxyz0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZ.-");
        while (tag.size() < kMaxTagLength)
            tag += filler.at(tag.size() % filler.size());
        return tag;
    }
    default: return QStringLiteral("RC") + n + QStringLiteral("-hotfix_") + pick(rng, kWords).toLower();
    }
}

void setScan(EcrImage &image, int variant, QRandomGenerator &rng)
{
    const qint64 pushedMs = image.imagePushedAt.toMSecsSinceEpoch();
    auto complete = [&] {
        image.scanStatus = QStringLiteral("COMPLETE");
        image.scanStatusDescription = QStringLiteral("The scan was completed successfully.");
        image.hasScanSummary = true;
        const qint64 completed = pushedMs + randomMs(rng, 30, 600);
        image.scanCompletedAt = utcFromMs(completed);
        image.vulnerabilitySourceUpdatedAt = utcFromMs(completed - randomMs(rng, 3600, 2 * 86400));
    };
    switch (variant) {
    case 0: // every severity
        complete();
        for (const QString &severity : kSeverities)
            image.severityCounts.insert(severity, rng.bounded(1, 60));
        break;
    case 1: // scanned, zero findings
        complete();
        break;
    case 2: // no scan data at all
        break;
    case 3:
        complete();
        image.severityCounts.insert(QStringLiteral("CRITICAL"), rng.bounded(1, 5));
        image.severityCounts.insert(QStringLiteral("HIGH"), rng.bounded(1, 20));
        break;
    case 4:
        image.scanStatus = QStringLiteral("FAILED");
        image.scanStatusDescription =
            QStringLiteral("Unable to complete the scan: the image manifest could not be retrieved.");
        break;
    case 5:
        image.scanStatus = QStringLiteral("IN_PROGRESS");
        break;
    case 6:
        complete();
        image.severityCounts.insert(QStringLiteral("LOW"), rng.bounded(1, 100));
        image.severityCounts.insert(QStringLiteral("MEDIUM"), rng.bounded(1, 30));
        image.severityCounts.insert(QStringLiteral("INFORMATIONAL"), rng.bounded(1, 40));
        image.severityCounts.insert(QStringLiteral("UNDEFINED"), rng.bounded(1, 3));
        break;
    case 7:
        image.scanStatus = QStringLiteral("UNSUPPORTED_IMAGE");
        image.scanStatusDescription =
            QStringLiteral("UnsupportedImageError: The operating system and/or package manager are not supported.");
        break;
    case 8: // enhanced scanning: status only, no basic-scan summary
        image.scanStatus = QStringLiteral("ACTIVE");
        image.scanStatusDescription = QStringLiteral("Continuous scan is selected for image.");
        break;
    case 9:
        image.scanStatus = QStringLiteral("PENDING");
        break;
    case 10:
        image.scanStatus = QStringLiteral("SCAN_ELIGIBILITY_EXPIRED");
        image.scanStatusDescription = QStringLiteral("The image is no longer eligible for continuous scanning.");
        break;
    default:
        image.scanStatus = QStringLiteral("FINDINGS_UNAVAILABLE");
        image.scanStatusDescription = QStringLiteral("Scan findings are unavailable for this image.");
        break;
    }
}

constexpr int kScanVariants = 12;

} // namespace

FakeRegistry FakeRegistry::generate(const Spec &spec)
{
    FakeRegistry registry;
    registry.registryId = spec.registryId;
    registry.region = spec.region;

    QRandomGenerator rng(spec.seed);
    const QByteArray seedText = QByteArray::number(spec.seed);
    const qint64 epoch2021 = 1609459200; // 2021-01-01T00:00:00Z
    qint64 globalImage = 0;

    QSet<QString> names;
    registry.repositories.reserve(qMax(0, spec.repositories));
    for (int r = 0; r < spec.repositories; ++r) {
        QString name = repositoryName(r, rng);
        while (names.contains(name))
            name += QStringLiteral("-x");
        names.insert(name);

        EcrRepository repo;
        repo.registryId = spec.registryId;
        repo.repositoryName = name;
        repo.repositoryArn = QStringLiteral("arn:aws:ecr:%1:%2:repository/%3").arg(spec.region, spec.registryId, name);
        repo.repositoryUri = QStringLiteral("%1.dkr.ecr.%2.amazonaws.com/%3").arg(spec.registryId, spec.region, name);
        const qint64 createdMs = (epoch2021 * 1000) + randomMs(rng, 0, 2 * 365 * 86400);
        repo.createdAt = utcFromMs(createdMs);
        switch (r % 4) {
        case 0: repo.imageTagMutability = QStringLiteral("MUTABLE"); break;
        case 1: repo.imageTagMutability = QStringLiteral("IMMUTABLE"); break;
        case 2:
            repo.imageTagMutability = QStringLiteral("MUTABLE_WITH_EXCLUSION");
            repo.tagMutabilityExclusionFilters = {QStringLiteral("WILDCARD:release-*")};
            break;
        default:
            repo.imageTagMutability = QStringLiteral("IMMUTABLE_WITH_EXCLUSION");
            repo.tagMutabilityExclusionFilters = {QStringLiteral("WILDCARD:latest"), QStringLiteral("WILDCARD:dev-*")};
            break;
        }
        repo.scanOnPush = (r % 3 != 1);
        const QByteArray nameHash = hexHash(seedText + "/repo/" + name.toUtf8());
        if (r % 10 == 7) {
            repo.encryptionType = QStringLiteral("KMS_DSSE");
            repo.kmsKey = kmsKeyArn(spec.region, spec.registryId, nameHash);
        } else if (r % 5 == 1) {
            repo.encryptionType = QStringLiteral("KMS");
            repo.kmsKey = kmsKeyArn(spec.region, spec.registryId, nameHash);
        } else {
            repo.encryptionType = QStringLiteral("AES256");
        }

        const int count = spec.imagesPerRepository <= 0 ? 0 : rng.bounded(0, 2 * spec.imagesPerRepository + 1);
        QVector<EcrImage> images;
        images.reserve(count);
        QSet<QString> usedTags;
        int lastTagged = -1;
        qint64 pushedMs = createdMs;
        for (int i = 0; i < count; ++i, ++globalImage) {
            EcrImage image;
            image.registryId = spec.registryId;
            image.repositoryName = name;
            const QByteArray digestHex = hexHash(seedText + '/' + name.toUtf8() + '/' + QByteArray::number(i));
            image.imageDigest = QStringLiteral("sha256:") + QString::fromLatin1(digestHex);
            pushedMs += randomMs(rng, 60, 3 * 86400);
            image.imagePushedAt = utcFromMs(pushedMs);

            // Every 13th image is a cosign signature of the image before it.
            const bool signature = (globalImage % 13 == 12) && i > 0;
            if (signature) {
                const EcrImage &subject = images.constLast();
                image.subjectManifestDigest = subject.imageDigest;
                image.imageManifestMediaType = kOciManifest;
                image.artifactMediaType = kCosignSignature;
                image.imageSizeInBytes = rng.bounded(600, 5000);
                QString tag = subject.imageDigest;
                tag.replace(QLatin1Char(':'), QLatin1Char('-'));
                tag += QStringLiteral(".sig");
                usedTags.insert(tag);
                image.imageTags = {tag};
            } else {
                const int media = rng.bounded(10);
                if (media < 5) {
                    image.imageManifestMediaType = kDockerManifest;
                    image.artifactMediaType = kDockerConfig;
                } else if (media < 7) {
                    image.imageManifestMediaType = kOciManifest;
                    image.artifactMediaType = kOciConfig;
                } else if (media == 7) {
                    image.imageManifestMediaType = kOciManifest;
                    image.artifactMediaType = kHelmConfig;
                } else if (media == 8) {
                    image.imageManifestMediaType = kDockerList;
                } else {
                    image.imageManifestMediaType = kOciIndex;
                }
                image.imageSizeInBytes = rng.bounded(5000000, 2000000000);
                setScan(image, int(globalImage % kScanVariants), rng);

                const bool untagged = weyl(globalImage) < spec.untaggedFraction;
                if (!untagged) {
                    int tags = 1;
                    if (globalImage % 7 == 3)
                        tags = 2;
                    if (globalImage % 19 == 5)
                        tags = 3;
                    for (int t = 0; t < tags; ++t) {
                        // The first image of the registry always carries a 128-character tag.
                        const int style = (globalImage % 23 == 0 && t == 0) ? 6 : rng.bounded(8);
                        QString tag = makeTag(style, i, image.imagePushedAt, digestHex, rng);
                        for (int retry = 0; usedTags.contains(tag); ++retry)
                            tag = tag.left(kMaxTagLength - 4) + QStringLiteral("-%1").arg(retry);
                        usedTags.insert(tag);
                        image.imageTags.append(tag);
                    }
                    lastTagged = i;
                }
            }
            if (globalImage % 3 != 2)
                image.lastRecordedPullTime = utcFromMs(pushedMs + randomMs(rng, 3600, 60 * 86400));
            if (globalImage % 17 == 4)
                image.imageStatus = QStringLiteral("ACTIVE");
            images.append(image);
        }
        // The newest tagged image is "latest", as a CI pipeline would leave it.
        if (lastTagged >= 0 && !usedTags.contains(QStringLiteral("latest")))
            images[lastTagged].imageTags.append(QStringLiteral("latest"));

        registry.images.insert(name, images);
        registry.repositories.append(repo);
    }

    std::sort(registry.repositories.begin(), registry.repositories.end(),
              [](const EcrRepository &a, const EcrRepository &b) { return a.repositoryName < b.repositoryName; });
    // After everything random: the legacy registry stays exactly what it always was.
    registry.applyScanMode(spec.scanMode);
    return registry;
}

QString FakeRegistry::scanTypeName(ScanMode mode)
{
    return mode == ScanMode::Enhanced ? QStringLiteral("ENHANCED") : QStringLiteral("BASIC");
}

void FakeRegistry::applyScanMode(ScanMode mode)
{
    scanMode = mode;
    if (mode == ScanMode::BasicLegacy)
        return;
    if (mode == ScanMode::Enhanced)
        scanningRules = {{QStringLiteral("CONTINUOUS_SCAN"), {QStringLiteral("WILDCARD:*")}}};
    for (auto it = images.begin(); it != images.end(); ++it) {
        for (EcrImage &image : it.value()) {
            image.hasScanSummary = false;
            if (mode != ScanMode::Enhanced)
                continue;
            if (image.scanStatus == QLatin1String("COMPLETE")) {
                image.scanStatus = QStringLiteral("ACTIVE");
                image.scanStatusDescription = QStringLiteral("Continuous scan is selected for image.");
            } else if (image.scanStatus == QLatin1String("FAILED")) {
                image.scanStatus = QStringLiteral("FINDINGS_UNAVAILABLE");
                image.scanStatusDescription = QStringLiteral("Scan findings are unavailable for this image.");
            } else if (image.scanStatus == QLatin1String("IN_PROGRESS")) {
                image.scanStatus = QStringLiteral("PENDING");
                image.scanStatusDescription.clear();
            }
        }
    }
}

const EcrImage *FakeRegistry::findImage(const QString &repositoryName, const QString &digest) const
{
    const auto it = images.constFind(repositoryName);
    if (it == images.cend())
        return nullptr;
    for (const EcrImage &image : *it) {
        if (image.imageDigest == digest)
            return &image;
    }
    return nullptr;
}

int FakeRegistry::imageCount(bool taggedOnly) const
{
    int count = 0;
    for (auto it = images.cbegin(); it != images.cend(); ++it) {
        for (const EcrImage &image : it.value()) {
            if (!taggedOnly || !image.imageTags.isEmpty())
                ++count;
        }
    }
    return count;
}

int FakeRegistry::tagCount() const
{
    int count = 0;
    for (auto it = images.cbegin(); it != images.cend(); ++it) {
        for (const EcrImage &image : it.value())
            count += image.imageTags.size();
    }
    return count;
}
