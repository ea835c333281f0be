#pragma once

#include "aws/awserror.h"
#include "inspectorimagecounts.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

// Pure request builder and reply parser for Amazon Inspector's ListFindingAggregations
// (REST-JSON, POST /findings/aggregation/list) with aggregation type AWS_ECR_CONTAINER: the
// CRITICAL/HIGH/MEDIUM/all finding counts of each ECR image. Entries of other aggregation
// kinds are skipped; a malformed reply is an AwsError of kind Parse naming the field.
class InspectorJsonParser
{
public:
    struct AggregationsPage {
        QVector<InspectorImageCounts> images;
        QString nextToken;
    };

    // Body of one page: aggregationType AWS_ECR_CONTAINER, accountIds EQUALS `accountId`
    // (omitted when empty), optional repository name filter (EQUALS, at most 10 names as
    // Inspector allows), sorted by ALL descending, maxResults, nextToken when not empty.
    static QByteArray listEcrContainerAggregationsBody(const QString &accountId, const QStringList &repositories,
                                                       int maxResults, const QString &nextToken);
    static AwsError parseListFindingAggregations(const QByteArray &body, AggregationsPage *page);
};
