// Unit and integration tests for the desktop's C++ parts outside QML. Expected values are
// written by hand (texts, file contents) or come from the fake ECR's ground truth.
#include "autostartentry.h"
#include "demoregistry.h"
#include "desktopoptions.h"
#include "desktopsession.h"
#include "desktopsettings.h"
#include "errorwording.h"
#include "fakeecrserver.h"
#include "keychainstore.h"
#include "model/registryrefresher.h"
#include "model/repositorylistmodel.h"
#include "settingscontroller.h"
#include "singleinstance.h"
#include "themecontroller.h"
#include "traycontroller.h"
#include "testsupport.h"

#include <QApplication>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <qt6keychain/keychain.h>

namespace {

using TestSupport::writeFile;

QByteArray httpGet(const QString &url, int *status)
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(url)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(20000))
        return QByteArray();
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

int countLinesStartingWith(const QByteArray &body, const QByteArray &prefix)
{
    int n = 0;
    for (const QByteArray &line : body.split('\n'))
        if (line.startsWith(prefix))
            ++n;
    return n;
}

} // namespace

class TestDesktopUnits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    // settings and command line
    void settingsDefaults();
    void settingsRoundTripAndBadValues();
    void listenAddress_data();
    void listenAddress();
    void options_data();
    void options();

    // small pure parts
    void autostartQuoting();
    void autostartFile();
    void trayTexts();
    void errorWords();
    void keychainEncoding();
    void keychainResults();
    void theme();

    // settings form backend
    void profilesListed();
    void applyValidates();

    // single instance
    void singleInstanceInProcess();
    void singleInstanceTakesOverStaleLock();
    void secondProcessBringsFirstForward();

    // the session on the shared core
    void demoMetricsOnLoopback();
    void metricsOff();
    void portInUseIsAMessage();
    void profileSignInAgainstFakeEcr();
    void missingProfileIsAMessage();
    void missingKeychainIsAMessage();

private:
    QTemporaryDir m_dir;
};

void TestDesktopUnits::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestDesktopUnits::settingsDefaults()
{
    const DesktopSettings s;
    QCOMPARE(s.signIn, DesktopSettings::SignIn::Default);
    QCOMPARE(s.listenAddress, QStringLiteral("127.0.0.1:9000"));
    QHostAddress address;
    quint16 port = 1;
    QCOMPARE(DesktopSettings::parseListenAddress(s.listenAddress, &address, &port), QString());
    QCOMPARE(address, QHostAddress(QHostAddress::LocalHost)); // a desktop never exposes the registry by default
    QCOMPARE(port, quint16(9000));
    QVERIFY(s.metricsEnabled);
    QCOMPARE(s.theme, QStringLiteral("system"));
    QCOMPARE(s.refreshIntervalSeconds, 600);
}

void TestDesktopUnits::settingsRoundTripAndBadValues()
{
    const QString path = m_dir.filePath(QStringLiteral("roundtrip.ini"));
    {
        QSettings store(path, QSettings::IniFormat);
        DesktopSettings s;
        s.signIn = DesktopSettings::SignIn::Profile;
        s.profile = QStringLiteral("dev");
        s.region = QStringLiteral("ap-southeast-2");
        s.registryId = QStringLiteral("111122223333");
        s.refreshIntervalSeconds = 120;
        s.listenAddress = QStringLiteral("[::1]:9100");
        s.metricsEnabled = false;
        s.theme = QStringLiteral("dark");
        s.save(store);
    }
    {
        QSettings store(path, QSettings::IniFormat);
        const DesktopSettings s = DesktopSettings::load(store);
        QCOMPARE(s.signIn, DesktopSettings::SignIn::Profile);
        QCOMPARE(s.profile, QStringLiteral("dev"));
        QCOMPARE(s.region, QStringLiteral("ap-southeast-2"));
        QCOMPARE(s.registryId, QStringLiteral("111122223333"));
        QCOMPARE(s.refreshIntervalSeconds, 120);
        QCOMPARE(s.listenAddress, QStringLiteral("[::1]:9100"));
        QVERIFY(!s.metricsEnabled);
        QCOMPARE(s.theme, QStringLiteral("dark"));
    }
    // No secret is ever written: the file only has these keys.
    {
        QSettings store(path, QSettings::IniFormat);
        QStringList keys = store.allKeys();
        keys.sort();
        QCOMPARE(keys, (QStringList{"aws/region", "aws/registryId", "metrics/enabled", "metrics/listenAddress",
                                    "refresh/intervalSeconds", "signIn/mode", "signIn/profile", "ui/theme"}));
    }
    // Hand-edited nonsense falls back to the defaults, key by key.
    const QString bad = m_dir.filePath(QStringLiteral("bad.ini"));
    QVERIFY(writeFile(bad, "[signIn]\nmode=telepathy\n[aws]\nregion=Not A Region\nregistryId=abc\n"
                           "[refresh]\nintervalSeconds=5\n[metrics]\nlistenAddress=nowhere\n[ui]\ntheme=purple\n"));
    QSettings store(bad, QSettings::IniFormat);
    const DesktopSettings s = DesktopSettings::load(store);
    const DesktopSettings d;
    QCOMPARE(s.signIn, d.signIn);
    QCOMPARE(s.region, QString());
    QCOMPARE(s.registryId, QString());
    QCOMPARE(s.refreshIntervalSeconds, d.refreshIntervalSeconds);
    QCOMPARE(s.listenAddress, d.listenAddress);
    QCOMPARE(s.theme, d.theme);
}

