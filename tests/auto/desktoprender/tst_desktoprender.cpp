// The main window, rendered offscreen with the --demo registry: the delegates of the first
// five repositories (by name, the default order) must be there, findable by objectName,
// showing each repository's name and worst severity as the fake's ground truth says, inside
// a 1366x768 window with nothing in the header cut off. The PNG made here is the README's
// screenshot.
#include "demoregistry.h"
#include "desktopapp.h"
#include "desktopsession.h"
#include "fakeregistry.h"
#include "severitypalette.h"
#include "themecontroller.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(EcrDesktopPlugin)

namespace {

// Worst severity of a repository from the generator's raw data, written independently of
// the app's Severity class: the first of these names with a positive count in any tagged
// image (the app lists TAGGED images only).
QString expectedWorst(const QVector<EcrImage> &images)
{
    const QStringList order = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"};
    int best = int(order.size());
    for (const EcrImage &image : images) {
        if (image.imageTags.isEmpty())
            continue;
        for (int i = 0; i < order.size(); ++i) {
            if (image.severityCounts.value(order.at(i)) > 0 && i < best)
                best = i;
        }
    }
    return best < order.size() ? order.at(best) : QStringLiteral("NONE");
}

QQuickItem *findItem(QQuickItem *root, const QString &objectName)
{
    if (!root)
        return nullptr;
    if (root->objectName() == objectName)
        return root;
    const QList<QQuickItem *> children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}

QRectF sceneRect(QQuickItem *item)
{
    return item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
}

// A control (button, combo box) whose content needs more room than it has is clipped.
bool contentFits(QQuickItem *control)
{
    const QVariant needed = control->property("implicitContentWidth");
    const QVariant available = control->property("availableWidth");
    return needed.isValid() && available.isValid() && needed.toReal() <= available.toReal() + 0.5;
}

} // namespace

class TestDesktopRender : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void firstFiveRepositories();
    void headerFitsAt1366x768();
    void screenshot();
    void darkTheme();
    void noTrayFallsBackToWindow();
    void cleanupTestCase();

private:
    QTemporaryDir m_home;
    std::unique_ptr<DesktopApp> m_app;
    FakeRegistry m_truth;
    QStringList m_firstFive;
};

void TestDesktopRender::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_truth = FakeRegistry::generate(DemoRegistry::spec());
    QStringList names;
    for (const EcrRepository &r : std::as_const(m_truth.repositories))
        names << r.repositoryName;
    std::sort(names.begin(), names.end());
    m_firstFive = names.mid(0, 5);
    QCOMPARE(m_firstFive.size(), 5);

    DesktopApp::Setup setup;
    setup.options.demo = true;
    setup.options.listenAddress = QStringLiteral("127.0.0.1:0");
    setup.options.settingsFile = m_home.filePath(QStringLiteral("settings.ini"));
    setup.env = QProcessEnvironment::systemEnvironment();
    setup.env.insert(QStringLiteral("HOME"), m_home.path());
    setup.env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    setup.useTray = false;
    m_app = std::make_unique<DesktopApp>(setup);
    QString error;
    QVERIFY2(m_app->start(&error), qPrintable(error));
    QQuickWindow *window = m_app->window();
    QVERIFY(window);
    window->resize(1366, 768);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->session()->hasData(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_app->session()->isRefreshing(), 60000);
    QCOMPARE(window->width(), 1366);
    QCOMPARE(window->height(), 768);
}

void TestDesktopRender::firstFiveRepositories()
{
    QQuickItem *root = m_app->window()->contentItem();
    const QRectF windowRect(0, 0, m_app->window()->width(), m_app->window()->height());
    for (const QString &name : std::as_const(m_firstFive)) {
        QQuickItem *delegate = nullptr;
        QTRY_VERIFY2((delegate = findItem(root, QStringLiteral("repository:") + name)) != nullptr, qPrintable(name));
        const int repoIndex = [&] {
            for (int i = 0; i < m_truth.repositories.size(); ++i)
                if (m_truth.repositories.at(i).repositoryName == name)
                    return i;
            return -1;
        }();
        QVERIFY(repoIndex >= 0);
        const QString worst = expectedWorst(m_truth.images.value(name));
        QCOMPARE(delegate->property("repositoryName").toString(), name);
        QCOMPARE(delegate->property("worstSeverity").toString(), worst);
        QVERIFY(delegate->isVisible());
        QVERIFY2(windowRect.contains(sceneRect(delegate)), qPrintable(name));

        // What is drawn: the name text, not elided, and a chip of the right severity.
        QQuickItem *nameText = findItem(delegate, QStringLiteral("repositoryName"));
        QVERIFY(nameText);
        QCOMPARE(nameText->property("text").toString(), name);
        QVERIFY2(!nameText->property("truncated").toBool(), qPrintable(name));
        QQuickItem *chip = findItem(delegate, QStringLiteral("worstSeverityChip"));
        QVERIFY(chip);
        QCOMPARE(chip->property("severity").toString(), worst);
        QVERIFY(windowRect.contains(sceneRect(chip)));
        qInfo().noquote() << "repository" << name << "worst" << worst;
    }
}

