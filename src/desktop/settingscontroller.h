#pragma once

#include "desktopsettings.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QVariantList>
#include <QVariantMap>

class DesktopSession;
class KeychainStore;
class QSettings;

// The Sign in / Settings form's backend, known to QML as `settings`: lists the profiles of
// the AWS shared files, validates and saves settings (QSettings), stores access keys in the
// keychain (never in QSettings), toggles the login autostart entry, and hands every accepted
// change to the session.
class SettingsController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString signInMode READ signInMode NOTIFY changed)
    Q_PROPERTY(QString profile READ profile NOTIFY changed)
    Q_PROPERTY(QString region READ region NOTIFY changed)
    Q_PROPERTY(QString registryId READ registryId NOTIFY changed)
    Q_PROPERTY(int refreshIntervalSeconds READ refreshIntervalSeconds NOTIFY changed)
    Q_PROPERTY(QString listenAddress READ listenAddress NOTIFY changed)
    Q_PROPERTY(bool metricsEnabled READ metricsEnabled NOTIFY changed)
    Q_PROPERTY(bool autostart READ autostart NOTIFY changed)
    Q_PROPERTY(QVariantList profiles READ profiles NOTIFY profilesChanged)
    Q_PROPERTY(QString profilesMessage READ profilesMessage NOTIFY profilesChanged)
    Q_PROPERTY(QString keychainMessage READ keychainMessage NOTIFY keychainMessageChanged)
    Q_PROPERTY(bool keychainBusy READ keychainBusy NOTIFY keychainMessageChanged)
    Q_PROPERTY(bool demo READ isDemo CONSTANT)
public:
    SettingsController(QSettings *store, DesktopSession *session, KeychainStore *keychain,
                       const QProcessEnvironment &env, bool demo, QObject *parent = nullptr);

    DesktopSettings current() const { return m_settings; }

    QString signInMode() const { return DesktopSettings::signInName(m_settings.signIn); }
    QString profile() const { return m_settings.profile; }
    QString region() const { return m_settings.region; }
    QString registryId() const { return m_settings.registryId; }
    int refreshIntervalSeconds() const { return m_settings.refreshIntervalSeconds; }
    QString listenAddress() const { return m_settings.listenAddress; }
    bool metricsEnabled() const { return m_settings.metricsEnabled; }
    bool autostart() const;
    QVariantList profiles() const { return m_profiles; }
    QString profilesMessage() const { return m_profilesMessage; }
    QString keychainMessage() const { return m_keychainMessage; }
    bool keychainBusy() const { return m_keychainBusy; }
    bool isDemo() const { return m_demo; }

    // Re-reads ~/.aws/config and ~/.aws/credentials: [{name, kind, label}], kind one of
    // "sso", "role", "process", "keys", "other".
    Q_INVOKABLE void reloadProfiles();
    // Validates and applies the form: keys signInMode, profile, region, registryId,
    // refreshIntervalSeconds, listenAddress, metricsEnabled (absent keys keep their value).
    // Returns "" on success, else one line saying what to fix (nothing is changed then).
    Q_INVOKABLE QString apply(const QVariantMap &values);
    // Stores the keys in the keychain and, once stored, signs in with them. The outcome
    // arrives as keysStored() and keychainMessage.
    Q_INVOKABLE void storeKeys(const QString &accessKeyId, const QString &secretAccessKey,
                               const QString &sessionToken);
    // Deletes the stored keys; signing in with keys falls back to the default credentials.
    Q_INVOKABLE void forgetKeys();
    // Writes or removes the XDG autostart entry; returns "" or the reason it failed.
    Q_INVOKABLE QString setAutostart(bool enabled);
    // Saves the theme choice ("system", "light", "dark").
    Q_INVOKABLE void saveTheme(const QString &mode);

    // Checks an access key id / secret pair's shape (not its validity: only AWS knows).
    static QString checkKeys(const QString &accessKeyId, const QString &secretAccessKey);

signals:
    void changed();
    void profilesChanged();
    void keychainMessageChanged();
    void keysStored(bool ok, const QString &message);

private:
    void save();
    void setKeychainMessage(const QString &message, bool busy);

    QSettings *m_store;
    DesktopSession *m_session;
    KeychainStore *m_keychain;
    QProcessEnvironment m_env;
    bool m_demo;
    DesktopSettings m_settings;
    QVariantList m_profiles;
    QString m_profilesMessage;
    QString m_keychainMessage;
    bool m_keychainBusy = false;
};
