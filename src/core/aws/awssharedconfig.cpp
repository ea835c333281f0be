#include "awssharedconfig.h"

#include "logcategories.h"

#include <utility>

namespace {

QString envValue(const QProcessEnvironment &env, const QString &name)
{
    return env.value(name);  // empty counts as unset, like the SDKs
}

QString expandHome(const QString &path, const QProcessEnvironment &env)
{
    const QString home = envValue(env, QStringLiteral("HOME"));
    if (home.isEmpty())
        return path;
    if (path == QLatin1String("~"))
        return home;
    if (path.startsWith(QLatin1String("~/")))
        return home + path.mid(1);
    return path;
}

QString filePathFor(const QProcessEnvironment &env, const QString &variable, const QString &fileName)
{
    const QString overridden = envValue(env, variable);
    if (!overridden.isEmpty())
        return expandHome(overridden, env);
    const QString home = envValue(env, QStringLiteral("HOME"));
    if (home.isEmpty())
        return {};
    return home + QStringLiteral("/.aws/") + fileName;
}

// "profile dev" -> "dev" for a given prefix word followed by whitespace; null otherwise.
QString afterPrefix(const QString &sectionName, QLatin1String prefix)
{
    if (!sectionName.startsWith(prefix) || sectionName.size() <= prefix.size())
        return {};
    if (!sectionName.at(prefix.size()).isSpace())
        return {};
    return sectionName.mid(prefix.size()).trimmed();
}

// Merge one section into a block: the value written last (highest line) wins.
void mergeInto(AwsSharedConfig::Block &block, const AwsIniFile::Section &section, const QString &path)
{
    if (!block.exists() || section.line < block.line)
        block.line = section.line;
    for (auto it = section.properties.constBegin(); it != section.properties.constEnd(); ++it) {
        AwsSharedConfig::Value &slot = block.values[it.key()];
        if (slot.isSet() && slot.line > it->line)
            continue;
        slot.value = it->value;
        slot.subProperties = it->subProperties;
        slot.file = path;
        slot.line = it->line;
    }
}

} // namespace

QString AwsSharedConfig::configFilePath(const QProcessEnvironment &env)
{
    return filePathFor(env, QStringLiteral("AWS_CONFIG_FILE"), QStringLiteral("config"));
}

QString AwsSharedConfig::credentialsFilePath(const QProcessEnvironment &env)
{
    return filePathFor(env, QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QStringLiteral("credentials"));
}

AwsSharedConfig::ProfileSelection AwsSharedConfig::selectProfile(const QProcessEnvironment &env,
                                                                 const QString &explicitProfile)
{
    ProfileSelection selection;
    if (!explicitProfile.isEmpty()) {
        selection.name = explicitProfile;
        selection.origin = QStringLiteral("command line");
        selection.named = true;
        selection.fromCommandLine = true;
        return selection;
    }
    for (const QString &variable : {QStringLiteral("AWS_PROFILE"), QStringLiteral("AWS_DEFAULT_PROFILE")}) {
        const QString name = envValue(env, variable);
        if (!name.isEmpty()) {
            selection.name = name;
            selection.origin = variable;
            selection.named = true;
            return selection;
        }
    }
    return selection;
}

AwsSharedConfig::FileData AwsSharedConfig::build(const AwsIniFile &ini, bool exists, FileKind kind,
                                                 QStringList *warnings)
{
    FileData data;
    data.path = ini.fileName();
    data.exists = exists;
    *warnings << ini.warnings();

    const AwsIniFile::Section *plainDefault = nullptr;
    for (const AwsIniFile::Section &section : ini.sections()) {
        QHash<QString, Block> *target = &data.profiles;
        QString name;
        if (kind == FileKind::Credentials) {
            name = section.name;  // no prefix in this file
        } else if (section.name == QLatin1String("default")) {
            plainDefault = &section;  // used only when there is no [profile default]
            continue;
        } else if (!(name = afterPrefix(section.name, QLatin1String("profile"))).isNull()) {
            target = &data.profiles;
        } else if (!(name = afterPrefix(section.name, QLatin1String("sso-session"))).isNull()) {
            target = &data.ssoSessions;
        } else if (!(name = afterPrefix(section.name, QLatin1String("services"))).isNull()) {
            target = &data.services;
        } else {
            data.otherSections << section.name;
            continue;
        }
        if (!AwsIniFile::isValidIdentifier(name)) {
            data.otherSections << section.name;
            const QString prefixed = afterPrefix(section.name, QLatin1String("profile"));
            if (kind == FileKind::Credentials && AwsIniFile::isValidIdentifier(prefixed)) {
                *warnings << QStringLiteral("%1 line %2: ignored section [%3]: the credentials file names "
                                            "profiles without 'profile ', write [%4]")
                                 .arg(data.path).arg(section.line).arg(section.name, prefixed);
            } else {
                *warnings << QStringLiteral("%1 line %2: ignored section [%3]: names use letters, digits and _-/.%@:+")
                                 .arg(data.path).arg(section.line).arg(section.name);
            }
            continue;
        }
        Block &block = (*target)[name];
        block.name = name;
        mergeInto(block, section, data.path);
    }
    if (plainDefault) {
        if (data.profiles.contains(QStringLiteral("default"))) {
            *warnings << QStringLiteral("%1 line %2: [default] ignored because [profile default] exists; "
                                        "keep only one of them").arg(data.path).arg(plainDefault->line);
        } else {
            Block &block = data.profiles[QStringLiteral("default")];
            block.name = QStringLiteral("default");
            mergeInto(block, *plainDefault, data.path);
        }
    }
    return data;
}