void TestDesktopRender::headerFitsAt1366x768()
{
    QQuickItem *root = m_app->window()->contentItem();
    const QRectF windowRect(0, 0, 1366, 768);
    QQuickItem *title = findItem(root, QStringLiteral("registryTitle"));
    QVERIFY(title);
    QCOMPARE(title->property("text").toString(), QStringLiteral("Registry ") + m_truth.registryId);
    QCOMPARE(findItem(root, QStringLiteral("registryRegion"))->property("text").toString(), m_truth.region);
    QCOMPARE(findItem(root, QStringLiteral("repositoryCountText"))->property("text").toString(),
             QStringLiteral("%1 repositories").arg(m_truth.repositories.size()));
    QCOMPARE(findItem(root, QStringLiteral("imageCountText"))->property("text").toString(),
             QLocale(QLocale::English, QLocale::UnitedStates).toString(m_truth.imageCount(true)) + QStringLiteral(" images"));

    // Every label, button and column title in the header rows and the column headers is
    // on screen and not elided.
    const QStringList names = {"registryTitle", "registryRegion", "themeSwitch", "refreshButton", "settingsButton",
                               "repositoryCountText", "imageCountText", "totalSizeText", "lastRefreshText",
                               "metricsStatus", "severityBar", "repositorySearch", "repositoryCount",
                               "repositorySortHeader", "imageSortHeader", "imageFilter", "severityFilter"};
    for (const QString &name : names) {
        QQuickItem *item = findItem(root, name);
        QVERIFY2(item, qPrintable(name));
        QVERIFY2(item->isVisible(), qPrintable(name));
        QVERIFY2(item->width() > 0 && item->height() > 0, qPrintable(name));
        const QRectF r = sceneRect(item);
        QVERIFY2(windowRect.contains(r), qPrintable(QStringLiteral("%1 at %2,%3 %4x%5").arg(name).arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())));
        if (item->property("truncated").isValid())
            QVERIFY2(!item->property("truncated").toBool(), qPrintable(name));
    }
    for (const char *control : {"refreshButton", "settingsButton", "themeSwitch", "severityFilter"}) {
        QQuickItem *item = findItem(root, QString::fromLatin1(control));
        QVERIFY2(contentFits(item), control);
    }
    for (const char *header : {"repositorySortHeader", "imageSortHeader"}) {
        QQuickItem *sortHeader = findItem(root, QString::fromLatin1(header));
        const QList<QQuickItem *> cells = sortHeader->childItems().first()->childItems();
        int titles = 0;
        for (QQuickItem *cell : cells) {
            QQuickItem *text = findItem(cell, QStringLiteral("sortTitle"));
            if (!text)
                continue;
            ++titles;
            QVERIFY2(!text->property("truncated").toBool(), qPrintable(text->property("text").toString()));
            QVERIFY2(windowRect.contains(sceneRect(cell)), qPrintable(text->property("text").toString()));
        }
        QVERIFY(titles >= 8);
    }
    for (const char *legend : {"legendCRITICAL", "legendHIGH", "legendMEDIUM", "legendLOW", "legendINFORMATIONAL", "legendUNDEFINED"}) {
        QQuickItem *item = findItem(root, QString::fromLatin1(legend));
        QVERIFY(item);
        QVERIFY(windowRect.contains(sceneRect(item)));
    }
}

