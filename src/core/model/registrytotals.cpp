#include "registrytotals.h"

RegistryTotals RegistryTotals::compute(const RegistrySnapshot &snapshot)
{
    RegistryTotals totals;
    const QStringList names = Severity::names();
    for (const QString &name : names)
        totals.severityTotals.insert(name, 0);
    totals.repositoryCount = int(snapshot.repositories.size());
    for (const RegistrySnapshot::RepositoryState &repository : snapshot.repositories) {
        if (!repository.imagesFresh)
            ++totals.staleRepositories;
        for (const EcrImage &image : repository.images) {
            ++totals.imageCount;
            totals.totalSizeBytes += qMax<qint64>(0, image.imageSizeInBytes);
            for (const QString &name : names)
                totals.severityTotals[name] += Severity::count(image.severityCounts, Severity::fromName(name));
            if (Severity::count(image.severityCounts, Severity::Critical) > 0)
                ++totals.imagesWithCritical;
            if (Severity::count(image.severityCounts, Severity::High) > 0)
                ++totals.imagesWithHigh;
            totals.worst = qMax(totals.worst, Severity::worst(image.severityCounts));
        }
    }
    return totals;
}
