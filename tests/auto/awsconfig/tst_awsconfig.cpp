// Tests for the AWS INI dialect parser, the shared config/credentials files with profile
// selection, and region resolution.
//
// Expected values come from the cross-SDK profile-file spec (the parser test suite shared by
// the AWS SDKs: smithy-rs aws-config/test-data/profile-parser-tests.json; cases marked
// "spec"), from botocore's documented behaviour (aws-for-ecr-exporter.md §c), and from hand
// reading the fixture files in tests/data/awsconfig.

#include "aws/awsinifile.h"
#include "aws/awssharedconfig.h"
#include "aws/regionresolver.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

Q_DECLARE_METATYPE(QProcessEnvironment)

namespace {

using TestSupport::writeFile;

const QString dataDir = QStringLiteral(ECR_TEST_DATA_DIR "/awsconfig");

// A stable text form of a parsed file: sections in file order, keys sorted; a value's
// newlines shown as "\n"; sub-properties as key.sub=value.
QString dump(const AwsIniFile &file)
{
    QStringList parts;
    for (const AwsIniFile::Section &section : file.sections()) {
        parts << QLatin1Char('[') + section.name + QLatin1Char(']');
        QStringList keys = section.properties.keys();
        keys.sort();
        for (const QString &key : keys) {
            const AwsIniFile::Property &p = section.properties.value(key);
            QString value = p.value;
            parts << key + QLatin1Char('=') + value.replace(QLatin1Char('\n'), QLatin1String("\\n"));
            QStringList subKeys = p.subProperties.keys();
            subKeys.sort();
            for (const QString &sub : subKeys)
                parts << key + QLatin1Char('.') + sub + QLatin1Char('=') + p.subProperties.value(sub);
        }
    }
    return parts.join(QLatin1Char(' '));
}

QProcessEnvironment envWith(std::initializer_list<std::pair<QString, QString>> vars)
{
    QProcessEnvironment env;
    for (const auto &[k, v] : vars)
        env.insert(k, v);
    return env;
}

} // namespace

class TestAwsConfig : public QObject
{
    Q_OBJECT

private slots:
    // --- AwsIniFile -------------------------------------------------------------------
    void iniParse_data();
    void iniParse();
    void iniErrors_data();
    void iniErrors();
    void iniLongBadLineIsNotEchoed();
    void iniInvalidUtf8NamesLine();
    void iniWarningsForIgnoredKeys();
    void iniPropertyLineNumbers();
    void iniReadMissingFile();
    void iniReadDirectory();
    void iniReadFixtureBadLine7();

    // --- AwsSharedConfig --------------------------------------------------------------
    void filePaths_data();
    void filePaths();
    void profileSelection_data();
    void profileSelection();
    void fixtureProfiles();
    void fixtureMergedValues();
    void profilePrefixRules_data();
    void profilePrefixRules();
    void defaultWithAndWithoutPrefix();
    void servicesAndSsoSessions();
    void namedProfileMissing_data();
    void namedProfileMissing();
    void unnamedDefaultMayBeMissing();
    void loadReportsParseErrorWithPathAndLine();
    void loadWithoutHome();

    // --- RegionResolver ---------------------------------------------------------------
    void regionOrder_data();
    void regionOrder();
    void regionInvalid_data();
    void regionInvalid();
    void regionNameSyntax_data();
    void regionNameSyntax();
};

// ------------------------------------------------------------------------------------------

