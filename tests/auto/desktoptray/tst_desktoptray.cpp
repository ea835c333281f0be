// The tray icon under Xvfb with trayer as the tray host (run_tray_test.sh): the icon is
// really embedded and drawn in the severity's colour, neutral while loading and on error;
// the tooltip carries live counts; the menu's four actions work; a tray message appears
// once per image whose CRITICAL count goes from 0 to more — never after the first refresh.
// The registry is a fake ECR the test edits between refreshes (its ground truth gives
// every expected number).
#include "desktopapp.h"
#include "desktopsession.h"
#include "fakeecrserver.h"
#include "severitypalette.h"
#include "traycontroller.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QQuickWindow>
#include <QScreen>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(EcrDesktopPlugin)

namespace {

const QString kKeyId = QStringLiteral("AKIATRAYTEST00000001");
const QString kSecret = QStringLiteral("tray/test/secret/0123456789abcdef");

// Worst severity and CRITICAL/HIGH totals over tagged images, from the fake's raw data.
struct Expected {
    QString worst = QStringLiteral("NONE");
    int critical = 0;
    int high = 0;
    int images = 0;
};
Expected expectedFor(const FakeRegistry &registry)
{
    const QStringList order = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"};
    Expected e;
    int best = int(order.size());
    for (auto it = registry.images.cbegin(); it != registry.images.cend(); ++it) {
        for (const EcrImage &image : it.value()) {
            if (image.imageTags.isEmpty())
                continue;
            ++e.images;
            e.critical += image.severityCounts.value(QStringLiteral("CRITICAL"));
            e.high += image.severityCounts.value(QStringLiteral("HIGH"));
            for (int i = 0; i < order.size(); ++i)
                if (image.severityCounts.value(order.at(i)) > 0 && i < best)
                    best = i;
        }
    }
    if (best < order.size())
        e.worst = order.at(best);
    return e;
}

// Pixels of exactly `color` where trayer draws (a top-right panel, --edge top --align
// right --height 24). QSystemTrayIcon::geometry() is not global once XEmbed reparents the
// icon, so look at the panel's screen area instead.
int pixelsOfColor(const QColor &color)
{
    QScreen *screen = QGuiApplication::primaryScreen();
    const QRect panel(screen->geometry().width() - 160, 0, 160, 32);
    const QImage shot = screen->grabWindow(0, panel.x(), panel.y(), panel.width(), panel.height()).toImage();
    int hits = 0;
    for (int y = 0; y < shot.height(); ++y)
        for (int x = 0; x < shot.width(); ++x)
            if (shot.pixelColor(x, y).rgb() == color.rgb())
                ++hits;
    return hits;
}

QAction *action(TrayController *tray, const char *objectName)
{
    return tray->menu()->findChild<QAction *>(QString::fromLatin1(objectName));
}

bool balloonVisible()
{
    const QWidgetList widgets = QApplication::topLevelWidgets();
    for (QWidget *w : widgets)
        if (qstrcmp(w->metaObject()->className(), "QBalloonTip") == 0 && w->isVisible())
            return true;
    return false;
}

} // namespace

class TestDesktopTray : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loadingThenWorstSeverity();
    void tooltipHasLiveCounts();
    void menuActions();
    void criticalMessageOncePerDigest();
    void neutralOnError();
    void closingTheWindowKeepsTheTray();
    void quit();
    void cleanupTestCase();

private:
    void refreshAndWait();

    QTemporaryDir m_home;
    FakeEcrServer m_fake;
    FakeRegistry m_registry;
    std::unique_ptr<DesktopApp> m_app;
    TrayController *m_tray = nullptr;
    QString m_loadingState;
};

