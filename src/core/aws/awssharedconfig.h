#pragma once

#include "awserror.h"
#include "awsinifile.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials) as seen
// by one program run, with the selected profile. A plain value: load() reads both files once
// (small, synchronous QFile reads); region, endpoint and credential code query it.
//
// Rules (cross-SDK profile-file spec, botocore where the spec is silent):
//  - Locations: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/config and
//    $HOME/.aws/credentials; a leading "~" is expanded with $HOME. Missing files are fine.
//  - Profile: the explicit program option, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
//    "default". A profile chosen by name must exist in one of the files (error otherwise).
//  - Config file sections are [default] and [profile NAME] (the prefix is required; when both
//    [default] and [profile default] exist, [profile default] is used); also
//    [sso-session NAME] and [services NAME]. Credentials file sections are [NAME] only; a
//    [profile NAME] there is ignored (and named in "not found" hints).
//  - Profile names use [A-Za-z0-9_-/.%@:+]; other names are ignored with a warning.
//  - A profile's settings merge both files; the credentials file wins for a key in both.
//
// How later credential sources use it: assume-role reads role_arn / source_profile /
// credential_source / external_id / duration_seconds via value(profile, key) (source_profile
// chains are walked by calling value() with other profile names); web identity reads
// web_identity_token_file; SSO reads sso_session and then ssoSession(name); credential_process
// reads credential_process; IMDS/container read nothing from here except
// ec2_metadata_service_endpoint[_mode]. None of them needs to re-read the files.
class AwsSharedConfig
{
public:
    enum class FileKind { Config, Credentials };

    // Which profile is in use and what chose it.
    struct ProfileSelection {
        QString name = QStringLiteral("default");
        QString origin = QStringLiteral("default");  // "command line", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "default"
        bool named = false;            // chosen by option or variable: must then exist
        bool fromCommandLine = false;  // the program option: disables environment keys (botocore)
    };

    // One setting and where it was written.
    struct Value {
        QString value;
        QHash<QString, QString> subProperties;  // for nested blocks (`ecr =` + indented lines)
        QString file;                           // path of the file it came from
        int line = 0;                           // 0 = not set
        bool isSet() const { return line > 0; }
    };

    // A profile (or sso-session / services block) as merged from its sections in one file.
    struct Block {
        QString name;
        QHash<QString, Value> values;
        int line = 0;  // first header line; 0 = absent
        bool exists() const { return line > 0; }
    };

    static QString configFilePath(const QProcessEnvironment &env);       // empty: nowhere to look
    static QString credentialsFilePath(const QProcessEnvironment &env);  // empty: nowhere to look
    static ProfileSelection selectProfile(const QProcessEnvironment &env, const QString &explicitProfile = {});

    // Reads both files and selects the profile. Errors (kind Config): a file that cannot be
    // read or parsed; a profile chosen by name that exists in neither file. Warnings (ignored
    // sections and keys) are logged to ecr.credentials.
    static AwsSharedConfig load(const QProcessEnvironment &env, const QString &explicitProfile,
                                AwsError *error);
    // Builds from already-parsed files (tests, and sources that re-read one file).
    static AwsSharedConfig fromFiles(const AwsIniFile &config, bool configExists,
                                     const AwsIniFile &credentials, bool credentialsExists,
                                     const ProfileSelection &selection);

    const ProfileSelection &profileSelection() const { return m_selection; }
    QString profileName() const { return m_selection.name; }

    QString filePath(FileKind kind) const;
    bool fileExists(FileKind kind) const;
    // Why a file gave nothing, for messages: "no such file", "not looked for (HOME is not set)".
    QString fileStatus(FileKind kind) const;

    // A profile as written in one file (absent -> Block with line 0).
    Block profile(FileKind kind, const QString &name) const;
    bool hasProfile(const QString &name) const;  // in either file
    QStringList profileNames(FileKind kind) const;

    // A setting of a profile, both files merged (credentials file wins). Not set -> line 0.
    Value value(const QString &profileName, const QString &key) const;
    Value value(const QString &key) const { return value(m_selection.name, key); }

    Block ssoSession(const QString &name) const;       // [sso-session NAME], config file only
    Block servicesSection(const QString &name) const;  // [services NAME], config file only

    // Extra words for "profile not found" messages when the name is present but written the
    // wrong way for that file, e.g. "(it has [dev]; in the config file write [profile dev])".
    QString misplacedProfileHint(FileKind kind, const QString &name) const;

    QStringList warnings() const { return m_warnings; }

private:
    struct FileData {
        QString path;
        QString whyNotRead;  // set when path is empty
        bool exists = false;
        QHash<QString, Block> profiles;
        QHash<QString, Block> ssoSessions;
        QHash<QString, Block> services;
        QStringList otherSections;  // section names that are none of the above
    };
    static FileData build(const AwsIniFile &ini, bool exists, FileKind kind, QStringList *warnings);
    const FileData &data(FileKind kind) const { return kind == FileKind::Config ? m_config : m_credentials; }

    ProfileSelection m_selection;
    FileData m_config;
    FileData m_credentials;
    QStringList m_warnings;
};
