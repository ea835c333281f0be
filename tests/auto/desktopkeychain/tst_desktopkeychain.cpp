// KeychainStore and the keys sign-in against a real Secret Service (gnome-keyring in a
// private D-Bus session, see run_keychain_test.sh): write, read back, cross-check with
// libsecret's own secret-tool, delete, read -> not found; no file in HOME ever holds the
// secret in plain text; storing keys from the settings form signs the session in with them
// against a fake ECR that accepts only those keys.
#include "desktopsession.h"
#include "fakeecrserver.h"
#include "keychainstore.h"
#include "settingscontroller.h"

#include <QDirIterator>
#include <QGuiApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

namespace {

const QString kService = QStringLiteral("ecr_desktop_keychain_test");

AwsCredentials testKeys()
{
    AwsCredentials c;
    c.accessKeyId = QStringLiteral("AKIAKEYCHAINTEST0001");
    c.secretAccessKey = QStringLiteral("keychain/test/secret/%1").arg(QRandomGenerator::global()->generate64(), 0, 16);
    c.sessionToken = QStringLiteral("keychain-test-session-token-%1").arg(QRandomGenerator::global()->generate(), 0, 16);
    return c;
}

// Files under `root` whose bytes contain `needle`.
QStringList filesContaining(const QString &root, const QByteArray &needle)
{
    QStringList hits;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            hits << f.fileName();
    }
    return hits;
}

} // namespace

class TestDesktopKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void roundTrip();
    void storeKeysSignsIn();

private:
    KeychainStore::Result write(KeychainStore &store, const AwsCredentials &c);
    KeychainStore::Result read(KeychainStore &store, AwsCredentials *c);
    KeychainStore::Result remove(KeychainStore &store);
};

void TestDesktopKeychain::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "no D-Bus session: run this test through run_keychain_test.sh (ctest does)");
    QVERIFY2(QDir::homePath().startsWith(QDir::tempPath()), "HOME must be the throwaway one from run_keychain_test.sh");
}

KeychainStore::Result TestDesktopKeychain::write(KeychainStore &store, const AwsCredentials &c)
{
    bool done = false;
    KeychainStore::Result result;
    store.write(c, this, [&](const KeychainStore::Result &r) {
        result = r;
        done = true;
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 30000); }();
    return result;
}

KeychainStore::Result TestDesktopKeychain::read(KeychainStore &store, AwsCredentials *c)
{
    bool done = false;
    KeychainStore::Result result;
    store.read(this, [&](const KeychainStore::Result &r, const AwsCredentials &credentials) {
        result = r;
        *c = credentials;
        done = true;
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 30000); }();
    return result;
}

KeychainStore::Result TestDesktopKeychain::remove(KeychainStore &store)
{
    bool done = false;
    KeychainStore::Result result;
    store.remove(this, [&](const KeychainStore::Result &r) {
        result = r;
        done = true;
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 30000); }();
    return result;
}

void TestDesktopKeychain::roundTrip()
{
    const QString key = QStringLiteral("round-trip-%1").arg(QRandomGenerator::global()->generate(), 0, 16);
    KeychainStore store(kService, key);
    const AwsCredentials keys = testKeys();

    KeychainStore::Result r = write(store, keys);
    QVERIFY2(r.ok(), qPrintable(r.message));

    AwsCredentials back;
    r = read(store, &back);
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(back.accessKeyId, keys.accessKeyId);
    QCOMPARE(back.secretAccessKey, keys.secretAccessKey);
    QCOMPARE(back.sessionToken, keys.sessionToken);

    // libsecret's own tool finds the same item under QtKeychain's attributes.
    QProcess lookup;
    lookup.start(QStringLiteral("secret-tool"),
                 {QStringLiteral("lookup"), QStringLiteral("server"), kService, QStringLiteral("user"), key});
    QVERIFY(lookup.waitForFinished(30000));
    QCOMPARE(lookup.exitCode(), 0);
    const QByteArray stored = lookup.readAllStandardOutput().trimmed();
    QCOMPARE(stored, KeychainStore::encode(keys));

    // Nothing in HOME holds the secret in plain text (the keyring file is encrypted).
    QCOMPARE(filesContaining(QDir::homePath(), keys.secretAccessKey.toUtf8()), QStringList());

    r = remove(store);
    QVERIFY2(r.ok(), qPrintable(r.message));
    r = read(store, &back);
    QCOMPARE(r.status, KeychainStore::Result::Status::NotFound);
    QVERIFY(r.message.contains(QStringLiteral("No access keys are stored")));
    // Deleting what is not there is not an error.
    QVERIFY(remove(store).ok());

    // A damaged entry (not our JSON) is a clear message, not a crash.
    QProcess put;
    put.start(QStringLiteral("secret-tool"), {QStringLiteral("store"), QStringLiteral("--label=broken"), QStringLiteral("server"),
                                             kService, QStringLiteral("user"), key, QStringLiteral("type"), QStringLiteral("plaintext")});
    QVERIFY(put.waitForStarted(10000));
    put.write("this is not json");
    put.closeWriteChannel();
    QVERIFY(put.waitForFinished(30000));
    QCOMPARE(put.exitCode(), 0);
    r = read(store, &back);
    QCOMPARE(r.status, KeychainStore::Result::Status::Failed);
    QVERIFY2(r.message.contains(QStringLiteral("damaged")), qPrintable(r.message));
    QVERIFY(remove(store).ok());
}

