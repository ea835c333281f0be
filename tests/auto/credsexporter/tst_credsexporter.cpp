// The real ecr_exporter (--once) authenticating through each credential source in turn. The
// fakes run in this process; the exporter is a child process with a clean environment (only
// PATH, a temp HOME and what the case sets). A case passes only when the exporter exits 0 and
// every request the fake ECR received was signed with exactly the keys that source was given
// (the fake verifies the SigV4 signatures, so the secret and session token had to be right
// too). Expected keys, roles and tokens are the fakes' ground truth.

#include "connectproxy.h"
#include "fakecontainercredentialsserver.h"
#include "fakeecrserver.h"
#include "fakeimdsserver.h"
#include "fakeregistry.h"
#include "fakessoportal.h"
#include "fakestsserver.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace {

using TestSupport::writeFile;
using TestSupport::closedPort;

const QString kRegion = QStringLiteral("eu-west-1");
const QString kRegistryId = QStringLiteral("123456789012");
const QString kRoleArn = QStringLiteral("arn:aws:iam::123456789012:role/ecr-exporter");

struct Run {
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;
    bool finished = false;
};

} // namespace

class TestCredsExporter : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<FakeEcrServer> m_ecr;
    std::unique_ptr<FakeStsServer> m_sts;
    std::unique_ptr<FakeSsoPortal> m_sso;
    std::unique_ptr<FakeContainerCredentialsServer> m_container;
    std::unique_ptr<FakeImdsServer> m_imds;
    QProcessEnvironment m_env;

    QString home(const QString &rel) const { return m_home->filePath(rel); }
    void set(const QString &name, const QString &value) { m_env.insert(name, value); }

    // Runs the exporter once, serving the fakes from this event loop while it works.
    std::shared_ptr<Run> runExporter(int timeoutMs = 30000)
    {
        auto run = std::make_shared<Run>();
        QProcess process;
        process.setProcessEnvironment(m_env);
        process.setProgram(QStringLiteral(ECR_EXPORTER_BINARY));
        process.setArguments({QStringLiteral("--once")});
        QSignalSpy finished(&process, &QProcess::finished);
        QElapsedTimer clock;
        clock.start();
        process.start();
        if (!finished.wait(timeoutMs)) {
            process.kill();
            finished.wait(5000);
            run->err = process.readAllStandardError();
            return run;
        }
        run->finished = true;
        run->elapsedMs = clock.elapsed();
        run->exitCode = process.exitCode();
        run->exitStatus = process.exitStatus();
        run->out = process.readAllStandardOutput();
        run->err = process.readAllStandardError();
        return run;
    }

    // Static keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, which the fake ECR accepts.
    void useEnvironmentKeys()
    {
        m_ecr->addCredentials(QStringLiteral("AKIDENVIRONMENT00001"), QStringLiteral("env/secret"));
        set(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENVIRONMENT00001"));
        set(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("env/secret"));
    }

    // An EC2 instance role behind an IMDSv2-only fake (as on hardened instances), whose keys
    // the fake ECR accepts.
    void useInstanceRole()
    {
        m_imds->setRequireToken(true);
        m_imds->setRole(QStringLiteral("ecr-exporter-instance"), QStringLiteral("ASIAINSTANCE00000001"), QStringLiteral("inst/secret"),
                        QStringLiteral("inst-token"), QDateTime::currentDateTimeUtc().addSecs(6 * 3600));
        m_ecr->addCredentials(QStringLiteral("ASIAINSTANCE00000001"), QStringLiteral("inst/secret"), QStringLiteral("inst-token"));
        set(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), m_imds->endpoint().toString());
    }

    // Every ECR request signed with `keyId`, and there were some.
    bool ecrSawOnly(const QString &keyId, QString *why) const
    {
        const auto requests = m_ecr->requests();
        if (requests.isEmpty()) {
            *why = QStringLiteral("the fake ECR received no request");
            return false;
        }
        for (const auto &r : requests) {
            if (r.accessKeyId != keyId.toLatin1() || r.status != 200) {
                *why = QStringLiteral("request %1 signed with '%2' answered %3 %4").arg(r.operation, QString::fromLatin1(r.accessKeyId))
                           .arg(r.status).arg(r.errorCode);
                return false;
            }
        }
        return true;
    }

