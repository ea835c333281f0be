// EcrJsonParser: golden-file parses of hand-written ECR replies (cross-checked against
// botocore by tests/data/ecrjson/check_with_botocore.py), timestamp conversion against
// integer arithmetic, and a table of malformed bodies that must give Parse errors.

#include "aws/jsonerrorparser.h"
#include "ecr/ecrjsonparser.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

namespace {

QByteArray readData(const QString &name)
{
    QFile f(QStringLiteral(ECR_TEST_DATA_DIR "/ecrjson/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open test data %s", qPrintable(f.fileName()));
    return f.readAll();
}

QString ts(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")) : QStringLiteral("-");
}

QString flag(bool b) { return b ? QStringLiteral("true") : QStringLiteral("false"); }

QString dump(const EcrRepository &r, int i)
{
    QString s = QStringLiteral("repository %1\n").arg(i);
    s += QStringLiteral("  repositoryArn=%1\n").arg(r.repositoryArn);
    s += QStringLiteral("  registryId=%1\n").arg(r.registryId);
    s += QStringLiteral("  repositoryName=%1\n").arg(r.repositoryName);
    s += QStringLiteral("  repositoryUri=%1\n").arg(r.repositoryUri);
    s += QStringLiteral("  createdAt=%1\n").arg(ts(r.createdAt));
    s += QStringLiteral("  imageTagMutability=%1\n").arg(r.imageTagMutability);
    s += QStringLiteral("  tagMutabilityExclusionFilters=%1\n").arg(r.tagMutabilityExclusionFilters.join(QLatin1Char('|')));
    s += QStringLiteral("  scanOnPush=%1\n").arg(flag(r.scanOnPush));
    s += QStringLiteral("  encryptionType=%1\n").arg(r.encryptionType);
    s += QStringLiteral("  kmsKey=%1\n").arg(r.kmsKey);
    return s;
}

QString dump(const EcrImage &m, int i)
{
    QStringList counts;
    for (auto it = m.severityCounts.begin(); it != m.severityCounts.end(); ++it)
        counts << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
    QString s = QStringLiteral("image %1\n").arg(i);
    s += QStringLiteral("  registryId=%1\n").arg(m.registryId);
    s += QStringLiteral("  repositoryName=%1\n").arg(m.repositoryName);
    s += QStringLiteral("  imageDigest=%1\n").arg(m.imageDigest);
    s += QStringLiteral("  imageTags=%1\n").arg(m.imageTags.join(QLatin1Char('|')));
    s += QStringLiteral("  imageSizeInBytes=%1\n").arg(m.imageSizeInBytes);
    s += QStringLiteral("  imagePushedAt=%1\n").arg(ts(m.imagePushedAt));
    s += QStringLiteral("  scanStatus=%1\n").arg(m.scanStatus);
    s += QStringLiteral("  scanStatusDescription=%1\n").arg(m.scanStatusDescription);
    s += QStringLiteral("  hasScanSummary=%1\n").arg(flag(m.hasScanSummary));
    s += QStringLiteral("  scanCompletedAt=%1\n").arg(ts(m.scanCompletedAt));
    s += QStringLiteral("  vulnerabilitySourceUpdatedAt=%1\n").arg(ts(m.vulnerabilitySourceUpdatedAt));
    s += QStringLiteral("  severityCounts=%1\n").arg(counts.join(QLatin1Char('|')));
    s += QStringLiteral("  imageManifestMediaType=%1\n").arg(m.imageManifestMediaType);
    s += QStringLiteral("  artifactMediaType=%1\n").arg(m.artifactMediaType);
    s += QStringLiteral("  lastRecordedPullTime=%1\n").arg(ts(m.lastRecordedPullTime));
    s += QStringLiteral("  subjectManifestDigest=%1\n").arg(m.subjectManifestDigest);
    s += QStringLiteral("  imageStatus=%1\n").arg(m.imageStatus);
    s += QStringLiteral("  lastArchivedAt=%1\n").arg(ts(m.lastArchivedAt));
    s += QStringLiteral("  lastActivatedAt=%1\n").arg(ts(m.lastActivatedAt));
    return s;
}

// Compare line by line so a failure names the first differing line.
void compareGolden(const QString &actual, const QString &expectedFile)
{
    const QStringList want = QString::fromUtf8(readData(expectedFile)).split(QLatin1Char('\n'));
    const QStringList got = actual.split(QLatin1Char('\n'));
    for (int i = 0; i < std::min(want.size(), got.size()); ++i) {
        if (want.at(i) != got.at(i)) {
            qWarning("%s line %d differs", qPrintable(expectedFile), i + 1);
            QCOMPARE(got.at(i), want.at(i));
        }
    }
    QCOMPARE(got.size(), want.size());
}

QDateTime parseTimestampText(const QByteArray &text, bool *ok)
{
    const QJsonDocument doc = QJsonDocument::fromJson("{\"t\":" + text + "}");
    QDateTime t;
    *ok = doc.isObject() && EcrJsonParser::timestampFromJson(doc.object().value(QLatin1String("t")), &t);
    return t;
}

} // namespace

class TestEcrJson : public QObject
{
    Q_OBJECT
private slots:
    void goldenRegistry()
    {
        QString id;
        const AwsError e = EcrJsonParser::parseDescribeRegistry(readData(QStringLiteral("describe-registry.json")), &id);
        QVERIFY2(!e, qPrintable(e.toString()));
        compareGolden(QStringLiteral("registryId=%1\n").arg(id), QStringLiteral("describe-registry.expected"));
    }

