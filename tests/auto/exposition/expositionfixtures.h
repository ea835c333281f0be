#pragma once

// Hand-built inputs for the exposition tests (shared with tests/auto/promtool).

#include "metrics/expositioninput.h"

#include <QDateTime>
#include <QString>

#include <memory>

namespace ExpositionFixtures {

inline QDateTime at(const char *iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    Q_ASSERT(t.isValid());
    return t;
}

inline EcrRepository repo(const QString &name, const QString &encryption, const QString &mutability,
                          bool scanOnPush)
{
    EcrRepository r;
    r.registryId = QStringLiteral("112233445566");
    r.repositoryName = name;
    r.repositoryArn = QStringLiteral("arn:aws:ecr:eu-west-1:112233445566:repository/") + name;
    r.repositoryUri = QStringLiteral("112233445566.dkr.ecr.eu-west-1.amazonaws.com/") + name;
    r.createdAt = at("2020-01-01T00:00:00Z");
    r.encryptionType = encryption;
    r.imageTagMutability = mutability;
    r.scanOnPush = scanOnPush;
    return r;
}

inline EcrImage image(const QString &repository, const QString &digest, const QStringList &tags, qint64 size,
                      const QDateTime &pushedAt)
{
    EcrImage i;
    i.registryId = QStringLiteral("112233445566");
    i.repositoryName = repository;
    i.imageDigest = digest;
    i.imageTags = tags;
    i.imageSizeInBytes = size;
    i.imagePushedAt = pushedAt;
    i.imageManifestMediaType = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
    return i;
}

// The small registry the golden file tests/data/exposition/golden.prom is written for:
// - flimflam: AES256, MUTABLE, no scan on push; one image with three severities, one
//   image with two tags whose scan completed without findings.
// - flipflop: KMS, IMMUTABLE, scan on push; one two-tag image whose scan FAILED.
// - team-a/parcel-bird (slash in the name): an image with no scan summary yet (IN_PROGRESS),
//   an image without a size whose completed scan has CRITICAL/HIGH/UNDEFINED findings, and
//   an enhanced-scanning image (ACTIVE) whose counts came from DescribeImageScanFindings.
// - the registry's scan phase: BASIC, coverage gauges and counters.
inline ExpositionInput goldenInput()
{
    auto snap = std::make_shared<RegistrySnapshot>();
    snap->registryId = QStringLiteral("112233445566");
    snap->region = QStringLiteral("eu-west-1");
    snap->takenAt = at("2024-01-02T03:04:18.023Z");

    {
        RegistrySnapshot::RepositoryState st;
        st.repository = repo(QStringLiteral("flimflam"), QStringLiteral("AES256"), QStringLiteral("MUTABLE"), false);
        EcrImage a = image(st.repository.repositoryName,
                           QStringLiteral("sha256:046c3c95cfd4ab660947885571130d34fef6fd5ddabb3ef84ac7fd7b79e4b8f1"),
                           {QStringLiteral("1df508a3")}, 91320109, at("2020-10-06T14:35:11Z"));
        a.scanStatus = QStringLiteral("COMPLETE");
        a.hasScanSummary = true;
        a.scanCompletedAt = at("2021-03-31T16:28:46Z");
        a.vulnerabilitySourceUpdatedAt = at("2021-03-30T12:00:00.500Z");
        a.scanSource = EcrImage::ScanSource::Summary;
        a.severityCounts = {{QStringLiteral("MEDIUM"), 5}, {QStringLiteral("INFORMATIONAL"), 5},
                            {QStringLiteral("LOW"), 14}};
        EcrImage b = image(st.repository.repositoryName,
                           QStringLiteral("sha256:10bcbc280f1bc017e767a2fc1ecb37085979dd0807fe312411ee9d3abc78f0b6"),
                           {QStringLiteral("v1.0.41"), QStringLiteral("latest")}, 91054438,
                           at("2020-06-30T11:53:31.500Z"));
        b.scanStatus = QStringLiteral("COMPLETE");
        b.hasScanSummary = true;
        b.scanCompletedAt = at("2021-04-13T11:39:12Z");
        st.images = {a, b};
        snap->repositories.append(st);
    }
    {
        RegistrySnapshot::RepositoryState st;
        st.repository = repo(QStringLiteral("flipflop"), QStringLiteral("KMS"), QStringLiteral("IMMUTABLE"), true);
        st.repository.kmsKey = QStringLiteral("arn:aws:kms:eu-west-1:112233445566:key/0b6f3d7e-1111-2222-3333-444455556666");
        EcrImage c = image(st.repository.repositoryName,
                           QStringLiteral("sha256:9f47a709e9bea292ce1906f216df5f080493403b45c5b3e9fbe43e1c10733da6"),
                           {QStringLiteral("v0.0.2"), QStringLiteral("v0.0.1")}, 246800685,
                           at("2021-06-02T10:23:31Z"));
        c.scanStatus = QStringLiteral("FAILED");
        c.scanStatusDescription = QStringLiteral("UnsupportedImageError: The operating system and/or package manager are not supported.");
        st.images = {c};
        snap->repositories.append(st);
    }
    {
        RegistrySnapshot::RepositoryState st;
        st.repository = repo(QStringLiteral("team-a/parcel-bird"), QStringLiteral("AES256"), QStringLiteral("MUTABLE"), true);
        EcrImage d = image(st.repository.repositoryName,
                           QStringLiteral("sha256:981a9c17106eee1099d815f82dfb45f4e8d016a63816fec92f290f1af0117c37"),
                           {QStringLiteral("227c8031")}, 1000000, at("2020-07-31T14:56:28Z"));
        d.scanStatus = QStringLiteral("IN_PROGRESS");
        EcrImage e = image(st.repository.repositoryName,
                           QStringLiteral("sha256:f340879c042e88e08d7540c7ec26fb0895814743aefbdd4e62f63b5e41e9f1cf"),
                           {QStringLiteral("77b36acb")}, -1, at("2020-07-31T14:56:28Z"));
        e.scanStatus = QStringLiteral("COMPLETE");
        e.hasScanSummary = true;
        e.scanCompletedAt = at("2021-06-02T12:23:31.250+02:00"); // = 10:23:31.250Z
        e.severityCounts = {{QStringLiteral("HIGH"), 1}, {QStringLiteral("CRITICAL"), 2},
                            {QStringLiteral("UNDEFINED"), 3}};
        // Enhanced scanning: no summary; counts and times from DescribeImageScanFindings.
        EcrImage g = image(st.repository.repositoryName,
                           QStringLiteral("sha256:c0ffee0000000000000000000000000000000000000000000000000000000001"),
                           {QStringLiteral("v2")}, 5000000, at("2021-07-01T00:00:00Z"));
        g.scanStatus = QStringLiteral("ACTIVE");
        g.scanSource = EcrImage::ScanSource::ImageScanFindings;
        g.scanCompletedAt = at("2021-07-01T00:05:00Z");
        g.vulnerabilitySourceUpdatedAt = at("2021-06-30T22:00:00Z");
        g.severityCounts = {{QStringLiteral("UNDEFINED"), 2}, {QStringLiteral("CRITICAL"), 1}};
        st.images = {d, e, g};
        snap->repositories.append(st);
    }

    snap->scan.collected = true;
    snap->scan.configurationKnown = true;
    snap->scan.configuration.registryId = QStringLiteral("112233445566");
    snap->scan.configuration.scanType = QStringLiteral("BASIC");
    snap->scan.currentImages = {{QStringLiteral("summary"), 3}, {QStringLiteral("findings"), 1}};
    snap->scan.waitingImages = 2;
    snap->scan.unavailableImages = 1;
    snap->scan.findingsFetchesTotal = 17;
    snap->scan.findingsCacheHitsTotal = 40;

    ExpositionInput in;
    in.snapshot = snap;
    in.stats.lastRefreshStart = at("2024-01-02T03:04:05.678Z");
    in.stats.lastRefreshDurationSeconds = 12.345;
    in.stats.lastSuccessStart = at("2024-01-02T03:04:05.678Z");
    in.stats.lastSuccessDurationSeconds = 12.345;
    in.stats.complete = true;
    in.stats.failedRepositories = 0;
    in.stats.refreshesTotal = 3;
    in.stats.refreshFailuresTotal = 1;
    in.stats.apiRequests = {
        {{QStringLiteral("DescribeRepositories"), QStringLiteral("success")}, 3},
        {{QStringLiteral("DescribeImages"), QStringLiteral("success")}, 7},
        {{QStringLiteral("DescribeImages"), QStringLiteral("ThrottlingException")}, 2},
    };
    in.process.cpuSecondsTotal = 1.25;
    in.process.residentMemoryBytes = 12345678;
    in.process.virtualMemoryBytes = 305135616;
    in.process.startTimeSeconds = 1704164645.12;
    in.process.openFds = 12;
    in.process.maxFds = 1024;
    in.build = BuildInfo{QStringLiteral("0.1.0"), QStringLiteral("abc123def456"), QStringLiteral("6.4.2")};
    return in;
}

// A large registry for the render-time figure: repos x images, every fifth image with a
// second tag (1,000 x 100 -> 120,000 tags), three severities on every scanned image.
inline ExpositionInput largeInput(int repos, int imagesPerRepo)
{
    auto snap = std::make_shared<RegistrySnapshot>();
    snap->registryId = QStringLiteral("112233445566");
    snap->region = QStringLiteral("eu-west-1");
    snap->repositories.reserve(repos);
    const QDateTime base = at("2023-01-01T00:00:00Z");
    for (int r = 0; r < repos; ++r) {
        RegistrySnapshot::RepositoryState st;
        st.repository = repo(QStringLiteral("team-%1/service-%2").arg(r % 17).arg(r, 4, 10, QLatin1Char('0')),
                             QStringLiteral("AES256"), QStringLiteral("MUTABLE"), r % 2 == 0);
        st.images.reserve(imagesPerRepo);
        for (int i = 0; i < imagesPerRepo; ++i) {
            const quint64 n = quint64(r) * 1000003u + quint64(i) * 7919u;
            const QString digest = QStringLiteral("sha256:%1%2%3%4")
                                       .arg(n * 0x9E3779B97F4A7C15ull, 16, 16, QLatin1Char('0'))
                                       .arg(n * 0xC2B2AE3D27D4EB4Full, 16, 16, QLatin1Char('0'))
                                       .arg(n * 0x165667B19E3779F9ull, 16, 16, QLatin1Char('0'))
                                       .arg(n + 1, 16, 16, QLatin1Char('0'));
            QStringList tags{QStringLiteral("v1.%1.%2").arg(r).arg(i)};
            if (i % 5 == 0)
                tags << QStringLiteral("build-%1").arg(n, 8, 16, QLatin1Char('0'));
            EcrImage img = image(st.repository.repositoryName, digest, tags, 50'000'000 + qint64(n % 900'000'000),
                                 base.addSecs(qint64(i) * 3600 + r));
            if (i % 10 != 9) {
                img.scanStatus = QStringLiteral("COMPLETE");
                img.hasScanSummary = true;
                img.scanCompletedAt = img.imagePushedAt.addSecs(90);
                img.severityCounts = {{QStringLiteral("LOW"), int(n % 40)},
                                      {QStringLiteral("MEDIUM"), int(n % 9)},
                                      {QStringLiteral("INFORMATIONAL"), int(n % 13)}};
            }
            st.images.append(img);
        }
        snap->repositories.append(st);
    }
    ExpositionInput in;
    in.snapshot = snap;
    in.build = BuildInfo{QStringLiteral("0.1.0"), QStringLiteral("abc123def456"), QStringLiteral("6.4.2")};
    return in;
}

} // namespace ExpositionFixtures