void TestDesktopTray::initTestCase()
{
    QCOMPARE(QGuiApplication::platformName(), QStringLiteral("xcb"));
    // trayer is up (the script waited for its panel); Qt sees the tray selection owner.
    QTRY_VERIFY_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), 20000);

    FakeRegistry::Spec spec;
    spec.repositories = 8;
    spec.imagesPerRepository = 4;
    spec.seed = 424242;
    spec.registryId = QStringLiteral("135791357913");
    m_registry = FakeRegistry::generate(spec);
    QVERIFY2(expectedFor(m_registry).critical > 0, "the first refresh must already see CRITICALs (and stay silent)");
    m_fake.setRegistry(m_registry);
    m_fake.addCredentials(kKeyId, kSecret);
    QVERIFY(m_fake.listen());

    DesktopApp::Setup setup;
    setup.options.listenAddress = QStringLiteral("127.0.0.1:0");
    setup.options.settingsFile = m_home.filePath(QStringLiteral("settings.ini"));
    setup.env = QProcessEnvironment();
    setup.env.insert(QStringLiteral("HOME"), m_home.path());
    setup.env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), kKeyId);
    setup.env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), kSecret);
    setup.env.insert(QStringLiteral("AWS_REGION"), spec.region);
    setup.env.insert(QStringLiteral("AWS_ENDPOINT_URL_ECR"), m_fake.endpoint().toString());
    setup.env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_home.filePath(QStringLiteral("none")));
    setup.env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_home.filePath(QStringLiteral("none")));
    setup.env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
    setup.env.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1"));
    setup.useTray = true;
    m_app = std::make_unique<DesktopApp>(setup);
    QVERIFY(m_app->usesTray());
    m_tray = m_app->tray();
    m_tray->setMessageSpacing(50);
    m_loadingState = m_tray->iconState();
    QString error;
    QVERIFY2(m_app->start(&error), qPrintable(error));
    QVERIFY(!QGuiApplication::quitOnLastWindowClosed()); // the tray keeps the app alive
}

void TestDesktopTray::refreshAndWait()
{
    QSignalSpy finished(m_app->session(), &DesktopSession::refreshFinished);
    QTRY_VERIFY_WITH_TIMEOUT(!m_app->session()->isRefreshing(), 30000);
    QVERIFY(m_app->session()->refreshNow());
    QVERIFY(finished.wait(30000));
}

void TestDesktopTray::loadingThenWorstSeverity()
{
    QCOMPARE(m_loadingState, QStringLiteral("loading"));
    QSystemTrayIcon *icon = m_tray->trayIcon();
    QVERIFY(icon->isVisible());
    // Embedded in trayer: a real geometry on the screen (qt64-notes §5: 22x22 at the top right).
    QTRY_VERIFY_WITH_TIMEOUT(icon->geometry().isValid() && icon->geometry().width() >= 16, 20000);
    qInfo() << "tray icon size" << icon->geometry().size();

    const Expected expected = expectedFor(m_registry);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->session()->hasData(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->iconState(), expected.worst, 10000);
    // What trayer shows is drawn in that severity's colour: a 22x22 badge (484 pixels) is
    // mostly fill; the letter and the anti-aliased border take the rest.
    const QColor color = SeverityPalette::color(Severity::fromName(expected.worst));
    // Without a window manager the 1366x768 window would cover trayer's panel.
    m_app->window()->hide();
    QTRY_VERIFY(!m_app->window()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(pixelsOfColor(color) > 150, 10000);
    QVERIFY(pixelsOfColor(SeverityPalette::neutral()) < 20);
}

void TestDesktopTray::tooltipHasLiveCounts()
{
    const Expected expected = expectedFor(m_registry);
    const QString tip = m_tray->trayIcon()->toolTip();
    QVERIFY2(tip.contains(QStringLiteral("ECR registry 135791357913")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("%1 repositories, %2 images").arg(m_registry.repositories.size()).arg(expected.images)),
             qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("CRITICAL %1, HIGH %2").arg(expected.critical).arg(expected.high)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("Last refresh ")), qPrintable(tip));
}

void TestDesktopTray::menuActions()
{
    const QStringList texts = [this] {
        QStringList t;
        for (QAction *a : m_tray->menu()->actions())
            if (!a->isSeparator())
                t << a->text();
        return t;
    }();
    QCOMPARE(texts, (QStringList{"Show window", "Refresh now", "Copy metrics URL", "Quit"}));

    // Copy metrics URL: the loopback URL, and it really serves this registry.
    QGuiApplication::clipboard()->clear();
    action(m_tray, "trayCopyMetricsUrl")->trigger();
    const QString url = QGuiApplication::clipboard()->text();
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")) && url.endsWith(QStringLiteral("/metrics")), qPrintable(url));
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QByteArray body;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(url)));
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(10000);
        body = reply->readAll();
        reply->deleteLater();
        return body.contains("aws_ecr_repository_count{registry_id=\"135791357913\"} 8");
    }(), 30000);

    // Show window: a hidden window comes back.
    QQuickWindow *window = m_app->window();
    window->hide();
    QTRY_VERIFY(!window->isVisible());
    action(m_tray, "trayShowWindow")->trigger();
    QTRY_VERIFY(window->isVisible());

    // Refresh now: starts a refresh (and is disabled while it runs).
    QSignalSpy finished(m_app->session(), &DesktopSession::refreshFinished);
    action(m_tray, "trayRefreshNow")->trigger();
    QVERIFY(m_app->session()->isRefreshing());
    QVERIFY(!action(m_tray, "trayRefreshNow")->isEnabled());
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY(action(m_tray, "trayRefreshNow")->isEnabled());
}

