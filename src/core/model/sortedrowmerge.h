#pragma once

#include <QVector>

// Turns one sorted row list into another with the fewest model notifications: runs of
// removed rows and runs of inserted rows are reported as ranges, rows whose key stays but
// whose content changed as changes. Item views then keep their current item, selection and
// scroll position across refreshes, which a model reset would throw away.
//
// Both lists must be sorted ascending by key with unique keys. The callbacks bracket the
// mutation of `rows`, exactly as QAbstractItemModel's begin/end calls must:
//   beginRemove(first, last); <rows shrink>; endRemove();
//   beginInsert(first, last); <rows grow>;   endInsert();
//   <rows[row] replaced>; changed(row);
class SortedRowMerge
{
public:
    template<typename Row, typename Key, typename BeginRemove, typename EndRemove, typename BeginInsert,
             typename EndInsert, typename Changed>
    static void apply(QVector<Row> &rows, const QVector<Row> &next, Key key, BeginRemove beginRemove,
                      EndRemove endRemove, BeginInsert beginInsert, EndInsert endInsert, Changed changed)
    {
        int i = 0;
        int j = 0;
        const int nextSize = int(next.size());
        while (i < int(rows.size()) || j < nextSize) {
            // Rows of the old list whose key sorts before the next wanted one are gone.
            if (i < int(rows.size()) && (j >= nextSize || key(rows.at(i)) < key(next.at(j)))) {
                int end = i;
                while (end < int(rows.size()) && (j >= nextSize || key(rows.at(end)) < key(next.at(j))))
                    ++end;
                beginRemove(i, end - 1);
                rows.remove(i, end - i);
                endRemove();
                continue;
            }
            // Wanted rows sorting before the current old row are new.
            if (j < nextSize && (i >= int(rows.size()) || key(next.at(j)) < key(rows.at(i)))) {
                int end = j;
                while (end < nextSize && (i >= int(rows.size()) || key(next.at(end)) < key(rows.at(i))))
                    ++end;
                beginInsert(i, i + (end - j) - 1);
                rows.insert(i, end - j, Row());
                for (int k = j; k < end; ++k)
                    rows[i + (k - j)] = next.at(k);
                endInsert();
                i += end - j;
                j = end;
                continue;
            }
            if (!(rows.at(i) == next.at(j))) {
                rows[i] = next.at(j);
                changed(i);
            }
            ++i;
            ++j;
        }
    }
};