void TestDesktopUnits::listenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("address"); // empty: an error is expected
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("ipv4") << "127.0.0.1:9000" << "127.0.0.1" << 9000 << "";
    QTest::newRow("localhost") << "localhost:9100" << "127.0.0.1" << 9100 << "";
    QTest::newRow("ipv6") << "[::1]:9000" << "::1" << 9000 << "";
    QTest::newRow("all interfaces") << "0.0.0.0:9000" << "0.0.0.0" << 9000 << "";
    QTest::newRow("port only") << ":9000" << "::" << 9000 << "";
    QTest::newRow("port 0") << "127.0.0.1:0" << "127.0.0.1" << 0 << "";
    QTest::newRow("no port") << "127.0.0.1" << "" << 0 << "has no port";
    QTest::newRow("port too big") << "127.0.0.1:65536" << "" << 0 << "not a number from 0 to 65535";
    QTest::newRow("port text") << "127.0.0.1:http" << "" << 0 << "not a number";
    QTest::newRow("host name") << "example.com:9000" << "" << 0 << "is not an IP address";
}

void TestDesktopUnits::listenAddress()
{
    QFETCH(QString, text);
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(QString, errorPart);
    QHostAddress a;
    quint16 p = 0;
    const QString error = DesktopSettings::parseListenAddress(text, &a, &p);
    if (address.isEmpty()) {
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("127.0.0.1:9000"))); // says what to write
        return;
    }
    QCOMPARE(error, QString());
    QCOMPARE(a, address == QLatin1String("::") ? QHostAddress(QHostAddress::Any) : QHostAddress(address));
    QCOMPARE(int(p), port);
}

void TestDesktopUnits::options_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("nothing") << QStringList{} << 0 << "";
    QTest::newRow("demo hidden") << QStringList{"--demo", "--hidden"} << 0 << "";
    QTest::newRow("listen") << QStringList{"--listen", "127.0.0.1:0"} << 0 << "";
    QTest::newRow("listen=") << QStringList{"--listen=[::1]:9000"} << 0 << "";
    QTest::newRow("profile region id") << QStringList{"--profile", "dev", "--region=us-west-2", "--registry-id", "123456789012"} << 0 << "";
    QTest::newRow("interval") << QStringList{"--refresh-interval", "300"} << 0 << "";
    QTest::newRow("unknown") << QStringList{"--frobnicate"} << 2 << "unknown option '--frobnicate'";
    QTest::newRow("listen missing") << QStringList{"--listen"} << 2 << "--listen needs HOST:PORT";
    QTest::newRow("listen bad") << QStringList{"--listen", "9000"} << 2 << "has no port";
    QTest::newRow("region bad") << QStringList{"--region", "EU West"} << 2 << "region name such as eu-west-1";
    QTest::newRow("registry bad") << QStringList{"--registry-id", "42"} << 2 << "12-digit";
    QTest::newRow("interval low") << QStringList{"--refresh-interval", "10"} << 2 << "use 60 to 86400 seconds";
    QTest::newRow("interval text") << QStringList{"--refresh-interval", "soon"} << 2 << "not a number of seconds";
    QTest::newRow("flag with value") << QStringList{"--demo=yes"} << 2 << "--demo takes no value";
    QTest::newRow("contradiction") << QStringList{"--no-metrics", "--listen", "127.0.0.1:1"} << 2 << "contradict";
}

void TestDesktopUnits::options()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, errorPart);
    const auto result = DesktopOptions::parse(QStringList{QStringLiteral("ecr_desktop")} + args);
    QCOMPARE(result.exitCode, exitCode);
    if (exitCode == 0) {
        QVERIFY2(result.ok(), qPrintable(result.error));
        return;
    }
    QVERIFY2(result.error.contains(errorPart), qPrintable(result.error));
    QVERIFY(result.error.startsWith(QStringLiteral("ecr_desktop: ")));
    QVERIFY(!result.error.contains(QLatin1Char('\n')));
}

