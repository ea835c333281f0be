// Tests for SigV4Signer. Every expected value comes from outside our code:
// - AWS's official SigV4 suite (aws-c-auth copy, 38 cases), read at run time;
// - the known answers in shared/reference/aws-for-ecr-exporter.md §a.2/§a.3 (AWS docs,
//   botocore) and hand-calculated building-block cases;
// - tests/data/sigv4/botocore-vectors.json, produced by tools/gen_sigv4_vectors.py with
//   Debian's botocore.
#include "aws/sigv4signer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

Q_DECLARE_METATYPE(SigV4Signer::Request)
Q_DECLARE_METATYPE(SigV4Signer::Options)
Q_DECLARE_METATYPE(AwsCredentials)

namespace {

constexpr int kOfficialCaseCount = 38;
const QString kAkid = QStringLiteral("AKIDEXAMPLE");
const QString kSecret = QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
const QByteArray kEcrTarget = QByteArrayLiteral("AmazonEC2ContainerRegistry_V20150921.");
const QByteArray kEmptyHash = QByteArrayLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
const QString kStsToken = QStringLiteral(
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflf"
    "KD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd"
    "8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iS"
    "IlTJabIQwj2ICCR/oLxBA==");

QDateTime suiteTime()
{
    return QDateTime(QDate(2015, 8, 30), QTime(12, 36, 0), Qt::UTC);
}

AwsCredentials exampleCredentials(const QString &token = {})
{
    AwsCredentials c;
    c.accessKeyId = kAkid;
    c.secretAccessKey = kSecret;
    c.sessionToken = token;
    return c;
}

SigV4Signer::Options options(const QString &region, const QString &service, const QDateTime &time)
{
    SigV4Signer::Options o;
    o.region = region;
    o.service = service;
    o.time = time;
    return o;
}

QByteArray headerValue(const HttpHeaderList &headers, const QByteArray &name)
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool hasHeader(const HttpHeaderList &headers, const QByteArray &name)
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// The suite folder: the environment wins (lets a manual run point elsewhere), else the
// CMake cache value baked in at build time.
QString suiteDir()
{
    const QString fromEnv = qEnvironmentVariable("ECR_SIGV4_SUITE_DIR");
    return fromEnv.isEmpty() ? QStringLiteral(ECR_SIGV4_SUITE_DIR) : fromEnv;
}

bool runningInCi()
{
    return qEnvironmentVariable("CI").compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

QStringList suiteCases(const QString &dir)
{
    QStringList cases;
    const QDir root(dir);
    for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (QFile::exists(root.filePath(name + QStringLiteral("/request.txt"))))
            cases.append(name);
    }
    return cases;
}

bool readFile(const QString &path, QByteArray *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    *out = f.readAll();
    return true;
}

// Parses a raw HTTP request as the suite writes it: "METHOD target HTTP/1.1", header lines
// "Name:value" (a line starting with whitespace continues the previous value: obsolete line
// folding, unfolded into one space), an empty line, then the body verbatim. The target may
// contain spaces (get-space-*), so method and version are taken from the ends of the line.
bool parseRawRequest(const QByteArray &raw, SigV4Signer::Request *out, QString *error)
{
    qsizetype headEnd = raw.indexOf("\n\n");
    qsizetype bodyStart = headEnd + 2;
    const qsizetype crlfEnd = raw.indexOf("\r\n\r\n");
    if (crlfEnd >= 0 && (headEnd < 0 || crlfEnd < headEnd)) {
        headEnd = crlfEnd;
        bodyStart = crlfEnd + 4;
    }
    const QByteArray head = headEnd < 0 ? raw : raw.left(headEnd);
    out->body = headEnd < 0 ? QByteArray() : raw.mid(bodyStart);

    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.isEmpty()) {
        *error = QStringLiteral("empty request");
        return false;
    }
    const QByteArray requestLine = lines.takeFirst();
    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace <= firstSpace || !requestLine.mid(lastSpace + 1).startsWith("HTTP/")) {
        *error = QStringLiteral("bad request line: %1").arg(QString::fromUtf8(requestLine));
        return false;
    }
    out->method = requestLine.left(firstSpace);
    const QByteArray target = requestLine.mid(firstSpace + 1, lastSpace - firstSpace - 1);
    const qsizetype question = target.indexOf('?');
    out->path = question < 0 ? target : target.left(question);
    out->query = question < 0 ? QByteArray() : target.mid(question + 1);

    out->headers.clear();
    for (const QByteArray &line : std::as_const(lines)) {
        if (line.startsWith(' ') || line.startsWith('\t')) {
            if (out->headers.isEmpty()) {
                *error = QStringLiteral("continuation line before any header");
                return false;
            }
            out->headers.last().second += ' ' + line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            *error = QStringLiteral("bad header line: %1").arg(QString::fromUtf8(line));
            return false;
        }
        out->headers.append({line.left(colon), line.mid(colon + 1)});
    }
    return true;
}

