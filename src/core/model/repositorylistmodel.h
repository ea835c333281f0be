#pragma once

#include "model/registrysnapshot.h"
#include "model/severity.h"

#include <QAbstractListModel>
#include <memory>

// The repositories of a snapshot as a list model for the desktop window: one row per
// repository with its settings and what its images add up to. Rows are kept sorted by name;
// a new snapshot is merged in (rows inserted, removed or changed, never a reset), so views
// keep their current item across refreshes. Sorting and searching are the proxy's job
// (RoleFilterModel). Role names are what QML delegates use.
class RepositoryListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        UriRole,
        ArnRole,
        CreatedAtRole,
        ImageCountRole,
        TotalSizeRole,          // bytes (qint64), images of unknown size count as 0
        TotalSizeTextRole,      // "1.2 GiB"
        NewestPushRole,         // QDateTime (UTC), invalid without images
        NewestPushTextRole,     // "2024-03-01 14:05", "" without images
        WorstSeverityRole,      // "CRITICAL" ... "UNDEFINED", "NONE"
        WorstSeverityRankRole,  // Severity::Level as int (for sorting and filtering)
        CriticalRole,           // findings summed over the repository's images
        HighRole,
        MediumRole,
        LowRole,
        InformationalRole,
        UndefinedRole,
        ScanOnPushRole,         // bool
        TagMutabilityRole,      // AWS value, e.g. "IMMUTABLE_WITH_EXCLUSION"
        TagMutabilityTextRole,  // "immutable", "mutable", "immutable, except latest, dev-*"
        EncryptionRole,         // "AES256", "KMS", "KMS_DSSE"
        KmsKeyRole,
        ImagesFreshRole,        // false: images are from an earlier refresh (DescribeImages failed)
        ScannedImagesRole,      // images with a completed basic scan (status COMPLETE or a summary)
    };
    Q_ENUM(Role)

    struct Row {
        EcrRepository repository;
        int imageCount = 0;
        qint64 totalSize = 0;
        QDateTime newestPush;
        Severity::Level worst = Severity::None;
        int counts[Severity::Critical + 1] = {}; // indexed by Severity::Level
        bool imagesFresh = true;
        int scannedImages = 0;

        bool operator==(const Row &o) const;
        static Row fromState(const RegistrySnapshot::RepositoryState &state);
    };

    explicit RepositoryListModel(QObject *parent = nullptr);

    void setSnapshot(std::shared_ptr<const RegistrySnapshot> snapshot);
    std::shared_ptr<const RegistrySnapshot> snapshot() const { return m_snapshot; }
    // Zone of the *Text roles (default local time; tests use UTC).
    void setTimeSpec(Qt::TimeSpec spec);

    int count() const { return int(m_rows.size()); }
    const Row &row(int index) const { return m_rows.at(index); }
    Q_INVOKABLE int rowOfName(const QString &name) const;   // -1 when absent

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // "mutable", "immutable", "immutable, except latest, dev-*" (filters without their type).
    static QString mutabilityText(const EcrRepository &repository);

signals:
    void countChanged();

private:
    QVector<Row> m_rows;
    std::shared_ptr<const RegistrySnapshot> m_snapshot;
    Qt::TimeSpec m_timeSpec = Qt::LocalTime;
};
