#pragma once

#include <QString>
#include <QStringList>

// Amazon Inspector's finding counts for one ECR image (one awsEcrContainerAggregation entry
// of ListFindingAggregations): CRITICAL, HIGH and MEDIUM, and all severities together.
struct InspectorImageCounts
{
    QString accountId;
    QString repository;                  // repository name
    QString imageSha;                    // the image digest, sha256:...
    QStringList imageTags;
    QString resourceId;
    qint64 all = 0;
    qint64 critical = 0;
    qint64 high = 0;
    qint64 medium = 0;

    // Only the counts: what says whether an image's findings changed.
    bool sameCounts(const InspectorImageCounts &o) const
    {
        return all == o.all && critical == o.critical && high == o.high && medium == o.medium;
    }
    bool operator==(const InspectorImageCounts &o) const
    {
        return accountId == o.accountId && repository == o.repository && imageSha == o.imageSha
            && imageTags == o.imageTags && resourceId == o.resourceId && sameCounts(o);
    }
};
