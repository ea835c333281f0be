#include "awsinifile.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

namespace {

// Quote a piece of the file in an error message only when it is short: a long line may be
// a pasted secret key or session token.
QString quoted(const QString &text)
{
    if (text.size() <= 24)
        return QLatin1Char('\'') + text + QLatin1Char('\'');
    return QStringLiteral("a line of %1 characters (not shown, it may hold a secret)").arg(text.size());
}

int indentOf(const QString &line)
{
    int i = 0;
    while (i < line.size() && (line.at(i) == QLatin1Char(' ') || line.at(i) == QLatin1Char('\t')))
        ++i;
    return i;
}

bool isCommentStart(QChar c)
{
    return c == QLatin1Char('#') || c == QLatin1Char(';');
}

// Drop a trailing comment from a property value: `#` or `;` counts only when whitespace
// precedes it, so `a = b#c` keeps "b#c" (cross-SDK spec).
QString stripInlineComment(const QString &raw)
{
    for (int i = 1; i < raw.size(); ++i) {
        if (isCommentStart(raw.at(i)) && raw.at(i - 1).isSpace())
            return raw.left(i);
    }
    return raw;
}

} // namespace

bool AwsIniFile::isValidIdentifier(const QString &name)
{
    if (name.isEmpty())
        return false;
    static const QString extra = QStringLiteral("_-/.%@:+");
    for (QChar c : name) {
        const ushort u = c.unicode();
        const bool alnum = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
        if (!alnum && !extra.contains(c))
            return false;
    }
    return true;
}

const AwsIniFile::Section *AwsIniFile::section(const QString &name) const
{
    const auto it = m_index.constFind(name);
    return it == m_index.constEnd() ? nullptr : &m_sections.at(*it);
}