// The Authorization value from a header-signed-request.txt.
QByteArray authorizationLine(const QByteArray &signedRequest)
{
    for (QByteArray line : signedRequest.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith("Authorization:"))
            return line.mid(int(sizeof("Authorization:")) - 1).trimmed();
    }
    return {};
}

} // namespace

class TestSigV4 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void officialSuitePresent();
    void officialSuite_data();
    void officialSuite();

    void referenceTable_data();
    void referenceTable();
    void keyDerivation();
    void iamExample();
    void ecrKnownAnswers_data();
    void ecrKnownAnswers();
    void ecrIntermediates();

    void botocoreVectors_data();
    void botocoreVectors();

    void canonicalUri_data();
    void canonicalUri();
    void canonicalQuery_data();
    void canonicalQuery();
    void amzDateIsUtc();
    void headerCanonicalisation();
    void signerOwnedHeadersAreReplaced();
    void badInput_data();
    void badInput();

private:
    QString m_suiteDir;
    QStringList m_suiteCases;
    int m_suiteRan = 0;
    int m_botocoreRan = 0;
};

void TestSigV4::initTestCase()
{
    m_suiteDir = suiteDir();
    if (QDir(m_suiteDir).exists())
        m_suiteCases = suiteCases(m_suiteDir);
}

void TestSigV4::cleanupTestCase()
{
    qInfo("official SigV4 suite (%s): %d of %lld cases ran and passed", qPrintable(m_suiteDir), m_suiteRan,
          static_cast<long long>(m_suiteCases.size()));
    qInfo("botocore vectors: %d cases ran and passed", m_botocoreRan);
}

// ---------------------------------------------------------------------------------------
// a. The official suite

void TestSigV4::officialSuitePresent()
{
    if (m_suiteCases.isEmpty()) {
        const QString message = QStringLiteral(
            "AWS SigV4 test suite not found at \"%1\": set ECR_SIGV4_SUITE_DIR (CMake cache or environment) "
            "to the folder holding the 38 case folders").arg(m_suiteDir);
        if (runningInCi())
            QFAIL(qPrintable(message + QStringLiteral(" (CI=true: the suite is required)")));
        QSKIP(qPrintable(message));
    }
    QCOMPARE(m_suiteCases.size(), kOfficialCaseCount);
}

void TestSigV4::officialSuite_data()
{
    QTest::addColumn<QString>("caseDir");
    if (m_suiteCases.isEmpty())
        QSKIP(qPrintable(QStringLiteral("AWS SigV4 test suite not found at \"%1\" (see officialSuitePresent)")
                             .arg(m_suiteDir)));
    for (const QString &name : std::as_const(m_suiteCases))
        QTest::newRow(qPrintable(name)) << QDir(m_suiteDir).filePath(name);
}

