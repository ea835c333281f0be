#pragma once

#include "model/registrysnapshot.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

// The desktop's notification rule: which images deserve a "new CRITICAL findings" message
// after a refresh. Pure bookkeeping over successive snapshots, no Gui.
//
//  - The first snapshot seen is the baseline: it never raises an alert, whatever it holds.
//  - Afterwards an image digest raises an alert when its CRITICAL count is above 0 and the
//    last count known for that digest was 0. A digest never seen before counts as 0 (an
//    image pushed after the baseline whose scan already found CRITICALs is news too).
//  - Each digest alerts at most once per tracker (per run of the app): a count that drops
//    to 0 and rises again, or a digest present in several repositories, gives one message.
//  - Counts are remembered for digests that disappear (deleted, or a repository whose
//    images could not be read), so an image that comes back unchanged is not news.
class CriticalAlertTracker
{
public:
    struct Alert {
        QString repositoryName;
        QString repositoryUri;
        QString digest;
        QStringList tags;
        int critical = 0;
        int high = 0;
        bool operator==(const Alert &o) const
        {
            return repositoryName == o.repositoryName && repositoryUri == o.repositoryUri && digest == o.digest
                && tags == o.tags && critical == o.critical && high == o.high;
        }
    };

    // Feeds one snapshot (the one current after a refresh) and returns the new alerts in
    // snapshot order (repositories by name, images as listed).
    QVector<Alert> update(const RegistrySnapshot &snapshot);

    bool hasBaseline() const { return m_baseline; }
    int knownDigests() const { return int(m_lastCritical.size()); }

private:
    bool m_baseline = false;
    QHash<QString, int> m_lastCritical; // digest -> CRITICAL count when last seen
    QSet<QString> m_alerted;
};