void TestAwsConfig::iniParse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");

    // spec cases
    QTest::newRow("empty file") << QByteArray("") << QString();
    QTest::newRow("empty profile") << QByteArray("[profile foo]") << "[profile foo]";
    QTest::newRow("names trimmed") << QByteArray("[profile \tfoo \t]") << "[profile \tfoo]";
    QTest::newRow("whitespace around header") << QByteArray("[   profile foo    ]\nname = value")
                                              << "[profile foo] name=value";
    QTest::newRow("property") << QByteArray("[profile foo]\nname = value") << "[profile foo] name=value";
    QTest::newRow("CRLF") << QByteArray("[profile foo]\r\nname = value\r\n") << "[profile foo] name=value";
    QTest::newRow("CRLF continuation") << QByteArray("[a]\r\nname = value\r\n  more\r\n") << "[a] name=value\\nmore";
    QTest::newRow("equals in value") << QByteArray("[profile foo]\nname = val=ue") << "[profile foo] name=val=ue";
    QTest::newRow("unicode value") << QByteArray("[profile foo]\nname = \xF0\x9F\x98\x82")
                                   << QString::fromUtf8("[profile foo] name=\xF0\x9F\x98\x82");
    QTest::newRow("two properties") << QByteArray("[profile foo]\nname = value\nname2 = value2")
                                    << "[profile foo] name=value name2=value2";
    QTest::newRow("key and value trimmed") << QByteArray("[profile foo]\nname \t=  \tvalue \t")
                                           << "[profile foo] name=value";
    QTest::newRow("empty value") << QByteArray("[profile foo]\nname =") << "[profile foo] name=";
    QTest::newRow("two empty profiles") << QByteArray("[profile foo]\n[profile bar]") << "[profile foo] [profile bar]";
    QTest::newRow("two profiles") << QByteArray("[profile foo]\nname = value\n[profile bar]\nname2 = value2")
                                  << "[profile foo] name=value [profile bar] name2=value2";
    QTest::newRow("blank lines") << QByteArray("\t \n[profile foo]\n\t\n \nname = value\n\t \n[profile bar]\n \t")
                                 << "[profile foo] name=value [profile bar]";
    QTest::newRow("pound comments") << QByteArray("# Comment\n[profile foo] # Comment\nname = value # Comment with # sign")
                                    << "[profile foo] name=value";
    QTest::newRow("semicolon comments") << QByteArray("; Comment\n[profile foo] ; Comment\nname = value ; Comment with ; sign")
                                        << "[profile foo] name=value";
    QTest::newRow("mixed comments") << QByteArray("# Comment\n[profile foo] ; Comment\nname = value # Comment with ; sign")
                                    << "[profile foo] name=value";
    QTest::newRow("empty comments") << QByteArray(";\n[profile foo];\nname = value ;\n") << "[profile foo] name=value";
    QTest::newRow("comments adjacent to headers") << QByteArray("[profile foo]; Adjacent semicolons\n[profile bar]# Adjacent pound signs")
                                                  << "[profile foo] [profile bar]";
    QTest::newRow("comments adjacent to values are data")
        << QByteArray("[profile foo]\nname = value; Adjacent semicolons\nname2 = value# Adjacent pound signs")
        << "[profile foo] name=value; Adjacent semicolons name2=value# Adjacent pound signs";
    QTest::newRow("indented comment line") << QByteArray("[a]\n   # just a note\nk = v") << "[a] k=v";
    QTest::newRow("continuation") << QByteArray("[profile foo]\nname = value\n -continued")
                                  << "[profile foo] name=value\\n-continued";
    QTest::newRow("continuations") << QByteArray("[profile foo]\nname = value\n -continued\n -and-continued")
                                   << "[profile foo] name=value\\n-continued\\n-and-continued";
    QTest::newRow("continuation trimmed") << QByteArray("[profile foo]\nname = value\n \t -continued \t ")
                                          << "[profile foo] name=value\\n-continued";
    QTest::newRow("continuation keeps pound") << QByteArray("[profile foo]\nname = value\n -continued # Comment")
                                              << "[profile foo] name=value\\n-continued # Comment";
    QTest::newRow("continuation keeps semicolon") << QByteArray("[profile foo]\nname = value\n -continued ; Comment")
                                                  << "[profile foo] name=value\\n-continued ; Comment";
    QTest::newRow("duplicate sections merge") << QByteArray("[profile foo]\nname = value\n[profile foo]\nname2 = value2")
                                              << "[profile foo] name=value name2=value2";
    QTest::newRow("duplicate key last wins") << QByteArray("[profile foo]\nname = value\nname = value2")
                                             << "[profile foo] name=value2";
    QTest::newRow("duplicate key across duplicate sections") << QByteArray("[profile foo]\nname = value\n[profile foo]\nname = value2")
                                                             << "[profile foo] name=value2";
    QTest::newRow("duplicate key is case-insensitive") << QByteArray("[profile foo]\nName = value\n[profile foo]\nname = value2")
                                                       << "[profile foo] name=value2";
    QTest::newRow("invalid key ignored") << QByteArray("[profile foo]\nin valid = value") << "[profile foo]";
    QTest::newRow("invalid key swallows its continuation") << QByteArray("[a]\nin valid = x\n  more\nk = v") << "[a] k=v";
    QTest::newRow("key characters, lower-cased")
        << QByteArray("[profile foo]\nABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ = value")
        << "[profile foo] abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789-_=value";
    QTest::newRow("sub-properties") << QByteArray("[profile foo]\ns3 =\n name = value")
                                    << "[profile foo] s3=\\nname = value s3.name=value";
    QTest::newRow("sub-property empty value") << QByteArray("[profile foo]\ns3 =\n name =")
                                              << "[profile foo] s3=\\nname = s3.name=";
    QTest::newRow("sub-property invalid name kept in text only") << QByteArray("[profile foo]\ns3 =\n in valid = value")
                                                                 << "[profile foo] s3=\\nin valid = value";
    QTest::newRow("sub-properties with blank lines") << QByteArray("[profile foo]\ns3 =\n name = value\n\t \n name2 = value2")
                                                     << "[profile foo] s3=\\nname = value\\nname2 = value2 s3.name=value s3.name2=value2";
    QTest::newRow("empty block followed by key") << QByteArray("[a]\necr =\nregion = x") << "[a] ecr= region=x";

    // botocore-compatible extras
    QTest::newRow("indented keys after header") << QByteArray("[default]\n  region = eu-west-1\n  output = json")
                                                << "[default] output=json region=eu-west-1";
    QTest::newRow("services block") << QByteArray("[services local]\necr =\n  endpoint_url = http://127.0.0.1:4566\n"
                                                  "sts =\n  endpoint_url = http://127.0.0.1:4567\n")
                                    << "[services local] ecr=\\nendpoint_url = http://127.0.0.1:4566 "
                                       "ecr.endpoint_url=http://127.0.0.1:4566 "
                                       "sts=\\nendpoint_url = http://127.0.0.1:4567 sts.endpoint_url=http://127.0.0.1:4567";
    QTest::newRow("UTF-8 BOM") << QByteArray("\xEF\xBB\xBF[default]\nregion = x") << "[default] region=x";
    QTest::newRow("no trailing newline") << QByteArray("[default]\nregion = x") << "[default] region=x";
    QTest::newRow("sections keep first position") << QByteArray("[a]\nk = v\n[b]\n[a]\nk2 = v2") << "[a] k=v k2=v2 [b]";
    QTest::newRow("only comments") << QByteArray("# nothing\n; here\n") << QString();
}

