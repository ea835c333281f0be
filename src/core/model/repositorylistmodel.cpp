#include "repositorylistmodel.h"

#include "model/displayformat.h"
#include "model/sortedrowmerge.h"

#include <algorithm>
#include <iterator>

bool RepositoryListModel::Row::operator==(const Row &o) const
{
    return repository == o.repository && imageCount == o.imageCount && totalSize == o.totalSize
        && newestPush == o.newestPush && worst == o.worst && std::equal(std::begin(counts), std::end(counts), std::begin(o.counts))
        && imagesFresh == o.imagesFresh && scannedImages == o.scannedImages;
}

RepositoryListModel::Row RepositoryListModel::Row::fromState(const RegistrySnapshot::RepositoryState &state)
{
    Row row;
    row.repository = state.repository;
    row.imagesFresh = state.imagesFresh;
    row.imageCount = int(state.images.size());
    for (const EcrImage &image : state.images) {
        row.totalSize += qMax<qint64>(0, image.imageSizeInBytes);
        if (image.imagePushedAt.isValid() && (!row.newestPush.isValid() || image.imagePushedAt > row.newestPush))
            row.newestPush = image.imagePushedAt;
        for (int level = Severity::Undefined; level <= Severity::Critical; ++level)
            row.counts[level] += Severity::count(image.severityCounts, Severity::Level(level));
        row.worst = qMax(row.worst, Severity::worst(image.severityCounts));
        if (image.hasScanSummary || image.scanStatus == QLatin1String("COMPLETE"))
            ++row.scannedImages;
    }
    return row;
}

RepositoryListModel::RepositoryListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void RepositoryListModel::setTimeSpec(Qt::TimeSpec spec)
{
    if (spec == m_timeSpec)
        return;
    m_timeSpec = spec;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0), index(int(m_rows.size()) - 1), {NewestPushTextRole});
}

void RepositoryListModel::setSnapshot(std::shared_ptr<const RegistrySnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    QVector<Row> next;
    if (m_snapshot) {
        next.reserve(m_snapshot->repositories.size());
        for (const RegistrySnapshot::RepositoryState &state : m_snapshot->repositories)
            next.append(Row::fromState(state));
    }
    auto key = [](const Row &row) -> const QString & { return row.repository.repositoryName; };
    std::sort(next.begin(), next.end(), [&](const Row &a, const Row &b) { return key(a) < key(b); });
    // Names are unique in a registry; should a snapshot ever repeat one, keep the first.
    next.erase(std::unique(next.begin(), next.end(), [&](const Row &a, const Row &b) { return key(a) == key(b); }),
               next.end());

    const int before = count();
    SortedRowMerge::apply(
        m_rows, next, key, [this](int first, int last) { beginRemoveRows(QModelIndex(), first, last); },
        [this] { endRemoveRows(); }, [this](int first, int last) { beginInsertRows(QModelIndex(), first, last); },
        [this] { endInsertRows(); }, [this](int row) { emit dataChanged(index(row), index(row)); });
    if (count() != before)
        emit countChanged();
}

int RepositoryListModel::rowOfName(const QString &name) const
{
    auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), name,
                               [](const Row &row, const QString &n) { return row.repository.repositoryName < n; });
    if (it == m_rows.cend() || it->repository.repositoryName != name)
        return -1;
    return int(it - m_rows.cbegin());
}

int RepositoryListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RepositoryListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const EcrRepository &repository = row.repository;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return repository.repositoryName;
    case UriRole: return repository.repositoryUri;
    case ArnRole: return repository.repositoryArn;
    case CreatedAtRole: return repository.createdAt.isValid() ? QVariant(repository.createdAt) : QVariant();
    case ImageCountRole: return row.imageCount;
    case TotalSizeRole: return row.totalSize;
    case TotalSizeTextRole: return DisplayFormat::size(row.totalSize);
    case NewestPushRole: return row.newestPush.isValid() ? QVariant(row.newestPush) : QVariant();
    case NewestPushTextRole: return DisplayFormat::dateTime(row.newestPush, m_timeSpec);
    case WorstSeverityRole: return Severity::name(row.worst);
    case WorstSeverityRankRole: return int(row.worst);
    case CriticalRole: return row.counts[Severity::Critical];
    case HighRole: return row.counts[Severity::High];
    case MediumRole: return row.counts[Severity::Medium];
    case LowRole: return row.counts[Severity::Low];
    case InformationalRole: return row.counts[Severity::Informational];
    case UndefinedRole: return row.counts[Severity::Undefined];
    case ScanOnPushRole: return repository.scanOnPush;
    case TagMutabilityRole: return repository.imageTagMutability;
    case TagMutabilityTextRole: return mutabilityText(repository);
    case EncryptionRole: return repository.encryptionType;
    case KmsKeyRole: return repository.kmsKey;
    case ImagesFreshRole: return row.imagesFresh;
    case ScannedImagesRole: return row.scannedImages;
    default: return QVariant();
    }
}

QHash<int, QByteArray> RepositoryListModel::roleNames() const
{
    return {
        {NameRole, "name"},
        {UriRole, "uri"},
        {ArnRole, "arn"},
        {CreatedAtRole, "createdAt"},
        {ImageCountRole, "imageCount"},
        {TotalSizeRole, "totalSize"},
        {TotalSizeTextRole, "totalSizeText"},
        {NewestPushRole, "newestPush"},
        {NewestPushTextRole, "newestPushText"},
        {WorstSeverityRole, "worstSeverity"},
        {WorstSeverityRankRole, "worstSeverityRank"},
        {CriticalRole, "critical"},
        {HighRole, "high"},
        {MediumRole, "medium"},
        {LowRole, "low"},
        {InformationalRole, "informational"},
        {UndefinedRole, "undefinedSeverity"},
        {ScanOnPushRole, "scanOnPush"},
        {TagMutabilityRole, "tagMutability"},
        {TagMutabilityTextRole, "tagMutabilityText"},
        {EncryptionRole, "encryption"},
        {KmsKeyRole, "kmsKey"},
        {ImagesFreshRole, "imagesFresh"},
        {ScannedImagesRole, "scannedImages"},
    };
}

QString RepositoryListModel::mutabilityText(const EcrRepository &repository)
{
    const QString &value = repository.imageTagMutability;
    QString base;
    if (value.startsWith(QLatin1String("IMMUTABLE")))
        base = QStringLiteral("immutable");
    else if (value.startsWith(QLatin1String("MUTABLE")))
        base = QStringLiteral("mutable");
    else
        base = value.isEmpty() ? QStringLiteral("unknown") : value.toLower();
    if (!value.endsWith(QLatin1String("_WITH_EXCLUSION")))
        return base;
    QStringList filters;
    for (const QString &filter : repository.tagMutabilityExclusionFilters) {
        // "<filterType>:<filter>": the type (WILDCARD) adds nothing for a reader.
        const int colon = filter.indexOf(QLatin1Char(':'));
        filters.append(colon >= 0 ? filter.mid(colon + 1) : filter);
    }
    return filters.isEmpty() ? base + QStringLiteral(", with exclusions")
                             : base + QStringLiteral(", except ") + filters.join(QStringLiteral(", "));
}
