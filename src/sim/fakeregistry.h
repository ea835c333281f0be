#pragma once

#include "ecr/ecrimage.h"
#include "ecr/ecrrepository.h"

#include <QHash>
#include <QString>
#include <QVector>

// Ground truth of a simulated ECR registry (plain value). FakeEcrServer serves exactly this
// data, so tests compare what a client parsed against these structs. generate() builds a
// deterministic registry from a Spec that exercises every awkward corner of the ECR model.
struct FakeRegistry
{
    QString registryId;                       // 12 digits
    QString region;                           // e.g. "eu-west-1"
    QVector<EcrRepository> repositories;      // sorted by name
    QHash<QString, QVector<EcrImage>> images; // repositoryName -> ALL images (tagged and untagged)

    struct Spec {
        int repositories = 10;
        int imagesPerRepository = 5;          // average; actual count varies deterministically
        quint32 seed = 1;
        QString registryId = QStringLiteral("123456789012");
        QString region = QStringLiteral("eu-west-1");
        double untaggedFraction = 0.1;
    };
    // Deterministic for a given Spec: repo names with slashes, long/odd but legal tags
    // (<=128 chars, [A-Za-z0-9_.-]), untagged images, multi-tag images, KMS and AES256
    // repos, all tag mutabilities, scan summaries of every status and severity, some
    // images without scan data, lastRecordedPullTime on some.
    static FakeRegistry generate(const Spec &spec);

    int imageCount(bool taggedOnly) const;
    int tagCount() const;
};
