#pragma once

#include "ecr/ecrimage.h"
#include "ecr/ecrrepository.h"
#include "model/registryscanstate.h"

#include <QDateTime>
#include <QString>
#include <QVector>

// Everything one refresh learned about a registry. Immutable once published: the refresher
// builds a new one and swaps it in, readers hold a shared pointer to the one they render.
struct RegistrySnapshot
{
    struct RepositoryState {
        EcrRepository repository;
        QVector<EcrImage> images;        // TAGGED images
        bool imagesFresh = true;         // false: the last DescribeImages failed, images are from an earlier refresh
    };

    QString registryId;
    QString region;
    QVector<RepositoryState> repositories; // sorted by repository name
    QDateTime takenAt;                     // when the refresh that produced it finished (UTC)
    RegistryScanState scan;                // scanning configuration and scan-result coverage
};