    void goldenRepositories_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("count");
        QTest::newRow("five repositories, every mutability, KMS, unknown fields") << QStringLiteral("describe-repositories") << 5;
        QTest::newRow("empty last page") << QStringLiteral("describe-repositories-empty") << 0;
    }
    void goldenRepositories()
    {
        QFETCH(QString, fixture);
        QFETCH(int, count);
        EcrJsonParser::RepositoriesPage page;
        const AwsError e = EcrJsonParser::parseDescribeRepositories(readData(fixture + QStringLiteral(".json")), &page);
        QVERIFY2(!e, qPrintable(e.toString()));
        QCOMPARE(page.repositories.size(), count);
        QString out = QStringLiteral("nextToken=%1\n").arg(page.nextToken);
        for (int i = 0; i < page.repositories.size(); ++i)
            out += dump(page.repositories.at(i), i);
        compareGolden(out, fixture + QStringLiteral(".expected"));
    }

    void goldenImages()
    {
        EcrJsonParser::ImagesPage page;
        const AwsError e = EcrJsonParser::parseDescribeImages(readData(QStringLiteral("describe-images.json")), &page);
        QVERIFY2(!e, qPrintable(e.toString()));
        QCOMPARE(page.images.size(), 5);
        QString out = QStringLiteral("nextToken=%1\n").arg(page.nextToken);
        for (int i = 0; i < page.images.size(); ++i)
            out += dump(page.images.at(i), i);
        compareGolden(out, QStringLiteral("describe-images.expected"));
        // The 5 GiB size does not fit 32 bits: checked separately because a truncation to
        // int would print a different number only by accident.
        QCOMPARE(page.images.at(2).imageSizeInBytes, Q_INT64_C(5) * 1024 * 1024 * 1024);
    }