void TestAwsConfig::iniParse()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    AwsError error;
    error.kind = AwsError::Kind::Network;  // must be reset by parse()
    const AwsIniFile file = AwsIniFile::parse(text, QStringLiteral("test.ini"), &error);
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(dump(file), expected);
}

void TestAwsConfig::iniErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("contains");

    QTest::newRow("unclosed header (spec)") << QByteArray("[profile foo") << 1 << "no closing ']'";
    QTest::newRow("key before section (spec)") << QByteArray("name = value") << 1 << "before any [section]";
    QTest::newRow("key before section after comments") << QByteArray("# c\n\nregion = x") << 3 << "'region' comes before any [section]";
    QTest::newRow("bare word before section") << QByteArray("hello") << 1 << "expected '[section]', got 'hello'";
    QTest::newRow("empty key (spec)") << QByteArray("[profile foo]\n= value") << 2 << "no name before '='";
    QTest::newRow("colon separator (spec)") << QByteArray("[profile foo]\nkey : value") << 2
                                            << "expected 'key = value' or '[section]', got 'key : value'";
    QTest::newRow("continuation outside profile (spec)") << QByteArray(" -continued") << 1 << "expected '[section]'";
    QTest::newRow("continuation outside property (spec)") << QByteArray("[profile foo]\n -continued") << 2
                                                           << "does not continue any setting";
    QTest::newRow("continuation reset by header (spec)") << QByteArray("[profile foo]\nname = value\n[profile foo]\n -continued")
                                                          << 4 << "does not continue any setting";
    QTest::newRow("invalid sub-property (spec)") << QByteArray("[profile foo]\ns3 =\n invalid") << 3
                                                 << "expected 'name = value' inside the 's3 =' block";
    QTest::newRow("sub-property without name (spec)") << QByteArray("[profile foo]\ns3 =\n = value") << 3
                                                      << "a sub-setting of 's3' has no name";
    QTest::newRow("empty header") << QByteArray("[default]\n[]") << 2 << "empty section name";
    QTest::newRow("junk after header") << QByteArray("[default] junk") << 1 << "unexpected text after ']'";
    QTest::newRow("bad line 7") << QByteArray("[default]\nregion = x\n\n# c\n[profile a]\noutput = json\nfoo") << 7
                                << "expected 'key = value' or '[section]', got 'foo'";
    QTest::newRow("bad line after CRLF lines") << QByteArray("[a]\r\nk = v\r\n\r\noops\r\n") << 4 << "got 'oops'";
}

void TestAwsConfig::iniErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, contains);
    AwsError error;
    const AwsIniFile file = AwsIniFile::parse(text, QStringLiteral("/home/u/.aws/config"), &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QVERIFY(file.isEmpty());
    const QString prefix = QStringLiteral("/home/u/.aws/config line %1: ").arg(line);
    QVERIFY2(error.message.startsWith(prefix), qPrintable(error.message));
    QVERIFY2(error.message.contains(contains), qPrintable(error.message));
    QVERIFY2(!error.message.contains(QLatin1Char('\n')), "error messages are one line");
}

void TestAwsConfig::iniLongBadLineIsNotEchoed()
{
    // Someone pasted a secret on its own line: the error must not repeat it.
    const QByteArray secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    AwsError error;
    AwsIniFile::parse("[default]\naws_access_key_id = AKIDEXAMPLE\n" + secret + "\n", QStringLiteral("creds"), &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QVERIFY2(error.message.startsWith(QStringLiteral("creds line 3: ")), qPrintable(error.message));
    QVERIFY2(!error.message.contains(QString::fromLatin1(secret)), qPrintable(error.message));
    QVERIFY2(!error.message.contains(QStringLiteral("wJalr")), qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("40 characters")), qPrintable(error.message));
}