void TestDesktopUnits::autostartQuoting()
{
    QCOMPARE(AutostartEntry::quoteExecArgument(QStringLiteral("/usr/bin/ecr_desktop")), QStringLiteral("/usr/bin/ecr_desktop"));
    QCOMPARE(AutostartEntry::quoteExecArgument(QStringLiteral("--hidden")), QStringLiteral("--hidden"));
    // A space needs quotes; inside them '$' gets a backslash, which the string escaping doubles.
    QCOMPARE(AutostartEntry::quoteExecArgument(QStringLiteral("/opt/ecr desktop/ecr_desktop")),
             QStringLiteral("\"/opt/ecr desktop/ecr_desktop\""));
    QCOMPARE(AutostartEntry::quoteExecArgument(QStringLiteral("/a$b c")), QStringLiteral("\"/a\\\\$b c\""));
    QCOMPARE(AutostartEntry::quoteExecArgument(QStringLiteral("100%")), QStringLiteral("\"100%%\""));
    const QByteArray text = AutostartEntry::content(QStringLiteral("/opt/ecr desktop/ecr_desktop"));
    QVERIFY(text.startsWith("[Desktop Entry]\n"));
    QVERIFY(text.contains("\nType=Application\n"));
    QVERIFY(text.contains("\nExec=\"/opt/ecr desktop/ecr_desktop\" --hidden\n"));
}

void TestDesktopUnits::autostartFile()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("xdg")));
    AutostartEntry entry(env);
    QCOMPARE(entry.path(), m_dir.filePath(QStringLiteral("xdg/autostart/ecr_desktop.desktop")));
    QVERIFY(!entry.isEnabled());
    QString error;
    QVERIFY2(entry.setEnabled(true, QStringLiteral("/usr/bin/ecr_desktop"), &error), qPrintable(error));
    QVERIFY(entry.isEnabled());
    QFile f(entry.path());
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("\nExec=/usr/bin/ecr_desktop --hidden\n"));
    QVERIFY(entry.setEnabled(false, QString(), &error));
    QVERIFY(!entry.isEnabled());
    QVERIFY(entry.setEnabled(false, QString(), &error)); // already off: fine

    // A relative XDG_CONFIG_HOME is invalid (XDG spec): ~/.config is used.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("relative/dir"));
    QCOMPARE(AutostartEntry(env).path(), m_dir.filePath(QStringLiteral("home/.config/autostart/ecr_desktop.desktop")));
    QCOMPARE(AutostartEntry(QProcessEnvironment()).path(), QString());
    QVERIFY(!AutostartEntry(QProcessEnvironment()).setEnabled(true, QStringLiteral("/x"), &error));
    QVERIFY(error.contains(QStringLiteral("HOME")));
}

