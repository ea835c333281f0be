#pragma once

#include <QHostAddress>
#include <QString>

class QSettings;

// What the desktop remembers between runs (QSettings: ~/.config/ecr_exporter/ecr_desktop.conf).
// Never secrets: access keys live in the OS keychain (KeychainStore), only the choice to
// use them is stored here. Plain value with load/save and the checks the Settings form uses.
struct DesktopSettings
{
    enum class SignIn {
        Default,   // the standard chain: environment, AWS_PROFILE or [default], shared files
        Profile,   // one named profile of the shared files (SSO profiles included)
        Keys,      // access key + secret (+ session token) from the OS keychain
    };

    SignIn signIn = SignIn::Default;
    QString profile;                               // for SignIn::Profile
    QString region;                                // empty: RegionResolver (profile, variables, eu-west-1)
    QString registryId;                            // empty: the caller's own registry
    int refreshIntervalSeconds = 600;
    QString listenAddress = QStringLiteral("127.0.0.1:9000"); // loopback: never exposed unless asked
    bool metricsEnabled = true;
    QString theme = QStringLiteral("system");      // system, light, dark

    static constexpr int kMinIntervalSeconds = 60;
    static constexpr int kMaxIntervalSeconds = 86400;

    static DesktopSettings load(const QSettings &settings);
    void save(QSettings &settings) const;

    static QString signInName(SignIn signIn);      // "default", "profile", "keys"
    static SignIn signInFromName(const QString &name, bool *ok = nullptr);

    // "127.0.0.1:9000", "localhost:9000", "[::1]:9100", "0.0.0.0:9000", ":9000" (all
    // interfaces, spelt out by the user). Port 0 = any free port. Empty string on success,
    // else one line saying what is wrong and what to write.
    static QString parseListenAddress(const QString &text, QHostAddress *address, quint16 *port);
    // Empty, or exactly 12 digits.
    static QString checkRegistryId(const QString &registryId);
    static QString checkInterval(int seconds);
    static QString checkTheme(const QString &theme);
};