void TestDesktopRender::screenshot()
{
    // Open the first of the five with CRITICAL findings so the image list shows chips.
    QString open = m_firstFive.first();
    for (const QString &name : std::as_const(m_firstFive)) {
        if (expectedWorst(m_truth.images.value(name)) == QLatin1String("CRITICAL")) {
            open = name;
            break;
        }
    }
    m_app->session()->setSelectedRepository(open);
    QQuickItem *root = m_app->window()->contentItem();
    int tagged = 0;
    QString someDigest;
    for (const EcrImage &image : m_truth.images.value(open)) {
        if (!image.imageTags.isEmpty()) {
            ++tagged;
            someDigest = image.imageDigest;
        }
    }
    QVERIFY(tagged > 0);
    QTRY_VERIFY(findItem(root, QStringLiteral("image:") + someDigest) != nullptr);
    QTRY_COMPARE(findItem(root, QStringLiteral("imageCount"))->property("text").toString(),
                 QStringLiteral("%1 image%2").arg(tagged).arg(tagged == 1 ? "" : "s"));

    QQuickItem *copyButton = findItem(root, QStringLiteral("copyRepositoryUri"));
    QVERIFY(copyButton && copyButton->isVisible());
    QVERIFY(contentFits(copyButton));
    QVERIFY(QRectF(0, 0, 1366, 768).contains(sceneRect(copyButton)));

    const QImage image = m_app->window()->grabWindow();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1366, 768) * m_app->window()->devicePixelRatio());

    // The pixels agree with the items: a CRITICAL chip is drawn in the CRITICAL colour.
    QQuickItem *delegate = findItem(root, QStringLiteral("repository:") + open);
    QQuickItem *chip = findItem(delegate, QStringLiteral("worstSeverityChip"));
    const QRectF chipRect = sceneRect(chip);
    if (delegate->property("worstSeverity").toString() == QLatin1String("CRITICAL")) {
        const QColor pixel = image.pixelColor(QPoint(int(chipRect.left() + 3), int(chipRect.center().y())));
        QCOMPARE(pixel.name(), SeverityPalette::color(Severity::Critical, false).name());
    }

    const QString out = QStringLiteral(ECR_BINARY_DIR) + QStringLiteral("/screenshot-desktop.png");
    QVERIFY(image.save(out));
    QVERIFY2(QFileInfo(out).size() < 300 * 1024, qPrintable(QString::number(QFileInfo(out).size())));
    qInfo().noquote() << "screenshot:" << out << QFileInfo(out).size() << "bytes";
    if (qEnvironmentVariableIntValue("ECR_UPDATE_SCREENSHOT") == 1) {
        const QString docs = QStringLiteral(ECR_SOURCE_DIR) + QStringLiteral("/docs/screenshot-desktop.png");
        QDir().mkpath(QFileInfo(docs).absolutePath());
        QFile::remove(docs);
        QVERIFY(QFile::copy(out, docs));
        qInfo().noquote() << "updated" << docs;
    }
}

void TestDesktopRender::darkTheme()
{
    m_app->theme()->setMode(QStringLiteral("dark"));
    QVERIFY(m_app->theme()->isDark());
    QQuickItem *root = m_app->window()->contentItem();
    QQuickItem *delegate = findItem(root, QStringLiteral("repository:") + m_firstFive.first());
    QVERIFY(delegate);
    QTRY_VERIFY(m_app->window()->color().lightness() < 128);
    const QImage image = m_app->window()->grabWindow();
    // The header's background and the window are dark; text is light.
    QQuickItem *header = findItem(root, QStringLiteral("registryHeader"));
    const QRectF r = sceneRect(header);
    QVERIFY(image.pixelColor(QPoint(int(r.right() - 3), int(r.bottom() - 3))).lightness() < 128);
    QQuickItem *title = findItem(root, QStringLiteral("registryTitle"));
    QVERIFY(title->property("color").value<QColor>().lightness() > 128);
    QVERIFY(image.save(QStringLiteral(ECR_BINARY_DIR) + QStringLiteral("/screenshot-desktop-dark.png")));
    m_app->theme()->setMode(QStringLiteral("light"));
    QTRY_VERIFY(m_app->window()->color().lightness() > 128);
}

void TestDesktopRender::noTrayFallsBackToWindow()
{
    // Offscreen has no system tray: even asked to start hidden in the tray, the app shows
    // its window, and closing it quits.
    QVERIFY(!QSystemTrayIcon::isSystemTrayAvailable());
    QTemporaryDir home;
    DesktopApp::Setup setup;
    setup.options.demo = true;
    setup.options.hidden = true;
    setup.options.noMetrics = true;
    setup.options.settingsFile = home.filePath(QStringLiteral("settings.ini"));
    setup.env.insert(QStringLiteral("HOME"), home.path());
    setup.useTray = true;
    DesktopApp app(setup);
    QVERIFY(!app.usesTray());
    QString error;
    QVERIFY2(app.start(&error), qPrintable(error));
    QVERIFY(app.window()->isVisible());
    QVERIFY(QGuiApplication::quitOnLastWindowClosed());
    QVERIFY(!app.window()->property("trayAvailable").toBool());
}

void TestDesktopRender::cleanupTestCase()
{
    m_app.reset();
}

int main(int argc, char *argv[])
{
    qputenv("QT_QUICK_CONTROLS_STYLE", "Fusion");
    QApplication app(argc, argv);
    TestDesktopRender test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktoprender.moc"
