// Credential sources against loopback fakes. Expected behaviour: aws-for-ecr-exporter.md §c
// and botocore 1.29 credentials.py (provider order, assume-role source-profile rules and
// loop detection, SSO cache key = sha1 of the session name / start URL — the expected file
// names below were computed with Python's hashlib — credential_process JSON v1 and shlex
// splitting — expected word lists from Python's shlex.split). Keys are the fakes' ground
// truth: a test passes only when the exact keys configured for one source come out.

#include "aws/assumerolecredentialsource.h"
#include "aws/awshttpclient.h"
#include "aws/awssharedconfig.h"
#include "aws/cabundle.h"
#include "aws/calleridentitylogger.h"
#include "aws/containercredentialsource.h"
#include "aws/defaultcredentialchain.h"
#include "aws/jsonerrorparser.h"
#include "aws/processcredentialsource.h"
#include "aws/ssocredentialsource.h"
#include "aws/staticcredentialprovider.h"
#include "aws/webidentitycredentialsource.h"
#include "fakecontainercredentialsserver.h"
#include "fakeecrserver.h"
#include "fakeimdsserver.h"
#include "fakessoportal.h"
#include "fakestsserver.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

Q_DECLARE_METATYPE(QProcessEnvironment)

namespace {

using TestSupport::writeFile;

using Status = CredentialSource::Result::Status;

const QString kRegion = QStringLiteral("eu-west-1");
const QString kRoleArn = QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader");
const QString kOpsRoleArn = QStringLiteral("arn:aws:iam::444455556666:role/ops");

struct Answer {
    bool done = false;
    AwsCredentials credentials;
    AwsError error;
};

struct SourceAnswer {
    bool done = false;
    CredentialSource::Result result;
};

} // namespace

class TestCredSources : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<FakeStsServer> m_sts;
    std::unique_ptr<FakeSsoPortal> m_sso;
    std::unique_ptr<FakeContainerCredentialsServer> m_container;
    std::unique_ptr<FakeImdsServer> m_imds;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QDateTime m_expiry;

    QString home(const QString &rel = {}) const { return rel.isEmpty() ? m_home->path() : m_home->filePath(rel); }

    // An environment with only a temp HOME, the fakes' endpoints and IMDS pointed at the fake.
    QProcessEnvironment baseEnv() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home());
        env.insert(QStringLiteral("PATH"), QProcessEnvironment::systemEnvironment().value(QStringLiteral("PATH")));
        env.insert(QStringLiteral("AWS_REGION"), kRegion);
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_STS"), m_sts->endpoint().toString());
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_SSO"), m_sso->endpoint().toString());
        env.insert(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), m_imds->endpoint().toString());
        return env;
    }
    AwsSharedConfig loadConfig(const QProcessEnvironment &env, const QString &profile = {})
    {
        AwsError error;
        const AwsSharedConfig config = AwsSharedConfig::load(env, profile, &error);
        if (error)
            qWarning() << error.message;
        return config;
    }
    CredentialSourceDependencies deps(const QProcessEnvironment &env, const QString &profile = {})
    {
        // What DefaultCredentialChain builds, minus the sources: reuse its wiring.
        auto *chain = new DefaultCredentialChain(env, loadConfig(env, profile), this);
        m_keep.append(chain);
        return chain->dependencies();
    }
    QList<QObject *> m_keep;

    std::shared_ptr<SourceAnswer> fetch(CredentialSource &source)
    {
        auto a = std::make_shared<SourceAnswer>();
        source.fetch([a](const CredentialSource::Result &r) {
            a->done = true;
            a->result = r;
        });
        return a;
    }
    std::shared_ptr<Answer> ask(CredentialProvider &provider)
    {
        auto a = std::make_shared<Answer>();
        provider.credentials(this, [a](const AwsCredentials &c, const AwsError &e) {
            a->done = true;
            a->credentials = c;
            a->error = e;
        });
        return a;
    }