void TestDesktopUnits::trayTexts()
{
    RegistryTotals totals;
    totals.repositoryCount = 12;
    totals.imageCount = 340;
    totals.severityTotals.insert(QStringLiteral("CRITICAL"), 7);
    totals.severityTotals.insert(QStringLiteral("HIGH"), 41);
    QCOMPARE(TrayController::tooltipText(totals, true, QStringLiteral("123456789012"), QStringLiteral("14:05:00 (just now)"), false, QString()),
             QStringLiteral("ECR registry 123456789012\n12 repositories, 340 images\nCRITICAL 7, HIGH 41\nLast refresh 14:05:00 (just now)"));
    QCOMPARE(TrayController::tooltipText(RegistryTotals(), false, QString(), QString(), true, QString()),
             QStringLiteral("ECR Desktop\nLoading…\nRefreshing…"));
    QCOMPARE(TrayController::tooltipText(RegistryTotals(), false, QString(), QString(), false, QStringLiteral("Cannot reach AWS.")),
             QStringLiteral("ECR Desktop\nCannot reach AWS."));

    CriticalAlertTracker::Alert alert;
    alert.repositoryName = QStringLiteral("web/api");
    alert.digest = QStringLiteral("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    alert.tags = {QStringLiteral("v1.2"), QStringLiteral("latest")};
    alert.critical = 3;
    alert.high = 2;
    QCOMPARE(TrayController::alertTitle(alert), QStringLiteral("CRITICAL findings in web/api"));
    QCOMPARE(TrayController::alertBody(alert), QStringLiteral("v1.2, latest (sha256:0123456789ab): 3 CRITICAL, 2 HIGH"));
    alert.tags.clear();
    alert.high = 0;
    QCOMPARE(TrayController::alertBody(alert), QStringLiteral("sha256:0123456789ab: 3 CRITICAL"));
    QVERIFY(TrayController::summaryBody(4).startsWith(QStringLiteral("4 more images")));
}

void TestDesktopUnits::errorWords()
{
    const QString denied = ErrorWording::forOutcome(QStringLiteral("DescribeImages"), QStringLiteral("AccessDeniedException"));
    QVERIFY(denied.startsWith(QStringLiteral("Access denied")));
    QVERIFY(denied.contains(QStringLiteral("ecr:DescribeImages")));
    QVERIFY(ErrorWording::forOutcome(QString(), QStringLiteral("UnrecognizedClientException")).contains(QStringLiteral("does not accept these credentials")));
    QVERIFY(ErrorWording::forOutcome(QString(), QStringLiteral("ExpiredTokenException")).contains(QStringLiteral("Sign in again")));
    QVERIFY(ErrorWording::forOutcome(QString(), QStringLiteral("network")).startsWith(QStringLiteral("Cannot reach AWS")));
    QVERIFY(ErrorWording::forOutcome(QString(), QStringLiteral("timeout")).contains(QStringLiteral("in time")));
    QVERIFY(ErrorWording::forOutcome(QString(), QStringLiteral("credentials")).contains(QStringLiteral("Sign in")));
    QCOMPARE(ErrorWording::forOutcome(QStringLiteral("DescribeRegistry"), QStringLiteral("WeirdNewException")),
             QStringLiteral("ecr:DescribeRegistry failed: WeirdNewException."));
    QCOMPARE(ErrorWording::forOutcome(QString(), QString()), QString());
    QCOMPARE(ErrorWording::forStaleRepositories(0, QString()), QString());
    QVERIFY(ErrorWording::forStaleRepositories(1, QString()).startsWith(QStringLiteral("The images of 1 repository")));
    QVERIFY(ErrorWording::forStaleRepositories(3, QStringLiteral("X.")).startsWith(QStringLiteral("The images of 3 repositories")));
    QVERIFY(ErrorWording::forStaleRepositories(3, QStringLiteral("X.")).endsWith(QStringLiteral(" X.")));
}

void TestDesktopUnits::keychainEncoding()
{
    AwsCredentials c;
    c.accessKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
    c.secretAccessKey = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    const QByteArray stored = KeychainStore::encode(c);
    QCOMPARE(stored, QByteArray(R"({"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})"));
    AwsCredentials back;
    QVERIFY(KeychainStore::decode(stored, &back));
    QCOMPARE(back.accessKeyId, c.accessKeyId);
    QCOMPARE(back.secretAccessKey, c.secretAccessKey);
    QCOMPARE(back.sessionToken, QString());
    QCOMPARE(back.source, QStringLiteral("keychain"));
    c.sessionToken = QStringLiteral("IQoJb3JpZ2luX2VjEXAMPLE");
    QVERIFY(KeychainStore::decode(KeychainStore::encode(c), &back));
    QCOMPARE(back.sessionToken, c.sessionToken);
    QVERIFY(!KeychainStore::decode("not json", &back));
    QVERIFY(!KeychainStore::decode(R"({"accessKeyId":"AKIA"})", &back));
    QVERIFY(!KeychainStore::decode("[]", &back));
}

void TestDesktopUnits::keychainResults()
{
    QVERIFY(KeychainStore::resultFor(QKeychain::NoError, QString()).ok());
    QCOMPARE(KeychainStore::resultFor(QKeychain::EntryNotFound, QString()).status, KeychainStore::Result::Status::NotFound);
    QCOMPARE(KeychainStore::resultFor(QKeychain::AccessDenied, QStringLiteral("locked")).status, KeychainStore::Result::Status::Failed);
    for (int code : {int(QKeychain::NoBackendAvailable), int(QKeychain::OtherError), int(QKeychain::NotImplemented)}) {
        const KeychainStore::Result r = KeychainStore::resultFor(code, QStringLiteral("why"));
        QCOMPARE(r.status, KeychainStore::Result::Status::Unavailable);
        QVERIFY(r.message.startsWith(QStringLiteral("The system keychain is not available (why).")));
        QVERIFY(r.message.contains(QStringLiteral("sign in with an AWS profile")));
    }
}

void TestDesktopUnits::theme()
{
    QVERIFY(ThemeController::isDarkWindowColor(QColor(0x1e, 0x1f, 0x22).lightness()));
    QVERIFY(!ThemeController::isDarkWindowColor(QColor(0xef, 0xef, 0xef).lightness()));
    ThemeController theme;
    QSignalSpy dark(&theme, &ThemeController::darkChanged);
    theme.setMode(QStringLiteral("dark"));
    QVERIFY(theme.isDark());
    theme.setMode(QStringLiteral("purple")); // ignored
    QCOMPARE(theme.mode(), QStringLiteral("dark"));
    theme.setMode(QStringLiteral("light"));
    QVERIFY(!theme.isDark());
    QCOMPARE(dark.count(), 2);
    theme.setMode(QStringLiteral("system"));
    QCOMPARE(theme.isDark(), theme.isSystemDark());
    QVERIFY(theme.severityColor(QStringLiteral("CRITICAL"), false) != theme.severityColor(QStringLiteral("CRITICAL"), true));
    QVERIFY(theme.severityColor(QStringLiteral("NONE"), false) != theme.severityColor(QStringLiteral("bogus"), false));
}

void TestDesktopUnits::profilesListed()
{
    const QString config = m_dir.filePath(QStringLiteral("profiles-config"));
    const QString credentials = m_dir.filePath(QStringLiteral("profiles-credentials"));
    QVERIFY(writeFile(config, "[default]\nregion = eu-central-1\n"
                              "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\nregion = us-east-1\n"
                              "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                              "[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n"
                              "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/ops\nsource_profile = default\n"
                              "[profile tool]\ncredential_process = /bin/true\n"));
    QVERIFY(writeFile(credentials, "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                   "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"));
    QProcessEnvironment env;
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), config);
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), credentials);
    env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("missing")); // still lists the others
    QSettings store(m_dir.filePath(QStringLiteral("profiles.ini")), QSettings::IniFormat);
    SettingsController controller(&store, nullptr, nullptr, env, false);
    QStringList labels;
    for (const QVariant &p : controller.profiles())
        labels << p.toMap().value(QStringLiteral("label")).toString();
    QCOMPARE(labels, (QStringList{QStringLiteral("default (keys) \u2014 eu-central-1"),
                                  QStringLiteral("dev (SSO) \u2014 us-east-1"), QStringLiteral("legacy (SSO)"),
                                  QStringLiteral("ops (role)"), QStringLiteral("tool (process)")}));
    QVERIFY2(controller.profilesMessage().contains(QStringLiteral("missing")), qPrintable(controller.profilesMessage()));

    QProcessEnvironment none;
    none.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("no-config")));
    none.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("no-credentials")));
    SettingsController empty(&store, nullptr, nullptr, none, false);
    QVERIFY(empty.profiles().isEmpty());
    QVERIFY(empty.profilesMessage().contains(QStringLiteral("aws configure")));
}

