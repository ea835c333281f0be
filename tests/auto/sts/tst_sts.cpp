// StsClient: the query-protocol form body (expected strings produced by botocore 1.29's
// query serializer + percent_encode_sequence), the XML replies (the AWS STS API reference's
// example documents, values read by hand), and the three calls against FakeStsServer, which
// verifies SigV4 (service "sts") with the independent SigV4Verifier.

#include "aws/awshttpclient.h"
#include "aws/staticcredentialprovider.h"
#include "aws/stsclient.h"
#include "fakestsserver.h"

#include <QNetworkAccessManager>
#include <QtTest>

#include <memory>

using FormParams = QList<QPair<QString, QString>>;

namespace {

struct Outcome {
    bool done = false;
    StsClient::AssumedRole role;
    StsClient::CallerIdentity identity;
    AwsError error;
};

AwsCredentials callerKeys()
{
    AwsCredentials c;
    c.accessKeyId = QStringLiteral("AKIDSTSCALLER0000001");
    c.secretAccessKey = QStringLiteral("caller/secret/key");
    c.source = QStringLiteral("test");
    return c;
}

AwsHttpClient::Options fast()
{
    AwsHttpClient::Options o;
    o.retryBaseDelayMs = 5;
    o.retryMaxDelayMs = 20;
    o.connectTimeoutMs = 2000;
    o.requestTimeoutMs = 3000;
    return o;
}

// AWS STS API reference, AssumeRole example response (trimmed of PackedPolicySize).
const QByteArray kAssumeRoleExample =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "<AssumeRoleResult>\n"
    "<SourceIdentity>DevUser123</SourceIdentity>\n"
    "<AssumedRoleUser>\n"
    "  <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>\n"
    "  <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>\n"
    "</AssumedRoleUser>\n"
    "<Credentials>\n"
    "  <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
    "  <SessionToken>\n"
    "   AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW\n"
    "  </SessionToken>\n"
    "  <Expiration>2019-07-15T23:28:33.359Z</Expiration>\n"
    "</Credentials>\n"
    "</AssumeRoleResult>\n"
    "<ResponseMetadata>\n"
    "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
    "</ResponseMetadata>\n"
    "</AssumeRoleResponse>\n";

// AWS STS API reference, AssumeRoleWithWebIdentity example response.
const QByteArray kWebIdentityExample =
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleWithWebIdentityResult>\n"
    "    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>\n"
    "    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>\n"
    "      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>\n"
    "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
    "      <Expiration>2014-10-24T23:00:23Z</Expiration>\n"
    "      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "    </Credentials>\n"
    "    <SourceIdentity>SourceIdentityValue</SourceIdentity>\n"
    "    <Provider>www.amazon.com</Provider>\n"
    "  </AssumeRoleWithWebIdentityResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</AssumeRoleWithWebIdentityResponse>\n";

// AWS STS API reference, GetCallerIdentity example (IAM user).
const QByteArray kCallerIdentityExample =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <GetCallerIdentityResult>\n"
    "  <Arn>arn:aws:iam::123456789012:user/Alice</Arn>\n"
    "    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>\n"
    "    <Account>123456789012</Account>\n"
    "  </GetCallerIdentityResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</GetCallerIdentityResponse>\n";

} // namespace