private slots:
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        m_sts = std::make_unique<FakeStsServer>();
        m_sso = std::make_unique<FakeSsoPortal>();
        m_container = std::make_unique<FakeContainerCredentialsServer>();
        m_imds = std::make_unique<FakeImdsServer>();
        QVERIFY(m_sts->listen() && m_sso->listen() && m_container->listen() && m_imds->listen());
        m_sts->setRegion(kRegion);
        m_sts->addRole(kRoleArn, {{QStringLiteral("ASIAWEBIDENTITY00001"), QStringLiteral("wi/secret/1"), QStringLiteral("wi-token-1"), 3600},
                                  {QStringLiteral("ASIAWEBIDENTITY00002"), QStringLiteral("wi/secret/2"), QStringLiteral("wi-token-2"), 3600}});
        m_sts->addRole(kOpsRoleArn, {{QStringLiteral("ASIAOPSROLE000000001"), QStringLiteral("ops/secret"), QStringLiteral("ops-token"), 3600}});
        m_expiry = QDateTime::currentDateTimeUtc().addSecs(3 * 3600);
        m_expiry = m_expiry.addMSecs(-m_expiry.time().msec());
        m_container->setCredentials(QStringLiteral("ASIACONTAINER0000001"), QStringLiteral("container/secret"),
                                    QStringLiteral("container-token"), m_expiry);
        m_imds->setRole(QStringLiteral("instance-role"), QStringLiteral("ASIAIMDS000000000001"), QStringLiteral("imds/secret"),
                        QStringLiteral("imds-token"), m_expiry);
        m_nam = std::make_unique<QNetworkAccessManager>();
    }
    void cleanup()
    {
        qDeleteAll(std::exchange(m_keep, {}));
        m_nam.reset();
        m_imds.reset();
        m_container.reset();
        m_sso.reset();
        m_sts.reset();
        m_home.reset();
    }

    // ---------------------------------------------------------------- web identity

    void webIdentityFromEnvironment()
    {
        const QString tokenFile = home(QStringLiteral("var/run/secrets/eks.amazonaws.com/serviceaccount/token"));
        QVERIFY(writeFile(tokenFile, "irsa-token-one\n"));
        m_sts->acceptWebIdentityToken("irsa-token-one");
        m_sts->acceptWebIdentityToken("irsa-token-two");
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), tokenFile);
        env.insert(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        env.insert(QStringLiteral("AWS_ROLE_SESSION_NAME"), QStringLiteral("ecr-exporter-pod"));
        WebIdentityCredentialSource source(deps(env), QStringLiteral("default"), true);
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QCOMPARE(a->result.status, Status::Found);
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIAWEBIDENTITY00001"));
        QCOMPARE(a->result.credentials.sessionToken, QStringLiteral("wi-token-1"));
        QCOMPARE(a->result.credentials.source, QStringLiteral("web-identity (%1)").arg(kRoleArn));
        QVERIFY(a->result.credentials.canExpire());
        QCOMPARE(m_sts->calls().at(0).webIdentityToken, QByteArray("irsa-token-one"));  // trimmed
        QCOMPARE(m_sts->calls().at(0).roleSessionName, QStringLiteral("ecr-exporter-pod"));
        QVERIFY(!m_sts->calls().at(0).hadAuthorization);

        // The kubelet rotates the token: the next fetch sends the new one.
        QVERIFY(writeFile(tokenFile, "irsa-token-two"));
        auto b = fetch(source);
        QTRY_VERIFY(b->done);
        QCOMPARE(b->result.credentials.accessKeyId, QStringLiteral("ASIAWEBIDENTITY00002"));
        QCOMPARE(m_sts->calls().at(1).webIdentityToken, QByteArray("irsa-token-two"));
    }

    void webIdentityFromProfile()
    {
        const QString tokenFile = home(QStringLiteral("token"));
        QVERIFY(writeFile(tokenFile, "profile-token"));
        m_sts->acceptWebIdentityToken("profile-token");
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[profile oidc]\nweb_identity_token_file = %1\nrole_arn = %2\n").arg(tokenFile, kRoleArn).toUtf8()));
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("oidc"));
        WebIdentityCredentialSource source(deps(env), QStringLiteral("oidc"), true);
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QCOMPARE(a->result.status, Status::Found);
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIAWEBIDENTITY00001"));
        // botocore's default session name.
        QVERIFY2(QRegularExpression(QStringLiteral("^botocore-session-\\d{10}$")).match(m_sts->calls().at(0).roleSessionName).hasMatch(),
                 qPrintable(m_sts->calls().at(0).roleSessionName));
    }

    void webIdentityProblems_data()
    {
        QTest::addColumn<QString>("tokenFile");   // "" = unset, "missing" = a path that does not exist
        QTest::addColumn<QString>("roleArn");
        QTest::addColumn<QString>("sessionName");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");     // %F = token file path
        QTest::newRow("not configured") << "" << "" << "" << int(Status::NotFound)
                                        << "AWS_WEB_IDENTITY_TOKEN_FILE not set and profile 'default' has no web_identity_token_file";
        QTest::newRow("token file not readable") << "missing" << kRoleArn << "" << int(Status::Failed)
            << "web identity: token file %F not readable (No such file or directory); check the service account token volume is mounted and readable by this user";
        QTest::newRow("no role") << "ok" << "" << "" << int(Status::Failed)
            << "web identity: token file %F is set (AWS_WEB_IDENTITY_TOKEN_FILE) but no role ARN; set AWS_ROLE_ARN or the profile's role_arn";
        QTest::newRow("bad session name") << "ok" << kRoleArn << "has space" << int(Status::Failed)
            << "web identity: role session name 'has space' is not valid (2-64 characters of A-Z a-z 0-9 _+=,.@-); fix AWS_ROLE_SESSION_NAME or role_session_name";
        QTest::newRow("empty token") << "empty" << kRoleArn << "" << int(Status::Failed)
            << "web identity: token file %F is empty; check the service account token volume";
        QTest::newRow("STS refuses the token") << "ok" << kRoleArn << "" << int(Status::Failed)
            << QStringLiteral("web identity: STS AssumeRoleWithWebIdentity for %1 at %S failed: AssumeRoleWithWebIdentity: "
                              "InvalidIdentityToken (HTTP 400): The web identity token is not valid [request id ").arg(kRoleArn);
    }
    void webIdentityProblems()
    {
        QFETCH(QString, tokenFile);
        QFETCH(QString, roleArn);
        QFETCH(QString, sessionName);
        QFETCH(int, status);
        QFETCH(QString, message);
        auto env = baseEnv();
        QString path;
        if (!tokenFile.isEmpty()) {
            path = home(QStringLiteral("token-") + tokenFile);
            if (tokenFile == QLatin1String("ok"))
                QVERIFY(writeFile(path, "some-token"));  // never accepted by the fake
            else if (tokenFile == QLatin1String("empty"))
                QVERIFY(writeFile(path, "\n"));
            env.insert(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), path);
        }
        if (!roleArn.isEmpty())
            env.insert(QStringLiteral("AWS_ROLE_ARN"), roleArn);
        if (!sessionName.isEmpty())
            env.insert(QStringLiteral("AWS_ROLE_SESSION_NAME"), sessionName);
        WebIdentityCredentialSource source(deps(env), QStringLiteral("default"), true);
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QCOMPARE(int(a->result.status), status);
        const QString text = a->result.status == Status::NotFound ? a->result.reason : a->result.error.message;
        message.replace(QLatin1String("%F"), path).replace(QLatin1String("%S"), m_sts->endpoint().toString());
        QVERIFY2(text.startsWith(message), qPrintable(text + QStringLiteral("\n  expected: ") + message));
    }

    // ---------------------------------------------------------------- IAM Identity Center

    void ssoCacheFileNames()
    {
        // sha1 hex values from Python: hashlib.sha1(b"my-sso").hexdigest(), ...
        SsoCredentialSource::Settings s;
        s.sessionName = QStringLiteral("my-sso");
        s.startUrl = QStringLiteral("https://d-1234567890.awsapps.com/start");
        QCOMPARE(SsoCredentialSource::cacheFileName(s), QStringLiteral("0ad374308c5a4e22f723adf10145eafad7c4031c.json"));
        s.sessionName.clear();
        QCOMPARE(SsoCredentialSource::cacheFileName(s), QStringLiteral("7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json"));
    }

    void ssoWithSession_data()
    {
        QTest::addColumn<bool>("legacy");
        QTest::newRow("sso-session") << false;
        QTest::newRow("legacy sso_start_url") << true;
    }
    void ssoWithSession()
    {
        QFETCH(bool, legacy);
        const QByteArray config = legacy
            ? "[profile dev]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n"
              "sso_account_id = 111122223333\nsso_role_name = ECRReadOnly\nregion = eu-west-1\n"
            : "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ECRReadOnly\n"
              "[sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n"
              "sso_registration_scopes = sso:account:access\n";
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")), config));
        const QString cache = home(QStringLiteral(".aws/sso/cache/%1").arg(legacy ? QStringLiteral("7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json")
                                                                                : QStringLiteral("0ad374308c5a4e22f723adf10145eafad7c4031c.json")));
        const QString expires = QDateTime::currentDateTimeUtc().addSecs(3600).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'"));
        QVERIFY(writeFile(cache, QStringLiteral("{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"us-east-1\", "
                                                "\"accessToken\": \"sso-access-token\", \"expiresAt\": \"%1\"}").arg(expires).toUtf8()));
        m_sso->addAccess("sso-access-token", QStringLiteral("111122223333"), QStringLiteral("ECRReadOnly"),
                         QStringLiteral("ASIASSO0000000000001"), QStringLiteral("sso/secret"), QStringLiteral("sso-session-token"), 1800);
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("dev"));
        SsoCredentialSource source(deps(env), QStringLiteral("dev"));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message + a->result.reason));
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIASSO0000000000001"));
        QCOMPARE(a->result.credentials.secretAccessKey, QStringLiteral("sso/secret"));
        QCOMPARE(a->result.credentials.sessionToken, QStringLiteral("sso-session-token"));
        QCOMPARE(a->result.credentials.source, QStringLiteral("sso (account 111122223333, role ECRReadOnly)"));
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(a->result.credentials.expiration);
        QVERIFY2(left > 1780 && left <= 1800, qPrintable(QString::number(left)));  // epoch milliseconds understood
        const auto request = m_sso->requests().at(0);
        QCOMPARE(request.header("x-amz-sso_bearer_token"), QByteArray("sso-access-token"));
        QVERIFY(!request.hasHeader("authorization"));
    }

    void ssoProblems_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QByteArray>("cache");        // empty: no cache file
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");         // %C = cache file path
        const QByteArray profile = "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ECRReadOnly\n"
                                   "[sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n";
        const QByteArray valid = "{\"accessToken\": \"sso-access-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}";
        QTest::newRow("no SSO settings") << QByteArray("[profile dev]\nregion = eu-west-1\n") << QByteArray() << int(Status::NotFound)
                                         << "profile 'dev' has no sso_account_id/sso_role_name";
        QTest::newRow("not logged in") << profile << QByteArray() << int(Status::Failed)
                                       << "IAM Identity Center: no cached login token %C; run `aws sso login --profile dev`";
        QTest::newRow("token expired") << profile << QByteArray("{\"accessToken\": \"x\", \"expiresAt\": \"2020-01-01T00:00:00UTC\"}")
                                       << int(Status::Failed)
                                       << "IAM Identity Center: the login token in %C expired at 2020-01-01T00:00:00Z; run `aws sso login --profile dev`";
        QTest::newRow("garbage cache") << profile << QByteArray("not json") << int(Status::Failed)
                                       << "IAM Identity Center: cached token %C is not a JSON object (";
        QTest::newRow("token rejected") << profile << QByteArray("{\"accessToken\": \"revoked\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}")
                                        << int(Status::Failed)
                                        << "IAM Identity Center: GetRoleCredentials at 127.0.0.1 failed: GetRoleCredentials: UnauthorizedException (HTTP 401): "
                                           "Session token not found or invalid";
        QTest::newRow("missing settings") << QByteArray("[profile dev]\nsso_account_id = 111122223333\nsso_role_name = R\n") << valid
                                          << int(Status::Failed)
                                          << "profile 'dev' is configured for IAM Identity Center but is missing sso_start_url, sso_region; "
                                             "run `aws configure sso --profile dev`";
        QTest::newRow("unknown session") << QByteArray("[profile dev]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = R\n") << valid
                                         << int(Status::Failed)
                                         << "profile 'dev' names sso_session 'nope' but the config file has no [sso-session nope] section; "
                                            "add it or run `aws configure sso`";
    }
    void ssoProblems()
    {
        QFETCH(QByteArray, config);
        QFETCH(QByteArray, cache);
        QFETCH(int, status);
        QFETCH(QString, message);
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")), config));
        const QString cachePath = home(QStringLiteral(".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"));
        if (!cache.isEmpty())
            QVERIFY(writeFile(cachePath, cache));
        m_sso->addAccess("sso-access-token", QStringLiteral("111122223333"), QStringLiteral("ECRReadOnly"),
                         QStringLiteral("K"), QStringLiteral("S"), QStringLiteral("T"));
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("dev"));
        SsoCredentialSource source(deps(env), QStringLiteral("dev"));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QCOMPARE(int(a->result.status), status);
        const QString text = a->result.status == Status::NotFound ? a->result.reason : a->result.error.message;
        message.replace(QLatin1String("%C"), cachePath);
        QVERIFY2(text.startsWith(message), qPrintable(text + QStringLiteral("\n  expected: ") + message));
        if (QTest::currentDataTag() == QLatin1String("token rejected"))
            QVERIFY2(text.endsWith(QLatin1String("; the login token was rejected, run `aws sso login --profile dev`")), qPrintable(text));
    }

    // ---------------------------------------------------------------- credential_process

    void splitCommand_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("words");   // Python shlex.split; empty = error
        QTest::newRow("double quotes") << "helper --profile \"my prof\" x" << QStringList{"helper", "--profile", "my prof", "x"};
        QTest::newRow("single quotes") << "a 'b c' d" << QStringList{"a", "b c", "d"};
        QTest::newRow("escapes") << "a\\ b \"c\\\"d\" e\\\\f" << QStringList{"a b", "c\"d", "e\\f"};
        QTest::newRow("backslash kept in double quotes") << "\"x\\y\"" << QStringList{"x\\y"};
        QTest::newRow("empty quoted word") << "''" << QStringList{""};
        QTest::newRow("adjacent quotes join") << "a\"b\"c" << QStringList{"abc"};
        QTest::newRow("unclosed") << "helper 'oops" << QStringList();
        QTest::newRow("blank") << "   " << QStringList();
    }
    void splitCommand()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, words);
        QStringList out;
        QString error;
        const bool ok = ProcessCredentialSource::splitCommand(command, &out, &error);
        QCOMPARE(ok, !words.isEmpty());
        if (ok)
            QCOMPARE(out, words);
        else
            QVERIFY(!error.isEmpty());
    }

    void process_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("keyOrMessage");  // key id when found, else the message (%P = script path)
        QTest::newRow("static keys, argument with a space")
            << QByteArray("#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"proc/secret\"}' \"$2\"\n")
            << "--id 'AKIDPROCESS 0001'" << int(Status::Found) << "AKIDPROCESS 0001";
        QTest::newRow("temporary keys")
            << QByteArray("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS00000001\", \"SecretAccessKey\": \"s\", "
                          "\"SessionToken\": \"t\", \"Expiration\": \"2099-11-27T19:00:00Z\"}'\n")
            << "" << int(Status::Found) << "ASIAPROCESS00000001";
        QTest::newRow("exits non-zero")
            << QByteArray("#!/bin/sh\necho 'token for vault expired' >&2\necho 'second line' >&2\nexit 3\n")
            << "" << int(Status::Failed)
            << "credential_process `helper.sh` (profile 'default', %C line 2) exited with status 3: token for vault expired; run it by hand to see why";
        QTest::newRow("prints garbage")
            << QByteArray("#!/bin/sh\necho 'AKID=x SECRET=y'\n") << "" << int(Status::Failed)
            << "credential_process `helper.sh` (profile 'default', %C line 2): printed something that is not a JSON object (";
        QTest::newRow("version 2")
            << QByteArray("#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"b\"}'\n") << "" << int(Status::Failed)
            << "credential_process `helper.sh` (profile 'default', %C line 2): unsupported Version 2 in its output; only Version 1 is supported";
        QTest::newRow("no secret")
            << QByteArray("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"a\"}'\n") << "" << int(Status::Failed)
            << "credential_process `helper.sh` (profile 'default', %C line 2): its output has no SecretAccessKey";
        QTest::newRow("bad expiration")
            << QByteArray("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"b\", \"Expiration\": \"soon\"}'\n")
            << "" << int(Status::Failed)
            << "credential_process `helper.sh` (profile 'default', %C line 2): its Expiration is not an ISO 8601 time (e.g. 2026-11-27T19:00:00Z)";
        QTest::newRow("not executable") << QByteArray() << "" << int(Status::Failed)
            << "credential_process `helper.sh` (profile 'default', %C line 2) cannot be started: ";
    }
    void process()
    {
        QFETCH(QByteArray, script);
        QFETCH(QString, arguments);
        QFETCH(int, status);
        QFETCH(QString, keyOrMessage);
        const QString helper = home(QStringLiteral("bin/helper.sh"));
        if (!script.isEmpty())
            QVERIFY(writeFile(helper, script, true));
        const QString configPath = home(QStringLiteral(".aws/config"));
        QVERIFY(writeFile(configPath, QStringLiteral("[default]\ncredential_process = %1 %2\n").arg(helper, arguments).toUtf8()));
        auto env = baseEnv();
        ProcessCredentialSource source(deps(env), QStringLiteral("default"));
        auto a = fetch(source);
        QTRY_VERIFY_WITH_TIMEOUT(a->done, 10000);
        QCOMPARE(int(a->result.status), status);
        if (status == int(Status::Found)) {
            QCOMPARE(a->result.credentials.accessKeyId, keyOrMessage);
            QCOMPARE(a->result.credentials.source, QStringLiteral("credential_process (profile default)"));
        } else {
            keyOrMessage.replace(QLatin1String("%C"), configPath);
            QVERIFY2(a->result.error.message.startsWith(keyOrMessage),
                     qPrintable(a->result.error.message + QStringLiteral("\n  expected: ") + keyOrMessage));
        }
    }

    void processTimeout()
    {
        const QString helper = home(QStringLiteral("bin/slow.sh"));
        QVERIFY(writeFile(helper, "#!/bin/sh\nsleep 30\n", true));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")), QStringLiteral("[default]\ncredential_process = %1\n").arg(helper).toUtf8()));
        auto env = baseEnv();
        DefaultCredentialChain::Options o;
        o.processTimeoutMs = 300;
        auto *chain = new DefaultCredentialChain(env, loadConfig(env), o, this);
        m_keep.append(chain);
        ProcessCredentialSource source(chain->dependencies(), QStringLiteral("default"));
        auto a = fetch(source);
        QTRY_VERIFY_WITH_TIMEOUT(a->done, 5000);
        QCOMPARE(a->result.status, Status::Failed);
        QCOMPARE(a->result.error.kind, AwsError::Kind::Timeout);
        QVERIFY2(a->result.error.message.endsWith(QLatin1String("did not finish within 0.3 s and was killed; check the command")),
                 qPrintable(a->result.error.message));
    }

    // ---------------------------------------------------------------- container

    void containerEndpoints_data()
    {
        QTest::addColumn<QString>("relative");
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("url");     // empty + error
        QTest::addColumn<QString>("error");
        QTest::newRow("nothing") << "" << "" << "" << "";
        QTest::newRow("ECS relative") << "/v2/credentials/abc-123" << "" << "http://169.254.170.2/v2/credentials/abc-123" << "";
        QTest::newRow("relative wins over full") << "/v2/credentials/x" << "http://127.0.0.1:8080/c" << "http://169.254.170.2/v2/credentials/x" << "";
        QTest::newRow("EKS Pod Identity") << "" << "http://169.254.170.23/v1/credentials" << "http://169.254.170.23/v1/credentials" << "";
        QTest::newRow("EKS Pod Identity IPv6") << "" << "http://[fd00:ec2::23]/v1/credentials" << "http://[fd00:ec2::23]/v1/credentials" << "";
        QTest::newRow("loopback 127.0.0.2") << "" << "http://127.0.0.2:9000/creds" << "http://127.0.0.2:9000/creds" << "";
        QTest::newRow("localhost") << "" << "http://localhost:9000/creds" << "http://localhost:9000/creds" << "";
        QTest::newRow("https anywhere") << "" << "https://creds.example.com/v1" << "https://creds.example.com/v1" << "";
        QTest::newRow("IMDS address over http") << "" << "http://169.254.169.254/latest" << ""
            << "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI host '169.254.169.254' is not allowed over http (only loopback, "
               "localhost, 169.254.170.2, 169.254.170.23, fd00:ec2::23); use https or one of those hosts";
        QTest::newRow("remote http") << "" << "http://creds.example.com/v1" << ""
            << "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI host 'creds.example.com' is not allowed over http (only loopback, "
               "localhost, 169.254.170.2, 169.254.170.23, fd00:ec2::23); use https or one of those hosts";
        QTest::newRow("not a URL") << "" << "ftp://x/y" << ""
            << "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI 'ftp://x/y' is not an http(s) URL; fix or unset it";
    }
    void containerEndpoints()
    {
        QFETCH(QString, relative);
        QFETCH(QString, full);
        QFETCH(QString, url);
        QFETCH(QString, error);
        QProcessEnvironment env;
        if (!relative.isEmpty())
            env.insert(QStringLiteral("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), relative);
        if (!full.isEmpty())
            env.insert(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), full);
        AwsError e;
        const QUrl got = ContainerCredentialSource::endpointFrom(env, QStringLiteral("169.254.170.2"), &e);
        QCOMPARE(got.toString(), url);
        QCOMPARE(e.message, error);
    }

    // The ECS case, with the fixed host replaced by the fake (the only difference from production).
    void containerEcsRelative()
    {
        m_container->setPath(QStringLiteral("/v2/credentials/2b3c4d5e"));
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), QStringLiteral("/v2/credentials/2b3c4d5e"));
        DefaultCredentialChain::Options o;
        o.ecsHost = QStringLiteral("127.0.0.1:%1").arg(m_container->port());
        auto *chain = new DefaultCredentialChain(env, loadConfig(env), o, this);
        m_keep.append(chain);
        ContainerCredentialSource source(chain->dependencies());
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIACONTAINER0000001"));
        QCOMPARE(a->result.credentials.sessionToken, QStringLiteral("container-token"));
        QCOMPARE(a->result.credentials.expiration, m_expiry);
        QCOMPARE(a->result.credentials.source, QStringLiteral("container (ECS task role)"));
        QVERIFY(!m_container->requests().at(0).hasHeader("authorization"));
    }

    void containerAuthorization_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QByteArray>("tokenFile");   // empty: no file
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("message");
        QTest::newRow("token variable") << "Bearer pod-token" << QByteArray() << true << "";
        QTest::newRow("token file wins") << "Bearer stale" << QByteArray("Bearer pod-token\n") << true << "";
        QTest::newRow("wrong token") << "Bearer other" << QByteArray() << false
            << "container (%U): GET %U failed after 1 attempt(s): HTTP 403 (Authorization token is not valid)";
        QTest::newRow("no token") << "" << QByteArray() << false
            << "container (%U): GET %U failed after 1 attempt(s): HTTP 401 (Authorization header is missing)";
        QTest::newRow("line break") << "Bearer a\r\nX-Injected: 1" << QByteArray() << false
            << "container (%U): the authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN) contains a line break; fix it";
    }
    void containerAuthorization()
    {
        QFETCH(QString, token);
        QFETCH(QByteArray, tokenFile);
        QFETCH(bool, ok);
        QFETCH(QString, message);
        m_container->setRequiredAuthorization("Bearer pod-token");
        const QString url = m_container->endpoint().toString() + QStringLiteral("/v1/credentials");
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), url);
        if (!token.isEmpty())
            env.insert(QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN"), token);
        if (!tokenFile.isEmpty()) {
            QVERIFY(writeFile(home(QStringLiteral("eks-pod-identity-token")), tokenFile));
            env.insert(QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), home(QStringLiteral("eks-pod-identity-token")));
        }
        ContainerCredentialSource source(deps(env));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        if (ok) {
            QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
            QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIACONTAINER0000001"));
            QCOMPARE(m_container->authorizationsSeen(), QList<QByteArray>{"Bearer pod-token"});
        } else {
            QCOMPARE(a->result.status, Status::Failed);
            QCOMPARE(a->result.error.message, QString(message).replace(QLatin1String("%U"), url));
        }
    }

    void containerRetriesAndMalformed()
    {
        const QString url = m_container->endpoint().toString() + QStringLiteral("/v1/credentials");
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), url);
        DefaultCredentialChain::Options o;
        o.containerRetryDelayMs = 10;
        auto *chain = new DefaultCredentialChain(env, loadConfig(env), o, this);
        m_keep.append(chain);
        ContainerCredentialSource source(chain->dependencies());

        m_container->failNext(2);  // 500, 500, then the keys (3 attempts, as botocore)
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(m_container->requestCount(), 3);

        m_container->clearRequests();
        m_container->failNext(5);
        auto b = fetch(source);
        QTRY_VERIFY(b->done);
        QCOMPARE(b->result.status, Status::Failed);
        QCOMPARE(m_container->requestCount(), 3);
        QVERIFY2(b->result.error.message.contains(QLatin1String("failed after 3 attempt(s): HTTP 500")), qPrintable(b->result.error.message));

        m_container->failNext(0);
        m_container->setMalformed(true);
        auto c = fetch(source);
        QTRY_VERIFY(c->done);
        QCOMPARE(c->result.status, Status::Failed);
        QCOMPARE(c->result.error.message, QStringLiteral("container (%1): the endpoint's reply has no AccessKeyId, SecretAccessKey, Token, Expiration; "
                                                         "check the credentials endpoint").arg(url));
    }

    // ---------------------------------------------------------------- assume role

    void assumeRoleFromSourceProfile()
    {
        m_sts->addCaller(QStringLiteral("AKIDBASEPROFILE00001"), QStringLiteral("base/secret"), QString(),
                         QStringLiteral("arn:aws:iam::444455556666:user/base"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")), "[base]\naws_access_key_id = AKIDBASEPROFILE00001\naws_secret_access_key = base/secret\n"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[profile ops]\nrole_arn = %1\nsource_profile = base\nexternal_id = ext-42\n"
                                         "role_session_name = exporter\nduration_seconds = 1800\n").arg(kOpsRoleArn).toUtf8()));
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("ops"));
        AssumeRoleCredentialSource source(deps(env), QStringLiteral("ops"));
        QCOMPARE(source.sourceDescription(), QStringLiteral("source profile 'base'"));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIAOPSROLE000000001"));
        QCOMPARE(a->result.credentials.source, QStringLiteral("assume-role (profile ops, %1)").arg(kOpsRoleArn));
        const auto call = m_sts->calls().at(0);
        QCOMPARE(call.action, QStringLiteral("AssumeRole"));
        QCOMPARE(call.signingKeyId, QByteArray("AKIDBASEPROFILE00001"));  // signed with the source keys
        QCOMPARE(call.externalId, QStringLiteral("ext-42"));
        QCOMPARE(call.roleSessionName, QStringLiteral("exporter"));
        QCOMPARE(call.durationSeconds, 1800);
    }

    // ops -> mid -> base: two AssumeRole calls, the second signed with the first one's keys.
    void assumeRoleChain()
    {
        m_sts->addCaller(QStringLiteral("AKIDBASEPROFILE00001"), QStringLiteral("base/secret"), QString(),
                         QStringLiteral("arn:aws:iam::444455556666:user/base"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[profile base]\naws_access_key_id = AKIDBASEPROFILE00001\naws_secret_access_key = base/secret\n"
                                         "[profile mid]\nrole_arn = %1\nsource_profile = base\n"
                                         "[profile ops]\nrole_arn = %2\nsource_profile = mid\n").arg(kRoleArn, kOpsRoleArn).toUtf8()));
        auto env = baseEnv();
        AssumeRoleCredentialSource source(deps(env), QStringLiteral("ops"));
        QCOMPARE(source.sourceDescription(), QStringLiteral("source profile 'mid' (itself assuming %1)").arg(kRoleArn));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIAOPSROLE000000001"));
        const auto calls = m_sts->calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls.at(0).roleArn, kRoleArn);
        QCOMPARE(calls.at(0).signingKeyId, QByteArray("AKIDBASEPROFILE00001"));
        QCOMPARE(calls.at(1).roleArn, kOpsRoleArn);
        QCOMPARE(calls.at(1).signingKeyId, QByteArray("ASIAWEBIDENTITY00001"));  // what the fake issued for kRoleArn
    }

    void assumeRoleCredentialSourceEnvironment()
    {
        m_sts->addCaller(QStringLiteral("AKIDENVIRONMENT00001"), QStringLiteral("env/secret"), QString(),
                         QStringLiteral("arn:aws:iam::444455556666:user/env"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[default]\nrole_arn = %1\ncredential_source = Environment\n").arg(kOpsRoleArn).toUtf8()));
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENVIRONMENT00001"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("env/secret"));
        AssumeRoleCredentialSource source(deps(env), QStringLiteral("default"));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(a->result.credentials.accessKeyId, QStringLiteral("ASIAOPSROLE000000001"));
        QCOMPARE(m_sts->calls().at(0).signingKeyId, QByteArray("AKIDENVIRONMENT00001"));
    }

    void assumeRoleCredentialSourceImds()
    {
        m_sts->addCaller(QStringLiteral("ASIAIMDS000000000001"), QStringLiteral("imds/secret"), QStringLiteral("imds-token"),
                         QStringLiteral("arn:aws:sts::444455556666:assumed-role/instance-role/i-0abc"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[default]\nrole_arn = %1\ncredential_source = Ec2InstanceMetadata\n").arg(kOpsRoleArn).toUtf8()));
        AssumeRoleCredentialSource source(deps(baseEnv()), QStringLiteral("default"));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(m_sts->calls().at(0).signingKeyId, QByteArray("ASIAIMDS000000000001"));
    }

    void assumeRoleProblems_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("no role_arn") << QByteArray("[profile a]\nregion = eu-west-1\n") << "a" << int(Status::NotFound)
                                     << "profile 'a' has no role_arn";
        QTest::newRow("web identity profile is not ours")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nweb_identity_token_file = /t\n") << "a" << int(Status::NotFound)
            << "profile 'a' has no role_arn";
        QTest::newRow("neither source") << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\n") << "a" << int(Status::Failed)
            << "profile 'a' has role_arn but neither source_profile nor credential_source; add one";
        QTest::newRow("both sources")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = b\ncredential_source = Environment\n[profile b]\n")
            << "a" << int(Status::Failed) << "profile 'a' has both source_profile and credential_source; keep one";
        QTest::newRow("unknown credential_source")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = environment\n") << "a" << int(Status::Failed)
            << "profile 'a' has credential_source = environment, which is not valid; use Environment, Ec2InstanceMetadata or EcsContainer";
        QTest::newRow("missing source profile")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nope\n") << "a" << int(Status::Failed)
            << "profile 'a' has source_profile 'nope', which does not exist; add the profile or fix the name";
        QTest::newRow("loop a -> b -> a")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = b\n"
                          "[profile b]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = a\n") << "a" << int(Status::Failed)
            << "profile 'b': the source_profile chain loops (a -> b -> a); end it at a profile with keys or a credential_source";
        QTest::newRow("self without keys")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = a\n") << "a" << int(Status::Failed)
            << "profile 'a': the source_profile chain loops (a -> a); end it at a profile with keys or a credential_source";
        QTest::newRow("bad duration")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\nduration_seconds = 60\n")
            << "a" << int(Status::Failed) << "profile 'a' duration_seconds '60' must be a whole number from 900 to 43200";
        QTest::newRow("MFA")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\nmfa_serial = arn:aws:iam::1:mfa/me\n")
            << "a" << int(Status::Failed)
            << "profile 'a' needs an MFA code (mfa_serial), which an exporter cannot ask for; use a role without MFA, or put temporary keys in the environment";
        QTest::newRow("source profile without credentials")
            << QByteArray("[profile a]\nrole_arn = arn:aws:iam::444455556666:role/ops\nsource_profile = b\n[profile b]\nregion = eu-west-1\n")
            << "a" << int(Status::Failed)
            << "assume role arn:aws:iam::444455556666:role/ops (profile 'a', source profile 'b'): no source credentials: no AWS credentials found (web identity: profile 'b' has no web_identity_token_file; ";
    }
    void assumeRoleProblems()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, profile);
        QFETCH(int, status);
        QFETCH(QString, message);
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")), config));
        AssumeRoleCredentialSource source(deps(baseEnv()), profile);
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QCOMPARE(int(a->result.status), status);
        const QString text = a->result.status == Status::NotFound ? a->result.reason : a->result.error.message;
        QVERIFY2(text.startsWith(message), qPrintable(text + QStringLiteral("\n  expected: ") + message));
        QCOMPARE(m_sts->calls().size(), 0);
    }

    // A profile that names itself as source_profile and holds keys: allowed (botocore).
    void assumeRoleSelfWithKeys()
    {
        m_sts->addCaller(QStringLiteral("AKIDSELF000000000001"), QStringLiteral("self/secret"), QString(),
                         QStringLiteral("arn:aws:iam::444455556666:user/self"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[profile a]\nrole_arn = %1\nsource_profile = a\naws_access_key_id = AKIDSELF000000000001\n"
                                         "aws_secret_access_key = self/secret\n").arg(kOpsRoleArn).toUtf8()));
        AssumeRoleCredentialSource source(deps(baseEnv()), QStringLiteral("a"));
        auto a = fetch(source);
        QTRY_VERIFY(a->done);
        QVERIFY2(a->result.status == Status::Found, qPrintable(a->result.error.message));
        QCOMPARE(m_sts->calls().at(0).signingKeyId, QByteArray("AKIDSELF000000000001"));
    }

    // ---------------------------------------------------------------- precedence

    // Several sources configured at once; the winner is the first in botocore's order, and
    // its keys are exactly the ones that source was given.
    void precedence_data()
    {
        QTest::addColumn<QStringList>("configured");
        QTest::addColumn<QString>("keyId");
        QTest::addColumn<QString>("source");
        const QStringList all{"env", "assume", "webid", "sso", "credfile", "process", "configfile", "container", "imds"};
        QTest::newRow("all: environment") << all << "AKIDENVIRONMENT00001" << "environment";
        QTest::newRow("no env: assume role") << all.mid(1) << "ASIAOPSROLE000000001" << QStringLiteral("assume-role (profile default, %1)").arg(kOpsRoleArn);
        QTest::newRow("web identity next") << all.mid(2) << "ASIAWEBIDENTITY00001" << QStringLiteral("web-identity (%1)").arg(kRoleArn);
        QTest::newRow("SSO next") << all.mid(3) << "ASIASSO0000000000001" << "sso (account 111122223333, role ECRReadOnly)";
        QTest::newRow("credentials file next") << all.mid(4) << "AKIDCREDFILE00000001" << "shared-credentials-file (profile default)";
        QTest::newRow("credential_process next") << all.mid(5) << "AKIDPROCESS000000001" << "credential_process (profile default)";
        QTest::newRow("config file next") << all.mid(6) << "AKIDCONFIGFILE000001" << "config-file (profile default)";
        QTest::newRow("container next") << all.mid(7) << "ASIACONTAINER0000001" << "container (%C)";
        QTest::newRow("IMDS last") << all.mid(8) << "ASIAIMDS000000000001" << "ec2-instance-metadata (role instance-role)";
        QTest::newRow("env + IMDS") << QStringList{"env", "imds"} << "AKIDENVIRONMENT00001" << "environment";
        QTest::newRow("config file beats container") << QStringList{"configfile", "container"} << "AKIDCONFIGFILE000001" << "config-file (profile default)";
        QTest::newRow("container beats IMDS") << QStringList{"container", "imds"} << "ASIACONTAINER0000001" << "container (%C)";
    }
    void precedence()
    {
        QFETCH(QStringList, configured);
        QFETCH(QString, keyId);
        QFETCH(QString, source);
        auto env = baseEnv();
        QByteArray config = "[default]\n";
        QByteArray credentials;
        if (configured.contains(QLatin1String("env"))) {
            env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENVIRONMENT00001"));
            env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("env/secret"));
        }
        if (configured.contains(QLatin1String("assume"))) {
            // The role's source keys live in another profile (never used directly).
            config += QStringLiteral("role_arn = %1\nsource_profile = base\n").arg(kOpsRoleArn).toUtf8();
            credentials += "[base]\naws_access_key_id = AKIDBASEPROFILE00001\naws_secret_access_key = base/secret\n";
            m_sts->addCaller(QStringLiteral("AKIDBASEPROFILE00001"), QStringLiteral("base/secret"), QString(),
                             QStringLiteral("arn:aws:iam::444455556666:user/base"));
        }
        if (configured.contains(QLatin1String("webid"))) {
            QVERIFY(writeFile(home(QStringLiteral("token")), "pod-token"));
            m_sts->acceptWebIdentityToken("pod-token");
            env.insert(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("token")));
            env.insert(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        }
        if (configured.contains(QLatin1String("sso"))) {
            config += "sso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ECRReadOnly\n";
            QVERIFY(writeFile(home(QStringLiteral(".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json")),
                              "{\"accessToken\": \"sso-access-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}"));
            m_sso->addAccess("sso-access-token", QStringLiteral("111122223333"), QStringLiteral("ECRReadOnly"),
                             QStringLiteral("ASIASSO0000000000001"), QStringLiteral("sso/secret"), QStringLiteral("sso-token"));
        }
        if (configured.contains(QLatin1String("credfile")))
            credentials += "[default]\naws_access_key_id = AKIDCREDFILE00000001\naws_secret_access_key = credfile/secret\n";
        if (configured.contains(QLatin1String("process"))) {
            QVERIFY(writeFile(home(QStringLiteral("bin/proc.sh")),
                              "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS000000001\", \"SecretAccessKey\": \"p\"}'\n", true));
            config += QStringLiteral("credential_process = %1\n").arg(home(QStringLiteral("bin/proc.sh"))).toUtf8();
        }
        if (configured.contains(QLatin1String("configfile")))
            config += "aws_access_key_id = AKIDCONFIGFILE000001\naws_secret_access_key = configfile/secret\n";
        if (configured.contains(QLatin1String("sso")))
            config += "[sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n";
        if (configured.contains(QLatin1String("container"))) {
            // EKS Pod Identity's variables, at the fake instead of 169.254.170.23.
            env.insert(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), m_container->endpoint().toString() + QStringLiteral("/v1/credentials"));
            env.insert(QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN"), QStringLiteral("Bearer pod"));
            m_container->setRequiredAuthorization("Bearer pod");
        }
        if (!configured.contains(QLatin1String("imds")))
            m_imds->setRole(QString(), {}, {}, {}, {});  // reachable, but no instance profile
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")), config));
        if (!credentials.isEmpty())
            QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")), credentials));

        DefaultCredentialChain chain(env, loadConfig(env));
        QCOMPARE(chain.sources().size(), 9);
        auto a = ask(chain);
        QTRY_VERIFY_WITH_TIMEOUT(a->done, 10000);
        QVERIFY2(!a->error, qPrintable(a->error.message));
        source.replace(QLatin1String("%C"), m_container->endpoint().toString() + QStringLiteral("/v1/credentials"));
        QCOMPARE(a->credentials.accessKeyId, keyId);
        QCOMPARE(a->credentials.source, source);
        QCOMPARE(chain.describe(), source);
    }

    void precedenceNothingConfigured()
    {
        m_imds->setRole(QString(), {}, {}, {}, {});
        const auto env = baseEnv();
        DefaultCredentialChain chain(env, loadConfig(env));
        auto a = ask(chain);
        QTRY_VERIFY(a->done);
        QCOMPARE(a->error.kind, AwsError::Kind::Credentials);
        QCOMPARE(a->error.message,
                 QStringLiteral("no AWS credentials found (environment: AWS_ACCESS_KEY_ID not set; "
                                "assume role: profile 'default' has no role_arn; "
                                "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set and profile 'default' has no web_identity_token_file; "
                                "IAM Identity Center (SSO): profile 'default' has no sso_account_id/sso_role_name; "
                                "shared credentials file %1/.aws/credentials: no such file; "
                                "credential_process: profile 'default' has no credential_process; "
                                "config file %1/.aws/config: no such file; "
                                "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set; "
                                "EC2 instance metadata: no IAM role is attached to this instance (%2 answered HTTP 404)); "
                                "provide them in one of these places").arg(home(), m_imds->endpoint().toString()));
    }

    // A configured but broken source stops the chain instead of falling through to IMDS.
    void brokenSourceDoesNotFallThrough()
    {
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("no/such/token")));
        env.insert(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        DefaultCredentialChain chain(env, loadConfig(env));
        auto a = ask(chain);
        QTRY_VERIFY(a->done);
        QCOMPARE(a->error.kind, AwsError::Kind::Credentials);
        QVERIFY2(a->error.message.startsWith(QStringLiteral("web identity: token file %1 not readable").arg(home(QStringLiteral("no/such/token")))),
                 qPrintable(a->error.message));
        QCOMPARE(m_imds->requestCount(), 0);
    }

    // ---------------------------------------------------------------- expiry and refresh

    // Short-lived web identity keys are refreshed before they expire, by one STS call.
    void shortLivedCredentialsAreRefreshed()
    {
        m_sts->addRole(kRoleArn, {{QStringLiteral("ASIASHORT00000000001"), QStringLiteral("s1"), QStringLiteral("t1"), 4},
                                  {QStringLiteral("ASIASHORT00000000002"), QStringLiteral("s2"), QStringLiteral("t2"), 3600}});
        QVERIFY(writeFile(home(QStringLiteral("token")), "pod-token"));
        m_sts->acceptWebIdentityToken("pod-token");
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("token")));
        env.insert(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        DefaultCredentialChain chain(env, loadConfig(env));
        chain.setRefreshWindow(2);     // refresh when < 2 s are left (15 min in production)
        chain.setMandatoryWindow(1);
        chain.setRefreshJitter(0);
        auto first = ask(chain);
        QTRY_VERIFY(first->done);
        QCOMPARE(first->credentials.accessKeyId, QStringLiteral("ASIASHORT00000000001"));
        auto cached = ask(chain);
        QTRY_VERIFY(cached->done);
        QCOMPARE(cached->credentials.accessKeyId, QStringLiteral("ASIASHORT00000000001"));
        QCOMPARE(m_sts->callCount(QStringLiteral("AssumeRoleWithWebIdentity")), 1);

        QTest::qWait(3200);  // inside the mandatory window now: callers wait for one refresh
        std::vector<std::shared_ptr<Answer>> waiting;
        for (int i = 0; i < 5; ++i)
            waiting.push_back(ask(chain));
        QTRY_VERIFY(std::all_of(waiting.begin(), waiting.end(), [](const auto &a) { return a->done; }));
        for (const auto &a : waiting)
            QCOMPARE(a->credentials.accessKeyId, QStringLiteral("ASIASHORT00000000002"));
        QCOMPARE(m_sts->callCount(QStringLiteral("AssumeRoleWithWebIdentity")), 2);
    }

    // ExpiredTokenException on many requests: one refresh, one retry each. Half the requests
    // go to a slow endpoint, so their ExpiredTokenException arrives after the refresh already
    // replaced the keys: they must just retry with the new keys, not refresh again.
    void expiredTokenRefreshesOnce()
    {
        m_sts->addRole(kRoleArn, {{QStringLiteral("ASIAEXPIRED000000001"), QStringLiteral("s1"), QStringLiteral("t1"), 3600},
                                  {QStringLiteral("ASIAFRESH00000000002"), QStringLiteral("s2"), QStringLiteral("t2"), 3600},
                                  {QStringLiteral("ASIATHIRD00000000003"), QStringLiteral("s3"), QStringLiteral("t3"), 3600}});
        QVERIFY(writeFile(home(QStringLiteral("token")), "pod-token"));
        m_sts->acceptWebIdentityToken("pod-token");
        auto env = baseEnv();
        env.insert(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("token")));
        env.insert(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        DefaultCredentialChain chain(env, loadConfig(env));

        FakeEcrServer fast, slow;
        for (FakeEcrServer *ecr : {&fast, &slow}) {
            QVERIFY(ecr->listen());
            ecr->setRegion(kRegion);
            ecr->addCredentials(QStringLiteral("ASIAEXPIRED000000001"), QStringLiteral("s1"), QStringLiteral("t1"));
            ecr->addCredentials(QStringLiteral("ASIAFRESH00000000002"), QStringLiteral("s2"), QStringLiteral("t2"));
            ecr->addCredentials(QStringLiteral("ASIATHIRD00000000003"), QStringLiteral("s3"), QStringLiteral("t3"));
            ecr->injectFault(QString(), FakeEcrServer::Fault::ExpiredToken, 2);
        }
        slow.setLatency(400);
        AwsHttpClient http(m_nam.get(), &chain);
        int done = 0, failed = 0;
        for (FakeEcrServer *ecr : {&fast, &fast, &slow, &slow}) {
            AwsRequest r = AwsRequest::json(QStringLiteral("DescribeRegistry"), ecr->endpoint(), "application/x-amz-json-1.1",
                                            "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry", "{}", kRegion, QStringLiteral("ecr"));
            http.send(r, &JsonErrorParser::parse, this, [&](const AwsResponse &, const AwsError &e) {
                ++done;
                if (e)
                    ++failed;
            });
        }
        QTRY_COMPARE(done, 4);
        QCOMPARE(failed, 0);
        QCOMPARE(m_sts->callCount(QStringLiteral("AssumeRoleWithWebIdentity")), 2);  // the first fetch + ONE refresh
        for (FakeEcrServer *ecr : {&fast, &slow}) {
            const auto requests = ecr->requests();
            QCOMPARE(requests.size(), 4);
            QCOMPARE(requests.at(0).accessKeyId, QByteArray("ASIAEXPIRED000000001"));
            QCOMPARE(requests.at(1).accessKeyId, QByteArray("ASIAEXPIRED000000001"));
            QCOMPARE(requests.at(2).accessKeyId, QByteArray("ASIAFRESH00000000002"));
            QCOMPARE(requests.at(3).accessKeyId, QByteArray("ASIAFRESH00000000002"));
        }
    }

    // ---------------------------------------------------------------- identity log

    void callerIdentityLogLine()
    {
        m_sts->addCaller(QStringLiteral("AKIDCREDFILE00000001"), QStringLiteral("credfile/secret"), QString(),
                         QStringLiteral("arn:aws:iam::111122223333:user/exporter"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")),
                          "[default]\naws_access_key_id = AKIDCREDFILE00000001\naws_secret_access_key = credfile/secret\n"));
        const auto env = baseEnv();
        DefaultCredentialChain chain(env, loadConfig(env));
        AwsHttpClient http(m_nam.get(), &chain);
        CallerIdentityLogger logger(&http, kRegion, m_sts->endpoint());
        QSignalSpy finished(&logger, &CallerIdentityLogger::finished);
        QTest::ignoreMessage(QtInfoMsg, "AWS credentials from shared-credentials-file (profile default): account 111122223333, "
                                        "ARN arn:aws:iam::111122223333:user/exporter");
        logger.start();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), true);

        // Denied by policy: a warning, and the exporter carries on.
        m_sts->injectError(QStringLiteral("GetCallerIdentity"), 403, QStringLiteral("AccessDenied"), QStringLiteral("denied by SCP"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
            "^AWS credentials from shared-credentials-file \\(profile default\\); STS GetCallerIdentity at 127.0.0.1 could not confirm "
            "the identity \\(GetCallerIdentity: AccessDenied \\(HTTP 403\\): denied by SCP .*\\); carrying on$")));
        logger.start();
        QTRY_COMPARE(finished.count(), 2);
        QCOMPARE(finished.at(1).at(0).toBool(), true);
        QCOMPARE(finished.at(1).at(2).value<AwsError>().code, QStringLiteral("AccessDenied"));
    }

    // ---------------------------------------------------------------- CA bundle

    void caBundle()
    {
        QProcessEnvironment env;
        AwsError error;
        QVERIFY(CaBundle::load(env, nullptr, &error).certificates.isEmpty());
        QVERIFY(!error);
        env.insert(QStringLiteral("AWS_CA_BUNDLE"), home(QStringLiteral("missing.pem")));
        CaBundle::load(env, nullptr, &error);
        QCOMPARE(error.kind, AwsError::Kind::Config);
        QVERIFY2(error.message.startsWith(QStringLiteral("CA bundle %1 (from AWS_CA_BUNDLE) cannot be read: ").arg(home(QStringLiteral("missing.pem")))),
                 qPrintable(error.message));
        QVERIFY(writeFile(home(QStringLiteral("junk.pem")), "not a certificate"));
        env.insert(QStringLiteral("AWS_CA_BUNDLE"), home(QStringLiteral("junk.pem")));
        error = AwsError();
        CaBundle::load(env, nullptr, &error);
        QCOMPARE(error.message, QStringLiteral("CA bundle %1 (from AWS_CA_BUNDLE) contains no PEM certificate (-----BEGIN CERTIFICATE-----); "
                                               "point it at a PEM file or unset it").arg(home(QStringLiteral("junk.pem"))));
        env.insert(QStringLiteral("AWS_CA_BUNDLE"), QStringLiteral(ECR_TEST_DATA_DIR "/tls/ca.pem"));
        error = AwsError();
        const CaBundle::Result ok = CaBundle::load(env, nullptr, &error);
        QVERIFY2(!error, qPrintable(error.message));
        QCOMPARE(ok.certificates.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCredSources)
#include "tst_credsources.moc"