void TestDesktopUnits::applyValidates()
{
    QSettings store(m_dir.filePath(QStringLiteral("apply.ini")), QSettings::IniFormat);
    SettingsController controller(&store, nullptr, nullptr, QProcessEnvironment(), false);
    QSignalSpy changed(&controller, &SettingsController::changed);
    QVERIFY(controller.apply({{"signInMode", "profile"}, {"profile", ""}}).contains(QStringLiteral("choose a profile")));
    QVERIFY(controller.apply({{"signInMode", "magic"}}).contains(QStringLiteral("not one of")));
    QVERIFY(controller.apply({{"region", "EU"}}).contains(QStringLiteral("eu-west-1")));
    QVERIFY(controller.apply({{"refreshIntervalSeconds", 30}}).contains(QStringLiteral("60 to 86400")));
    QVERIFY(controller.apply({{"listenAddress", "anywhere"}}).contains(QStringLiteral("has no port")));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(controller.apply({{"signInMode", "profile"}, {"profile", "dev"}, {"refreshIntervalSeconds", 3600}}), QString());
    QCOMPARE(changed.count(), 1);
    QSettings reread(m_dir.filePath(QStringLiteral("apply.ini")), QSettings::IniFormat);
    const DesktopSettings saved = DesktopSettings::load(reread);
    QCOMPARE(saved.signIn, DesktopSettings::SignIn::Profile);
    QCOMPARE(saved.profile, QStringLiteral("dev"));
    QCOMPARE(saved.refreshIntervalSeconds, 3600);
    QVERIFY(SettingsController::checkKeys(QStringLiteral("AKIAIOSFODNN7EXAMPLE"), QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).isEmpty());
    QVERIFY(!SettingsController::checkKeys(QStringLiteral("akia-lower"), QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).isEmpty());
    QVERIFY(!SettingsController::checkKeys(QStringLiteral("AKIAIOSFODNN7EXAMPLE"), QStringLiteral("short")).isEmpty());
}

void TestDesktopUnits::singleInstanceInProcess()
{
    QTemporaryDir runtime;
    SingleInstance first(runtime.path());
    QString error;
    QCOMPARE(first.claim(&error), SingleInstance::Role::Primary);
    QVERIFY(first.lockPath().startsWith(runtime.path()));
    QSignalSpy activation(&first, &SingleInstance::activationRequested);

    SingleInstance second(runtime.path());
    QCOMPARE(second.claim(&error), SingleInstance::Role::Secondary);
    QSignalSpy notified(&second, &SingleInstance::notified);
    second.notifyPrimary(10000);
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 15000);
    QCOMPARE(notified.at(0).at(0).toBool(), true);
    QCOMPARE(activation.count(), 1);
}

