#include "desktopapp.h"

#include "desktopsession.h"
#include "keychainstore.h"
#include "logcategories.h"
#include "settingscontroller.h"
#include "themecontroller.h"
#include "traycontroller.h"

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSettings>

DesktopApp::DesktopApp(const Setup &setup, QObject *parent)
    : QObject(parent)
    , m_setup(setup)
{
    if (!setup.options.settingsFile.isEmpty())
        m_store = std::make_unique<QSettings>(setup.options.settingsFile, QSettings::IniFormat);
    else
        m_store = std::make_unique<QSettings>(QStringLiteral("ecr_exporter"), QStringLiteral("ecr_desktop"));

    m_keychain = new KeychainStore(setup.keychainService, QStringLiteral("aws-access-keys"), this);
    m_session = new DesktopSession(setup.env, setup.options, this);
    m_session->setKeychain(m_keychain);
    m_settingsController = new SettingsController(m_store.get(), m_session, m_keychain, setup.env, setup.options.demo, this);
    m_session->setSettings(m_settingsController->current());

    m_theme = new ThemeController(this);
    m_theme->setMode(m_settingsController->current().theme);
    connect(m_theme, &ThemeController::modeChanged, this, [this] { m_settingsController->saveTheme(m_theme->mode()); });

    if (setup.useTray && TrayController::isSystemTrayAvailable()) {
        m_tray = new TrayController(m_session, this);
        connect(m_tray, &TrayController::showWindowRequested, this, &DesktopApp::activateWindow);
        connect(m_tray, &TrayController::quitRequested, this, &DesktopApp::quitRequested);
    }
}

DesktopApp::~DesktopApp()
{
    // The window's bindings refer to the session: destroy the QML first.
    m_engine.reset();
}

QQuickWindow *DesktopApp::window() const
{
    return m_window.data();
}

bool DesktopApp::start(QString *error)
{
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_engine->setInitialProperties({
        {QStringLiteral("app"), QVariant::fromValue<QObject *>(m_session)},
        {QStringLiteral("settings"), QVariant::fromValue<QObject *>(m_settingsController)},
        {QStringLiteral("theme"), QVariant::fromValue<QObject *>(m_theme)},
        {QStringLiteral("trayAvailable"), m_tray != nullptr},
        {QStringLiteral("startHidden"), m_setup.options.hidden && m_tray != nullptr},
    });
    QStringList warnings;
    connect(m_engine.get(), &QQmlApplicationEngine::warnings, this, [&warnings](const QList<QQmlError> &list) {
        for (const QQmlError &e : list)
            warnings << e.toString();
    });
    m_engine->load(QUrl(mainQmlUrl()));
    if (m_engine->rootObjects().isEmpty()) {
        *error = QStringLiteral("cannot load the window (%1): %2").arg(mainQmlUrl(), warnings.join(QStringLiteral("; ")));
        return false;
    }
    m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    if (!m_window) {
        *error = QStringLiteral("%1 is not a window").arg(mainQmlUrl());
        return false;
    }
    connect(m_window, SIGNAL(quitRequested()), this, SIGNAL(quitRequested()));
    // With a tray the app lives on when the window closes; without one, closing quits.
    QGuiApplication::setQuitOnLastWindowClosed(m_tray == nullptr);
    if (m_tray)
        m_tray->show();
    m_session->start();
    return true;
}

void DesktopApp::activateWindow()
{
    if (!m_window)
        return;
    m_window->show();
    if (m_window->windowState() & Qt::WindowMinimized)
        m_window->setWindowStates(m_window->windowStates() & ~Qt::WindowMinimized);
    m_window->raise();
    m_window->requestActivate();
}