void TestAwsConfig::iniInvalidUtf8NamesLine()
{
    AwsError error;
    AwsIniFile::parse("[default]\nregion = \xC3\x28\n", QStringLiteral("cfg"), &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QVERIFY2(error.message.startsWith(QStringLiteral("cfg line 2: not valid UTF-8")), qPrintable(error.message));
}

void TestAwsConfig::iniWarningsForIgnoredKeys()
{
    AwsError error;
    const AwsIniFile file = AwsIniFile::parse("[a]\nk = v\nin valid = x\n", QStringLiteral("cfg"), &error);
    QVERIFY(!error);
    QCOMPARE(file.warnings().size(), 1);
    QVERIFY2(file.warnings().first().startsWith(QStringLiteral("cfg line 3: ignored setting with invalid name 'in valid'")),
             qPrintable(file.warnings().first()));
}

void TestAwsConfig::iniPropertyLineNumbers()
{
    AwsError error;
    const AwsIniFile file = AwsIniFile::parse("# c\n[a]\nk = 1\n\n[b]\nx = y\n[a]\nk = 2\n", QStringLiteral("cfg"), &error);
    QVERIFY(!error);
    const AwsIniFile::Section *a = file.section(QStringLiteral("a"));
    QVERIFY(a);
    QCOMPARE(a->line, 2);
    QCOMPARE(a->properties.value(QStringLiteral("k")).value, QStringLiteral("2"));
    QCOMPARE(a->properties.value(QStringLiteral("k")).line, 8);
    QCOMPARE(file.section(QStringLiteral("b"))->line, 5);
    QVERIFY(!file.section(QStringLiteral("c")));
}

void TestAwsConfig::iniReadMissingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    bool exists = true;
    AwsError error;
    error.kind = AwsError::Kind::Parse;
    const AwsIniFile file = AwsIniFile::read(dir.filePath(QStringLiteral("nope")), &exists, &error);
    QVERIFY(!exists);
    QVERIFY(!error);
    QVERIFY(file.isEmpty());
}

void TestAwsConfig::iniReadDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    bool exists = false;
    AwsError error;
    AwsIniFile::read(dir.path(), &exists, &error);
    QVERIFY(exists);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QVERIFY2(error.message.contains(QStringLiteral("is a directory")), qPrintable(error.message));
    QVERIFY(error.message.contains(dir.path()));
}

void TestAwsConfig::iniReadFixtureBadLine7()
{
    const QString path = dataDir + QStringLiteral("/config-bad-line7");
    bool exists = false;
    AwsError error;
    AwsIniFile::read(path, &exists, &error);
    QVERIFY(exists);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QCOMPARE(error.message, path + QStringLiteral(" line 7: expected 'key = value' or '[section]', got 'foo'; "
                                                  "settings need '=' between name and value"));
}

// ------------------------------------------------------------------------------------------

void TestAwsConfig::filePaths_data()
{
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("credentials");

    QTest::newRow("HOME") << envWith({{"HOME", "/home/u"}}) << "/home/u/.aws/config" << "/home/u/.aws/credentials";
    QTest::newRow("overrides") << envWith({{"HOME", "/home/u"}, {"AWS_CONFIG_FILE", "/etc/aws/cfg"},
                                           {"AWS_SHARED_CREDENTIALS_FILE", "/run/secrets/aws"}})
                               << "/etc/aws/cfg" << "/run/secrets/aws";
    QTest::newRow("tilde") << envWith({{"HOME", "/home/u"}, {"AWS_CONFIG_FILE", "~/x/config"},
                                       {"AWS_SHARED_CREDENTIALS_FILE", "~"}})
                           << "/home/u/x/config" << "/home/u";
    QTest::newRow("empty override ignored") << envWith({{"HOME", "/root"}, {"AWS_CONFIG_FILE", ""}})
                                            << "/root/.aws/config" << "/root/.aws/credentials";
    QTest::newRow("no HOME") << envWith({}) << QString() << QString();
    QTest::newRow("no HOME, override") << envWith({{"AWS_CONFIG_FILE", "/c"}}) << "/c" << QString();
}

void TestAwsConfig::filePaths()
{
    QFETCH(QProcessEnvironment, env);
    QFETCH(QString, config);
    QFETCH(QString, credentials);
    QCOMPARE(AwsSharedConfig::configFilePath(env), config);
    QCOMPARE(AwsSharedConfig::credentialsFilePath(env), credentials);
}