void TestDesktopUnits::singleInstanceTakesOverStaleLock()
{
    QTemporaryDir runtime;
    // A lock left by a process that no longer exists (a finished child's pid).
    QProcess child;
    child.start(QStringLiteral("true"));
    QVERIFY(child.waitForFinished(10000));
    const qint64 deadPid = child.processId() > 0 ? child.processId() : 0;
    SingleInstance probe(runtime.path());
    QVERIFY(writeFile(probe.lockPath(), QByteArray::number(deadPid ? deadPid : 999999) + "\necr_desktop\n"
                          + QSysInfo::machineHostName().toUtf8() + "\n"));
    QVERIFY(writeFile(probe.socketPath(), "stale")); // and a leftover socket file
    QString error;
    QCOMPARE(probe.claim(&error), SingleInstance::Role::Primary);

    // Unanswered: a lock held but nobody listening gives up with words, not a hang.
    QTemporaryDir other;
    SingleInstance holder(other.path());
    QCOMPARE(holder.claim(&error), SingleInstance::Role::Primary);
    QFile::remove(holder.socketPath());
    SingleInstance late(other.path());
    QCOMPARE(late.claim(&error), SingleInstance::Role::Secondary);
    QSignalSpy notified(&late, &SingleInstance::notified);
    late.notifyPrimary(500);
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 10000);
    QCOMPARE(notified.at(0).at(0).toBool(), false);
    QVERIFY(notified.at(0).at(1).toString().contains(QStringLiteral("does not answer")));
}

