#pragma once

#include <QByteArray>
#include <QSortFilterProxyModel>
#include <QStringList>
#include <QVariantMap>

// The sorting and searching layer between a list model and a QML view, driven entirely by
// role names so QML can say "sort by totalSize, descending" or "only rank >= HIGH":
//  - sortRole: any role name of the source; ties are broken by tieBreakRole ascending,
//    so the order is total and stable across refreshes. Numbers compare as numbers, dates
//    as dates (missing dates sort first), text case-insensitively.
//  - filterText: case-insensitive substring of any of filterRoles (empty = everything).
//  - minimumRank: rows whose rankRole value is below it are hidden (0 = everything); the
//    desktop uses it with worstSeverityRank for "only CRITICAL/HIGH".
class RoleFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(QString sortRoleName READ sortRoleName WRITE setSortRoleName NOTIFY sortChanged)
    Q_PROPERTY(bool sortDescending READ sortDescending WRITE setSortDescending NOTIFY sortChanged)
    Q_PROPERTY(int minimumRank READ minimumRank WRITE setMinimumRank NOTIFY minimumRankChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit RoleFilterModel(QObject *parent = nullptr);

    // Configuration by the owner (C++), before the model is shown.
    void setFilterRoles(const QStringList &roleNames);
    void setTieBreakRole(const QString &roleName);
    void setRankRole(const QString &roleName);

    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    QString sortRoleName() const { return m_sortRoleName; }
    void setSortRoleName(const QString &roleName);
    bool sortDescending() const { return m_descending; }
    void setSortDescending(bool descending);
    int minimumRank() const { return m_minimumRank; }
    void setMinimumRank(int rank);
    int count() const { return rowCount(); }

    // Clicking a column header: a new column sorts ascending, the same one flips direction.
    Q_INVOKABLE void toggleSort(const QString &roleName);
    // Every role of one proxy row by name (empty map for a bad row).
    Q_INVOKABLE QVariantMap get(int row) const;
    // Proxy row whose `roleName` equals `value`, or -1.
    Q_INVOKABLE int indexOf(const QString &roleName, const QVariant &value) const;
    // One role of one proxy row (undefined for a bad row or role).
    Q_INVOKABLE QVariant value(int row, const QString &roleName) const;

    int roleForName(const QString &roleName) const; // -1 when the source has no such role

signals:
    void filterTextChanged();
    void sortChanged();
    void minimumRankChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void applySort();
    void resolveRoles();
    // <0, 0, >0 like strcmp; invalid values sort first.
    static int compare(const QVariant &a, const QVariant &b);

    QString m_filterText;
    QStringList m_filterRoleNames;
    QList<int> m_filterRoles;
    QString m_sortRoleName;
    QString m_tieBreakRoleName;
    int m_tieBreakRole = -1;
    QString m_rankRoleName;
    int m_rankRole = -1;
    bool m_descending = false;
    int m_minimumRank = 0;
};
