#include "imagelistmodel.h"

#include "model/displayformat.h"
#include "model/sortedrowmerge.h"

#include <algorithm>

ImageListModel::ImageListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void ImageListModel::setSnapshot(std::shared_ptr<const RegistrySnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    rebuild(false);
}

void ImageListModel::setTimeSpec(Qt::TimeSpec spec)
{
    if (spec == m_timeSpec)
        return;
    m_timeSpec = spec;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0), index(int(m_rows.size()) - 1), {PushedAtTextRole, LastPulledTextRole});
}

void ImageListModel::setRepositoryName(const QString &name)
{
    if (name == m_repositoryName)
        return;
    m_repositoryName = name;
    rebuild(true);
    emit repositoryNameChanged();
}

QString ImageListModel::repositoryUri() const
{
    if (m_snapshot) {
        for (const RegistrySnapshot::RepositoryState &state : m_snapshot->repositories) {
            if (state.repository.repositoryName == m_repositoryName)
                return state.repository.repositoryUri;
        }
    }
    return QString();
}

void ImageListModel::rebuild(bool replace)
{
    QVector<Row> next;
    if (m_snapshot && !m_repositoryName.isEmpty()) {
        for (const RegistrySnapshot::RepositoryState &state : m_snapshot->repositories) {
            if (state.repository.repositoryName != m_repositoryName)
                continue;
            next.reserve(state.images.size());
            for (const EcrImage &image : state.images)
                next.append(Row{image, state.repository.repositoryUri});
            break;
        }
    }
    auto key = [](const Row &row) -> const QString & { return row.image.imageDigest; };
    std::sort(next.begin(), next.end(), [&](const Row &a, const Row &b) { return key(a) < key(b); });
    next.erase(std::unique(next.begin(), next.end(), [&](const Row &a, const Row &b) { return key(a) == key(b); }),
               next.end());

    const int before = count();
    if (replace) {
        // Another repository: nothing to keep, and one reset is cheaper than a merge.
        beginResetModel();
        m_rows = next;
        endResetModel();
    } else {
        SortedRowMerge::apply(
            m_rows, next, key, [this](int first, int last) { beginRemoveRows(QModelIndex(), first, last); },
            [this] { endRemoveRows(); }, [this](int first, int last) { beginInsertRows(QModelIndex(), first, last); },
            [this] { endInsertRows(); }, [this](int row) { emit dataChanged(index(row), index(row)); });
    }
    if (count() != before)
        emit countChanged();
}

int ImageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ImageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const EcrImage &image = row.image;
    auto count = [&](Severity::Level level) { return Severity::count(image.severityCounts, level); };
    auto time = [](const QDateTime &t) { return t.isValid() ? QVariant(t) : QVariant(); };
    switch (role) {
    case Qt::DisplayRole:
    case DigestRole: return image.imageDigest;
    case ShortDigestRole: return DisplayFormat::shortDigest(image.imageDigest);
    case TagsRole: return image.imageTags;
    case TagsTextRole: return image.imageTags.join(QStringLiteral(", "));
    case PrimaryTagRole: return image.imageTags.value(0);
    case SizeRole: return image.imageSizeInBytes;
    case SizeTextRole: return DisplayFormat::size(image.imageSizeInBytes);
    case PushedAtRole: return time(image.imagePushedAt);
    case PushedAtTextRole: return DisplayFormat::dateTime(image.imagePushedAt, m_timeSpec);
    case LastPulledRole: return time(image.lastRecordedPullTime);
    case LastPulledTextRole: return DisplayFormat::dateTime(image.lastRecordedPullTime, m_timeSpec, QStringLiteral("never"));
    case ScanStatusRole: return image.scanStatus;
    case ScanStatusTextRole: return scanStatusText(image.scanStatus);
    case ScanStatusDescriptionRole: return image.scanStatusDescription;
    case ScanCompletedAtRole: return time(image.scanCompletedAt);
    case CriticalRole: return count(Severity::Critical);
    case HighRole: return count(Severity::High);
    case MediumRole: return count(Severity::Medium);
    case LowRole: return count(Severity::Low);
    case InformationalRole: return count(Severity::Informational);
    case UndefinedRole: return count(Severity::Undefined);
    case FindingsRole: {
        int total = 0;
        for (int level = Severity::Undefined; level <= Severity::Critical; ++level)
            total += count(Severity::Level(level));
        return total;
    }
    case WorstSeverityRole: return Severity::name(Severity::worst(image.severityCounts));
    case WorstSeverityRankRole: return int(Severity::worst(image.severityCounts));
    case ImageUriRole: return DisplayFormat::imageUri(row.repositoryUri, image.imageTags, image.imageDigest);
    case DigestUriRole: return row.repositoryUri + QLatin1Char('@') + image.imageDigest;
    case ManifestMediaTypeRole: return image.imageManifestMediaType;
    case ArtifactMediaTypeRole: return image.artifactMediaType;
    default: return QVariant();
    }
}

QHash<int, QByteArray> ImageListModel::roleNames() const
{
    return {
        {DigestRole, "digest"},
        {ShortDigestRole, "shortDigest"},
        {TagsRole, "tags"},
        {TagsTextRole, "tagsText"},
        {PrimaryTagRole, "primaryTag"},
        {SizeRole, "size"},
        {SizeTextRole, "sizeText"},
        {PushedAtRole, "pushedAt"},
        {PushedAtTextRole, "pushedAtText"},
        {LastPulledRole, "lastPulled"},
        {LastPulledTextRole, "lastPulledText"},
        {ScanStatusRole, "scanStatus"},
        {ScanStatusTextRole, "scanStatusText"},
        {ScanStatusDescriptionRole, "scanStatusDescription"},
        {ScanCompletedAtRole, "scanCompletedAt"},
        {CriticalRole, "critical"},
        {HighRole, "high"},
        {MediumRole, "medium"},
        {LowRole, "low"},
        {InformationalRole, "informational"},
        {UndefinedRole, "undefinedSeverity"},
        {FindingsRole, "findings"},
        {WorstSeverityRole, "worstSeverity"},
        {WorstSeverityRankRole, "worstSeverityRank"},
        {ImageUriRole, "imageUri"},
        {DigestUriRole, "digestUri"},
        {ManifestMediaTypeRole, "manifestMediaType"},
        {ArtifactMediaTypeRole, "artifactMediaType"},
    };
}

QString ImageListModel::scanStatusText(const QString &status)
{
    if (status.isEmpty())
        return QStringLiteral("not scanned");
    QString text = status.toLower();
    text.replace(QLatin1Char('_'), QLatin1Char(' '));
    return text;
}