    // Expected milliseconds computed by hand (decimal shift of the text).
    void timestamps_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("exponent with ms") << QByteArray("1.688712875123E9") << Q_INT64_C(1688712875123);
        QTest::newRow("lower-case exponent") << QByteArray("1.688712875123e9") << Q_INT64_C(1688712875123);
        QTest::newRow("explicit plus exponent") << QByteArray("1.688712875123e+9") << Q_INT64_C(1688712875123);
        QTest::newRow("fraction .0") << QByteArray("1565128275.0") << Q_INT64_C(1565128275000);
        QTest::newRow("integer") << QByteArray("1700000000") << Q_INT64_C(1700000000000);
        QTest::newRow("short exponent") << QByteArray("1.7E9") << Q_INT64_C(1700000000000);
        QTest::newRow("one ms after the hour") << QByteArray("1.693526400001E9") << Q_INT64_C(1693526400001);
        QTest::newRow(".999") << QByteArray("1672531199.999") << Q_INT64_C(1672531199999);
        QTest::newRow(".1") << QByteArray("1698765432.1") << Q_INT64_C(1698765432100);
        QTest::newRow("mantissa > 10") << QByteArray("16887128.75123E2") << Q_INT64_C(1688712875123);
        QTest::newRow("epoch") << QByteArray("0") << Q_INT64_C(0);
        QTest::newRow("before 1970") << QByteArray("-1.5") << Q_INT64_C(-1500);
        QTest::newRow("ISO 8601 string") << QByteArray("\"2023-07-07T06:54:35.123Z\"") << Q_INT64_C(1688712875123);
        QTest::newRow("numeric string") << QByteArray("\"1688712875.123\"") << Q_INT64_C(1688712875123);
    }
    void timestamps()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ms);
        bool ok = false;
        const QDateTime t = parseTimestampText(text, &ok);
        QVERIFY(ok);
        QCOMPARE(t.toMSecsSinceEpoch(), ms);
        QCOMPARE(t.timeSpec(), Qt::UTC);
    }

    void badTimestamps_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("huge") << QByteArray("1e300");
        QTest::newRow("past year 9999") << QByteArray("2.6E11");
        QTest::newRow("word") << QByteArray("\"yesterday\"");
        QTest::newRow("ISO without zone") << QByteArray("\"2023-07-07T06:54:35\"");
        QTest::newRow("bool") << QByteArray("true");
        QTest::newRow("object") << QByteArray("{}");
    }
    void badTimestamps()
    {
        QFETCH(QByteArray, text);
        bool ok = true;
        parseTimestampText(text, &ok);
        QVERIFY(!ok);
    }

    // Every millisecond-precision value between 2000 and 2100 survives the double in the JSON
    // reader, in plain and in exponent notation. Expected values are integer arithmetic on
    // the digits the text was built from.
    void timestampsRoundTripWithoutDrift()
    {
        QRandomGenerator rng(20240101);
        for (int i = 0; i < 100000; ++i) {
            const qint64 seconds = 946684800 + qint64(rng.bounded(quint32(4102444800 - 946684800)));
            const int millis = int(rng.bounded(1000));
            const QByteArray digits = QByteArray::number(seconds);
            const QByteArray frac = QByteArray::number(millis).rightJustified(3, '0');
            const QByteArray plain = digits + '.' + frac;
            const QByteArray exponent = digits.left(1) + '.' + digits.mid(1) + frac + "E"
                + QByteArray::number(digits.size() - 1);
            const qint64 want = seconds * 1000 + millis;
            for (const QByteArray &text : { plain, exponent }) {
                bool ok = false;
                const QDateTime t = parseTimestampText(text, &ok);
                if (!ok || t.toMSecsSinceEpoch() != want)
                    QFAIL(qPrintable(QStringLiteral("%1 → %2, expected %3")
                                         .arg(QString::fromLatin1(text))
                                         .arg(t.toMSecsSinceEpoch())
                                         .arg(want)));
            }
        }
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected"); // part of the message

        const QString repos = QStringLiteral("DescribeRepositories");
        const QString images = QStringLiteral("DescribeImages");
        const QString registry = QStringLiteral("DescribeRegistry");
        const QByteArray fullRepos = readData(QStringLiteral("describe-repositories.json"));
        const QByteArray fullImages = readData(QStringLiteral("describe-images.json"));

        QTest::newRow("empty body") << repos << QByteArray() << "body is empty";
        QTest::newRow("whitespace body") << images << QByteArray(" \n") << "body is empty";
        QTest::newRow("not JSON") << repos << QByteArray("<html>502 Bad Gateway</html>") << "not valid JSON";
        QTest::newRow("truncated repositories") << repos << fullRepos.left(fullRepos.size() / 2) << "not valid JSON";
        QTest::newRow("truncated images") << images << fullImages.left(fullImages.size() / 2) << "not valid JSON";
        QTest::newRow("truncated by one byte") << images << fullImages.left(fullImages.trimmed().size() - 1) << "not valid JSON";
        QTest::newRow("trailing garbage") << repos << QByteArray("{\"repositories\":[]}x") << "not valid JSON";
        QTest::newRow("top-level array") << repos << QByteArray("[]") << "JSON array, expected an object";
        QTest::newRow("top-level null") << images << QByteArray("null") << "not valid JSON"; // Qt rejects top-level scalars
        QTest::newRow("deep nesting") << images << QByteArray(100000, '[') << "not valid JSON";
        QTest::newRow("repositories is an object") << repos << QByteArray("{\"repositories\":{}}")
                                                   << "repositories is an object, expected an array";
        QTest::newRow("repository is a string") << repos << QByteArray("{\"repositories\":[\"web\"]}")
                                                << "repositories[0] is a string, expected an object";
        QTest::newRow("repositoryName is a number") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":7}]}")
                                                    << "repositories[0].repositoryName is a number, expected a string";
        QTest::newRow("repositoryName missing") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\"},{\"registryId\":\"1\"}]}")
                                                << "repositories[1] has no repositoryName";
        QTest::newRow("createdAt is a word") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\",\"createdAt\":\"yesterday\"}]}")
                                             << "repositories[0].createdAt is not a usable timestamp";
        QTest::newRow("createdAt is an object") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\",\"createdAt\":{}}]}")
                                                << "repositories[0].createdAt is an object, expected a timestamp";
        QTest::newRow("createdAt out of range") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\",\"createdAt\":1e300}]}")
                                                << "repositories[0].createdAt is not a usable timestamp";
        QTest::newRow("scanOnPush is a string") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\",\"imageScanningConfiguration\":{\"scanOnPush\":\"true\"}}]}")
                                                << "repositories[0].imageScanningConfiguration.scanOnPush is a string, expected true or false";
        QTest::newRow("encryptionConfiguration is an array") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\",\"encryptionConfiguration\":[]}]}")
                                                             << "repositories[0].encryptionConfiguration is an array, expected an object";
        QTest::newRow("exclusion filter is a string") << repos << QByteArray("{\"repositories\":[{\"repositoryName\":\"a\",\"imageTagMutabilityExclusionFilters\":[\"x\"]}]}")
                                                      << "repositories[0].imageTagMutabilityExclusionFilters[0] is a string, expected an object";
        QTest::newRow("nextToken is a number") << repos << QByteArray("{\"repositories\":[],\"nextToken\":5}")
                                               << "nextToken is a number, expected a string";
        // Images are read without paths first; the one that fails is read again to name it.
        QTest::newRow("third image's tag is a number") << images
            << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:a\"},{\"imageDigest\":\"sha256:b\",\"imageTags\":[\"x\"]},"
                          "{\"imageDigest\":\"sha256:c\",\"imageTags\":[\"y\",1]}]}")
            << "imageDetails[2].imageTags[1] is a number, expected a string";
        QTest::newRow("second image has no digest") << images
            << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:a\"},{\"imageTags\":[\"x\"]}]}")
            << "imageDetails[1] has no imageDigest";
        QTest::newRow("imageDetails is a string") << images << QByteArray("{\"imageDetails\":\"x\"}")
                                                  << "imageDetails is a string, expected an array";
        QTest::newRow("imageDigest missing") << images << QByteArray("{\"imageDetails\":[{\"imageTags\":[\"a\"]}]}")
                                             << "imageDetails[0] has no imageDigest";
        QTest::newRow("imageSizeInBytes is a string") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageSizeInBytes\":\"12\"}]}")
                                                      << "imageDetails[0].imageSizeInBytes is a string, expected a whole number";
        QTest::newRow("imageSizeInBytes negative") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageSizeInBytes\":-5}]}")
                                                   << "imageDetails[0].imageSizeInBytes is -5, expected a whole number >= 0";
        QTest::newRow("imageSizeInBytes fractional") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageSizeInBytes\":1.5}]}")
                                                     << "imageDetails[0].imageSizeInBytes is 1.5, expected a whole number >= 0";
        QTest::newRow("imageTags is a string") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageTags\":\"latest\"}]}")
                                               << "imageDetails[0].imageTags is a string, expected an array";
        QTest::newRow("tag is a number") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageTags\":[\"a\",3]}]}")
                                         << "imageDetails[0].imageTags[1] is a number, expected a string";
        QTest::newRow("severity count is a string") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageScanFindingsSummary\":{\"findingSeverityCounts\":{\"HIGH\":\"3\"}}}]}")
                                                    << "imageDetails[0].imageScanFindingsSummary.findingSeverityCounts.HIGH is a string, expected a whole number";
        QTest::newRow("severity count negative") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageScanFindingsSummary\":{\"findingSeverityCounts\":{\"LOW\":-1}}}]}")
                                                 << "findingSeverityCounts.LOW is -1, expected a whole number >= 0";
        QTest::newRow("severity count too large") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageScanFindingsSummary\":{\"findingSeverityCounts\":{\"LOW\":3000000000}}}]}")
                                                  << "findingSeverityCounts.LOW is too large";
        QTest::newRow("summary is an array") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageScanFindingsSummary\":[]}]}")
                                             << "imageDetails[0].imageScanFindingsSummary is an array, expected an object";
        QTest::newRow("scan status is a number") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imageScanStatus\":{\"status\":1}}]}")
                                                 << "imageDetails[0].imageScanStatus.status is a number, expected a string";
        QTest::newRow("pushedAt is a bool") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\",\"imagePushedAt\":true}]}")
                                            << "imageDetails[0].imagePushedAt is a boolean, expected a timestamp";
        QTest::newRow("second image bad") << images << QByteArray("{\"imageDetails\":[{\"imageDigest\":\"sha256:1\"},{\"imageDigest\":\"sha256:2\",\"lastRecordedPullTime\":[]}]}")
                                          << "imageDetails[1].lastRecordedPullTime is an array, expected a timestamp";
        QTest::newRow("registryId missing") << registry << QByteArray("{}") << "registryId is missing";
        QTest::newRow("registryId is a number") << registry << QByteArray("{\"registryId\":123456789012}")
                                                << "registryId is a number, expected a string";
        QTest::newRow("registry truncated") << registry << readData(QStringLiteral("describe-registry.json")).left(40) << "not valid JSON";
    }
    void malformed()
    {
        QFETCH(QString, operation);
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);

        AwsError e;
        if (operation == QLatin1String("DescribeRegistry")) {
            QString id = QStringLiteral("untouched");
            e = EcrJsonParser::parseDescribeRegistry(body, &id);
            QCOMPARE(id, QStringLiteral("untouched"));
        } else if (operation == QLatin1String("DescribeRepositories")) {
            EcrJsonParser::RepositoriesPage page;
            page.nextToken = QStringLiteral("untouched");
            e = EcrJsonParser::parseDescribeRepositories(body, &page);
            QCOMPARE(page.nextToken, QStringLiteral("untouched")); // no half-filled result
            QVERIFY(page.repositories.isEmpty());
        } else {
            EcrJsonParser::ImagesPage page;
            page.nextToken = QStringLiteral("untouched");
            e = EcrJsonParser::parseDescribeImages(body, &page);
            QCOMPARE(page.nextToken, QStringLiteral("untouched"));
            QVERIFY(page.images.isEmpty());
        }
        QCOMPARE(e.kind, AwsError::Kind::Parse);
        QCOMPARE(e.operation, operation);
        QVERIFY2(e.message.startsWith(operation + QStringLiteral(" reply: ")), qPrintable(e.message));
        QVERIFY2(e.message.contains(expected), qPrintable(e.message));
        QVERIFY(!e.message.contains(QLatin1Char('\n')));
    }

    // JsonErrorParser::requireJsonObject: the 2xx body check of the JSON credential endpoints
    // (SSO, container credentials); ECR and Inspector replies are checked by their parsers.
    void requireJsonObject_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::newRow("object") << QByteArray("{\"a\":1}") << true;
        QTest::newRow("empty object") << QByteArray("{}") << true;
        QTest::newRow("array") << QByteArray("[]") << false;
        QTest::newRow("truncated") << QByteArray("{\"a\":") << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("html") << QByteArray("<html/>") << false;
    }
    void requireJsonObject()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        const AwsError e = JsonErrorParser::requireJsonObject(body);
        QCOMPARE(!e, ok);
        if (!ok)
            QCOMPARE(e.kind, AwsError::Kind::Parse);
    }
};

QTEST_GUILESS_MAIN(TestEcrJson)
#include "tst_ecrjson.moc"