void TestAwsConfig::profileSelection_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("named");
    QTest::addColumn<bool>("fromCommandLine");

    QTest::newRow("nothing") << QString() << envWith({}) << "default" << "default" << false << false;
    QTest::newRow("AWS_PROFILE") << QString() << envWith({{"AWS_PROFILE", "dev"}}) << "dev" << "AWS_PROFILE" << true << false;
    QTest::newRow("AWS_DEFAULT_PROFILE") << QString() << envWith({{"AWS_DEFAULT_PROFILE", "ops"}})
                                         << "ops" << "AWS_DEFAULT_PROFILE" << true << false;
    QTest::newRow("AWS_PROFILE beats AWS_DEFAULT_PROFILE")
        << QString() << envWith({{"AWS_PROFILE", "dev"}, {"AWS_DEFAULT_PROFILE", "ops"}}) << "dev" << "AWS_PROFILE" << true << false;
    QTest::newRow("empty AWS_PROFILE is unset")
        << QString() << envWith({{"AWS_PROFILE", ""}, {"AWS_DEFAULT_PROFILE", "ops"}}) << "ops" << "AWS_DEFAULT_PROFILE" << true << false;
    QTest::newRow("flag beats env") << "cli" << envWith({{"AWS_PROFILE", "dev"}}) << "cli" << "command line" << true << true;
    QTest::newRow("AWS_PROFILE=default is named") << QString() << envWith({{"AWS_PROFILE", "default"}})
                                                  << "default" << "AWS_PROFILE" << true << false;
}

void TestAwsConfig::profileSelection()
{
    QFETCH(QString, flag);
    QFETCH(QProcessEnvironment, env);
    const AwsSharedConfig::ProfileSelection s = AwsSharedConfig::selectProfile(env, flag);
    QTEST(s.name, "name");
    QTEST(s.origin, "origin");
    QTEST(s.named, "named");
    QTEST(s.fromCommandLine, "fromCommandLine");
}

void TestAwsConfig::fixtureProfiles()
{
    const QProcessEnvironment env = envWith({{"AWS_CONFIG_FILE", dataDir + "/config"},
                                             {"AWS_SHARED_CREDENTIALS_FILE", dataDir + "/credentials"}});
    AwsError error;
    // The misplaced [profile staging] in the credentials file is reported once, with its line.
    QTest::ignoreMessage(QtWarningMsg, qPrintable(dataDir + "/credentials line 11: ignored section [profile staging]: "
                                                  "the credentials file names profiles without 'profile ', write [staging]"));
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(shared.warnings().size(), 1);
    using K = AwsSharedConfig::FileKind;
    QVERIFY(shared.fileExists(K::Config));
    QVERIFY(shared.fileExists(K::Credentials));
    QCOMPARE(shared.filePath(K::Config), dataDir + "/config");
    // [dev] in the config file is not a profile; [profile staging] in the credentials file is not one.
    QCOMPARE(shared.profileNames(K::Config), (QStringList{"default", "dev", "keyonly", "prod"}));
    QCOMPARE(shared.profileNames(K::Credentials), (QStringList{"default", "dev"}));
    QVERIFY(!shared.hasProfile(QStringLiteral("staging")));
    QCOMPARE(shared.profile(K::Config, QStringLiteral("dev")).values.value("region").value, QStringLiteral("us-west-2"));
    QCOMPARE(shared.profile(K::Config, QStringLiteral("dev")).line, 6);
    QCOMPARE(shared.misplacedProfileHint(K::Credentials, QStringLiteral("staging")),
             QStringLiteral("(it has [profile staging]; in the credentials file write [staging] without 'profile ')"));
    QCOMPARE(shared.misplacedProfileHint(K::Config, QStringLiteral("dev")),
             QStringLiteral("(it has [dev]; in the config file write [profile dev])"));
    QCOMPARE(shared.misplacedProfileHint(K::Config, QStringLiteral("prod")), QString());
}