void TestSigV4::officialSuite()
{
    QFETCH(QString, caseDir);
    const QDir dir(caseDir);
    QString error;
    QByteArray contextJson, rawRequest, expCanonical, expStringToSign, expSignature, expSignedRequest;
    QVERIFY2(readFile(dir.filePath("context.json"), &contextJson, &error), qPrintable(error));
    QVERIFY2(readFile(dir.filePath("request.txt"), &rawRequest, &error), qPrintable(error));
    QVERIFY2(readFile(dir.filePath("header-canonical-request.txt"), &expCanonical, &error), qPrintable(error));
    QVERIFY2(readFile(dir.filePath("header-string-to-sign.txt"), &expStringToSign, &error), qPrintable(error));
    QVERIFY2(readFile(dir.filePath("header-signature.txt"), &expSignature, &error), qPrintable(error));
    QVERIFY2(readFile(dir.filePath("header-signed-request.txt"), &expSignedRequest, &error), qPrintable(error));

    QJsonParseError jsonError;
    const QJsonObject context = QJsonDocument::fromJson(contextJson, &jsonError).object();
    QVERIFY2(jsonError.error == QJsonParseError::NoError, qPrintable(jsonError.errorString()));
    const QJsonObject jsonCreds = context.value("credentials").toObject();
    AwsCredentials creds;
    creds.accessKeyId = jsonCreds.value("access_key_id").toString();
    creds.secretAccessKey = jsonCreds.value("secret_access_key").toString();
    creds.sessionToken = jsonCreds.value("token").toString();

    SigV4Signer::Options opts = options(context.value("region").toString(), context.value("service").toString(),
                                        QDateTime::fromString(context.value("timestamp").toString(), Qt::ISODate));
    QVERIFY(opts.time.isValid());
    opts.normalizePath = context.value("normalize").toBool(true);
    opts.signBody = context.value("sign_body").toBool(false);
    opts.omitSessionToken = context.value("omit_session_token").toBool(false);

    SigV4Signer::Request request;
    QVERIFY2(parseRawRequest(rawRequest, &request, &error), qPrintable(error));

    const SigV4Signer::Result result = SigV4Signer::sign(request, creds, opts);
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QCOMPARE(result.canonicalRequest, expCanonical);
    QCOMPARE(result.stringToSign, expStringToSign);
    QCOMPARE(result.signature, expSignature.trimmed());
    QCOMPARE(result.authorization, authorizationLine(expSignedRequest));
    QCOMPARE(headerValue(result.headersToAdd, "Authorization"), result.authorization);
    QCOMPARE(headerValue(result.headersToAdd, "X-Amz-Date"), QByteArray("20150830T123600Z"));
    // The token is always sent; it is signed unless the case asks for the legacy order.
    QCOMPARE(headerValue(result.headersToAdd, "X-Amz-Security-Token"), creds.sessionToken.toUtf8());
    if (!creds.sessionToken.isEmpty())
        QCOMPARE(result.signedHeaders.contains("x-amz-security-token"), !opts.omitSessionToken);
    ++m_suiteRan;
}

// ---------------------------------------------------------------------------------------
// b. Known answers from the reference (§a.2, §a.3)