#define VERIFY_RUN_OK(run)                                                                                           \
    do {                                                                                                             \
        QVERIFY2((run)->finished, qPrintable(QStringLiteral("exporter did not finish: ") + QString::fromUtf8((run)->err))); \
        QVERIFY2((run)->exitStatus == QProcess::NormalExit && (run)->exitCode == 0,                                  \
                 qPrintable(QStringLiteral("exit %1: %2").arg((run)->exitCode).arg(QString::fromUtf8((run)->err))));  \
        QVERIFY2((run)->out.contains("aws_ecr_"), (run)->out.left(400).constData());                                 \
    } while (false)

private slots:
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        FakeRegistry::Spec spec;
        spec.repositories = 3;
        spec.imagesPerRepository = 2;
        spec.registryId = kRegistryId;
        spec.region = kRegion;
        m_ecr = std::make_unique<FakeEcrServer>();
        m_ecr->setRegistry(FakeRegistry::generate(spec));
        m_sts = std::make_unique<FakeStsServer>();
        m_sso = std::make_unique<FakeSsoPortal>();
        m_container = std::make_unique<FakeContainerCredentialsServer>();
        m_imds = std::make_unique<FakeImdsServer>();
        QVERIFY(m_ecr->listen() && m_sts->listen() && m_sso->listen() && m_container->listen() && m_imds->listen());
        m_sts->setRegion(kRegion);

        m_env = QProcessEnvironment();
        const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
        for (const QString &name : {QStringLiteral("PATH"), QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("ASAN_OPTIONS"),
                                    QStringLiteral("UBSAN_OPTIONS"), QStringLiteral("LSAN_OPTIONS")}) {
            if (system.contains(name))
                m_env.insert(name, system.value(name));
        }
        set(QStringLiteral("HOME"), m_home->path());
        set(QStringLiteral("TZ"), QStringLiteral("UTC"));
        set(QStringLiteral("AWS_REGION"), kRegion);
        set(QStringLiteral("ECR_REGISTRY_ID"), kRegistryId);
        set(QStringLiteral("AWS_ENDPOINT_URL_ECR"), m_ecr->endpoint().toString());
        set(QStringLiteral("AWS_ENDPOINT_URL_STS"), m_sts->endpoint().toString());
        set(QStringLiteral("AWS_ENDPOINT_URL_SSO"), m_sso->endpoint().toString());
        // No real IMDS: a closed port unless a case points it at the fake.
        set(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), QStringLiteral("http://127.0.0.1:%1").arg(closedPort()));
    }
    void cleanup()
    {
        m_imds.reset();
        m_container.reset();
        m_sso.reset();
        m_sts.reset();
        m_ecr.reset();
        m_home.reset();
    }

    void environment()
    {
        m_ecr->addCredentials(QStringLiteral("AKIDENVIRONMENT00001"), QStringLiteral("env/secret"), QStringLiteral("env-session"));
        set(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENVIRONMENT00001"));
        set(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("env/secret"));
        set(QStringLiteral("AWS_SESSION_TOKEN"), QStringLiteral("env-session"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("AKIDENVIRONMENT00001"), &why), qPrintable(why));
    }

    // --once finishes while the start-up GetCallerIdentity is still waiting for STS: the
    // exporter exits 0 at once (it crashed on exit here: its QNAM died before the client that
    // still held the pending reply).
    void onceWhileIdentityCallIsPending()
    {
        useEnvironmentKeys();
        m_sts->setLatency(20000);
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QVERIFY2(run->elapsedMs < 10000, qPrintable(QStringLiteral("took %1 ms").arg(run->elapsedMs)));
        QCOMPARE(m_sts->requestCount(), 1); // it was asked, and had not answered
    }

    void sharedCredentialsFile()
    {
        m_ecr->addCredentials(QStringLiteral("AKIDCREDFILE00000001"), QStringLiteral("cred/secret"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")),
                          "[reader]\naws_access_key_id = AKIDCREDFILE00000001\naws_secret_access_key = cred/secret\n"));
        set(QStringLiteral("AWS_PROFILE"), QStringLiteral("reader"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("AKIDCREDFILE00000001"), &why), qPrintable(why));
    }

    void configFile()
    {
        m_ecr->addCredentials(QStringLiteral("AKIDCONFIGFILE000001"), QStringLiteral("conf/secret"));
        QVERIFY(writeFile(home(QStringLiteral("elsewhere/config")),
                          "[profile reader]\naws_access_key_id = AKIDCONFIGFILE000001\naws_secret_access_key = conf/secret\n"));
        set(QStringLiteral("AWS_CONFIG_FILE"), home(QStringLiteral("elsewhere/config")));
        set(QStringLiteral("AWS_PROFILE"), QStringLiteral("reader"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("AKIDCONFIGFILE000001"), &why), qPrintable(why));
    }

    void credentialProcess()
    {
        m_ecr->addCredentials(QStringLiteral("ASIAPROCESS000000001"), QStringLiteral("proc/secret"), QStringLiteral("proc-token"));
        QVERIFY(writeFile(home(QStringLiteral("bin/vault helper")),
                          "#!/bin/sh\n[ \"$1\" = \"--role\" ] && [ \"$2\" = \"ecr reader\" ] || { echo \"bad args: $*\" >&2; exit 2; }\n"
                          "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS000000001\", \"SecretAccessKey\": \"proc/secret\", "
                          "\"SessionToken\": \"proc-token\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n", true));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[default]\ncredential_process = \"%1\" --role 'ecr reader'\n").arg(home(QStringLiteral("bin/vault helper"))).toUtf8()));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAPROCESS000000001"), &why), qPrintable(why));
    }

    void assumeRole()
    {
        m_sts->addCaller(QStringLiteral("AKIDBASEPROFILE00001"), QStringLiteral("base/secret"), QString(),
                         QStringLiteral("arn:aws:iam::123456789012:user/base"));
        m_sts->addRole(kRoleArn, {{QStringLiteral("ASIAASSUMED000000001"), QStringLiteral("assumed/secret"), QStringLiteral("assumed-token"), 3600}});
        m_ecr->addCredentials(QStringLiteral("ASIAASSUMED000000001"), QStringLiteral("assumed/secret"), QStringLiteral("assumed-token"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")),
                          "[base]\naws_access_key_id = AKIDBASEPROFILE00001\naws_secret_access_key = base/secret\n"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          QStringLiteral("[profile ecr]\nrole_arn = %1\nsource_profile = base\nrole_session_name = exporter\n").arg(kRoleArn).toUtf8()));
        set(QStringLiteral("AWS_PROFILE"), QStringLiteral("ecr"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAASSUMED000000001"), &why), qPrintable(why));
        QCOMPARE(m_sts->callCount(QStringLiteral("AssumeRole")), 1);
        QCOMPARE(m_sts->calls().at(0).signingKeyId, QByteArray("AKIDBASEPROFILE00001"));
    }

    void webIdentity()
    {
        QVERIFY(writeFile(home(QStringLiteral("serviceaccount/token")), "eyJhbGciOiJSUzI1NiJ9.irsa"));
        m_sts->acceptWebIdentityToken("eyJhbGciOiJSUzI1NiJ9.irsa");
        m_sts->addRole(kRoleArn, {{QStringLiteral("ASIAIRSA000000000001"), QStringLiteral("irsa/secret"), QStringLiteral("irsa-token"), 3600}});
        m_ecr->addCredentials(QStringLiteral("ASIAIRSA000000000001"), QStringLiteral("irsa/secret"), QStringLiteral("irsa-token"));
        // What EKS injects for IRSA.
        set(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("serviceaccount/token")));
        set(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        set(QStringLiteral("AWS_STS_REGIONAL_ENDPOINTS"), QStringLiteral("regional"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAIRSA000000000001"), &why), qPrintable(why));
        QCOMPARE(m_sts->callCount(QStringLiteral("AssumeRoleWithWebIdentity")), 1);
        QVERIFY(!m_sts->calls().at(0).hadAuthorization);
    }

    void identityCenter()
    {
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ECRReadOnly\n"
                          "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"));
        // sha1("corp") = ee0bfd2552fbd840c02cc48b6e823320543c450f (Python hashlib)
        QVERIFY(writeFile(home(QStringLiteral(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")),
                          "{\"accessToken\": \"portal-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\", \"region\": \"eu-west-1\"}"));
        m_sso->addAccess("portal-token", QStringLiteral("123456789012"), QStringLiteral("ECRReadOnly"),
                         QStringLiteral("ASIASSO0000000000001"), QStringLiteral("sso/secret"), QStringLiteral("sso-token"));
        m_ecr->addCredentials(QStringLiteral("ASIASSO0000000000001"), QStringLiteral("sso/secret"), QStringLiteral("sso-token"));
        set(QStringLiteral("AWS_PROFILE"), QStringLiteral("dev"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIASSO0000000000001"), &why), qPrintable(why));
        QCOMPARE(m_sso->requestCount(), 1);
    }

    void identityCenterExpiredLogin()
    {
        QVERIFY(writeFile(home(QStringLiteral(".aws/config")),
                          "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ECRReadOnly\n"
                          "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"));
        QVERIFY(writeFile(home(QStringLiteral(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")),
                          "{\"accessToken\": \"portal-token\", \"expiresAt\": \"2021-01-01T00:00:00Z\"}"));
        set(QStringLiteral("AWS_PROFILE"), QStringLiteral("dev"));
        auto run = runExporter();
        QVERIFY(run->finished);
        QVERIFY(run->exitCode != 0);
        QVERIFY2(run->err.contains("expired at 2021-01-01T00:00:00Z; run `aws sso login --profile dev`"), run->err.constData());
        QCOMPARE(m_ecr->requestCount(), 0);
    }

    // EKS Pod Identity: FULL_URI + token file (the fake stands in for 169.254.170.23).
    void podIdentity()
    {
        m_container->setRequiredAuthorization("eks-pod-identity-token-value");
        m_container->setCredentials(QStringLiteral("ASIAPODIDENTITY00001"), QStringLiteral("pod/secret"), QStringLiteral("pod-token"),
                                    QDateTime::currentDateTimeUtc().addSecs(6 * 3600));
        m_ecr->addCredentials(QStringLiteral("ASIAPODIDENTITY00001"), QStringLiteral("pod/secret"), QStringLiteral("pod-token"));
        QVERIFY(writeFile(home(QStringLiteral("pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token")), "eks-pod-identity-token-value"));
        set(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), m_container->endpoint().toString() + QStringLiteral("/v1/credentials"));
        set(QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), home(QStringLiteral("pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token")));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAPODIDENTITY00001"), &why), qPrintable(why));
        QCOMPARE(m_container->requestCount(), 1);
    }

    void instanceMetadata()
    {
        useInstanceRole();
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAINSTANCE00000001"), &why), qPrintable(why));
        QCOMPARE(m_imds->getsWithoutToken(), 0);
        QVERIFY(m_imds->tokenRequests() >= 1);
    }

    // On EC2 with no region configured anywhere, the instance's region (IMDS
    // placement/region) is used: the fake ECR accepts only requests signed for that region.
    void regionFromInstanceMetadata()
    {
        const QString instanceRegion = QStringLiteral("ap-south-1");
        m_env.remove(QStringLiteral("AWS_REGION"));
        useInstanceRole();
        m_imds->setRegion(instanceRegion);
        m_ecr->setRegion(instanceRegion);
        m_sts->setRegion(instanceRegion);
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAINSTANCE00000001"), &why), qPrintable(why));
        QVERIFY2(run->err.contains("region ap-south-1 (from EC2 instance metadata)"), run->err.constData());
        // One token served the region lookup and the credentials (one shared IMDS client).
        QCOMPARE(m_imds->tokenRequests(), 1);
        QCOMPARE(m_imds->getsWithoutToken(), 0);
    }

    // No region anywhere and instance metadata without one (or switched off): the default
    // eu-west-1, said in the log, and nothing else changes.
    void regionDefaultWithoutInstanceMetadata_data()
    {
        QTest::addColumn<bool>("disabled");
        QTest::newRow("IMDS has no region") << false;
        QTest::newRow("AWS_EC2_METADATA_DISABLED") << true;
    }
    void regionDefaultWithoutInstanceMetadata()
    {
        QFETCH(bool, disabled);
        m_env.remove(QStringLiteral("AWS_REGION"));
        m_imds->setRegion(QString()); // placement/region answers 404
        set(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), m_imds->endpoint().toString());
        if (disabled)
            set(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
        useEnvironmentKeys();
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("AKIDENVIRONMENT00001"), &why), qPrintable(why));
        QVERIFY2(run->err.contains("region eu-west-1 (from default)"), run->err.constData());
        if (disabled) {
            QCOMPARE(m_imds->requestCount(), 0);
        } else {
            QVERIFY(m_imds->requestCount() >= 1);
            QVERIFY2(run->err.contains("EC2 instance metadata gave no region"), run->err.constData());
        }
    }

    // Everything configured at once: environment keys win; nothing else is even asked.
    void precedenceEnvironmentFirst()
    {
        useEnvironmentKeys();
        QVERIFY(writeFile(home(QStringLiteral("token")), "tok"));
        set(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("token")));
        set(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")), "[default]\naws_access_key_id = AKIDCREDFILE00000001\naws_secret_access_key = x\n"));
        set(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), m_container->endpoint().toString() + QStringLiteral("/v1/credentials"));
        set(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), m_imds->endpoint().toString());
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("AKIDENVIRONMENT00001"), &why), qPrintable(why));
        // No STS call for credentials; the only one is the start-up GetCallerIdentity, signed
        // with the environment's keys.
        for (const auto &call : m_sts->calls()) {
            QCOMPARE(call.action, QStringLiteral("GetCallerIdentity"));
            QCOMPARE(call.signingKeyId, QByteArray("AKIDENVIRONMENT00001"));
        }
        QCOMPARE(m_container->requestCount(), 0);
        QCOMPARE(m_imds->requestCount(), 0);
    }

    // Web identity beats the credentials file and the container endpoint (botocore order).
    void precedenceWebIdentityOverFileAndContainer()
    {
        QVERIFY(writeFile(home(QStringLiteral("token")), "tok"));
        m_sts->acceptWebIdentityToken("tok");
        m_sts->addRole(kRoleArn, {{QStringLiteral("ASIAIRSA000000000001"), QStringLiteral("irsa/secret"), QStringLiteral("irsa-token"), 3600}});
        m_ecr->addCredentials(QStringLiteral("ASIAIRSA000000000001"), QStringLiteral("irsa/secret"), QStringLiteral("irsa-token"));
        m_ecr->addCredentials(QStringLiteral("AKIDCREDFILE00000001"), QStringLiteral("x"));  // accepted too: the check is who signed
        set(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("token")));
        set(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        QVERIFY(writeFile(home(QStringLiteral(".aws/credentials")), "[default]\naws_access_key_id = AKIDCREDFILE00000001\naws_secret_access_key = x\n"));
        set(QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"), m_container->endpoint().toString() + QStringLiteral("/v1/credentials"));
        auto run = runExporter();
        VERIFY_RUN_OK(run);
        QString why;
        QVERIFY2(ecrSawOnly(QStringLiteral("ASIAIRSA000000000001"), &why), qPrintable(why));
        QCOMPARE(m_container->requestCount(), 0);
    }

    // A bare machine with IMDS refusing: one error naming every source, quickly.
    void nothingConfigured()
    {
        auto run = runExporter();
        QVERIFY(run->finished);
        QVERIFY(run->exitCode != 0);
        QVERIFY2(run->elapsedMs < 5000, qPrintable(QString::number(run->elapsedMs)));
        const QString err = QString::fromUtf8(run->err);
        for (const char *part : {"no AWS credentials found (environment: AWS_ACCESS_KEY_ID not set; ",
                                 "assume role: profile 'default' has no role_arn; ",
                                 "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set and profile 'default' has no web_identity_token_file; ",
                                 "IAM Identity Center (SSO): profile 'default' has no sso_account_id/sso_role_name; ",
                                 "credential_process: profile 'default' has no credential_process; ",
                                 "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set; ",
                                 "EC2 instance metadata: not reachable: Connection refused"}) {
            QVERIFY2(err.contains(QLatin1String(part)), qPrintable(QStringLiteral("missing '%1' in:\n%2").arg(QLatin1String(part), err)));
        }
        QCOMPARE(m_ecr->requestCount(), 0);
    }

    // A token file that cannot be read stops the chain with that reason (no silent fall-through
    // to the instance role).
    void brokenWebIdentityDoesNotFallThrough()
    {
        m_imds->setRole(QStringLiteral("instance"), QStringLiteral("ASIAINSTANCE00000001"), QStringLiteral("s"), QStringLiteral("t"),
                        QDateTime::currentDateTimeUtc().addSecs(3600));
        set(QStringLiteral("AWS_EC2_METADATA_SERVICE_ENDPOINT"), m_imds->endpoint().toString());
        set(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("var/run/secrets/token")));
        set(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        auto run = runExporter();
        QVERIFY(run->finished);
        QVERIFY(run->exitCode != 0);
        QVERIFY2(run->err.contains(QStringLiteral("web identity: token file %1 not readable").arg(home(QStringLiteral("var/run/secrets/token"))).toUtf8()),
                 run->err.constData());
        QCOMPARE(m_imds->requestCount(), 0);
        QCOMPARE(m_ecr->requestCount(), 0);
    }

    // STS over HTTPS behind HTTPS_PROXY, trusted through AWS_CA_BUNDLE only; the loopback ECR
    // and IMDS endpoints bypass the proxy.
    void proxyAndCaBundle_data()
    {
        QTest::addColumn<bool>("withBundle");
        QTest::newRow("with AWS_CA_BUNDLE") << true;
        QTest::newRow("without: the test CA is not trusted") << false;
    }
    void proxyAndCaBundle()
    {
        QFETCH(bool, withBundle);
        const QString dir = QStringLiteral(ECR_TEST_DATA_DIR "/tls/");
        QFile certFile(dir + QStringLiteral("server.pem")), keyFile(dir + QStringLiteral("server.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(QSslCertificate(certFile.readAll(), QSsl::Pem));
        tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem));
        FakeStsServer secureSts;
        QVERIFY(secureSts.listen(QHostAddress::LocalHost, 0, tls));
        secureSts.setRegion(kRegion);
        secureSts.setEndpointHost(QStringLiteral("sts.fake.test"));  // resolvable only through the proxy
        secureSts.acceptWebIdentityToken("tok");
        secureSts.addRole(kRoleArn, {{QStringLiteral("ASIAIRSA000000000001"), QStringLiteral("irsa/secret"), QStringLiteral("irsa-token"), 3600}});
        m_ecr->addCredentials(QStringLiteral("ASIAIRSA000000000001"), QStringLiteral("irsa/secret"), QStringLiteral("irsa-token"));
        ConnectProxy proxy;
        QVERIFY(proxy.listen());

        QVERIFY(writeFile(home(QStringLiteral("token")), "tok"));
        set(QStringLiteral("AWS_WEB_IDENTITY_TOKEN_FILE"), home(QStringLiteral("token")));
        set(QStringLiteral("AWS_ROLE_ARN"), kRoleArn);
        set(QStringLiteral("AWS_ENDPOINT_URL_STS"), secureSts.endpoint().toString());
        const QString proxyUrl = QStringLiteral("http://127.0.0.1:%1").arg(proxy.port());
        set(QStringLiteral("HTTPS_PROXY"), proxyUrl);
        set(QStringLiteral("HTTP_PROXY"), proxyUrl);
        if (withBundle)
            set(QStringLiteral("AWS_CA_BUNDLE"), dir + QStringLiteral("ca.pem"));
        auto run = runExporter();
        QVERIFY(run->finished);
        // Only STS went through the proxy (once, or once per attempt when TLS fails); the
        // loopback ECR and IMDS endpoints went direct.
        QVERIFY(!proxy.connects().isEmpty());
        for (const QString &target : proxy.connects())
            QCOMPARE(target, QStringLiteral("sts.fake.test:%1").arg(secureSts.port()));
        QCOMPARE(proxy.plainRequests(), QStringList());
        if (withBundle) {
            VERIFY_RUN_OK(run);
            QString why;
            QVERIFY2(ecrSawOnly(QStringLiteral("ASIAIRSA000000000001"), &why), qPrintable(why));
            QCOMPARE(secureSts.callCount(QStringLiteral("AssumeRoleWithWebIdentity")), 1);
            QCOMPARE(proxy.connects().size(), 1);
        } else {
            QVERIFY(run->exitCode != 0);
            QCOMPARE(secureSts.calls().size(), 0);
            QVERIFY2(run->err.contains("web identity: STS AssumeRoleWithWebIdentity for"), run->err.constData());
            QCOMPARE(m_ecr->requestCount(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestCredsExporter)
#include "tst_credsexporter.moc"
