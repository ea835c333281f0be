#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

// A registry's scanning configuration as GetRegistryScanningConfiguration reports it:
// BASIC (ECR's own scanner) or ENHANCED (Amazon Inspector), and its rules.
struct EcrScanningConfiguration
{
    struct Rule {
        QString scanFrequency;           // SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL
        QStringList repositoryFilters;   // "<filterType>:<filter>", e.g. "WILDCARD:prod-*"
        bool operator==(const Rule &o) const
        {
            return scanFrequency == o.scanFrequency && repositoryFilters == o.repositoryFilters;
        }
    };

    QString registryId;                  // the registry the configuration belongs to (the caller's own)
    QString scanType;                    // BASIC or ENHANCED; empty when the reply had none
    QVector<Rule> rules;

    bool operator==(const EcrScanningConfiguration &o) const
    {
        return registryId == o.registryId && scanType == o.scanType && rules == o.rules;
    }
    bool operator!=(const EcrScanningConfiguration &o) const { return !(*this == o); }
};