void TestDesktopUnits::secondProcessBringsFirstForward()
{
    const QString exe = QStringLiteral(ECR_BINARY_DIR) + QStringLiteral("/src/desktop/ecr_desktop");
    QVERIFY2(QFile::exists(exe), qPrintable(exe));
    QTemporaryDir runtime;
    QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    env.insert(QStringLiteral("HOME"), runtime.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), runtime.filePath(QStringLiteral("config")));
    const QStringList args{QStringLiteral("--demo"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--settings"), runtime.filePath(QStringLiteral("s.ini"))};

    QProcess first;
    first.setProcessEnvironment(env);
    first.setProcessChannelMode(QProcess::MergedChannels);
    first.start(exe, args);
    QVERIFY(first.waitForStarted(10000));
    QByteArray firstOutput;
    QTRY_VERIFY_WITH_TIMEOUT((firstOutput += first.readAll()).contains("desktop: metrics at http://127.0.0.1:"), 60000);

    QProcess second;
    second.setProcessEnvironment(env);
    second.setProcessChannelMode(QProcess::MergedChannels);
    second.start(exe, args);
    QVERIFY(second.waitForFinished(30000));
    const QByteArray secondOutput = second.readAll();
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QVERIFY2(second.exitCode() == 0, secondOutput.constData());
    QVERIFY2(secondOutput.contains("already running"), secondOutput.constData());
    QVERIFY2(!secondOutput.contains("metrics at"), secondOutput.constData()); // never bound a port
    QTRY_VERIFY_WITH_TIMEOUT((firstOutput += first.readAll()).contains("another start asked for the window"), 20000);

    first.terminate(); // SIGTERM: a clean exit
    QVERIFY(first.waitForFinished(20000));
    QCOMPARE(first.exitStatus(), QProcess::NormalExit);
    QCOMPARE(first.exitCode(), 0);

    // Usage errors and --help from the real binary.
    QProcess help;
    help.setProcessEnvironment(env);
    help.start(exe, {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(20000));
    QCOMPARE(help.exitCode(), 0);
    QVERIFY(help.readAllStandardOutput().contains("--demo"));
    QProcess bad;
    bad.setProcessEnvironment(env);
    bad.start(exe, {QStringLiteral("--listen"), QStringLiteral("nowhere")});
    QVERIFY(bad.waitForFinished(20000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("has no port"));
}

void TestDesktopUnits::demoMetricsOnLoopback()
{
    DesktopOptions options;
    options.demo = true;
    options.listenAddress = QStringLiteral("127.0.0.1:0");
    DesktopSession session(QProcessEnvironment::systemEnvironment(), options);
    session.start();
    QVERIFY2(session.metricsUrl().startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(session.metricsStatus()));
    QVERIFY(session.metricsPort() > 0);
    QTRY_VERIFY_WITH_TIMEOUT(session.hasData(), 60000);

    // One snapshot for everyone: the refresher's, the models' and the one that was published.
    QCOMPARE(session.snapshot().get(), session.refresher()->snapshot().get());
    QCOMPARE(session.repositoryModel()->snapshot().get(), session.snapshot().get());

    const FakeRegistry truth = FakeRegistry::generate(DemoRegistry::spec());
    QCOMPARE(session.repositoryCount(), int(truth.repositories.size()));
    QCOMPARE(session.imageCount(), truth.imageCount(true));
    QByteArray body;
    int status = 0;
    const QByteArray expected = "aws_ecr_repository_count{registry_id=\"" + truth.registryId.toUtf8() + "\"} "
        + QByteArray::number(truth.repositories.size());
    // Rendering happens on a worker thread after the refresh: wait for the registry part.
    QTRY_VERIFY_WITH_TIMEOUT((body = httpGet(session.metricsUrl(), &status)).contains(expected), 30000);
    QCOMPARE(status, 200);
    // One series per tag of every tagged image, as the exporter.
    QCOMPARE(countLinesStartingWith(body, "aws_ecr_image_size_in_bytes{"), truth.tagCount());
    QVERIFY(body.contains("\nprocess_resident_memory_bytes "));
    session.stop();
}

void TestDesktopUnits::metricsOff()
{
    DesktopOptions options;
    options.demo = true;
    options.noMetrics = true;
    DesktopSession session(QProcessEnvironment::systemEnvironment(), options);
    session.start();
    QCOMPARE(session.metricsUrl(), QString());
    QCOMPARE(session.metricsPort(), quint16(0));
    QCOMPARE(session.metricsStatus(), QStringLiteral("/metrics is off"));
    QTRY_VERIFY_WITH_TIMEOUT(session.hasData(), 60000);

    // Changing another setting keeps --no-metrics in force.
    DesktopSettings settings = session.settings();
    settings.refreshIntervalSeconds = 900;
    session.setSettings(settings);
    QCOMPARE(session.metricsPort(), quint16(0));
    QCOMPARE(session.refreshIntervalSeconds(), 900);

    // Changing the metrics settings in the window replaces the command-line choice.
    settings.metricsEnabled = true;
    settings.listenAddress = QStringLiteral("127.0.0.1:0");
    session.setSettings(settings);
    QVERIFY2(session.metricsPort() > 0, qPrintable(session.metricsStatus()));
    int status = 0;
    QTRY_VERIFY_WITH_TIMEOUT(httpGet(session.metricsUrl(), &status).contains("aws_ecr_repository_count"), 30000);
    settings.metricsEnabled = false;
    session.setSettings(settings);
    QCOMPARE(session.metricsPort(), quint16(0));
}

void TestDesktopUnits::portInUseIsAMessage()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    DesktopOptions options;
    options.demo = true;
    options.listenAddress = QStringLiteral("127.0.0.1:%1").arg(occupier.serverPort());
    DesktopSession session(QProcessEnvironment::systemEnvironment(), options);
    QSignalSpy metrics(&session, &DesktopSession::metricsChanged);
    session.start();
    QCOMPARE(session.metricsUrl(), QString());
    QVERIFY2(session.metricsStatus().contains(QString::number(occupier.serverPort())), qPrintable(session.metricsStatus()));
    QVERIFY(session.metricsStatus().contains(QStringLiteral("choose another address")));
    QTRY_VERIFY_WITH_TIMEOUT(session.hasData(), 60000); // the window works regardless
    QCOMPARE(session.errorText(), QString());
}

void TestDesktopUnits::profileSignInAgainstFakeEcr()
{
    // A real (non-demo) sign-in with a profile of the shared files, the endpoint overridden
    // to a fake ECR that only accepts that profile's keys.
    FakeRegistry::Spec spec;
    spec.repositories = 5;
    spec.imagesPerRepository = 3;
    spec.seed = 7;
    spec.registryId = QStringLiteral("444455556666");
    spec.region = QStringLiteral("eu-north-1");
    FakeEcrServer fake;
    fake.setRegistry(FakeRegistry::generate(spec));
    fake.addCredentials(QStringLiteral("AKIAPROFILEDEV000001"), QStringLiteral("profile/dev/secret/key/0123456789"));
    QVERIFY(fake.listen());

    const QString config = m_dir.filePath(QStringLiteral("signin-config"));
    const QString credentials = m_dir.filePath(QStringLiteral("signin-credentials"));
    QVERIFY(writeFile(config, "[profile dev]\nregion = eu-north-1\n[profile other]\nregion = eu-north-1\n"));
    QVERIFY(writeFile(credentials, "[dev]\naws_access_key_id = AKIAPROFILEDEV000001\n"
                                   "aws_secret_access_key = profile/dev/secret/key/0123456789\n"
                                   "[other]\naws_access_key_id = AKIAWRONGWRONGWRONG1\n"
                                   "aws_secret_access_key = not/the/right/secret/at/all/0000\n"));
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), m_dir.path());
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), config);
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), credentials);
    env.insert(QStringLiteral("AWS_ENDPOINT_URL_ECR"), fake.endpoint().toString());
    env.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1"));
    env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));

    DesktopOptions options;
    options.noMetrics = true;
    DesktopSession session(env, options);
    DesktopSettings settings;
    settings.metricsEnabled = false;
    settings.signIn = DesktopSettings::SignIn::Profile;
    settings.profile = QStringLiteral("dev");
    session.setSettings(settings);
    session.start();
    QCOMPARE(session.region(), QStringLiteral("eu-north-1"));
    QCOMPARE(session.signInText(), QStringLiteral("profile dev"));
    QTRY_VERIFY_WITH_TIMEOUT(session.hasData(), 30000);
    QCOMPARE(session.repositoryCount(), 5);
    QCOMPARE(session.registryId(), spec.registryId);
    QCOMPARE(session.errorText(), QString());

    // The other profile's keys are refused: plain words, and no data of the old identity.
    settings.profile = QStringLiteral("other");
    session.setSettings(settings);
    QVERIFY(!session.hasData());
    QSignalSpy finished(&session, &DesktopSession::refreshFinished);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(session.errorText().contains(QStringLiteral("does not accept these credentials")), qPrintable(session.errorText()));

    // Back to dev: works again.
    settings.profile = QStringLiteral("dev");
    session.setSettings(settings);
    QTRY_VERIFY_WITH_TIMEOUT(session.hasData(), 30000);
    QCOMPARE(session.errorText(), QString());
}

