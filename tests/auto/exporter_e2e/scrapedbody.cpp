#include "scrapedbody.h"

#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace {

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool parseValue(const QByteArray &text, double *out)
{
    if (text == "+Inf" || text == "Inf") {
        *out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "-Inf") {
        *out = -std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    bool ok = false;
    *out = text.toDouble(&ok); // locale-independent
    return ok;
}

// The metric a line is about: the name after "# HELP " / "# TYPE ", or before '{' / ' '.
QByteArray lineMetric(const QByteArray &line)
{
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        const QByteArray rest = line.mid(7);
        const qsizetype space = rest.indexOf(' ');
        return space < 0 ? rest : rest.left(space);
    }
    qsizetype end = 0;
    while (end < line.size() && isNameChar(line.at(end)))
        ++end;
    return line.left(end);
}

} // namespace

ScrapedBody::ScrapedBody(const QByteArray &body)
{
    if (!body.isEmpty() && !body.endsWith('\n')) {
        m_error = QStringLiteral("the body does not end with a line break");
        return;
    }
    const QList<QByteArray> lines = body.split('\n');
    for (qsizetype n = 0; n + 1 < lines.size(); ++n) { // the last element is after the final '\n'
        const QByteArray &line = lines.at(n);
        auto fail = [&](const QString &why) {
            m_error = QStringLiteral("line %1 (%2): %3").arg(n + 1).arg(QString::fromUtf8(line.left(200)), why);
        };
        if (line.startsWith('#')) {
            if (!line.startsWith("# HELP ") && !line.startsWith("# TYPE ")) {
                fail(QStringLiteral("a comment other than HELP or TYPE"));
                return;
            }
            continue;
        }
        qsizetype i = 0;
        if (line.isEmpty() || !isNameStart(line.at(0))) {
            fail(QStringLiteral("does not start with a metric name"));
            return;
        }
        while (i < line.size() && isNameChar(line.at(i)))
            ++i;
        const QString name = QString::fromLatin1(line.left(i));
        QMap<QString, QString> labels;
        if (i < line.size() && line.at(i) == '{') {
            ++i;
            while (true) {
                if (i < line.size() && line.at(i) == '}') {
                    ++i;
                    break;
                }
                const qsizetype nameStart = i;
                if (i >= line.size() || !isNameStart(line.at(i)) || line.at(i) == ':') {
                    fail(QStringLiteral("bad label name at column %1").arg(i + 1));
                    return;
                }
                while (i < line.size() && isNameChar(line.at(i)) && line.at(i) != ':')
                    ++i;
                const QString labelName = QString::fromLatin1(line.mid(nameStart, i - nameStart));
                if (line.mid(i, 2) != "=\"") {
                    fail(QStringLiteral("expected =\" after label %1").arg(labelName));
                    return;
                }
                i += 2;
                QByteArray value;
                bool closed = false;
                while (i < line.size()) {
                    const char c = line.at(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c != '\\') {
                        value += c;
                        continue;
                    }
                    const char e = i < line.size() ? line.at(i++) : '\0';
                    if (e == '\\' || e == '"')
                        value += e;
                    else if (e == 'n')
                        value += '\n';
                    else {
                        fail(QStringLiteral("invalid escape \\%1 in label %2").arg(QString(QLatin1Char(e)), labelName));
                        return;
                    }
                }
                if (!closed) {
                    fail(QStringLiteral("unterminated value of label %1").arg(labelName));
                    return;
                }
                const QString decoded = QString::fromUtf8(value);
                if (decoded.toUtf8() != value) {
                    fail(QStringLiteral("label %1 is not valid UTF-8").arg(labelName));
                    return;
                }
                if (labels.contains(labelName)) {
                    fail(QStringLiteral("label %1 twice").arg(labelName));
                    return;
                }
                labels.insert(labelName, decoded);
                if (i < line.size() && line.at(i) == ',')
                    ++i;
                else if (i >= line.size() || line.at(i) != '}') {
                    fail(QStringLiteral("expected , or } after label %1").arg(labelName));
                    return;
                }
            }
        }
        if (i >= line.size() || line.at(i) != ' ') {
            fail(QStringLiteral("expected a space before the value"));
            return;
        }
        const QList<QByteArray> rest = line.mid(i + 1).split(' ');
        double value = 0;
        if (rest.size() > 2 || !parseValue(rest.at(0), &value)) {
            fail(QStringLiteral("bad value"));
            return;
        }
        const QString k = key(name, labels);
        if (m_series.contains(k)) {
            fail(QStringLiteral("duplicate series %1").arg(k));
            return;
        }
        m_series.insert(k, value);
        ++m_counts[name];
        m_labels[name].append(labels);
    }
}

QString ScrapedBody::key(const QString &name, const QMap<QString, QString> &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts << it.key() + QStringLiteral("=\"") + it.value() + QLatin1Char('"');
    return labels.isEmpty() ? name : name + QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

QMap<QString, double> ScrapedBody::series(const QStringList &names) const
{
    QMap<QString, double> out;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        const qsizetype brace = it.key().indexOf(QLatin1Char('{'));
        if (names.contains(brace < 0 ? it.key() : it.key().left(brace)))
            out.insert(it.key(), it.value());
    }
    return out;
}

double ScrapedBody::value(const QString &name) const
{
    if (m_counts.value(name) != 1)
        return std::nan("");
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        if (it.key() == name || it.key().startsWith(name + QLatin1Char('{')))
            return it.value();
    }
    return std::nan("");
}

QStringList ScrapedBody::labelValues(const QString &name, const QString &label) const
{
    QStringList out;
    for (const auto &labels : m_labels.value(name))
        out << labels.value(label);
    return out;
}

QByteArray ScrapedBody::withoutVolatileLines(const QByteArray &body)
{
    static const QRegularExpression refreshTimes(
        QStringLiteral("^aws_ecr_exporter_last_\\w*_(timestamp|duration)_seconds$"));
    static const QRegularExpression revision(QStringLiteral("revision=\"[^\"]*\""));
    QByteArray out;
    out.reserve(body.size());
    const QList<QByteArray> lines = body.split('\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QByteArray &line = lines.at(n);
        if (n + 1 == lines.size() && line.isEmpty())
            break;
        const QByteArray metric = lineMetric(line);
        if (metric.startsWith("process_") || refreshTimes.match(QString::fromLatin1(metric)).hasMatch())
            continue;
        if (metric == "aws_ecr_exporter_build_info" && !line.startsWith('#'))
            out += QString::fromUtf8(line).replace(revision, QStringLiteral("revision=\"<revision>\"")).toUtf8();
        else
            out += line;
        out += '\n';
    }
    return out;
}
