#include "settingscontroller.h"

#include "autostartentry.h"
#include "aws/awssharedconfig.h"
#include "aws/regionresolver.h"
#include "desktopsession.h"
#include "keychainstore.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>

SettingsController::SettingsController(QSettings *store, DesktopSession *session, KeychainStore *keychain,
                                       const QProcessEnvironment &env, bool demo, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_session(session)
    , m_keychain(keychain)
    , m_env(env)
    , m_demo(demo)
    , m_settings(DesktopSettings::load(*store))
{
    reloadProfiles();
}

bool SettingsController::autostart() const
{
    return AutostartEntry(m_env).isEnabled();
}

void SettingsController::reloadProfiles()
{
    m_profiles.clear();
    m_profilesMessage.clear();
    AwsError error;
    AwsSharedConfig shared = AwsSharedConfig::load(m_env, QString(), &error);
    if (error) {
        // AWS_PROFILE naming a missing profile fails load(), yet the files may list others:
        // read them again with the default selection, and say what was wrong.
        m_profilesMessage = error.message;
        QProcessEnvironment env = m_env;
        env.remove(QStringLiteral("AWS_PROFILE"));
        env.remove(QStringLiteral("AWS_DEFAULT_PROFILE"));
        AwsError second;
        shared = AwsSharedConfig::load(env, QString(), &second);
        if (second) {
            emit profilesChanged();
            return;
        }
    }
    QSet<QString> names;
    for (const QString &n : shared.profileNames(AwsSharedConfig::FileKind::Config))
        names.insert(n);
    for (const QString &n : shared.profileNames(AwsSharedConfig::FileKind::Credentials))
        names.insert(n);
    QStringList sorted(names.cbegin(), names.cend());
    sorted.sort();
    for (const QString &name : std::as_const(sorted)) {
        auto isSet = [&](const char *key) { return shared.value(name, QString::fromLatin1(key)).isSet(); };
        QString kind = QStringLiteral("other");
        QString label = name;
        if (isSet("sso_session") || isSet("sso_start_url")) {
            kind = QStringLiteral("sso");
            label += QStringLiteral(" (SSO)");
        } else if (isSet("role_arn")) {
            kind = QStringLiteral("role");
            label += QStringLiteral(" (role)");
        } else if (isSet("credential_process")) {
            kind = QStringLiteral("process");
            label += QStringLiteral(" (process)");
        } else if (isSet("aws_access_key_id")) {
            kind = QStringLiteral("keys");
            label += QStringLiteral(" (keys)");
        }
        const QString region = shared.value(name, QStringLiteral("region")).value;
        if (!region.isEmpty())
            label += QStringLiteral(" — ") + region;
        m_profiles.append(QVariantMap{{QStringLiteral("name"), name}, {QStringLiteral("kind"), kind},
                                      {QStringLiteral("label"), label}});
    }
    if (m_profiles.isEmpty() && m_profilesMessage.isEmpty())
        m_profilesMessage = QStringLiteral("No profiles in %1 or %2. Create one with 'aws configure', or enter access keys.")
                                .arg(shared.filePath(AwsSharedConfig::FileKind::Config),
                                     shared.filePath(AwsSharedConfig::FileKind::Credentials));
    emit profilesChanged();
}

QString SettingsController::apply(const QVariantMap &values)
{
    DesktopSettings next = m_settings;
    auto text = [&](const char *key, const QString &fallback) {
        return values.contains(QLatin1String(key)) ? values.value(QLatin1String(key)).toString().trimmed() : fallback;
    };
    bool ok = true;
    if (values.contains(QStringLiteral("signInMode"))) {
        next.signIn = DesktopSettings::signInFromName(text("signInMode", QString()), &ok);
        if (!ok)
            return QStringLiteral("sign-in mode '%1' is not one of default, profile, keys").arg(text("signInMode", QString()));
    }
    next.profile = text("profile", next.profile);
    if (next.signIn == DesktopSettings::SignIn::Profile && next.profile.isEmpty())
        return QStringLiteral("choose a profile, or sign in another way");
    next.region = text("region", next.region);
    if (!next.region.isEmpty() && !RegionResolver::isValidRegionName(next.region))
        return QStringLiteral("region '%1' is not a region name such as eu-west-1; leave it empty to use the profile's")
            .arg(next.region);
    next.registryId = text("registryId", next.registryId);
    QString error = DesktopSettings::checkRegistryId(next.registryId);
    if (!error.isEmpty())
        return error;
    if (values.contains(QStringLiteral("refreshIntervalSeconds"))) {
        next.refreshIntervalSeconds = values.value(QStringLiteral("refreshIntervalSeconds")).toInt(&ok);
        error = ok ? DesktopSettings::checkInterval(next.refreshIntervalSeconds)
                   : QStringLiteral("the refresh interval must be a number of seconds");
        if (!error.isEmpty())
            return error;
    }
    next.listenAddress = text("listenAddress", next.listenAddress);
    error = DesktopSettings::parseListenAddress(next.listenAddress, nullptr, nullptr);
    if (!error.isEmpty())
        return error;
    if (values.contains(QStringLiteral("metricsEnabled")))
        next.metricsEnabled = values.value(QStringLiteral("metricsEnabled")).toBool();

    m_settings = next;
    save();
    if (m_session)
        m_session->setSettings(m_settings);
    emit changed();
    return QString();
}

QString SettingsController::checkKeys(const QString &accessKeyId, const QString &secretAccessKey)
{
    // AWS key ids: 16-128 word characters, usually AKIA (long-term) or ASIA (temporary).
    static const QRegularExpression keyId(QStringLiteral("^[A-Z0-9]{16,128}$"));
    if (!keyId.match(accessKeyId).hasMatch())
        return QStringLiteral("the access key id should be 16 or more capital letters and digits, like AKIAIOSFODNN7EXAMPLE");
    if (secretAccessKey.size() < 16 || secretAccessKey.contains(QLatin1Char(' ')))
        return QStringLiteral("the secret access key looks incomplete: paste all of it (40 characters for AWS keys)");
    return QString();
}

void SettingsController::storeKeys(const QString &accessKeyId, const QString &secretAccessKey,
                                   const QString &sessionToken)
{
    const QString id = accessKeyId.trimmed();
    const QString secret = secretAccessKey.trimmed();
    const QString error = checkKeys(id, secret);
    if (!error.isEmpty()) {
        setKeychainMessage(error.at(0).toUpper() + error.mid(1) + QLatin1Char('.'), false);
        emit keysStored(false, m_keychainMessage);
        return;
    }
    AwsCredentials credentials;
    credentials.accessKeyId = id;
    credentials.secretAccessKey = secret;
    credentials.sessionToken = sessionToken.trimmed();
    setKeychainMessage(QStringLiteral("Storing the keys in the keychain…"), true);
    m_keychain->write(credentials, this, [this](const KeychainStore::Result &result) {
        if (!result.ok()) {
            setKeychainMessage(result.message, false);
            emit keysStored(false, result.message);
            return;
        }
        setKeychainMessage(QStringLiteral("The keys are stored in the system keychain."), false);
        const QString applyError = apply({{QStringLiteral("signInMode"), QStringLiteral("keys")}});
        emit keysStored(applyError.isEmpty(), applyError.isEmpty() ? m_keychainMessage : applyError);
    });
}

void SettingsController::forgetKeys()
{
    setKeychainMessage(QStringLiteral("Removing the keys from the keychain…"), true);
    m_keychain->remove(this, [this](const KeychainStore::Result &result) {
        if (!result.ok()) {
            setKeychainMessage(result.message, false);
            return;
        }
        setKeychainMessage(QStringLiteral("The keys were removed from the keychain."), false);
        if (m_settings.signIn == DesktopSettings::SignIn::Keys)
            apply({{QStringLiteral("signInMode"), QStringLiteral("default")}});
    });
}

QString SettingsController::setAutostart(bool enabled)
{
    QString error;
    AutostartEntry entry(m_env);
    if (!entry.setEnabled(enabled, QCoreApplication::applicationFilePath(), &error))
        return error;
    emit changed();
    return QString();
}

void SettingsController::saveTheme(const QString &mode)
{
    if (!DesktopSettings::checkTheme(mode).isEmpty() || mode == m_settings.theme)
        return;
    m_settings.theme = mode;
    save();
}

void SettingsController::save()
{
    m_settings.save(*m_store);
    m_store->sync();
}

void SettingsController::setKeychainMessage(const QString &message, bool busy)
{
    m_keychainMessage = message;
    m_keychainBusy = busy;
    emit keychainMessageChanged();
}
