#include "criticalalerttracker.h"

#include "model/severity.h"

QVector<CriticalAlertTracker::Alert> CriticalAlertTracker::update(const RegistrySnapshot &snapshot)
{
    QVector<Alert> alerts;
    QHash<QString, int> seen; // this snapshot's counts (a digest in two repositories: its highest)
    for (const RegistrySnapshot::RepositoryState &state : snapshot.repositories) {
        for (const EcrImage &image : state.images) {
            if (image.imageDigest.isEmpty())
                continue;
            const int critical = Severity::count(image.severityCounts, Severity::Critical);
            seen[image.imageDigest] = qMax(seen.value(image.imageDigest), critical);
            if (!m_baseline || critical <= 0 || m_alerted.contains(image.imageDigest))
                continue;
            if (m_lastCritical.value(image.imageDigest, 0) > 0)
                continue;
            m_alerted.insert(image.imageDigest);
            Alert alert;
            alert.repositoryName = state.repository.repositoryName;
            alert.repositoryUri = state.repository.repositoryUri;
            alert.digest = image.imageDigest;
            alert.tags = image.imageTags;
            alert.critical = critical;
            alert.high = Severity::count(image.severityCounts, Severity::High);
            alerts.append(alert);
        }
    }
    for (auto it = seen.cbegin(); it != seen.cend(); ++it)
        m_lastCritical.insert(it.key(), it.value());
    m_baseline = true;
    return alerts;
}