void TestAwsConfig::fixtureMergedValues()
{
    const QProcessEnvironment env = envWith({{"AWS_CONFIG_FILE", dataDir + "/config"},
                                             {"AWS_SHARED_CREDENTIALS_FILE", dataDir + "/credentials"},
                                             {"AWS_PROFILE", "dev"}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(shared.profileName(), QStringLiteral("dev"));
    // In both files: the credentials file wins (spec "Duplicate properties between files").
    const AwsSharedConfig::Value keyId = shared.value(QStringLiteral("aws_access_key_id"));
    QCOMPARE(keyId.value, QStringLiteral("AKIDCREDSDEV"));
    QCOMPARE(keyId.file, dataDir + "/credentials");
    QCOMPARE(keyId.line, 7);
    // Only in the config file.
    const AwsSharedConfig::Value region = shared.value(QStringLiteral("region"));
    QCOMPARE(region.value, QStringLiteral("us-west-2"));
    QCOMPARE(region.file, dataDir + "/config");
    QCOMPARE(region.line, 7);
    // Keys are case-insensitive for lookups.
    QCOMPARE(shared.value(QStringLiteral("REGION")).value, QStringLiteral("us-west-2"));
    QVERIFY(!shared.value(QStringLiteral("nothing")).isSet());
    QCOMPARE(shared.value(QStringLiteral("prod"), QStringLiteral("role_arn")).value,
             QStringLiteral("arn:aws:iam::123456789012:role/ecr-read"));
}

void TestAwsConfig::profilePrefixRules_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    QTest::addColumn<QStringList>("profiles");  // sorted, both files together

    QTest::newRow("config without prefix ignored (spec)") << QByteArray("[foo]\nname = value") << QByteArray()
                                                          << QStringList{};
    QTest::newRow("credentials with prefix ignored (spec)") << QByteArray() << QByteArray("[profile foo]\nname = value")
                                                            << QStringList{};
    QTest::newRow("sneaky profilefoo (spec)") << QByteArray("[profilefoo]\nname = value\n[profile bar]") << QByteArray()
                                              << QStringList{"bar"};
    QTest::newRow("tab after prefix (spec)") << QByteArray("[profile\tfoo]") << QByteArray() << QStringList{"foo"};
    QTest::newRow("invalid names ignored (spec)") << QByteArray("[profile in valid]\nname = value")
                                                  << QByteArray("[in valid 2]\nname2 = value2") << QStringList{};
    QTest::newRow("name characters (spec)")
        << QByteArray("[profile some-thing:long/the_one%only.foo@bar+]\n[profile foo!bar]") << QByteArray()
        << QStringList{"some-thing:long/the_one%only.foo@bar+"};
    QTest::newRow("both files") << QByteArray("[default]\n[profile a]") << QByteArray("[b]\n[default]")
                                << QStringList{"a", "b", "default"};
    QTest::newRow("sso-sessionfoo is a credentials profile (spec)") << QByteArray()
                                                                    << QByteArray("[sso-sessionfoo]\nname = value\n[bar]")
                                                                    << QStringList{"bar", "sso-sessionfoo"};
}

void TestAwsConfig::profilePrefixRules()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    QFETCH(QStringList, profiles);
    AwsError e1, e2;
    const AwsIniFile c = AwsIniFile::parse(config, QStringLiteral("config"), &e1);
    const AwsIniFile k = AwsIniFile::parse(credentials, QStringLiteral("credentials"), &e2);
    QVERIFY(!e1 && !e2);
    const AwsSharedConfig shared = AwsSharedConfig::fromFiles(c, true, k, true, {});
    QStringList all = shared.profileNames(AwsSharedConfig::FileKind::Config)
                      + shared.profileNames(AwsSharedConfig::FileKind::Credentials);
    all.removeDuplicates();
    all.sort();
    QCOMPARE(all, profiles);
}

void TestAwsConfig::defaultWithAndWithoutPrefix()
{
    // spec: "[profile default]" wins over "[default]" in the config file, whatever the order;
    // the credentials file's [default] merges on top.
    for (const QByteArray &text : {QByteArray("[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3"),
                                   QByteArray("[default]\nname2 = value2\n[profile default]\nname = value\nname3 = value3")}) {
        AwsError e;
        const AwsIniFile c = AwsIniFile::parse(text, QStringLiteral("config"), &e);
        const AwsIniFile k = AwsIniFile::parse("[default]\nsecret=foo", QStringLiteral("credentials"), &e);
        const AwsSharedConfig shared = AwsSharedConfig::fromFiles(c, true, k, true, {});
        QCOMPARE(shared.value(QStringLiteral("name")).value, QStringLiteral("value"));
        QCOMPARE(shared.value(QStringLiteral("name3")).value, QStringLiteral("value3"));
        QVERIFY(!shared.value(QStringLiteral("name2")).isSet());
        QCOMPARE(shared.value(QStringLiteral("secret")).value, QStringLiteral("foo"));
        QCOMPARE(shared.warnings().size(), 1);
        QVERIFY(shared.warnings().first().contains(QStringLiteral("[default] ignored because [profile default] exists")));
    }
    // Without [profile default], [default] is the default profile.
    AwsError e;
    const AwsIniFile c = AwsIniFile::parse("[default]\nregion = x", QStringLiteral("config"), &e);
    const AwsSharedConfig shared = AwsSharedConfig::fromFiles(c, true, AwsIniFile(), false, {});
    QCOMPARE(shared.value(QStringLiteral("region")).value, QStringLiteral("x"));
}

