#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

// One repository as DescribeRepositories reports it (every field of botocore's Repository shape).
struct EcrRepository
{
    QString repositoryArn;
    QString registryId;
    QString repositoryName;
    QString repositoryUri;
    QDateTime createdAt;                 // UTC; invalid when absent
    QString imageTagMutability;          // MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION
    QStringList tagMutabilityExclusionFilters; // "<filterType>:<filter>" from imageTagMutabilityExclusionFilters
    bool scanOnPush = false;
    QString encryptionType;              // AES256, KMS, KMS_DSSE
    QString kmsKey;                      // empty unless KMS

    bool operator==(const EcrRepository &o) const
    {
        return repositoryArn == o.repositoryArn && registryId == o.registryId
            && repositoryName == o.repositoryName && repositoryUri == o.repositoryUri
            && createdAt == o.createdAt && imageTagMutability == o.imageTagMutability
            && tagMutabilityExclusionFilters == o.tagMutabilityExclusionFilters
            && scanOnPush == o.scanOnPush && encryptionType == o.encryptionType && kmsKey == o.kmsKey;
    }
    bool operator!=(const EcrRepository &o) const { return !(*this == o); }
};