void TestDesktopUnits::missingProfileIsAMessage()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("empty-config")));
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("empty-credentials")));
    DesktopOptions options;
    options.noMetrics = true;
    DesktopSession session(env, options);
    DesktopSettings settings;
    settings.metricsEnabled = false;
    settings.signIn = DesktopSettings::SignIn::Profile;
    settings.profile = QStringLiteral("gone");
    session.setSettings(settings);
    session.start();
    QVERIFY2(session.errorText().contains(QStringLiteral("gone")), qPrintable(session.errorText()));
    QVERIFY(session.errorText().contains(QStringLiteral("Sign in")));
    QVERIFY(!session.refresher());
    QVERIFY(!session.refreshNow());
}

void TestDesktopUnits::missingKeychainIsAMessage()
{
    // DBUS_SESSION_BUS_ADDRESS points nowhere (see CMakeLists.txt): QtKeychain has no backend.
    KeychainStore store(QStringLiteral("ecr_desktop_unit"), QStringLiteral("keys"));
    QSignalSpy dummy(&store, &QObject::destroyed);
    bool called = false;
    KeychainStore::Result result;
    store.read(this, [&](const KeychainStore::Result &r, const AwsCredentials &) {
        called = true;
        result = r;
    });
    QTRY_VERIFY_WITH_TIMEOUT(called, 30000);
    QCOMPARE(result.status, KeychainStore::Result::Status::Unavailable);
    QVERIFY2(result.message.startsWith(QStringLiteral("The system keychain is not available")), qPrintable(result.message));

    // Writing fails the same way and nothing is written anywhere else.
    called = false;
    AwsCredentials c;
    c.accessKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
    c.secretAccessKey = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    store.write(c, this, [&](const KeychainStore::Result &r) {
        called = true;
        result = r;
    });
    QTRY_VERIFY_WITH_TIMEOUT(called, 30000);
    QVERIFY(!result.ok());

    // The session signed in with keys shows the message and does not refresh; a profile
    // still works (see profileSignInAgainstFakeEcr) — here the default chain is built.
    DesktopOptions options;
    options.noMetrics = true;
    QProcessEnvironment env;
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("empty-config")));
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("empty-credentials")));
    env.insert(QStringLiteral("AWS_ENDPOINT_URL_ECR"), QStringLiteral("http://127.0.0.1:9"));
    env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true")); // no IMDS probe from a test
    DesktopSession session(env, options);
    session.setKeychain(&store);
    DesktopSettings settings;
    settings.metricsEnabled = false;
    settings.signIn = DesktopSettings::SignIn::Keys;
    session.setSettings(settings);
    session.start();
    QCOMPARE(session.signInText(), QStringLiteral("access keys from the keychain"));
    QTRY_VERIFY_WITH_TIMEOUT(session.errorText().startsWith(QStringLiteral("The system keychain is not available")), 30000);
    QVERIFY(!session.refresher());
    settings.signIn = DesktopSettings::SignIn::Default;
    session.setSettings(settings);
    QVERIFY(session.refresher());
    QVERIFY(!session.errorText().contains(QStringLiteral("keychain")));

    // Without a keychain object at all: the same plain message.
    DesktopSession bare(env, options);
    settings.signIn = DesktopSettings::SignIn::Keys;
    bare.setSettings(settings);
    bare.start();
    QVERIFY(bare.errorText().startsWith(QStringLiteral("The system keychain is not available")));
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    TestDesktopUnits test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktopunits.moc"
