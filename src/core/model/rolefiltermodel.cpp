#include "rolefiltermodel.h"

#include <QDateTime>

RoleFilterModel::RoleFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    // Roles are looked up by name: do it again whenever the source changes.
    connect(this, &QAbstractProxyModel::sourceModelChanged, this, [this] {
        resolveRoles();
        applySort();
    });
    auto countMaybeChanged = [this] { emit countChanged(); };
    connect(this, &QAbstractItemModel::rowsInserted, this, countMaybeChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, countMaybeChanged);
    connect(this, &QAbstractItemModel::modelReset, this, countMaybeChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, countMaybeChanged);
}

int RoleFilterModel::roleForName(const QString &roleName) const
{
    if (!sourceModel() || roleName.isEmpty())
        return -1;
    const QByteArray wanted = roleName.toUtf8();
    const QHash<int, QByteArray> roles = sourceModel()->roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it) {
        if (it.value() == wanted)
            return it.key();
    }
    return -1;
}

void RoleFilterModel::resolveRoles()
{
    m_filterRoles.clear();
    for (const QString &name : std::as_const(m_filterRoleNames)) {
        const int role = roleForName(name);
        if (role >= 0)
            m_filterRoles.append(role);
    }
    m_tieBreakRole = roleForName(m_tieBreakRoleName);
    m_rankRole = roleForName(m_rankRoleName);
}

void RoleFilterModel::setFilterRoles(const QStringList &roleNames)
{
    m_filterRoleNames = roleNames;
    resolveRoles();
    invalidateFilter();
}

void RoleFilterModel::setTieBreakRole(const QString &roleName)
{
    m_tieBreakRoleName = roleName;
    resolveRoles();
    invalidate();
}

void RoleFilterModel::setRankRole(const QString &roleName)
{
    m_rankRoleName = roleName;
    resolveRoles();
    invalidateFilter();
}

void RoleFilterModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    m_filterText = text;
    invalidateFilter();
    emit filterTextChanged();
    emit countChanged();
}

void RoleFilterModel::setSortRoleName(const QString &roleName)
{
    if (roleName == m_sortRoleName)
        return;
    m_sortRoleName = roleName;
    applySort();
    emit sortChanged();
}

void RoleFilterModel::setSortDescending(bool descending)
{
    if (descending == m_descending)
        return;
    m_descending = descending;
    applySort();
    emit sortChanged();
}

void RoleFilterModel::setMinimumRank(int rank)
{
    if (rank == m_minimumRank)
        return;
    m_minimumRank = rank;
    invalidateFilter();
    emit minimumRankChanged();
    emit countChanged();
}

void RoleFilterModel::toggleSort(const QString &roleName)
{
    if (roleName == m_sortRoleName) {
        setSortDescending(!m_descending);
        return;
    }
    // Both properties change: one re-sort, one notification.
    m_sortRoleName = roleName;
    m_descending = false;
    applySort();
    emit sortChanged();
}

void RoleFilterModel::applySort()
{
    const int role = roleForName(m_sortRoleName);
    if (role < 0) {
        sort(-1); // unsorted: source order
        return;
    }
    setSortRole(role);
    sort(0, m_descending ? Qt::DescendingOrder : Qt::AscendingOrder);
}

QVariantMap RoleFilterModel::get(int row) const
{
    QVariantMap map;
    if (row < 0 || row >= rowCount() || !sourceModel())
        return map;
    const QModelIndex idx = index(row, 0);
    const QHash<int, QByteArray> roles = sourceModel()->roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it)
        map.insert(QString::fromUtf8(it.value()), idx.data(it.key()));
    return map;
}

int RoleFilterModel::indexOf(const QString &roleName, const QVariant &value) const
{
    const int role = roleForName(roleName);
    if (role < 0)
        return -1;
    for (int row = 0; row < rowCount(); ++row) {
        if (index(row, 0).data(role) == value)
            return row;
    }
    return -1;
}

QVariant RoleFilterModel::value(int row, const QString &roleName) const
{
    const int role = roleForName(roleName);
    if (role < 0 || row < 0 || row >= rowCount())
        return QVariant();
    return index(row, 0).data(role);
}

bool RoleFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_minimumRank > 0 && m_rankRole >= 0 && idx.data(m_rankRole).toInt() < m_minimumRank)
        return false;
    if (m_filterText.isEmpty())
        return true;
    for (int role : m_filterRoles) {
        const QVariant v = idx.data(role);
        const QString text = v.userType() == QMetaType::QStringList ? v.toStringList().join(QLatin1Char(' ')) : v.toString();
        if (text.contains(m_filterText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool RoleFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const int c = compare(left.data(sortRole()), right.data(sortRole()));
    if (c != 0)
        return c < 0;
    if (m_tieBreakRole >= 0)
        return compare(left.data(m_tieBreakRole), right.data(m_tieBreakRole)) < 0;
    return left.row() < right.row();
}

int RoleFilterModel::compare(const QVariant &a, const QVariant &b)
{
    const bool aValid = a.isValid() && !a.isNull();
    const bool bValid = b.isValid() && !b.isNull();
    if (!aValid || !bValid)
        return int(aValid) - int(bValid);
    const int ta = a.userType();
    const int tb = b.userType();
    if (ta == QMetaType::QDateTime && tb == QMetaType::QDateTime) {
        const QDateTime da = a.toDateTime();
        const QDateTime db = b.toDateTime();
        return da < db ? -1 : (db < da ? 1 : 0);
    }
    auto isNumber = [](int t) {
        return t == QMetaType::Int || t == QMetaType::UInt || t == QMetaType::LongLong || t == QMetaType::ULongLong
            || t == QMetaType::Double || t == QMetaType::Bool || t == QMetaType::Long || t == QMetaType::ULong;
    };
    if (isNumber(ta) && isNumber(tb)) {
        if (ta == QMetaType::Double || tb == QMetaType::Double) {
            const double x = a.toDouble();
            const double y = b.toDouble();
            return x < y ? -1 : (y < x ? 1 : 0);
        }
        const qlonglong x = a.toLongLong();
        const qlonglong y = b.toLongLong();
        return x < y ? -1 : (y < x ? 1 : 0);
    }
    auto text = [](const QVariant &v) {
        return v.userType() == QMetaType::QStringList ? v.toStringList().join(QLatin1Char(' ')) : v.toString();
    };
    const QString sa = text(a);
    const QString sb = text(b);
    const int ci = sa.compare(sb, Qt::CaseInsensitive);
    return ci != 0 ? ci : sa.compare(sb, Qt::CaseSensitive);
}
