#pragma once

#include "desktopoptions.h"

#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <memory>

class DesktopSession;
class KeychainStore;
class QQmlApplicationEngine;
class QQuickWindow;
class QSettings;
class SettingsController;
class ThemeController;
class TrayController;

// Builds the desktop application from its parts — settings, keychain, session (the shared
// core), theme, QML window, tray — and connects them. main() handles the single-instance
// check and the command line; tests build a DesktopApp directly (e.g. offscreen with --demo).
class DesktopApp : public QObject
{
    Q_OBJECT
public:
    struct Setup {
        DesktopOptions options;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        bool useTray = true;        // false: never create the tray (tests of the window alone)
        QString keychainService = QStringLiteral("ecr_desktop");
    };

    explicit DesktopApp(const Setup &setup, QObject *parent = nullptr);
    ~DesktopApp() override;

    // Loads the window and starts the session. Returns false with *error (one line) when
    // the QML could not be loaded.
    bool start(QString *error);

    // Shows, raises and activates the window (second start, tray menu, tray click).
    void activateWindow();

    DesktopSession *session() const { return m_session; }
    SettingsController *settings() const { return m_settingsController; }
    ThemeController *theme() const { return m_theme; }
    TrayController *tray() const { return m_tray; }
    QQmlApplicationEngine *engine() const { return m_engine.get(); }
    QQuickWindow *window() const;
    bool usesTray() const { return m_tray != nullptr; }

    static QString mainQmlUrl() { return QStringLiteral("qrc:/qt/qml/EcrDesktop/Main.qml"); }

signals:
    void quitRequested();

private:
    Setup m_setup;
    std::unique_ptr<QSettings> m_store;
    KeychainStore *m_keychain = nullptr;
    DesktopSession *m_session = nullptr;
    SettingsController *m_settingsController = nullptr;
    ThemeController *m_theme = nullptr;
    TrayController *m_tray = nullptr;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QPointer<QQuickWindow> m_window;
};
