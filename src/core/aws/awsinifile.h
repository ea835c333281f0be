#pragma once

#include "awserror.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

// A parsed file in AWS's INI dialect (~/.aws/config, ~/.aws/credentials). Knows nothing
// about profiles: it keeps every [section] as written (trimmed), and AwsSharedConfig maps
// section names to profiles, sso-sessions and services blocks.
//
// The dialect follows the cross-SDK profile-file spec (the parser test suite shared by the
// AWS SDKs, e.g. smithy-rs aws-config/test-data/profile-parser-tests.json):
//  - `[name]` headers, whitespace inside the brackets trimmed; `# x` / `; x` may follow `]`.
//  - `key = value`: key and value trimmed, key lower-cased; only `=` separates (not `:`).
//  - Whole-line comments start with `#` or `;`. On a property line, `#`/`;` preceded by
//    whitespace starts a comment (`a = b # c` -> "b"); adjacent ones are data (`a = b#c`).
//  - An indented line after `key = value` continues the value ("value\nmore").
//    An indented line after `key =` (empty value) is a sub-property `sub = value`; these
//    form nested blocks like `[services x]` / `ecr =` / `  endpoint_url = ...`.
//  - Repeated sections merge; a repeated key keeps the last value (its line is recorded).
//  - Keys with characters outside [A-Za-z0-9_-/.%@:+] are ignored with a warning.
//  - CRLF line ends and a UTF-8 byte-order mark are accepted; other invalid UTF-8 is an error.
// Errors name the file and the 1-based line. The offending text is quoted only when it is
// short, because these files hold secrets.
class AwsIniFile
{
public:
    struct Property {
        QString value;                          // for a sub-property block: "\nsub = v\n..."
        QHash<QString, QString> subProperties;  // filled when the value was a nested block
        int line = 0;                           // line of the `key =` line that set it last
        bool hasSubProperties() const { return !subProperties.isEmpty(); }
    };
    struct Section {
        QString name;                           // trimmed header text, e.g. "profile dev"
        int line = 0;                           // line of the first header with this name
        QHash<QString, Property> properties;    // keys lower-cased
        QString value(const QString &key) const { return properties.value(key).value; }
        bool contains(const QString &key) const { return properties.contains(key); }
    };

    // Parses UTF-8 text. `fileName` is only used in messages. On a syntax error returns an
    // empty file and sets *error (kind Config) to "<fileName> line N: <what>; <what to do>".
    static AwsIniFile parse(const QByteArray &text, const QString &fileName, AwsError *error);

    // Reads and parses `path`. A missing file is not an error: *exists is set to false and an
    // empty file is returned. An unreadable or unparsable file sets *error (kind Config).
    static AwsIniFile read(const QString &path, bool *exists, AwsError *error);

    QString fileName() const { return m_fileName; }
    const QList<Section> &sections() const { return m_sections; }   // in order of first header
    const Section *section(const QString &name) const;              // nullptr when absent
    bool isEmpty() const { return m_sections.isEmpty(); }
    // Lines that were accepted but ignored (invalid key names), "<file> line N: ...".
    const QStringList &warnings() const { return m_warnings; }

    // True for names made only of [A-Za-z0-9] and _-/.%@:+ (the spec's identifier set,
    // shared by profile names and property keys).
    static bool isValidIdentifier(const QString &name);

    static constexpr qint64 MaxFileSize = 1024 * 1024;  // a config file is never this big

private:
    QString m_fileName;
    QList<Section> m_sections;
    QHash<QString, int> m_index;  // section name -> position in m_sections
    QStringList m_warnings;
};
