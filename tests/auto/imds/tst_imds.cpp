// IMDS: expected behaviour from aws-for-ecr-exporter.md §c.6 and botocore's IMDSFetcher
// (token PUT with the TTL header; 403/404/405 or no answer -> IMDSv1 unless
// AWS_EC2_METADATA_V1_DISABLED; 400 -> error), the fake IMDS's ground truth (what it
// issued and counted), and the 3-second budget for a dead IMDS.

#include "aws/awssharedconfig.h"
#include "aws/defaultcredentialchain.h"
#include "aws/imdsclient.h"
#include "aws/imdscredentialsource.h"
#include "fakeimdsserver.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

Q_DECLARE_METATYPE(QProcessEnvironment)

namespace {

using TestSupport::closedPort;

QProcessEnvironment envWith(std::initializer_list<std::pair<QString, QString>> vars)
{
    QProcessEnvironment env;
    for (const auto &[k, v] : vars)
        env.insert(k, v);
    return env;
}

struct Got {
    bool done = false;
    ImdsClient::Reply reply;
    QString region;
    AwsError error;
};

struct SourceGot {
    bool done = false;
    CredentialSource::Result result;
};

} // namespace

class TestImds : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeImdsServer> m_imds;
    QDateTime m_expiry;

    ImdsClient::Options options() const
    {
        ImdsClient::Options o;
        o.endpoint = m_imds->endpoint();
        o.timeoutMs = 1000;
        return o;
    }
    std::shared_ptr<Got> get(ImdsClient &client, const QString &path)
    {
        auto got = std::make_shared<Got>();
        client.get(path, nullptr, [got](const ImdsClient::Reply &r, const AwsError &e) {
            got->done = true;
            got->reply = r;
            got->error = e;
        });
        return got;
    }
    std::shared_ptr<SourceGot> fetch(CredentialSource &source)
    {
        auto got = std::make_shared<SourceGot>();
        source.fetch([got](const CredentialSource::Result &r) {
            got->done = true;
            got->result = r;
        });
        return got;
    }

