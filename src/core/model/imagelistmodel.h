#pragma once

#include "model/registrysnapshot.h"
#include "model/severity.h"

#include <QAbstractListModel>
#include <memory>

// The images of one repository of a snapshot, as a list model for the desktop window: tags,
// digest, size, push and pull times, scan status and finding counts, and the references to
// copy. Rows are kept sorted by digest; a new snapshot (or the same repository again) is
// merged in without a reset, so the current image survives a refresh. Choosing another
// repository replaces the rows. Sorting and filtering are the proxy's job (RoleFilterModel).
class ImageListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QString repositoryName READ repositoryName WRITE setRepositoryName NOTIFY repositoryNameChanged)
    Q_PROPERTY(QString repositoryUri READ repositoryUri NOTIFY repositoryNameChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        DigestRole = Qt::UserRole + 1,
        ShortDigestRole,        // "sha256:0123456789ab"
        TagsRole,               // QStringList in AWS's order
        TagsTextRole,           // "v1.2.3, latest"
        PrimaryTagRole,         // first tag ("" when untagged)
        SizeRole,               // bytes (qint64), -1 when unknown
        SizeTextRole,           // "312.4 MiB"
        PushedAtRole,           // QDateTime (UTC) or undefined
        PushedAtTextRole,
        LastPulledRole,         // QDateTime (UTC) or undefined when never recorded
        LastPulledTextRole,     // "never" when not recorded
        ScanStatusRole,         // AWS status, "" when the image has no scan data
        ScanStatusTextRole,     // "complete", "in progress", "not scanned", ...
        ScanStatusDescriptionRole,
        ScanCompletedAtRole,
        CriticalRole,
        HighRole,
        MediumRole,
        LowRole,
        InformationalRole,
        UndefinedRole,
        FindingsRole,           // all findings together
        WorstSeverityRole,      // "CRITICAL" ... "NONE"
        WorstSeverityRankRole,  // Severity::Level as int
        ImageUriRole,           // <repositoryUri>:<first tag> (or @digest)
        DigestUriRole,          // <repositoryUri>@<digest>
        ManifestMediaTypeRole,
        ArtifactMediaTypeRole,
    };
    Q_ENUM(Role)

    struct Row {
        EcrImage image;
        QString repositoryUri;
        bool operator==(const Row &o) const { return image == o.image && repositoryUri == o.repositoryUri; }
    };

    explicit ImageListModel(QObject *parent = nullptr);

    void setSnapshot(std::shared_ptr<const RegistrySnapshot> snapshot);
    void setTimeSpec(Qt::TimeSpec spec);

    QString repositoryName() const { return m_repositoryName; }
    void setRepositoryName(const QString &name);
    QString repositoryUri() const;

    int count() const { return int(m_rows.size()); }
    const Row &row(int index) const { return m_rows.at(index); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // "complete", "in progress", "failed", "not scanned" (empty), other values lower-cased
    // with '_' as spaces ("unsupported image").
    static QString scanStatusText(const QString &status);

signals:
    void repositoryNameChanged();
    void countChanged();

private:
    void rebuild(bool replace);

    QVector<Row> m_rows;
    std::shared_ptr<const RegistrySnapshot> m_snapshot;
    QString m_repositoryName;
    Qt::TimeSpec m_timeSpec = Qt::LocalTime;
};