AwsSharedConfig AwsSharedConfig::fromFiles(const AwsIniFile &config, bool configExists,
                                           const AwsIniFile &credentials, bool credentialsExists,
                                           const ProfileSelection &selection)
{
    AwsSharedConfig shared;
    shared.m_selection = selection;
    shared.m_config = build(config, configExists, FileKind::Config, &shared.m_warnings);
    shared.m_credentials = build(credentials, credentialsExists, FileKind::Credentials, &shared.m_warnings);
    return shared;
}

AwsSharedConfig AwsSharedConfig::load(const QProcessEnvironment &env, const QString &explicitProfile,
                                      AwsError *error)
{
    if (error)
        *error = AwsError();
    const ProfileSelection selection = selectProfile(env, explicitProfile);

    struct Input {
        FileKind kind;
        QString path;
        QString variable;
        AwsIniFile ini;
        bool exists = false;
    };
    Input inputs[2] = {
        {FileKind::Config, configFilePath(env), QStringLiteral("AWS_CONFIG_FILE"), {}, false},
        {FileKind::Credentials, credentialsFilePath(env), QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), {}, false},
    };
    for (Input &input : inputs) {
        if (input.path.isEmpty())
            continue;
        AwsError readError;
        input.ini = AwsIniFile::read(input.path, &input.exists, &readError);
        if (readError) {
            if (error)
                *error = readError;
            return {};
        }
    }

    AwsSharedConfig shared = fromFiles(inputs[0].ini, inputs[0].exists, inputs[1].ini, inputs[1].exists, selection);
    for (Input &input : inputs) {
        FileData &data = input.kind == FileKind::Config ? shared.m_config : shared.m_credentials;
        data.path = input.path;
        if (input.path.isEmpty()) {
            data.whyNotRead = QStringLiteral("not looked for (HOME is not set and %1 is not set)").arg(input.variable);
        }
    }
    for (const QString &warning : std::as_const(shared.m_warnings))
        qCWarning(lcCreds).noquote() << warning;

    if (selection.named && !shared.hasProfile(selection.name)) {
        auto where = [&](FileKind kind, const QString &header) {
            const QString path = shared.filePath(kind);
            if (path.isEmpty())
                return shared.fileStatus(kind);
            QString text = shared.fileExists(kind) ? QStringLiteral("%1 has no %2").arg(path, header)
                                                   : QStringLiteral("%1 does not exist").arg(path);
            const QString hint = shared.misplacedProfileHint(kind, selection.name);
            if (!hint.isEmpty())
                text += QLatin1Char(' ') + hint;
            return text;
        };
        const QString configHeader = selection.name == QLatin1String("default")
                ? QStringLiteral("[default]") : QStringLiteral("[profile %1]").arg(selection.name);
        if (error) {
            *error = AwsError::make(AwsError::Kind::Config,
                QStringLiteral("profile '%1' (from %2) does not exist: %3, and %4; create the profile or choose another one")
                    .arg(selection.name, selection.origin,
                         where(FileKind::Config, configHeader),
                         where(FileKind::Credentials, QStringLiteral("[%1]").arg(selection.name))));
        }
        return {};
    }
    return shared;
}

QString AwsSharedConfig::filePath(FileKind kind) const
{
    return data(kind).path;
}

bool AwsSharedConfig::fileExists(FileKind kind) const
{
    return data(kind).exists;
}

QString AwsSharedConfig::fileStatus(FileKind kind) const
{
    const FileData &d = data(kind);
    if (d.path.isEmpty())
        return d.whyNotRead.isEmpty() ? QStringLiteral("not looked for (no path)") : d.whyNotRead;
    return d.exists ? QStringLiteral("present") : QStringLiteral("no such file");
}

AwsSharedConfig::Block AwsSharedConfig::profile(FileKind kind, const QString &name) const
{
    return data(kind).profiles.value(name);
}

bool AwsSharedConfig::hasProfile(const QString &name) const
{
    return m_config.profiles.contains(name) || m_credentials.profiles.contains(name);
}

QStringList AwsSharedConfig::profileNames(FileKind kind) const
{
    QStringList names = data(kind).profiles.keys();
    names.sort();
    return names;
}

AwsSharedConfig::Value AwsSharedConfig::value(const QString &profileName, const QString &key) const
{
    const QString lowerKey = key.toLower();
    const Value fromCredentials = m_credentials.profiles.value(profileName).values.value(lowerKey);
    if (fromCredentials.isSet())
        return fromCredentials;
    return m_config.profiles.value(profileName).values.value(lowerKey);
}

AwsSharedConfig::Block AwsSharedConfig::ssoSession(const QString &name) const
{
    return m_config.ssoSessions.value(name);
}

AwsSharedConfig::Block AwsSharedConfig::servicesSection(const QString &name) const
{
    return m_config.services.value(name);
}

QString AwsSharedConfig::misplacedProfileHint(FileKind kind, const QString &name) const
{
    const FileData &d = data(kind);
    if (kind == FileKind::Config) {
        if (name != QLatin1String("default") && d.otherSections.contains(name))
            return QStringLiteral("(it has [%1]; in the config file write [profile %1])").arg(name);
        return {};
    }
    for (const QString &section : d.otherSections) {
        if (afterPrefix(section, QLatin1String("profile")) == name)
            return QStringLiteral("(it has [%1]; in the credentials file write [%2] without 'profile ')")
                .arg(section, name);
    }
    return {};
}