AwsIniFile AwsIniFile::parse(const QByteArray &text, const QString &fileName, AwsError *error)
{
    AwsIniFile file;
    file.m_fileName = fileName;

    auto fail = [&](int lineNo, const QString &what) {
        if (error) {
            *error = AwsError::make(AwsError::Kind::Config,
                                    QStringLiteral("%1 line %2: %3").arg(fileName).arg(lineNo).arg(what));
        }
        AwsIniFile empty;
        empty.m_fileName = fileName;
        return empty;
    };

    QByteArray bytes = text;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);  // UTF-8 BOM, as Windows editors write it

    // Parser state: the current section and the property that indented lines continue.
    int current = -1;
    QString currentKey;        // empty: no property to continue
    bool currentIgnored = false;
    bool currentIsBlock = false;
    int currentIndent = 0;

    const QList<QByteArray> rawLines = bytes.split('\n');
    for (int i = 0; i < rawLines.size(); ++i) {
        const int lineNo = i + 1;
        QByteArray rawLine = rawLines.at(i);
        if (rawLine.endsWith('\r'))
            rawLine.chop(1);

        QStringDecoder decoder(QStringDecoder::Utf8, QStringConverter::Flag::Stateless);
        const QString line = decoder(rawLine);
        if (decoder.hasError())
            return fail(lineNo, QStringLiteral("not valid UTF-8 text; save the file as UTF-8"));

        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || isCommentStart(trimmed.at(0)))
            continue;  // blank lines and comments do not end a value or block

        const int indent = indentOf(line);

        // An indented line continues the property above it (more indented than its key).
        if (current >= 0 && !currentKey.isEmpty() && indent > currentIndent) {
            if (currentIgnored)
                continue;
            Section &section = file.m_sections[current];
            Property &property = section.properties[currentKey];
            if (currentIsBlock) {
                const int eq = trimmed.indexOf(QLatin1Char('='));
                if (eq < 0) {
                    return fail(lineNo, QStringLiteral("expected 'name = value' inside the '%1 =' block, got %2; "
                                                       "indent only the sub-settings of '%1'")
                                            .arg(currentKey, quoted(trimmed)));
                }
                const QString subKey = trimmed.left(eq).trimmed();
                if (subKey.isEmpty()) {
                    return fail(lineNo, QStringLiteral("a sub-setting of '%1' has no name before '='; "
                                                       "write it as 'name = value'").arg(currentKey));
                }
                property.value += QLatin1Char('\n') + trimmed;
                if (isValidIdentifier(subKey)) {
                    property.subProperties.insert(subKey.toLower(), trimmed.mid(eq + 1).trimmed());
                } else {
                    file.m_warnings << QStringLiteral("%1 line %2: ignored sub-setting with invalid name %3")
                                           .arg(fileName).arg(lineNo).arg(quoted(subKey));
                }
            } else {
                property.value += QLatin1Char('\n') + trimmed;
            }
            continue;
        }

        if (trimmed.startsWith(QLatin1Char('['))) {
            const int close = trimmed.indexOf(QLatin1Char(']'));
            if (close < 0) {
                return fail(lineNo, QStringLiteral("section header %1 has no closing ']'; write it as '[name]'")
                                        .arg(quoted(trimmed)));
            }
            const QString rest = trimmed.mid(close + 1).trimmed();
            if (!rest.isEmpty() && !isCommentStart(rest.at(0))) {
                return fail(lineNo, QStringLiteral("unexpected text after ']' in %1; "
                                                   "only a '#' or ';' comment may follow a section header")
                                        .arg(quoted(trimmed)));
            }
            const QString name = trimmed.mid(1, close - 1).trimmed();
            if (name.isEmpty())
                return fail(lineNo, QStringLiteral("empty section name '[]'; write e.g. '[default]' or '[profile NAME]'"));

            const auto it = file.m_index.constFind(name);
            if (it != file.m_index.constEnd()) {
                current = *it;  // repeated section: merge into the first one
            } else {
                Section section;
                section.name = name;
                section.line = lineNo;
                current = int(file.m_sections.size());
                file.m_sections.append(section);
                file.m_index.insert(name, current);
            }
            currentKey.clear();
            continue;
        }

        const int eq = line.indexOf(QLatin1Char('='));
        if (current < 0) {
            if (eq < 0) {
                return fail(lineNo, QStringLiteral("expected '[section]', got %1; "
                                                   "start the file with a header like '[default]'").arg(quoted(trimmed)));
            }
            return fail(lineNo, QStringLiteral("setting %1 comes before any [section]; "
                                               "put it under '[default]' or '[profile NAME]'")
                                    .arg(quoted(line.left(eq).trimmed())));
        }
        if (eq < 0) {
            if (indent > 0) {
                return fail(lineNo, QStringLiteral("indented line %1 does not continue any setting; "
                                                   "remove the indentation or write 'key = value'").arg(quoted(trimmed)));
            }
            return fail(lineNo, QStringLiteral("expected 'key = value' or '[section]', got %1; "
                                               "settings need '=' between name and value").arg(quoted(trimmed)));
        }
        const QString key = line.left(eq).trimmed();
        if (key.isEmpty())
            return fail(lineNo, QStringLiteral("setting has no name before '='; write it as 'key = value'"));
        const QString value = stripInlineComment(line.mid(eq + 1)).trimmed();

        currentIndent = indent;
        currentIsBlock = value.isEmpty();
        if (!isValidIdentifier(key)) {
            // The spec ignores such keys rather than failing; say so in the log.
            file.m_warnings << QStringLiteral("%1 line %2: ignored setting with invalid name %3 "
                                              "(names use letters, digits and _-/.%@:+)")
                                   .arg(fileName).arg(lineNo).arg(quoted(key));
            currentKey = key;
            currentIgnored = true;
            continue;
        }
        currentKey = key.toLower();
        currentIgnored = false;
        Property property;
        property.value = value;
        property.line = lineNo;
        file.m_sections[current].properties.insert(currentKey, property);  // last one wins
    }

    if (error)
        *error = AwsError();
    return file;
}

AwsIniFile AwsIniFile::read(const QString &path, bool *exists, AwsError *error)
{
    AwsIniFile empty;
    empty.m_fileName = path;
    if (error)
        *error = AwsError();
    const QFileInfo info(path);
    if (exists)
        *exists = info.exists();
    if (!info.exists())
        return empty;

    auto fail = [&](const QString &what) {
        if (error)
            *error = AwsError::make(AwsError::Kind::Config, what);
        return empty;
    };
    if (info.isDir())
        return fail(QStringLiteral("%1 is a directory, not a file; point the variable at the file itself").arg(path));
    if (info.size() > MaxFileSize) {
        return fail(QStringLiteral("%1 is %2 bytes, too large for an AWS config file (limit 1 MiB); "
                                   "check the path").arg(path).arg(info.size()));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2; check its permissions").arg(path, file.errorString()));
    const QByteArray text = file.read(MaxFileSize + 1);
    if (text.size() > MaxFileSize)
        return fail(QStringLiteral("%1 is too large for an AWS config file (limit 1 MiB); check the path").arg(path));
    return parse(text, path, error);
}