void TestDesktopKeychain::storeKeysSignsIn()
{
    const AwsCredentials keys = testKeys();
    FakeRegistry::Spec spec;
    spec.repositories = 4;
    spec.imagesPerRepository = 2;
    spec.seed = 11;
    spec.registryId = QStringLiteral("777788889999");
    FakeEcrServer fake;
    fake.setRegistry(FakeRegistry::generate(spec));
    fake.addCredentials(keys.accessKeyId, keys.secretAccessKey, keys.sessionToken);
    QVERIFY(fake.listen());

    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QDir::homePath());
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), QDir::home().filePath(QStringLiteral("no-aws-config")));
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QDir::home().filePath(QStringLiteral("no-aws-credentials")));
    env.insert(QStringLiteral("AWS_ENDPOINT_URL_ECR"), fake.endpoint().toString());
    env.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1"));
    env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true")); // no IMDS probe from a test

    const QString settingsPath = QDir::home().filePath(QStringLiteral("ecr_desktop.ini"));
    QSettings store(settingsPath, QSettings::IniFormat);
    KeychainStore keychain(kService, QStringLiteral("sign-in-%1").arg(QRandomGenerator::global()->generate(), 0, 16));
    DesktopOptions options;
    options.noMetrics = true;
    DesktopSession session(env, options);
    session.setKeychain(&keychain);
    SettingsController controller(&store, &session, &keychain, env, false);
    session.setSettings(controller.current());
    session.start();
    // Default chain, no keys anywhere: the refresh fails with words about credentials.
    QTRY_VERIFY_WITH_TIMEOUT(!session.errorText().isEmpty(), 30000);
    QVERIFY(!session.hasData());

    QSignalSpy stored(&controller, &SettingsController::keysStored);
    controller.storeKeys(QStringLiteral(" ") + keys.accessKeyId, keys.secretAccessKey + QStringLiteral("\n"), keys.sessionToken);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 30000);
    QVERIFY2(stored.at(0).at(0).toBool(), qPrintable(stored.at(0).at(1).toString()));
    QCOMPARE(controller.signInMode(), QStringLiteral("keys"));
    QCOMPARE(session.signInText(), QStringLiteral("access keys from the keychain"));
    QTRY_VERIFY_WITH_TIMEOUT(session.hasData(), 30000);
    QCOMPARE(session.registryId(), spec.registryId);
    QCOMPARE(session.repositoryCount(), 4);
    QCOMPARE(session.errorText(), QString());

    // The settings file says "keys" and holds no key material.
    store.sync();
    QFile file(settingsPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("mode=keys"));
    QVERIFY(!text.contains(keys.secretAccessKey.toUtf8()));
    QVERIFY(!text.contains(keys.accessKeyId.toUtf8()));
    QCOMPARE(filesContaining(QDir::homePath(), keys.secretAccessKey.toUtf8()), QStringList());
    QCOMPARE(filesContaining(QDir::homePath(), keys.sessionToken.toUtf8()), QStringList());

    // A new session (next start) reads the keys from the keychain by itself.
    DesktopSession restarted(env, options);
    restarted.setKeychain(&keychain);
    restarted.setSettings(DesktopSettings::load(store));
    restarted.start();
    QTRY_VERIFY_WITH_TIMEOUT(restarted.hasData(), 30000);
    QCOMPARE(restarted.repositoryCount(), 4);

    // Forgetting the keys falls back to the default credentials.
    controller.forgetKeys();
    QTRY_COMPARE_WITH_TIMEOUT(controller.signInMode(), QStringLiteral("default"), 30000);
    QVERIFY(controller.keychainMessage().contains(QStringLiteral("removed")));
    AwsCredentials gone;
    QCOMPARE(read(keychain, &gone).status, KeychainStore::Result::Status::NotFound);
}

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    TestDesktopKeychain test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktopkeychain.moc"