void TestDesktopTray::criticalMessageOncePerDigest()
{
    QSignalSpy messages(m_tray, &TrayController::messageShown);
    // Refreshes so far (first one included) had CRITICALs and raised nothing.
    refreshAndWait();
    QCOMPARE(messages.count(), 0);

    // An image whose scan now finds CRITICALs (it had none).
    FakeRegistry edited = m_registry;
    QString repo;
    QString digest;
    QStringList tags;
    for (const EcrRepository &r : std::as_const(edited.repositories)) {
        for (EcrImage &image : edited.images[r.repositoryName]) {
            if (!image.imageTags.isEmpty() && image.severityCounts.value(QStringLiteral("CRITICAL")) == 0) {
                image.scanStatus = QStringLiteral("COMPLETE");
                image.hasScanSummary = true;
                image.severityCounts.insert(QStringLiteral("CRITICAL"), 2);
                repo = r.repositoryName;
                digest = image.imageDigest;
                tags = image.imageTags;
                break;
            }
        }
        if (!digest.isEmpty())
            break;
    }
    QVERIFY(!digest.isEmpty());
    m_fake.setRegistry(edited);
    refreshAndWait();
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, 10000);
    QCOMPARE(messages.at(0).at(0).toString(), QStringLiteral("CRITICAL findings in ") + repo);
    const QString body = messages.at(0).at(1).toString();
    QVERIFY2(body.contains(tags.first()) && body.contains(digest.left(19)) && body.contains(QStringLiteral("2 CRITICAL")),
             qPrintable(body));
    // The message reaches the screen: without a notification service Qt shows its balloon.
    QTRY_VERIFY_WITH_TIMEOUT(balloonVisible(), 10000);

    // The same state again: no second message for that digest.
    refreshAndWait();
    QTest::qWait(200); // > message spacing: a queued duplicate would have been shown by now
    QCOMPARE(messages.count(), 1);
    m_registry = edited;
}

void TestDesktopTray::neutralOnError()
{
    m_app->window()->hide(); // keep trayer's panel uncovered (no window manager here)
    QTRY_VERIFY(!m_app->window()->isVisible());
    m_fake.injectFault(QString(), FakeEcrServer::Fault::AccessDenied, 1000);
    refreshAndWait();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->iconState(), QStringLiteral("error"), 10000);
    QVERIFY2(m_tray->trayIcon()->toolTip().contains(QStringLiteral("Access denied")), qPrintable(m_tray->trayIcon()->toolTip()));
    QTRY_VERIFY_WITH_TIMEOUT(pixelsOfColor(SeverityPalette::neutral()) > 150, 10000);
    QVERIFY(pixelsOfColor(SeverityPalette::color(Severity::fromName(expectedFor(m_registry).worst))) < 20);

    m_fake.clearFaults();
    refreshAndWait();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->iconState(), expectedFor(m_registry).worst, 10000);
    QVERIFY(!m_tray->trayIcon()->toolTip().contains(QStringLiteral("Access denied")));
    QTRY_VERIFY_WITH_TIMEOUT(pixelsOfColor(SeverityPalette::color(Severity::fromName(expectedFor(m_registry).worst))) > 150, 10000);
}

void TestDesktopTray::closingTheWindowKeepsTheTray()
{
    QQuickWindow *window = m_app->window();
    window->show();
    QTRY_VERIFY(window->isVisible());
    window->close();
    QTRY_VERIFY(!window->isVisible());
    QVERIFY(m_tray->trayIcon()->isVisible());
    action(m_tray, "trayShowWindow")->trigger();
    QTRY_VERIFY(window->isVisible());
}

void TestDesktopTray::quit()
{
    QSignalSpy quitSpy(m_app.get(), &DesktopApp::quitRequested);
    action(m_tray, "trayQuit")->trigger();
    QCOMPARE(quitSpy.count(), 1);
}

void TestDesktopTray::cleanupTestCase()
{
    m_app.reset();
}

int main(int argc, char *argv[])
{
    qputenv("QT_QUICK_CONTROLS_STYLE", "Fusion");
    QApplication app(argc, argv);
    TestDesktopTray test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktoptray.moc"
