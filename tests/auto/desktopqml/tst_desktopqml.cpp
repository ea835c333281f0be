// Runs the tst_*.qml files next to this file with Qt Quick Test. Every QML file gets its own
// engine; all share one --demo DesktopSession (a real fake ECR behind the real client), a
// ThemeController, a SettingsController on a throwaway settings file with no session (so
// the dialog tests never rebuild the shared session), and `testTools` for the clipboard.
#include "demoregistry.h"
#include "desktopsession.h"
#include "keychainstore.h"
#include "settingscontroller.h"
#include "themecontroller.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QQmlContext>
#include <QQmlEngine>
#include <QSettings>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(EcrDesktopPlugin)

// What QML cannot do by itself in a test.
class TestTools : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    Q_INVOKABLE QString clipboardText() const
    {
        return QGuiApplication::clipboard() ? QGuiApplication::clipboard()->text() : QString();
    }
    Q_INVOKABLE void setClipboardText(const QString &text) const
    {
        if (QGuiApplication::clipboard())
            QGuiApplication::clipboard()->setText(text);
    }
};

class Setup : public QObject
{
    Q_OBJECT
public slots:
    void applicationAvailable()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_home.filePath(QStringLiteral("aws-config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_home.filePath(QStringLiteral("aws-credentials")));
        env.remove(QStringLiteral("AWS_PROFILE"));

        DesktopOptions options;
        options.demo = true;
        options.noMetrics = true;
        m_session = new DesktopSession(env, options, this);
        m_session->setTimeSpec(Qt::UTC);
        m_session->start();

        m_theme = new ThemeController(this);
        m_theme->setMode(QStringLiteral("light"));
        m_store = new QSettings(m_home.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat, this);
        m_keychain = new KeychainStore(QStringLiteral("ecr_desktop_qmltest"), QStringLiteral("keys"), this);
        m_settings = new SettingsController(m_store, nullptr, m_keychain, env, false, this);
        m_tools = new TestTools(this);
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine->rootContext()->setContextProperty(QStringLiteral("demoApp"), m_session);
        engine->rootContext()->setContextProperty(QStringLiteral("themeBackend"), m_theme);
        engine->rootContext()->setContextProperty(QStringLiteral("settingsBackend"), m_settings);
        engine->rootContext()->setContextProperty(QStringLiteral("testTools"), m_tools);
        engine->rootContext()->setContextProperty(QStringLiteral("demoRegistryId"), DemoRegistry::spec().registryId);
    }

    void cleanupTestCase()
    {
        // While the application still exists (Setup itself outlives it).
        delete m_session;
        m_session = nullptr;
    }

private:
    QTemporaryDir m_home;
    DesktopSession *m_session = nullptr;
    ThemeController *m_theme = nullptr;
    QSettings *m_store = nullptr;
    KeychainStore *m_keychain = nullptr;
    SettingsController *m_settings = nullptr;
    TestTools *m_tools = nullptr;
};

QUICK_TEST_MAIN_WITH_SETUP(desktopqml, Setup)

#include "tst_desktopqml.moc"
