#pragma once

#include <QDateTime>
#include <QMap>
#include <QPair>
#include <QString>

// The exporter's view of its own health, exported under aws_ecr_exporter_*.
struct RefreshStats
{
    QDateTime lastRefreshStart;            // start of the last refresh (successful or not)
    double lastRefreshDurationSeconds = 0;
    QDateTime lastSuccessStart;            // start of the last refresh that produced a snapshot
    double lastSuccessDurationSeconds = 0;
    bool complete = false;                 // last refresh got every repository's images
    int failedRepositories = 0;            // repositories whose DescribeImages failed in the last refresh
    quint64 refreshesTotal = 0;
    quint64 refreshFailuresTotal = 0;
    // (operation, outcome) -> count; outcome is "success" or an error code/kind
    QMap<QPair<QString, QString>, quint64> apiRequests;
};