class TestSts : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_sts = std::make_unique<FakeStsServer>();
        QVERIFY(m_sts->listen());
        m_sts->setRegion(QStringLiteral("eu-west-1"));
        m_sts->addCaller(callerKeys().accessKeyId, callerKeys().secretAccessKey, QString(),
                         QStringLiteral("arn:aws:iam::111122223333:user/exporter"));
        m_sts->addRole(QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader"),
                       {{QStringLiteral("ASIAROLEKEY000000001"), QStringLiteral("role/secret/1"), QStringLiteral("role-token-1"), 3600}});
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_creds = std::make_unique<StaticCredentialProvider>(callerKeys());
        m_http = std::make_unique<AwsHttpClient>(m_nam.get(), m_creds.get(), fast());
        m_client = std::make_unique<StsClient>(m_http.get(), QStringLiteral("eu-west-1"), m_sts->endpoint());
    }
    void cleanup()
    {
        m_client.reset();
        m_http.reset();
        m_creds.reset();
        m_nam.reset();
        m_sts.reset();
    }

    void formBody_data()
    {
        QTest::addColumn<FormParams>("params");
        QTest::addColumn<QByteArray>("expected");
        using P = FormParams;
        // botocore.utils.percent_encode_sequence over the query serializer's output.
        QTest::newRow("web identity, reserved characters")
            << P{{"Action", "AssumeRoleWithWebIdentity"}, {"Version", "2011-06-15"},
                 {"RoleArn", "arn:aws:iam::111122223333:role/ecr reader+x"}, {"RoleSessionName", "sess@a=b,c.d"},
                 {"WebIdentityToken", "eyJ.a/b+c=~_-"}}
            << QByteArray("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fecr%20reader%2Bx"
                          "&RoleSessionName=sess%40a%3Db%2Cc.d&WebIdentityToken=eyJ.a%2Fb%2Bc%3D~_-");
        QTest::newRow("assume role, UTF-8")
            << P{{"Action", "AssumeRole"}, {"Version", "2011-06-15"}, {"RoleArn", "arn:aws:iam::111122223333:role/ops"},
                 {"RoleSessionName", "botocore-session-1767225600"}, {"DurationSeconds", "900"}, {"ExternalId", QString::fromUtf8("ext ünï")}}
            << QByteArray("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fops"
                          "&RoleSessionName=botocore-session-1767225600&DurationSeconds=900&ExternalId=ext%20%C3%BCn%C3%AF");
    }
    void formBody()
    {
        QFETCH(FormParams, params);
        QFETCH(QByteArray, expected);
        QCOMPARE(StsClient::formBody(params), expected);
    }

    void parseExamples()
    {
        AwsError error;
        const StsClient::AssumedRole role = StsClient::parseAssumedRole(kAssumeRoleExample, QStringLiteral("AssumeRole"), &error);
        QVERIFY2(!error, qPrintable(error.toString()));
        QCOMPARE(role.credentials.accessKeyId, QStringLiteral("ASIAIOSFODNN7EXAMPLE"));
        QCOMPARE(role.credentials.secretAccessKey, QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"));
        QCOMPARE(role.credentials.sessionToken, QStringLiteral("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW"));
        QCOMPARE(role.credentials.expiration, QDateTime(QDate(2019, 7, 15), QTime(23, 28, 33, 359), Qt::UTC));
        QCOMPARE(role.assumedRoleArn, QStringLiteral("arn:aws:sts::123456789012:assumed-role/demo/John"));
        QCOMPARE(role.requestId, QStringLiteral("c6104cbe-af31-11e0-8154-cbc7ccf896c7"));

        const StsClient::AssumedRole web = StsClient::parseAssumedRole(kWebIdentityExample, QStringLiteral("AssumeRoleWithWebIdentity"), &error);
        QVERIFY2(!error, qPrintable(error.toString()));
        QCOMPARE(web.credentials.accessKeyId, QStringLiteral("ASgeIAIOSFODNN7EXAMPLE"));
        QCOMPARE(web.credentials.sessionToken, QStringLiteral("AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"));
        QCOMPARE(web.credentials.expiration, QDateTime(QDate(2014, 10, 24), QTime(23, 0, 23), Qt::UTC));
        QCOMPARE(web.assumedRoleArn, QStringLiteral("arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1"));

        const StsClient::CallerIdentity id = StsClient::parseCallerIdentity(kCallerIdentityExample, &error);
        QVERIFY2(!error, qPrintable(error.toString()));
        QCOMPARE(id.account, QStringLiteral("123456789012"));
        QCOMPARE(id.arn, QStringLiteral("arn:aws:iam::123456789012:user/Alice"));
        QCOMPARE(id.userId, QStringLiteral("AIDACKCEVSQ6C2EXAMPLE"));
    }

    void parseFailures_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("not XML") << QByteArray("<html><body>proxy error") << "is not well-formed XML";
        QTest::newRow("empty") << QByteArray() << "is not well-formed XML";
        QTest::newRow("wrong operation") << kWebIdentityExample << "has root element <AssumeRoleWithWebIdentityResponse>, expected <AssumeRoleResponse>";
        QByteArray noToken = kAssumeRoleExample;
        noToken.replace(noToken.indexOf("<SessionToken>"), noToken.indexOf("</SessionToken>") + 15 - noToken.indexOf("<SessionToken>"), "");
        QTest::newRow("no session token") << noToken << "has no Credentials/SessionToken";
        QByteArray badTime = kAssumeRoleExample;
        badTime.replace("2019-07-15T23:28:33.359Z", "tomorrow");
        QTest::newRow("bad expiration") << badTime << "has an Expiration that is not an ISO 8601 time";
    }
    void parseFailures()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, messagePart);
        AwsError error;
        const StsClient::AssumedRole role = StsClient::parseAssumedRole(xml, QStringLiteral("AssumeRole"), &error);
        QCOMPARE(error.kind, AwsError::Kind::Parse);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
        QVERIFY(!role.credentials.isValid());
        QVERIFY(!error.message.contains(QLatin1String("wJalrXUtnFEMI")));  // never echo a secret
    }

    void sessionNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("botocore default") << StsClient::defaultSessionName(QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC)) << true;
        QTest::newRow("all allowed punctuation") << "a_b+c=d,e.f@g-h" << true;
        QTest::newRow("one char") << "a" << false;
        QTest::newRow("65 chars") << QString(65, QLatin1Char('x')) << false;
        QTest::newRow("64 chars") << QString(64, QLatin1Char('x')) << true;
        QTest::newRow("space") << "a b" << false;
        QTest::newRow("slash") << "a/b" << false;
    }
    void sessionNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(StsClient::isValidSessionName(name), valid);
        QCOMPARE(StsClient::defaultSessionName(QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC)),
                 QStringLiteral("botocore-session-1767225600"));
    }

    void assumeRoleIsSigned()
    {
        auto out = std::make_shared<Outcome>();
        StsClient::AssumeRoleInput in;
        in.roleArn = QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader");
        in.roleSessionName = QStringLiteral("exporter-test");
        in.externalId = QStringLiteral("ext-1");
        in.durationSeconds = 900;
        m_client->assumeRole(in, nullptr, [out](const StsClient::AssumedRole &r, const AwsError &e) {
            out->done = true;
            out->role = r;
            out->error = e;
        });
        QTRY_VERIFY(out->done);
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        QCOMPARE(out->role.credentials.accessKeyId, QStringLiteral("ASIAROLEKEY000000001"));
        QCOMPARE(out->role.credentials.secretAccessKey, QStringLiteral("role/secret/1"));
        QCOMPARE(out->role.credentials.sessionToken, QStringLiteral("role-token-1"));
        // DurationSeconds 900 honoured by the fake: expiry ~15 min from now.
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(out->role.credentials.expiration);
        QVERIFY2(left > 880 && left <= 900, qPrintable(QString::number(left)));
        QCOMPARE(out->role.assumedRoleArn, QStringLiteral("arn:aws:sts::111122223333:assumed-role/ecr-reader/exporter-test"));

        const auto calls = m_sts->calls();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.at(0).action, QStringLiteral("AssumeRole"));
        QCOMPARE(calls.at(0).signingKeyId, QByteArray("AKIDSTSCALLER0000001"));
        QCOMPARE(calls.at(0).externalId, QStringLiteral("ext-1"));
        QCOMPARE(calls.at(0).durationSeconds, 900);
        QCOMPARE(calls.at(0).contentType, QByteArray("application/x-www-form-urlencoded; charset=utf-8"));
        QCOMPARE(calls.at(0).status, 200);
    }

    void assumeRoleWrongKeyIsRefused()
    {
        AwsCredentials wrong = callerKeys();
        wrong.secretAccessKey = QStringLiteral("not-the-secret");
        StaticCredentialProvider creds(wrong);
        AwsHttpClient http(m_nam.get(), &creds, fast());
        StsClient client(&http, QStringLiteral("eu-west-1"), m_sts->endpoint());
        auto out = std::make_shared<Outcome>();
        StsClient::AssumeRoleInput in;
        in.roleArn = QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader");
        in.roleSessionName = QStringLiteral("exporter-test");
        client.assumeRole(in, nullptr, [out](const StsClient::AssumedRole &, const AwsError &e) {
            out->done = true;
            out->error = e;
        });
        QTRY_VERIFY(out->done);
        QCOMPARE(out->error.kind, AwsError::Kind::Service);
        QCOMPARE(out->error.code, QStringLiteral("SignatureDoesNotMatch"));
        QCOMPARE(out->error.httpStatus, 403);
        QVERIFY(!out->error.requestId.isEmpty());
    }

    void webIdentityIsUnsigned()
    {
        m_sts->acceptWebIdentityToken("eyJhbGciOiJSUzI1NiJ9.test-token");
        // No credential provider at all: the call must not need one.
        AwsHttpClient http(m_nam.get(), nullptr, fast());
        StsClient client(&http, QStringLiteral("eu-west-1"), m_sts->endpoint());
        auto out = std::make_shared<Outcome>();
        StsClient::WebIdentityInput in;
        in.roleArn = QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader");
        in.roleSessionName = QStringLiteral("irsa");
        in.webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.test-token";
        client.assumeRoleWithWebIdentity(in, nullptr, [out](const StsClient::AssumedRole &r, const AwsError &e) {
            out->done = true;
            out->role = r;
            out->error = e;
        });
        QTRY_VERIFY(out->done);
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        QCOMPARE(out->role.credentials.accessKeyId, QStringLiteral("ASIAROLEKEY000000001"));
        const auto calls = m_sts->calls();
        QCOMPARE(calls.size(), 1);
        QVERIFY(!calls.at(0).hadAuthorization);
        QCOMPARE(calls.at(0).webIdentityToken, QByteArray("eyJhbGciOiJSUzI1NiJ9.test-token"));
        QCOMPARE(calls.at(0).roleSessionName, QStringLiteral("irsa"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("injected");
        QTest::addColumn<int>("expectedCalls");
        QTest::addColumn<AwsError::Kind>("kind");
        using K = AwsError::Kind;
        QTest::newRow("InvalidIdentityToken") << "AssumeRoleWithWebIdentity" << 400 << "InvalidIdentityToken" << 1 << 1 << K::Service;
        QTest::newRow("ExpiredTokenException") << "AssumeRoleWithWebIdentity" << 400 << "ExpiredTokenException" << 1 << 1 << K::Service;
        QTest::newRow("IDPRejectedClaim") << "AssumeRoleWithWebIdentity" << 403 << "IDPRejectedClaim" << 1 << 1 << K::Service;
        // Retryable for STS (botocore _retry.json): the second attempt succeeds.
        QTest::newRow("IDPCommunicationError retried") << "AssumeRoleWithWebIdentity" << 400 << "IDPCommunicationError" << 1 << 2 << K::None;
        QTest::newRow("throttled, retried") << "AssumeRoleWithWebIdentity" << 400 << "Throttling" << 1 << 2 << K::None;
        QTest::newRow("throttled always") << "AssumeRoleWithWebIdentity" << 400 << "Throttling" << 5 << 3 << K::Throttling;
        QTest::newRow("RegionDisabledException") << "AssumeRoleWithWebIdentity" << 403 << "RegionDisabledException" << 1 << 1 << K::Service;
    }
    void errors()
    {
        QFETCH(QString, action);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(int, injected);
        QFETCH(int, expectedCalls);
        QFETCH(AwsError::Kind, kind);
        m_sts->acceptWebIdentityToken("tok");
        m_sts->injectError(action, status, code, QStringLiteral("injected %1").arg(code), injected);
        auto out = std::make_shared<Outcome>();
        StsClient::WebIdentityInput in;
        in.roleArn = QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader");
        in.roleSessionName = QStringLiteral("irsa");
        in.webIdentityToken = "tok";
        m_client->assumeRoleWithWebIdentity(in, nullptr, [out](const StsClient::AssumedRole &r, const AwsError &e) {
            out->done = true;
            out->role = r;
            out->error = e;
        });
        QTRY_VERIFY(out->done);
        QCOMPARE(m_sts->calls().size(), expectedCalls);
        QCOMPARE(out->error.kind, kind);
        if (kind == AwsError::Kind::None) {
            QCOMPARE(out->role.credentials.accessKeyId, QStringLiteral("ASIAROLEKEY000000001"));
        } else {
            QCOMPARE(out->error.code, code);
            QCOMPARE(out->error.httpStatus, status);
            QCOMPARE(out->error.message, QStringLiteral("injected %1").arg(code));
            QCOMPARE(out->error.operation, QStringLiteral("AssumeRoleWithWebIdentity"));
        }
    }

    void unknownTokenRefused()
    {
        auto out = std::make_shared<Outcome>();
        StsClient::WebIdentityInput in;
        in.roleArn = QStringLiteral("arn:aws:iam::111122223333:role/ecr-reader");
        in.roleSessionName = QStringLiteral("irsa");
        in.webIdentityToken = "not-accepted";
        m_client->assumeRoleWithWebIdentity(in, nullptr, [out](const StsClient::AssumedRole &, const AwsError &e) {
            out->done = true;
            out->error = e;
        });
        QTRY_VERIFY(out->done);
        QCOMPARE(out->error.code, QStringLiteral("InvalidIdentityToken"));
    }

    void callerIdentity()
    {
        auto out = std::make_shared<Outcome>();
        m_client->getCallerIdentity(nullptr, [out](const StsClient::CallerIdentity &id, const AwsError &e) {
            out->done = true;
            out->identity = id;
            out->error = e;
        });
        QTRY_VERIFY(out->done);
        QVERIFY2(!out->error, qPrintable(out->error.toString()));
        QCOMPARE(out->identity.account, QStringLiteral("111122223333"));
        QCOMPARE(out->identity.arn, QStringLiteral("arn:aws:iam::111122223333:user/exporter"));
        QCOMPARE(m_sts->calls().at(0).signingKeyId, QByteArray("AKIDSTSCALLER0000001"));

        m_sts->injectError(QStringLiteral("GetCallerIdentity"), 403, QStringLiteral("AccessDenied"),
                           QStringLiteral("explicit deny in a service control policy"));
        auto denied = std::make_shared<Outcome>();
        m_client->getCallerIdentity(nullptr, [denied](const StsClient::CallerIdentity &id, const AwsError &e) {
            denied->done = true;
            denied->identity = id;
            denied->error = e;
        });
        QTRY_VERIFY(denied->done);
        QCOMPARE(denied->error.code, QStringLiteral("AccessDenied"));
        QCOMPARE(denied->error.httpStatus, 403);
        QVERIFY(denied->identity.account.isEmpty());
    }

private:
    std::unique_ptr<FakeStsServer> m_sts;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<StaticCredentialProvider> m_creds;
    std::unique_ptr<AwsHttpClient> m_http;
    std::unique_ptr<StsClient> m_client;
};

QTEST_GUILESS_MAIN(TestSts)
#include "tst_sts.moc"