private slots:
    void init()
    {
        m_imds = std::make_unique<FakeImdsServer>();
        QVERIFY(m_imds->listen());
        m_expiry = QDateTime::currentDateTimeUtc().addSecs(6 * 3600).toUTC();
        m_expiry = m_expiry.addMSecs(-m_expiry.time().msec());
        m_imds->setRole(QStringLiteral("ecr-exporter-role"), QStringLiteral("ASIAIMDSKEY000000001"),
                        QStringLiteral("imds/secret"), QStringLiteral("imds-session-token"), m_expiry);
        m_imds->setRegion(QStringLiteral("ap-southeast-2"));
    }
    void cleanup() { m_imds.reset(); }

    void optionsFromEnvironment_data()
    {
        QTest::addColumn<QProcessEnvironment>("env");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<int>("timeoutMs");
        QTest::addColumn<int>("attempts");
        QTest::addColumn<bool>("disabled");
        QTest::addColumn<bool>("v1Disabled");
        QTest::addColumn<QString>("error");
        QTest::newRow("defaults") << envWith({}) << "http://169.254.169.254/" << 1000 << 1 << false << false << QString();
        QTest::newRow("disabled") << envWith({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}) << "http://169.254.169.254/" << 1000 << 1 << true << false << QString();
        QTest::newRow("not disabled by other words") << envWith({{"AWS_EC2_METADATA_DISABLED", "1"}}) << "http://169.254.169.254/" << 1000 << 1 << false << false << QString();
        QTest::newRow("v1 disabled") << envWith({{"AWS_EC2_METADATA_V1_DISABLED", "true"}}) << "http://169.254.169.254/" << 1000 << 1 << false << true << QString();
        QTest::newRow("endpoint override") << envWith({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8111"}}) << "http://127.0.0.1:8111" << 1000 << 1 << false << false << QString();
        QTest::newRow("IPv6 mode") << envWith({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}) << "http://[fd00:ec2::254]/" << 1000 << 1 << false << false << QString();
        QTest::newRow("endpoint beats mode") << envWith({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://10.0.0.1"}}) << "http://10.0.0.1" << 1000 << 1 << false << false << QString();
        QTest::newRow("timeout and attempts") << envWith({{"AWS_METADATA_SERVICE_TIMEOUT", "2"}, {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3"}}) << "http://169.254.169.254/" << 2000 << 3 << false << false << QString();
        QTest::newRow("bad timeout") << envWith({{"AWS_METADATA_SERVICE_TIMEOUT", "soon"}}) << "http://169.254.169.254/" << 1000 << 1 << false << false
                                     << "AWS_METADATA_SERVICE_TIMEOUT 'soon' is not a number of seconds (0-300]; use e.g. 1 or unset it";
        QTest::newRow("bad mode") << envWith({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv5"}}) << "http://169.254.169.254/" << 1000 << 1 << false << false
                                  << "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE 'ipv5' must be IPv4 or IPv6";
    }
    void optionsFromEnvironment()
    {
        QFETCH(QProcessEnvironment, env);
        QFETCH(QString, endpoint);
        QFETCH(int, timeoutMs);
        QFETCH(int, attempts);
        QFETCH(bool, disabled);
        QFETCH(bool, v1Disabled);
        QFETCH(QString, error);
        AwsError e;
        const ImdsClient::Options o = ImdsClient::optionsFrom(env, nullptr, &e);
        QCOMPARE(e.message, error);
        QCOMPARE(o.endpoint.toString(), endpoint);
        QCOMPARE(o.timeoutMs, timeoutMs);
        QCOMPARE(o.attempts, attempts);
        QCOMPARE(o.disabled, disabled);
        QCOMPARE(o.v1Disabled, v1Disabled);
    }

    void profileSettings()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QDir().mkpath(home.filePath(QStringLiteral(".aws")));
        QFile f(home.filePath(QStringLiteral(".aws/config")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[default]\nec2_metadata_service_endpoint = http://127.0.0.1:9999\nec2_metadata_v1_disabled = true\n");
        f.close();
        const auto env = envWith({{"HOME", home.path()}});
        AwsError error;
        const AwsSharedConfig config = AwsSharedConfig::load(env, {}, &error);
        QVERIFY(!error);
        const ImdsClient::Options o = ImdsClient::optionsFrom(env, &config, &error);
        QVERIFY(!error);
        QCOMPARE(o.endpoint.toString(), QStringLiteral("http://127.0.0.1:9999"));
        QVERIFY(o.v1Disabled);
        QVERIFY(o.endpointSource.contains(QLatin1String("ec2_metadata_service_endpoint")));
    }

    // IMDSv2: one token, sent with every GET; a v1 GET would be refused (401) here.
    void tokenIsRequestedOnceAndSent()
    {
        m_imds->setRequireToken(true);
        ImdsClient client(options());
        auto a = get(client, QStringLiteral("latest/meta-data/placement/region"));
        auto b = get(client, QStringLiteral("latest/meta-data/iam/security-credentials/"));
        QTRY_VERIFY(a->done && b->done);
        QVERIFY2(!a->error, qPrintable(a->error.toString()));
        QVERIFY2(!b->error, qPrintable(b->error.toString()));
        QCOMPARE(a->reply.body, QByteArray("ap-southeast-2"));
        QCOMPARE(b->reply.body, QByteArray("ecr-exporter-role"));
        QVERIFY(a->reply.usedToken);
        QCOMPARE(m_imds->tokenRequests(), 1);
        QCOMPARE(m_imds->getsWithToken(), 2);
        QCOMPARE(m_imds->getsWithoutToken(), 0);
        // The TTL header went out: the fake answers 400 without it.
        const auto requests = m_imds->requests();
        QCOMPARE(requests.at(0).method, QByteArray("PUT"));
        QCOMPARE(requests.at(0).header("x-aws-ec2-metadata-token-ttl-seconds"), QByteArray("21600"));
        // Cached: a later GET needs no new token.
        auto c = get(client, QStringLiteral("latest/meta-data/placement/region"));
        QTRY_VERIFY(c->done);
        QCOMPARE(m_imds->tokenRequests(), 1);
    }

    void tokenFallback_data()
    {
        QTest::addColumn<int>("tokenStatus");
        QTest::addColumn<bool>("v1Disabled");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("v1Gets");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("403 -> v1") << 403 << false << true << 1 << QString();
        QTest::newRow("404 -> v1") << 404 << false << true << 1 << QString();
        QTest::newRow("405 -> v1") << 405 << false << true << 1 << QString();
        QTest::newRow("403, v1 disabled") << 403 << true << false << 0
                                          << "the IMDSv2 token request failed (HTTP 403) and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED)";
        QTest::newRow("400 is an error") << 400 << false << false << 0 << "rejected the IMDSv2 token request (HTTP 400)";
    }
    void tokenFallback()
    {
        QFETCH(int, tokenStatus);
        QFETCH(bool, v1Disabled);
        QFETCH(bool, ok);
        QFETCH(int, v1Gets);
        QFETCH(QString, messagePart);
        m_imds->setTokenStatus(tokenStatus);
        ImdsClient::Options o = options();
        o.v1Disabled = v1Disabled;
        ImdsClient client(o);
        auto got = get(client, QStringLiteral("latest/meta-data/placement/region"));
        QTRY_VERIFY(got->done);
        QCOMPARE(!got->error, ok);
        if (ok) {
            QCOMPARE(got->reply.body, QByteArray("ap-southeast-2"));
            QVERIFY(!got->reply.usedToken);
        } else {
            QVERIFY2(got->error.message.contains(messagePart), qPrintable(got->error.message));
        }
        QCOMPARE(m_imds->getsWithoutToken(), v1Gets);
        QCOMPARE(m_imds->getsWithToken(), 0);
    }

    // IMDS restarted (tokens forgotten): the 401 costs one new token and one more GET.
    void expiredTokenIsRenewed()
    {
        m_imds->setRequireToken(true);
        ImdsClient client(options());
        auto first = get(client, QStringLiteral("latest/meta-data/placement/region"));
        QTRY_VERIFY(first->done);
        QVERIFY(!first->error);
        m_imds->invalidateTokens();
        auto second = get(client, QStringLiteral("latest/meta-data/placement/region"));
        QTRY_VERIFY(second->done);
        QVERIFY2(!second->error, qPrintable(second->error.toString()));
        QCOMPARE(m_imds->tokenRequests(), 2);
        QCOMPARE(m_imds->getsWithToken(), 3);
    }

    void region()
    {
        ImdsClient client(options());
        auto got = std::make_shared<Got>();
        client.fetchRegion(nullptr, [got](const QString &r, const AwsError &e) {
            got->done = true;
            got->region = r;
            got->error = e;
        });
        QTRY_VERIFY(got->done);
        QVERIFY(!got->error);
        QCOMPARE(got->region, QStringLiteral("ap-southeast-2"));

        m_imds->setRegion(QStringLiteral("Not A Region"));
        auto bad = std::make_shared<Got>();
        client.fetchRegion(nullptr, [bad](const QString &r, const AwsError &e) {
            bad->done = true;
            bad->region = r;
            bad->error = e;
        });
        QTRY_VERIFY(bad->done);
        QCOMPARE(bad->error.kind, AwsError::Kind::Parse);
        QCOMPARE(bad->error.message, QStringLiteral("EC2 instance metadata placement/region 'Not A Region' is not a region name"));
    }

    void roleCredentials()
    {
        m_imds->setRequireToken(true);
        ImdsClient client(options());
        ImdsCredentialSource source(&client);
        auto got = fetch(source);
        QTRY_VERIFY(got->done);
        QCOMPARE(got->result.status, CredentialSource::Result::Status::Found);
        const AwsCredentials c = got->result.credentials;
        QCOMPARE(c.accessKeyId, QStringLiteral("ASIAIMDSKEY000000001"));
        QCOMPARE(c.secretAccessKey, QStringLiteral("imds/secret"));
        QCOMPARE(c.sessionToken, QStringLiteral("imds-session-token"));
        QCOMPARE(c.expiration, m_expiry);
        QCOMPARE(c.source, QStringLiteral("ec2-instance-metadata (role ecr-exporter-role)"));
        QCOMPARE(m_imds->credentialRequests(), 1);
    }

    void noRoleOrErrorCodeIsNotFound()
    {
        ImdsClient client(options());
        m_imds->setRole(QString(), {}, {}, {}, {});
        ImdsCredentialSource source(&client);
        auto none = fetch(source);
        QTRY_VERIFY(none->done);
        QCOMPARE(none->result.status, CredentialSource::Result::Status::NotFound);
        QCOMPARE(none->result.reason, QStringLiteral("no IAM role is attached to this instance (%1 answered HTTP 404)")
                                          .arg(m_imds->endpoint().toString()));

        m_imds->setRole(QStringLiteral("r"), QStringLiteral("K"), QStringLiteral("S"), QStringLiteral("T"), m_expiry);
        m_imds->setCredentialsCode(QStringLiteral("AssumeRoleUnauthorizedAccess"));
        auto code = fetch(source);
        QTRY_VERIFY(code->done);
        QCOMPARE(code->result.status, CredentialSource::Result::Status::NotFound);
        QCOMPARE(code->result.reason, QStringLiteral("role r: instance metadata reports Code AssumeRoleUnauthorizedAccess "
                                                     "(The instance profile could not be loaded)"));
    }

    // Static stability: during an outage the last keys stay, their expiry pushed out by the
    // 15 min window + 2..10 min, with a warning.
    void outageKeepsLastCredentials()
    {
        ImdsClient::Options o = options();
        o.unreachableMemoryMs = 0;
        ImdsClient client(o);
        ImdsCredentialSource source(&client);
        source.setRandom([] { return 0.5; });  // jitter 2 + 4 = 6 min
        auto first = fetch(source);
        QTRY_VERIFY(first->done);
        QCOMPARE(first->result.status, CredentialSource::Result::Status::Found);

        // The keys are about to expire and IMDS fails.
        const QDateTime later = m_expiry.addSecs(-60);
        source.setClock([later] { return later; });
        m_imds->setOutage(FakeImdsServer::Outage::ServerError);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
            "instance metadata is not answering .*; keeping the current credentials of ec2-instance-metadata \\(role ecr-exporter-role\\) "
            "and trying again in about 6 min")));
        auto during = fetch(source);
        QTRY_VERIFY(during->done);
        QCOMPARE(during->result.status, CredentialSource::Result::Status::Found);
        QCOMPARE(during->result.credentials.accessKeyId, QStringLiteral("ASIAIMDSKEY000000001"));
        QCOMPARE(during->result.credentials.expiration, later.addSecs(15 * 60 + 6 * 60));

        // A source that never had keys has nothing to keep.
        ImdsCredentialSource fresh(&client);
        auto nothing = fetch(fresh);
        QTRY_VERIFY(nothing->done);
        QCOMPARE(nothing->result.status, CredentialSource::Result::Status::NotFound);
        QVERIFY2(nothing->result.reason.contains(QLatin1String("HTTP 500")), qPrintable(nothing->result.reason));
    }

    // IMDS itself hands out keys that expire in 5 minutes (it does during outages): use them.
    void staleCredentialsFromImdsAreExtended()
    {
        const QDateTime soon = QDateTime::currentDateTimeUtc().addSecs(5 * 60);
        m_imds->setRole(QStringLiteral("r"), QStringLiteral("ASIASTALE"), QStringLiteral("S"), QStringLiteral("T"), soon);
        ImdsClient client(options());
        ImdsCredentialSource source(&client);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        source.setClock([now] { return now; });
        source.setRandom([] { return 0.0; });  // 2 min
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("instance metadata returned credentials that expire at")));
        auto got = fetch(source);
        QTRY_VERIFY(got->done);
        QCOMPARE(got->result.status, CredentialSource::Result::Status::Found);
        QCOMPARE(got->result.credentials.expiration, now.addSecs(17 * 60));
    }

    // The budget: with IMDS refusing or black-holing, the default chain (nothing
    // else configured) gives up within 3 s and says why for every source.
    void deadImdsEndsChainQuickly_data()
    {
        QTest::addColumn<bool>("blackHole");
        QTest::addColumn<bool>("v1Disabled");
        QTest::newRow("refused") << false << false;
        QTest::newRow("black hole") << true << false;
        QTest::newRow("black hole, v1 disabled") << true << true;
    }
    void deadImdsEndsChainQuickly()
    {
        QFETCH(bool, blackHole);
        QFETCH(bool, v1Disabled);
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QString endpoint;
        if (blackHole) {
            m_imds->setOutage(FakeImdsServer::Outage::Hang);
            endpoint = m_imds->endpoint().toString();
        } else {
            endpoint = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());
        }
        auto env = envWith({{"HOME", home.path()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint}, {"AWS_REGION", "eu-west-1"}});
        if (v1Disabled)
            env.insert(QStringLiteral("AWS_EC2_METADATA_V1_DISABLED"), QStringLiteral("true"));
        AwsError error;
        const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
        QVERIFY(!error);
        DefaultCredentialChain chain(env, shared);
        QElapsedTimer clock;
        clock.start();
        bool done = false;
        AwsError result;
        chain.credentials(this, [&](const AwsCredentials &, const AwsError &e) {
            done = true;
            result = e;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(elapsed < 3000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
        QCOMPARE(result.kind, AwsError::Kind::Credentials);
        QVERIFY2(result.message.startsWith(QLatin1String("no AWS credentials found (environment: AWS_ACCESS_KEY_ID not set; ")),
                 qPrintable(result.message));
        QVERIFY2(result.message.contains(QStringLiteral("; EC2 instance metadata: ")), qPrintable(result.message));
        if (blackHole)
            QVERIFY2(result.message.contains(QLatin1String("within 1000 ms")), qPrintable(result.message));
        if (v1Disabled)
            QCOMPARE(m_imds->requestCount(), 1);  // the token PUT only
        else if (blackHole)
            QCOMPARE(m_imds->requestCount(), 2);  // PUT, then the IMDSv1 GET
    }

    // Region lookup and the chain at start-up share one ImdsClient: the second does not wait
    // for the dead endpoint again.
    void unreachableIsRemembered()
    {
        m_imds->setOutage(FakeImdsServer::Outage::Hang);
        ImdsClient::Options o = options();
        o.v1Disabled = true;
        o.timeoutMs = 300;
        ImdsClient client(o);
        auto first = get(client, QStringLiteral("latest/meta-data/placement/region"));
        QTRY_VERIFY(first->done);
        QCOMPARE(first->error.kind, AwsError::Kind::Timeout);
        QElapsedTimer clock;
        clock.start();
        auto second = get(client, QStringLiteral("latest/meta-data/iam/security-credentials/"));
        QTRY_VERIFY(second->done);
        QVERIFY(clock.elapsed() < 200);
        QCOMPARE(second->error.kind, AwsError::Kind::Timeout);
        QVERIFY2(second->error.message.contains(QLatin1String("was not reachable moments ago")), qPrintable(second->error.message));
        QCOMPARE(m_imds->requestCount(), 1);
    }

    void disabledMakesNoRequest()
    {
        ImdsClient::Options o = options();
        o.disabled = true;
        ImdsClient client(o);
        ImdsCredentialSource source(&client);
        auto got = fetch(source);
        QVERIFY(got->done);
        QCOMPARE(got->result.reason, QStringLiteral("disabled by AWS_EC2_METADATA_DISABLED=true"));
        QCOMPARE(m_imds->requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestImds)
#include "tst_imds.moc"
