#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

// A scraped Prometheus text exposition (format 0.0.4), parsed independently of the
// exporter's writer: label values are unescaped (\\, \", \n) so they can be compared with
// the fake registry's ground truth, and every series is keyed by name and label set.
class ScrapedBody
{
public:
    // Parses `body`; on malformed input error() says which line and why.
    explicit ScrapedBody(const QByteArray &body);

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    // Series key: name{label="raw value",...} with labels sorted by name and values NOT
    // escaped (readable in failure messages; only used for comparisons).
    static QString key(const QString &name, const QMap<QString, QString> &labels);

    const QMap<QString, double> &series() const { return m_series; }  // key -> value
    // Only the series of the given metric names.
    QMap<QString, double> series(const QStringList &names) const;
    int count(const QString &name) const { return m_counts.value(name); }
    bool has(const QString &name) const { return m_counts.contains(name); }
    // Value of the only series of `name` (NaN when there is not exactly one).
    double value(const QString &name) const;
    // Label values of every series of `name` for `label`.
    QStringList labelValues(const QString &name, const QString &label) const;

    // The body without the lines that legitimately differ between two runs on the same data:
    // every line (HELP, TYPE, samples) of process_* and of the refresh-time families
    // aws_ecr_exporter_last_*_timestamp_seconds / aws_ecr_exporter_last_*_duration_seconds,
    // and the value of the revision label of aws_ecr_exporter_build_info (set to "<revision>").
    static QByteArray withoutVolatileLines(const QByteArray &body);

private:
    QMap<QString, double> m_series;
    QMap<QString, int> m_counts;
    QMap<QString, QList<QMap<QString, QString>>> m_labels;
    QString m_error;
};
