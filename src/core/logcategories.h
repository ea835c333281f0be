#pragma once

#include <QLoggingCategory>

// One logging category per area; enable with QT_LOGGING_RULES, e.g. "ecr.aws.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcAws)       // ecr.aws: signing, HTTP client, retries
Q_DECLARE_LOGGING_CATEGORY(lcHttp)      // ecr.http: the /metrics server
Q_DECLARE_LOGGING_CATEGORY(lcEcr)       // ecr.api: the ECR API client
Q_DECLARE_LOGGING_CATEGORY(lcModel)     // ecr.model: refresh scheduling, snapshots
Q_DECLARE_LOGGING_CATEGORY(lcMetrics)   // ecr.metrics: exposition
Q_DECLARE_LOGGING_CATEGORY(lcCreds)     // ecr.credentials: credential sources
Q_DECLARE_LOGGING_CATEGORY(lcSim)       // ecr.sim: fake AWS servers
Q_DECLARE_LOGGING_CATEGORY(lcExporter)  // ecr.exporter: the front-ends
