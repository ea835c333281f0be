#include "logcategories.h"

Q_LOGGING_CATEGORY(lcAws, "ecr.aws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "ecr.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEcr, "ecr.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcModel, "ecr.model", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMetrics, "ecr.metrics", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCreds, "ecr.credentials", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSim, "ecr.sim", QtInfoMsg)
Q_LOGGING_CATEGORY(lcExporter, "ecr.exporter", QtInfoMsg)