void TestAwsConfig::servicesAndSsoSessions()
{
    const QProcessEnvironment env = envWith({{"AWS_CONFIG_FILE", dataDir + "/config"},
                                             {"AWS_SHARED_CREDENTIALS_FILE", dataDir + "/credentials"}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY(!error);
    const AwsSharedConfig::Block services = shared.servicesSection(QStringLiteral("local-stack"));
    QVERIFY(services.exists());
    QCOMPARE(services.values.value("ecr").subProperties.value("endpoint_url"), QStringLiteral("http://127.0.0.1:4566"));
    QCOMPARE(services.values.value("ecr").line, 28);
    QCOMPARE(services.values.value("sts").subProperties.value("endpoint_url"), QStringLiteral("http://127.0.0.1:4567"));
    QVERIFY(!shared.servicesSection(QStringLiteral("other")).exists());
    const AwsSharedConfig::Block sso = shared.ssoSession(QStringLiteral("corp"));
    QVERIFY(sso.exists());
    QCOMPARE(sso.values.value("sso_region").value, QStringLiteral("eu-west-1"));
    // sso-session and services sections are not profiles.
    QVERIFY(!shared.hasProfile(QStringLiteral("corp")));
    QVERIFY(!shared.hasProfile(QStringLiteral("local-stack")));
}

void TestAwsConfig::namedProfileMissing_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("awsProfile");
    QTest::addColumn<QString>("expected");  // %C = config path, %K = credentials path

    QTest::newRow("AWS_PROFILE") << QString() << "nope"
        << "profile 'nope' (from AWS_PROFILE) does not exist: %C has no [profile nope], and %K has no [nope]; "
           "create the profile or choose another one";
    QTest::newRow("flag") << "nope" << QString()
        << "profile 'nope' (from command line) does not exist: %C has no [profile nope], and %K has no [nope]; "
           "create the profile or choose another one";
    QTest::newRow("misplaced in credentials file") << QString() << "staging"
        << "profile 'staging' (from AWS_PROFILE) does not exist: %C has no [profile staging], and %K has no [staging] "
           "(it has [profile staging]; in the credentials file write [staging] without 'profile '); "
           "create the profile or choose another one";
}

void TestAwsConfig::namedProfileMissing()
{
    QFETCH(QString, flag);
    QFETCH(QString, awsProfile);
    QFETCH(QString, expected);
    QProcessEnvironment env = envWith({{"AWS_CONFIG_FILE", dataDir + "/config"},
                                       {"AWS_SHARED_CREDENTIALS_FILE", dataDir + "/credentials"}});
    if (!awsProfile.isEmpty())
        env.insert(QStringLiteral("AWS_PROFILE"), awsProfile);
    AwsError error;
    AwsSharedConfig::load(env, flag, &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    expected.replace(QLatin1String("%C"), dataDir + "/config").replace(QLatin1String("%K"), dataDir + "/credentials");
    QCOMPARE(error.message, expected);
}

void TestAwsConfig::unnamedDefaultMayBeMissing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // No files at all: fine unless a profile is named.
    const QProcessEnvironment env = envWith({{"HOME", dir.path()}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(shared.fileStatus(AwsSharedConfig::FileKind::Config), QStringLiteral("no such file"));
    QCOMPARE(shared.filePath(AwsSharedConfig::FileKind::Credentials), dir.path() + "/.aws/credentials");

    // AWS_PROFILE=default names it, so it must exist (botocore raises ProfileNotFound too).
    QProcessEnvironment named = env;
    named.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("default"));
    AwsSharedConfig::load(named, {}, &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QCOMPARE(error.message, QStringLiteral("profile 'default' (from AWS_PROFILE) does not exist: %1/.aws/config does not exist, "
                                           "and %1/.aws/credentials does not exist; create the profile or choose another one")
                                .arg(dir.path()));
}

void TestAwsConfig::loadReportsParseErrorWithPathAndLine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral(".aws")));
    QVERIFY(writeFile(dir.filePath(QStringLiteral(".aws/credentials")), "[default]\naws_access_key_id = A\nbroken line\n"));
    AwsError error;
    AwsSharedConfig::load(envWith({{"HOME", dir.path()}}), {}, &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QCOMPARE(error.message, dir.path() + QStringLiteral("/.aws/credentials line 3: expected 'key = value' or '[section]', "
                                                        "got 'broken line'; settings need '=' between name and value"));
}

void TestAwsConfig::loadWithoutHome()
{
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(QProcessEnvironment(), {}, &error);
    QVERIFY(!error);
    QVERIFY(shared.filePath(AwsSharedConfig::FileKind::Config).isEmpty());
    QCOMPARE(shared.fileStatus(AwsSharedConfig::FileKind::Config),
             QStringLiteral("not looked for (HOME is not set and AWS_CONFIG_FILE is not set)"));
    QCOMPARE(shared.fileStatus(AwsSharedConfig::FileKind::Credentials),
             QStringLiteral("not looked for (HOME is not set and AWS_SHARED_CREDENTIALS_FILE is not set)"));
}

// ------------------------------------------------------------------------------------------

void TestAwsConfig::regionOrder_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("region");
    QTest::addColumn<int>("origin");
    QTest::addColumn<QString>("source");

    using O = RegionResolver::Origin;
    auto env = [&](std::initializer_list<std::pair<QString, QString>> vars) {
        QProcessEnvironment e = envWith(vars);
        e.insert(QStringLiteral("AWS_CONFIG_FILE"), dataDir + "/config");
        e.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), dataDir + "/credentials");
        return e;
    };
    QTest::newRow("flag first") << "ap-northeast-1" << env({{"AWS_REGION", "us-east-1"}, {"AWS_DEFAULT_REGION", "us-east-2"}})
                                << "ap-northeast-1" << int(O::CommandLine) << "command line";
    QTest::newRow("AWS_REGION") << QString() << env({{"AWS_REGION", "us-east-1"}, {"AWS_DEFAULT_REGION", "us-east-2"}})
                                << "us-east-1" << int(O::AwsRegion) << "AWS_REGION";
    QTest::newRow("AWS_DEFAULT_REGION") << QString() << env({{"AWS_DEFAULT_REGION", "us-east-2"}, {"AWS_PROFILE", "dev"}})
                                        << "us-east-2" << int(O::AwsDefaultRegion) << "AWS_DEFAULT_REGION";
    QTest::newRow("empty AWS_REGION is unset") << QString() << env({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-east-2"}})
                                               << "us-east-2" << int(O::AwsDefaultRegion) << "AWS_DEFAULT_REGION";
    QTest::newRow("profile dev") << QString() << env({{"AWS_PROFILE", "dev"}}) << "us-west-2" << int(O::Profile)
                                 << "profile 'dev' (" + dataDir + "/config line 7)";
    QTest::newRow("default profile") << QString() << env({}) << "eu-central-1" << int(O::Profile)
                                     << "profile 'default' (" + dataDir + "/config line 3)";
    QTest::newRow("built-in default") << QString() << envWith({}) << "eu-west-1" << int(O::Default) << "default";
    QTest::newRow("profile without region") << QString() << env({{"AWS_PROFILE", "keyonly"}}) << "eu-west-1"
                                            << int(O::Default) << "default";
}

void TestAwsConfig::regionOrder()
{
    QFETCH(QString, flag);
    QFETCH(QProcessEnvironment, env);
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY2(!error, qPrintable(error.message));
    const RegionResolver::Result r = RegionResolver::resolve(flag, env, shared, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QTEST(r.region, "region");
    QTEST(int(r.origin), "origin");
    QTEST(r.source, "source");
}

void TestAwsConfig::regionInvalid_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("expected");

    QTest::newRow("upper case env") << QString() << envWith({{"AWS_REGION", "EU-WEST-1"}}) << QByteArray()
        << "region 'EU-WEST-1' from AWS_REGION is not a valid AWS region name; use lower-case letters, digits and '-', e.g. eu-west-1";
    QTest::newRow("trailing space") << QString() << envWith({{"AWS_DEFAULT_REGION", "eu-west-1 "}}) << QByteArray()
        << "region 'eu-west-1 ' from AWS_DEFAULT_REGION is not a valid AWS region name; use lower-case letters, digits and '-', e.g. eu-west-1";
    QTest::newRow("slash on command line") << "eu/west" << envWith({}) << QByteArray()
        << "region 'eu/west' from command line is not a valid AWS region name; use lower-case letters, digits and '-', e.g. eu-west-1";
    QTest::newRow("profile") << QString() << envWith({}) << QByteArray("[default]\nregion = eu west 1\n")
        << "region 'eu west 1' from profile 'default' (cfg line 2) is not a valid AWS region name; use lower-case letters, digits and '-', e.g. eu-west-1";
}

void TestAwsConfig::regionInvalid()
{
    QFETCH(QString, flag);
    QFETCH(QProcessEnvironment, env);
    QFETCH(QByteArray, config);
    QFETCH(QString, expected);
    AwsError error;
    const AwsIniFile ini = AwsIniFile::parse(config, QStringLiteral("cfg"), &error);
    QVERIFY(!error);
    const AwsSharedConfig shared = AwsSharedConfig::fromFiles(ini, true, AwsIniFile(), false, {});
    const RegionResolver::Result r = RegionResolver::resolve(flag, env, shared, &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QCOMPARE(error.message, expected);
    QVERIFY(r.region.isEmpty());
}

void TestAwsConfig::regionNameSyntax_data()
{
    QTest::addColumn<QString>("region");
    QTest::addColumn<bool>("valid");
    QTest::newRow("eu-west-1") << "eu-west-1" << true;
    QTest::newRow("us-gov-west-1") << "us-gov-west-1" << true;
    QTest::newRow("future shape") << "xx-newplace-9" << true;
    QTest::newRow("local") << "local" << true;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("space") << "eu west-1" << false;
    QTest::newRow("upper") << "Eu-west-1" << false;
    QTest::newRow("slash") << "eu-west-1/" << false;
    QTest::newRow("dot") << "eu.west" << false;
    QTest::newRow("leading dash") << "-eu" << false;
    QTest::newRow("trailing dash") << "eu-" << false;
    QTest::newRow("63 chars") << QString(63, QLatin1Char('a')) << true;
    QTest::newRow("64 chars") << QString(64, QLatin1Char('a')) << false;
}

void TestAwsConfig::regionNameSyntax()
{
    QFETCH(QString, region);
    QTEST(RegionResolver::isValidRegionName(region), "valid");
}

QTEST_GUILESS_MAIN(TestAwsConfig)
#include "tst_awsconfig.moc"