void TestSigV4::referenceTable_data()
{
    // §a.2 table: suite cases, rebuilt by hand so they run even without the suite folder.
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<HttpHeaderList>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QByteArray>("signature");

    const HttpHeaderList host{{"Host", "example.amazonaws.com"}};
    QTest::newRow("get-vanilla") << QByteArray("GET") << QByteArray("/") << host << QByteArray() << QString()
                                 << QByteArray("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    QTest::newRow("post-vanilla") << QByteArray("POST") << QByteArray("/") << host << QByteArray() << QString()
                                  << QByteArray("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    QTest::newRow("post-x-www-form-urlencoded (botocore copy)")
        << QByteArray("POST") << QByteArray("/")
        << HttpHeaderList{{"Content-Type", "application/x-www-form-urlencoded"}, {"Host", "example.amazonaws.com"}}
        << QByteArray("Param1=value1") << QString()
        << QByteArray("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
    QTest::newRow("post-sts-header-before") << QByteArray("POST") << QByteArray("/") << host << QByteArray()
                                            << kStsToken
                                            << QByteArray("85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
    QTest::newRow("get-header-value-trim")
        << QByteArray("GET") << QByteArray("/")
        << HttpHeaderList{{"Host", "example.amazonaws.com"}, {"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}
        << QByteArray() << QString()
        << QByteArray("acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
    QTest::newRow("get-utf8") << QByteArray("GET") << QByteArray("/\xe1\x88\xb4") << host << QByteArray() << QString()
                              << QByteArray("8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

void TestSigV4::referenceTable()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(HttpHeaderList, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, token);
    QFETCH(QByteArray, signature);

    const SigV4Signer::Result result = SigV4Signer::sign({method, path, {}, headers, body}, exampleCredentials(token),
                                                         options("us-east-1", "service", suiteTime()));
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QCOMPARE(result.signature, signature);
    if (QByteArray(QTest::currentDataTag()) == "post-vanilla")
        QVERIFY(result.stringToSign.endsWith("\n553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"));
    if (QByteArray(QTest::currentDataTag()) == "get-vanilla")
        QVERIFY(result.stringToSign.endsWith("\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"));
}

void TestSigV4::keyDerivation()
{
    // AWS General Reference walkthrough: 20120215 / us-east-1 / iam.
    QCOMPARE(SigV4Signer::signingKey(kSecret, "20120215", "us-east-1", "iam").toHex(),
             QByteArray("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"));
}

void TestSigV4::iamExample()
{
    const SigV4Signer::Request request{
        "GET", "/", "Action=ListUsers&Version=2010-05-08",
        {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}, {"host", "iam.amazonaws.com"}},
        {}};
    const SigV4Signer::Result result =
        SigV4Signer::sign(request, exampleCredentials(), options("us-east-1", "iam", suiteTime()));
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QCOMPARE(result.signedHeaders, QByteArray("content-type;host;x-amz-date"));
    QCOMPARE(SigV4Signer::sha256Hex(result.canonicalRequest),
             QByteArray("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"));
    QCOMPARE(result.signature, QByteArray("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"));
}

void TestSigV4::ecrKnownAnswers_data()
{
    QTest::addColumn<QByteArray>("operation");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QByteArray>("signedHeaders");
    QTest::addColumn<QByteArray>("signature");

    QTest::newRow("DescribeRepositories") << QByteArray("DescribeRepositories") << QByteArray(R"({"maxResults":100})")
                                          << QString() << QByteArray("content-type;host;x-amz-date;x-amz-target")
                                          << QByteArray("819cbdb1e5c21d87820b55f4a41796cdf69a1bb1f59e1f205463c33ea4ba804d");
    QTest::newRow("DescribeImages+token")
        << QByteArray("DescribeImages")
        << QByteArray(R"({"repositoryName":"app/web","maxResults":1000,"filter":{"tagStatus":"TAGGED"}})")
        << QStringLiteral("EXAMPLESESSIONTOKEN")
        << QByteArray("content-type;host;x-amz-date;x-amz-security-token;x-amz-target")
        << QByteArray("835843150c891d1a1f5858595c86811552e6e0024d0773771eead0db9db4db65");
    QTest::newRow("DescribeRegistry") << QByteArray("DescribeRegistry") << QByteArray("{}") << QString()
                                      << QByteArray("content-type;host;x-amz-date;x-amz-target")
                                      << QByteArray("2e3d5838cabaef9e3428895306865066f16aada565e824bfe5631d18ab4008f2");
}

void TestSigV4::ecrKnownAnswers()
{
    QFETCH(QByteArray, operation);
    QFETCH(QByteArray, body);
    QFETCH(QString, token);
    QFETCH(QByteArray, signedHeaders);
    QFETCH(QByteArray, signature);

    const SigV4Signer::Request request{"POST", "/", {},
                                       {{"Content-Type", "application/x-amz-json-1.1"},
                                        {"Host", "api.ecr.us-east-1.amazonaws.com"},
                                        {"X-Amz-Target", kEcrTarget + operation}},
                                       body};
    const SigV4Signer::Result result =
        SigV4Signer::sign(request, exampleCredentials(token), options("us-east-1", "ecr", suiteTime()));
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QCOMPARE(result.signedHeaders, signedHeaders);
    QCOMPARE(result.signature, signature);
    QCOMPARE(result.authorization,
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request, SignedHeaders=" + signedHeaders
                 + ", Signature=" + signature);

    // What the ECR client must add, in this order; the token only with temporary keys.
    QList<QByteArray> names;
    for (const auto &h : result.headersToAdd)
        names.append(h.first);
    QList<QByteArray> expected{"X-Amz-Date"};
    if (!token.isEmpty())
        expected.append("X-Amz-Security-Token");
    expected.append("Authorization");
    QCOMPARE(names, expected);
    QCOMPARE(headerValue(result.headersToAdd, "X-Amz-Security-Token"), token.toUtf8());
}

void TestSigV4::ecrIntermediates()
{
    const QByteArray body = R"({"maxResults":100})";
    QCOMPARE(SigV4Signer::sha256Hex(body), QByteArray("5ba320f3ed977d056e2b9c2156e6c506b8707755600f64dce3f455071959523e"));
    QCOMPARE(SigV4Signer::sha256Hex({}), kEmptyHash);
    const SigV4Signer::Result result = SigV4Signer::sign(
        {"POST", "/", {},
         {{"Content-Type", "application/x-amz-json-1.1"},
          {"Host", "api.ecr.us-east-1.amazonaws.com"},
          {"X-Amz-Target", kEcrTarget + "DescribeRepositories"}},
         body},
        exampleCredentials(), options("us-east-1", "ecr", suiteTime()));
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QCOMPARE(SigV4Signer::sha256Hex(result.canonicalRequest),
             QByteArray("cf935ccbe51695994effc8974bd94abf59e3bf49bdacca7e0484779e977f5778"));
}

// ---------------------------------------------------------------------------------------
// c. botocore-generated vectors

void TestSigV4::botocoreVectors_data()
{
    QTest::addColumn<QJsonObject>("vector");
    const QString path = QStringLiteral(ECR_TEST_DATA_DIR "/sigv4/botocore-vectors.json");
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(QStringLiteral("cannot read %1").arg(path)));
    QJsonParseError jsonError;
    const QJsonObject root = QJsonDocument::fromJson(f.readAll(), &jsonError).object();
    QVERIFY2(jsonError.error == QJsonParseError::NoError, qPrintable(jsonError.errorString()));
    const QJsonArray cases = root.value("cases").toArray();
    QVERIFY2(cases.size() >= 12, "expected at least 12 botocore vectors");
    for (const QJsonValue &c : cases)
        QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
}

void TestSigV4::botocoreVectors()
{
    QFETCH(QJsonObject, vector);

    SigV4Signer::Request request;
    request.method = vector.value("method").toString().toUtf8();
    request.path = vector.value("path").toString().toUtf8();
    request.query = vector.value("query").toString().toUtf8();
    request.body = vector.value("body").toString().toUtf8();
    for (const QJsonValue &h : vector.value("headers").toArray())
        request.headers.append({h.toArray().at(0).toString().toUtf8(), h.toArray().at(1).toString().toUtf8()});

    AwsCredentials creds;
    creds.accessKeyId = vector.value("access_key_id").toString();
    creds.secretAccessKey = vector.value("secret_access_key").toString();
    creds.sessionToken = vector.value("session_token").toString();

    SigV4Signer::Options opts = options(vector.value("region").toString(), vector.value("service").toString(),
                                        QDateTime::fromString(vector.value("time").toString(), Qt::ISODate));
    QVERIFY(opts.time.isValid());
    opts.normalizePath = vector.value("normalize_path").toBool();
    opts.signBody = vector.value("sign_body").toBool();

    const SigV4Signer::Result result = SigV4Signer::sign(request, creds, opts);
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    const QJsonObject expected = vector.value("expected").toObject();
    QCOMPARE(result.canonicalRequest, expected.value("canonical_request").toString().toUtf8());
    QCOMPARE(result.stringToSign, expected.value("string_to_sign").toString().toUtf8());
    QCOMPARE(result.signedHeaders, expected.value("signed_headers").toString().toUtf8());
    QCOMPARE(result.signature, expected.value("signature").toString().toUtf8());
    QCOMPARE(result.authorization, expected.value("authorization").toString().toUtf8());
    if (opts.signBody)
        QCOMPARE(headerValue(result.headersToAdd, "X-Amz-Content-Sha256"), SigV4Signer::sha256Hex(request.body));
    ++m_botocoreRan;
}

// ---------------------------------------------------------------------------------------
// Building blocks (hand-calculated)

void TestSigV4::canonicalUri_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("normalize");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << QByteArray() << true << QByteArray("/");
    QTest::newRow("empty-s3") << QByteArray() << false << QByteArray("/");
    QTest::newRow("root") << QByteArray("/") << true << QByteArray("/");
    QTest::newRow("dots-and-slashes") << QByteArray("/a/./b/../c//d/") << true << QByteArray("/a/c/d/");
    QTest::newRow("up-past-root") << QByteArray("/../../a") << true << QByteArray("/a");
    QTest::newRow("only-dots") << QByteArray("/a/..") << true << QByteArray("/");
    QTest::newRow("percent-encoded-twice") << QByteArray("/a%20b/%2F") << true << QByteArray("/a%2520b/%252F");
    QTest::newRow("reserved-encoded") << QByteArray("/a:b@c!$") << true << QByteArray("/a%3Ab%40c%21%24");
    QTest::newRow("unreserved-kept") << QByteArray("/AZaz09-_.~") << true << QByteArray("/AZaz09-_.~");
    QTest::newRow("raw-space") << QByteArray("/a b") << true << QByteArray("/a%20b");
    QTest::newRow("s3-kept-as-is") << QByteArray("/b/a%20b//../k") << false << QByteArray("/b/a%20b//../k");
    QTest::newRow("s3-raw-bytes-encoded-once") << QByteArray("/a b/\xc3\xa9") << false << QByteArray("/a%20b/%C3%A9");
}

void TestSigV4::canonicalUri()
{
    QFETCH(QByteArray, path);
    QFETCH(bool, normalize);
    QFETCH(QByteArray, expected);
    QCOMPARE(SigV4Signer::canonicalUri(path, normalize), expected);
}

void TestSigV4::canonicalQuery_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("sorted-by-name") << QByteArray("b=2&a=1") << QByteArray("a=1&b=2");
    QTest::newRow("upper-before-lower") << QByteArray("a=1&B=2") << QByteArray("B=2&a=1");
    QTest::newRow("repeated-by-value") << QByteArray("a=2&a=10&a=1") << QByteArray("a=1&a=10&a=2");
    QTest::newRow("no-value") << QByteArray("flag&x=") << QByteArray("flag=&x=");
    QTest::newRow("empty-pieces") << QByteArray("&a=1&&b=2&") << QByteArray("a=1&b=2");
    QTest::newRow("plus-is-space") << QByteArray("q=a+b") << QByteArray("q=a%20b");
    QTest::newRow("lower-hex-reencoded") << QByteArray("k=%7e%2a%2f") << QByteArray("k=~%2A%2F");
    QTest::newRow("equals-in-value") << QByteArray("k=a=b") << QByteArray("k=a%3Db");
    QTest::newRow("raw-utf8") << QByteArray("\xc3\xa9=1") << QByteArray("%C3%A9=1");
    QTest::newRow("stray-percent") << QByteArray("k=100%") << QByteArray("k=100%25");
}

void TestSigV4::canonicalQuery()
{
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, expected);
    QCOMPARE(SigV4Signer::canonicalQuery(query), expected);
}

void TestSigV4::amzDateIsUtc()
{
    const QDateTime utc(QDate(2015, 8, 30), QTime(12, 36, 0, 999), Qt::UTC);
    QCOMPARE(SigV4Signer::amzDate(utc), QByteArray("20150830T123600Z"));
    const QDateTime plusTwo(QDate(2015, 8, 30), QTime(14, 36, 0), QTimeZone(2 * 3600));
    QCOMPARE(SigV4Signer::amzDate(plusTwo), QByteArray("20150830T123600Z"));
    const QDateTime minusFive(QDate(2015, 8, 29), QTime(23, 30, 0), QTimeZone(-5 * 3600));
    QCOMPARE(SigV4Signer::amzDate(minusFive), QByteArray("20150830T043000Z"));
    QCOMPARE(SigV4Signer::amzDate(QDateTime()), QByteArray());

    // The same instant in another zone signs identically.
    const SigV4Signer::Request request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, {}};
    QCOMPARE(SigV4Signer::sign(request, exampleCredentials(), options("us-east-1", "service", plusTwo)).signature,
             QByteArray("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

void TestSigV4::headerCanonicalisation()
{
    const SigV4Signer::Request request{"GET", "/", {},
                                       {{"Host", "example.amazonaws.com"},
                                        {"ZOO", "  z  "},
                                        {"a-Multi", "x"},
                                        {"A-MULTI", "\t y \t y "},
                                        {"a-multi", ""}},
                                       {}};
    const SigV4Signer::Result result =
        SigV4Signer::sign(request, exampleCredentials(), options("us-east-1", "service", suiteTime()));
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    const QByteArray expected = "GET\n/\n\n"
                                "a-multi:x,y y,\n"
                                "host:example.amazonaws.com\n"
                                "x-amz-date:20150830T123600Z\n"
                                "zoo:z\n"
                                "\n"
                                "a-multi;host;x-amz-date;zoo\n"
        + kEmptyHash;
    QCOMPARE(result.canonicalRequest, expected);
}

void TestSigV4::signerOwnedHeadersAreReplaced()
{
    // A retried request still carries the previous attempt's signer headers: signing it
    // again must give exactly what signing the clean request gives.
    const HttpHeaderList clean{{"Host", "example.amazonaws.com"}};
    HttpHeaderList stale = clean;
    stale += HttpHeaderList{{"X-Amz-Date", "20000101T000000Z"},
                            {"Authorization", "AWS4-HMAC-SHA256 Credential=OLD"},
                            {"X-Amz-Security-Token", "OLDTOKEN"},
                            {"x-amz-content-sha256", "0000"}};
    SigV4Signer::Options opts = options("us-east-1", "service", suiteTime());
    opts.signBody = true;
    const AwsCredentials creds = exampleCredentials(kStsToken);
    const SigV4Signer::Result fresh = SigV4Signer::sign({"POST", "/", {}, clean, {}}, creds, opts);
    const SigV4Signer::Result again = SigV4Signer::sign({"POST", "/", {}, stale, {}}, creds, opts);
    QVERIFY(fresh.ok());
    QVERIFY(again.ok());
    QCOMPARE(again.canonicalRequest, fresh.canonicalRequest);
    QCOMPARE(again.signature, fresh.signature);
    QCOMPARE(fresh.signedHeaders, QByteArray("host;x-amz-content-sha256;x-amz-date;x-amz-security-token"));
    QCOMPARE(headerValue(fresh.headersToAdd, "X-Amz-Content-Sha256"), kEmptyHash);
    QVERIFY(!fresh.canonicalRequest.contains("OLD"));
}

void TestSigV4::badInput_data()
{
    QTest::addColumn<SigV4Signer::Request>("request");
    QTest::addColumn<AwsCredentials>("credentials");
    QTest::addColumn<SigV4Signer::Options>("opts");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("mentions");

    const SigV4Signer::Request good{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, {}};
    const SigV4Signer::Options goodOpts = options("us-east-1", "service", suiteTime());
    const AwsCredentials creds = exampleCredentials();

    SigV4Signer::Request noHost = good;
    noHost.headers = {{"Content-Type", "application/json"}};
    QTest::newRow("no-host") << noHost << creds << goodOpts << int(AwsError::Kind::Config) << "Host";

    SigV4Signer::Request folded = good;
    folded.headers += HttpHeaderList{{"X-Note", "a\r\nInjected: yes"}};
    QTest::newRow("line-break-in-value") << folded << creds << goodOpts << int(AwsError::Kind::Config) << "line break";

    SigV4Signer::Request badName = good;
    badName.headers += HttpHeaderList{{"Bad Name", "v"}};
    QTest::newRow("bad-header-name") << badName << creds << goodOpts << int(AwsError::Kind::Config) << "header name";

    AwsCredentials noSecret = creds;
    noSecret.secretAccessKey.clear();
    QTest::newRow("no-secret") << good << noSecret << goodOpts << int(AwsError::Kind::Credentials) << "credentials";

    SigV4Signer::Options noTime = goodOpts;
    noTime.time = QDateTime();
    QTest::newRow("invalid-time") << good << creds << noTime << int(AwsError::Kind::Config) << "time";

    SigV4Signer::Options noRegion = goodOpts;
    noRegion.region.clear();
    QTest::newRow("no-region") << good << creds << noRegion << int(AwsError::Kind::Config) << "region";

    SigV4Signer::Request noMethod = good;
    noMethod.method.clear();
    QTest::newRow("no-method") << noMethod << creds << goodOpts << int(AwsError::Kind::Config) << "method";
}

void TestSigV4::badInput()
{
    QFETCH(SigV4Signer::Request, request);
    QFETCH(AwsCredentials, credentials);
    QFETCH(SigV4Signer::Options, opts);
    QFETCH(int, kind);
    QFETCH(QString, mentions);

    const SigV4Signer::Result result = SigV4Signer::sign(request, credentials, opts);
    QVERIFY(!result.ok());
    QCOMPARE(int(result.error.kind), kind);
    QVERIFY2(result.error.message.contains(mentions), qPrintable(result.error.message));
    QVERIFY(!result.error.message.contains('\n'));
    QVERIFY(result.signature.isEmpty());
    QVERIFY(result.authorization.isEmpty());
    QVERIFY(result.headersToAdd.isEmpty());
    QVERIFY(!hasHeader(result.headersToAdd, "Authorization"));
}

QTEST_GUILESS_MAIN(TestSigV4)
#include "tst_sigv4.moc"
