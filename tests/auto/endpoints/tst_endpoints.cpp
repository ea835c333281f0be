// Tests for EndpointResolver.
//
// Default endpoints: expected URLs were printed by Debian's botocore 1.29.27
// (`session.create_client(svc, region_name=r).meta.endpoint_url`, with
// AWS_STS_REGIONAL_ENDPOINTS=regional for STS); partitions from its endpoints.json, plus
// il/mx which upstream botocore added to the aws regex (aws-for-ecr-exporter.md §b.2).
// Override order: botocore ConfiguredEndpointProvider (service env, global env, [services]
// entry, profile endpoint_url); names from the AWS SDK "service-specific endpoints" table.

#include "aws/awsinifile.h"
#include "aws/awssharedconfig.h"
#include "aws/endpointresolver.h"

#include <QProcessEnvironment>
#include <QtTest>

Q_DECLARE_METATYPE(QProcessEnvironment)

namespace {

QProcessEnvironment envWith(std::initializer_list<std::pair<QString, QString>> vars)
{
    QProcessEnvironment env;
    for (const auto &[k, v] : vars)
        env.insert(k, v);
    return env;
}

// Shared config made from config-file text, with `profile` selected.
AwsSharedConfig configFrom(const QByteArray &text, const QString &profile = QStringLiteral("default"))
{
    AwsError error;
    const AwsIniFile ini = AwsIniFile::parse(text, QStringLiteral("/home/u/.aws/config"), &error);
    Q_ASSERT(!error);
    AwsSharedConfig::ProfileSelection selection;
    selection.name = profile;
    return AwsSharedConfig::fromFiles(ini, true, AwsIniFile(), false, selection);
}

EndpointResolver::Service serviceNamed(const QString &name)
{
    if (name == QLatin1String("ECR"))
        return EndpointResolver::ecr();
    if (name == QLatin1String("STS"))
        return EndpointResolver::sts();
    return EndpointResolver::inspector2();
}

const QByteArray profileConfig =
    "[default]\n"
    "endpoint_url = https://profile-global.example\n"
    "services = my-endpoints\n"
    "[profile plain]\n"
    "region = eu-west-1\n"
    "[profile onlyglobal]\n"
    "endpoint_url = https://only-global.example:8443/base\n"
    "[profile ignoring]\n"
    "ignore_configured_endpoint_urls = true\n"
    "endpoint_url = https://ignored.example\n"
    "[profile dangling]\n"
    "services = nowhere\n"
    "[profile flat]\n"
    "services = flat\n"
    "[profile fips]\n"
    "use_fips_endpoint = true\n"
    "[services my-endpoints]\n"
    "ecr =\n"
    "  endpoint_url = http://127.0.0.1:4566\n"
    "sts =\n"
    "  region = ignored-here\n"
    "[services flat]\n"
    "ecr = http://127.0.0.1:4566\n";

} // namespace

class TestEndpoints : public QObject
{
    Q_OBJECT

private slots:
    void defaults_data();
    void defaults();
    void partitions_data();
    void partitions();
    void invalidRegion_data();
    void invalidRegion();
    void names_data();
    void names();
    void overrides_data();
    void overrides();
    void configErrors_data();
    void configErrors();
    void invalidUrl_data();
    void invalidUrl();
    void noConfig();
};

void TestEndpoints::defaults_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("url");

    const struct { const char *region; const char *ecr; const char *sts; const char *inspector2; } rows[] = {
        {"us-east-1", "https://api.ecr.us-east-1.amazonaws.com", "https://sts.us-east-1.amazonaws.com", "https://inspector2.us-east-1.amazonaws.com"},
        {"eu-west-1", "https://api.ecr.eu-west-1.amazonaws.com", "https://sts.eu-west-1.amazonaws.com", "https://inspector2.eu-west-1.amazonaws.com"},
        {"ap-southeast-4", "https://api.ecr.ap-southeast-4.amazonaws.com", "https://sts.ap-southeast-4.amazonaws.com", "https://inspector2.ap-southeast-4.amazonaws.com"},
        {"me-central-1", "https://api.ecr.me-central-1.amazonaws.com", "https://sts.me-central-1.amazonaws.com", "https://inspector2.me-central-1.amazonaws.com"},
        {"il-central-1", "https://api.ecr.il-central-1.amazonaws.com", "https://sts.il-central-1.amazonaws.com", "https://inspector2.il-central-1.amazonaws.com"},
        {"mx-central-1", "https://api.ecr.mx-central-1.amazonaws.com", "https://sts.mx-central-1.amazonaws.com", "https://inspector2.mx-central-1.amazonaws.com"},
        {"cn-north-1", "https://api.ecr.cn-north-1.amazonaws.com.cn", "https://sts.cn-north-1.amazonaws.com.cn", "https://inspector2.cn-north-1.amazonaws.com.cn"},
        {"cn-northwest-1", "https://api.ecr.cn-northwest-1.amazonaws.com.cn", "https://sts.cn-northwest-1.amazonaws.com.cn", "https://inspector2.cn-northwest-1.amazonaws.com.cn"},
        {"us-gov-west-1", "https://api.ecr.us-gov-west-1.amazonaws.com", "https://sts.us-gov-west-1.amazonaws.com", "https://inspector2.us-gov-west-1.amazonaws.com"},
        {"us-iso-east-1", "https://api.ecr.us-iso-east-1.c2s.ic.gov", "https://sts.us-iso-east-1.c2s.ic.gov", "https://inspector2.us-iso-east-1.c2s.ic.gov"},
        {"us-isob-east-1", "https://api.ecr.us-isob-east-1.sc2s.sgov.gov", "https://sts.us-isob-east-1.sc2s.sgov.gov", "https://inspector2.us-isob-east-1.sc2s.sgov.gov"},
        {"xx-foo-1", "https://api.ecr.xx-foo-1.amazonaws.com", "https://sts.xx-foo-1.amazonaws.com", "https://inspector2.xx-foo-1.amazonaws.com"},
    };
    for (const auto &row : rows) {
        QTest::addRow("ECR %s", row.region) << "ECR" << row.region << row.ecr;
        QTest::addRow("STS %s", row.region) << "STS" << row.region << row.sts;
        QTest::addRow("Inspector2 %s", row.region) << "Inspector2" << row.region << row.inspector2;
    }
}

void TestEndpoints::defaults()
{
    QFETCH(QString, service);
    QFETCH(QString, region);
    QFETCH(QString, url);
    AwsError error;
    error.kind = AwsError::Kind::Network;  // must be cleared
    const EndpointResolver::Result r = EndpointResolver::resolve(serviceNamed(service), region, QProcessEnvironment(),
                                                                 nullptr, {}, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QCOMPARE(r.url.toString(), url);
    QCOMPARE(r.origin, EndpointResolver::Origin::Default);
    QCOMPARE(r.source, QStringLiteral("default"));
    QVERIFY(!r.isCustom());
}

void TestEndpoints::partitions_data()
{
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("partition");
    QTest::addColumn<QString>("suffix");
    QTest::newRow("us-east-1") << "us-east-1" << "aws" << "amazonaws.com";
    QTest::newRow("us-gov-east-1 is not aws") << "us-gov-east-1" << "aws-us-gov" << "amazonaws.com";
    QTest::newRow("us-iso-west-1") << "us-iso-west-1" << "aws-iso" << "c2s.ic.gov";
    QTest::newRow("us-isob-east-1") << "us-isob-east-1" << "aws-iso-b" << "sc2s.sgov.gov";
    QTest::newRow("cn-north-1") << "cn-north-1" << "aws-cn" << "amazonaws.com.cn";
    QTest::newRow("af-south-1") << "af-south-1" << "aws" << "amazonaws.com";
    QTest::newRow("ca-west-1") << "ca-west-1" << "aws" << "amazonaws.com";
    QTest::newRow("sa-east-1") << "sa-east-1" << "aws" << "amazonaws.com";
    QTest::newRow("unknown shape -> aws") << "local" << "aws" << "amazonaws.com";
    QTest::newRow("unknown prefix -> aws") << "zz-north-7" << "aws" << "amazonaws.com";
}

void TestEndpoints::partitions()
{
    QFETCH(QString, region);
    const EndpointResolver::Partition p = EndpointResolver::partitionForRegion(region);
    QTEST(p.name, "partition");
    QTEST(p.dnsSuffix, "suffix");
}

void TestEndpoints::invalidRegion_data()
{
    QTest::addColumn<QString>("region");
    QTest::newRow("empty") << "";
    QTest::newRow("space") << "eu west-1";
    QTest::newRow("upper case") << "EU-WEST-1";
    QTest::newRow("slash") << "eu-west-1/evil";
    QTest::newRow("host injection") << "eu-west-1.evil.com";
}

void TestEndpoints::invalidRegion()
{
    QFETCH(QString, region);
    AwsError error;
    // Even with a custom endpoint: the region still goes into the signature.
    const EndpointResolver::Result r = EndpointResolver::resolve(EndpointResolver::ecr(), region, QProcessEnvironment(),
                                                                 nullptr, QStringLiteral("http://127.0.0.1:1"), &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QVERIFY2(error.message.contains(QStringLiteral("is not a valid AWS region name")), qPrintable(error.message));
    QVERIFY(r.url.isEmpty());
}

void TestEndpoints::names_data()
{
    QTest::addColumn<QString>("serviceId");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("key");
    QTest::newRow("ECR") << "ECR" << "AWS_ENDPOINT_URL_ECR" << "ecr";
    QTest::newRow("ECR PUBLIC") << "ECR PUBLIC" << "AWS_ENDPOINT_URL_ECR_PUBLIC" << "ecr_public";
    QTest::newRow("STS") << "STS" << "AWS_ENDPOINT_URL_STS" << "sts";
    QTest::newRow("Inspector2") << "Inspector2" << "AWS_ENDPOINT_URL_INSPECTOR2" << "inspector2";
    QTest::newRow("hyphen") << "Resource Groups Tagging-API" << "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API"
                            << "resource_groups_tagging_api";
}

void TestEndpoints::names()
{
    QFETCH(QString, serviceId);
    QTEST(EndpointResolver::environmentVariable(serviceId), "variable");
    QTEST(EndpointResolver::servicesKey(serviceId), "key");
}

void TestEndpoints::overrides_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("origin");
    QTest::addColumn<QString>("source");

    using O = EndpointResolver::Origin;
    const auto all = envWith({{"AWS_ENDPOINT_URL_ECR", "http://service-env:1"}, {"AWS_ENDPOINT_URL", "http://global-env:2"}});
    QTest::newRow("flag beats everything") << "ECR" << "default" << all << "http://flag:3"
                                           << "http://flag:3" << int(O::CommandLine) << "command line";
    QTest::newRow("service env") << "ECR" << "default" << all << QString()
                                 << "http://service-env:1" << int(O::ServiceEnvironment) << "AWS_ENDPOINT_URL_ECR";
    QTest::newRow("other service's env does not apply") << "STS" << "plain" << all << QString()
                                                        << "http://global-env:2" << int(O::GlobalEnvironment) << "AWS_ENDPOINT_URL";
    QTest::newRow("global env beats config") << "ECR" << "default" << envWith({{"AWS_ENDPOINT_URL", "http://global-env:2"}})
                                             << QString() << "http://global-env:2" << int(O::GlobalEnvironment) << "AWS_ENDPOINT_URL";
    QTest::newRow("empty env is unset") << "ECR" << "plain" << envWith({{"AWS_ENDPOINT_URL_ECR", ""}, {"AWS_ENDPOINT_URL", ""}})
                                        << QString() << "https://api.ecr.eu-west-1.amazonaws.com" << int(O::Default) << "default";
    QTest::newRow("services section") << "ECR" << "default" << envWith({}) << QString()
                                      << "http://127.0.0.1:4566" << int(O::ServicesSection)
                                      << "[services my-endpoints] (/home/u/.aws/config line 18)";
    QTest::newRow("services section without url -> profile endpoint_url")
        << "STS" << "default" << envWith({}) << QString()
        << "https://profile-global.example" << int(O::Profile) << "endpoint_url in profile 'default' (/home/u/.aws/config line 2)";
    QTest::newRow("service missing from section -> profile endpoint_url")
        << "Inspector2" << "default" << envWith({}) << QString()
        << "https://profile-global.example" << int(O::Profile) << "endpoint_url in profile 'default' (/home/u/.aws/config line 2)";
    QTest::newRow("profile endpoint_url with port and path")
        << "ECR" << "onlyglobal" << envWith({}) << QString()
        << "https://only-global.example:8443/base" << int(O::Profile) << "endpoint_url in profile 'onlyglobal' (/home/u/.aws/config line 7)";
    QTest::newRow("no overrides") << "ECR" << "plain" << envWith({}) << QString()
                                  << "https://api.ecr.eu-west-1.amazonaws.com" << int(O::Default) << "default";
    QTest::newRow("env ignore switch") << "ECR" << "default"
                                       << envWith({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}, {"AWS_ENDPOINT_URL_ECR", "http://service-env:1"}})
                                       << QString() << "https://api.ecr.eu-west-1.amazonaws.com" << int(O::Default) << "default";
    QTest::newRow("ignore switch, case-insensitive") << "ECR" << "default"
                                                     << envWith({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}, {"AWS_ENDPOINT_URL", "http://g:2"}})
                                                     << QString() << "https://api.ecr.eu-west-1.amazonaws.com" << int(O::Default) << "default";
    QTest::newRow("ignore switch keeps the flag") << "ECR" << "default" << envWith({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}})
                                                  << "http://flag:3" << "http://flag:3" << int(O::CommandLine) << "command line";
    QTest::newRow("profile ignore switch") << "ECR" << "ignoring" << envWith({{"AWS_ENDPOINT_URL", "http://g:2"}}) << QString()
                                           << "https://api.ecr.eu-west-1.amazonaws.com" << int(O::Default) << "default";
    QTest::newRow("env false beats profile true") << "ECR" << "ignoring" << envWith({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}})
                                                  << QString() << "https://ignored.example" << int(O::Profile)
                                                  << "endpoint_url in profile 'ignoring' (/home/u/.aws/config line 10)";
    QTest::newRow("custom endpoint wins over FIPS") << "ECR" << "fips" << envWith({{"AWS_ENDPOINT_URL_ECR", "https://ecr-fips.us-east-1.amazonaws.com"}})
                                                    << QString() << "https://ecr-fips.us-east-1.amazonaws.com" << int(O::ServiceEnvironment)
                                                    << "AWS_ENDPOINT_URL_ECR";
    QTest::newRow("FIPS false is fine") << "ECR" << "plain" << envWith({{"AWS_USE_FIPS_ENDPOINT", "false"}, {"AWS_USE_DUALSTACK_ENDPOINT", "False"}})
                                        << QString() << "https://api.ecr.eu-west-1.amazonaws.com" << int(O::Default) << "default";
}

void TestEndpoints::overrides()
{
    QFETCH(QString, service);
    QFETCH(QString, profile);
    QFETCH(QProcessEnvironment, env);
    QFETCH(QString, flag);
    const AwsSharedConfig config = configFrom(profileConfig, profile);
    AwsError error;
    const EndpointResolver::Result r = EndpointResolver::resolve(serviceNamed(service), QStringLiteral("eu-west-1"), env,
                                                                 &config, flag, &error);
    QVERIFY2(!error, qPrintable(error.message));
    QTEST(r.url.toString(), "url");
    QTEST(int(r.origin), "origin");
    QTEST(r.source, "source");
    QCOMPARE(r.partition.name, QStringLiteral("aws"));
}

void TestEndpoints::configErrors_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("expected");

    QTest::newRow("services section missing") << "dangling" << envWith({})
        << "profile 'dangling' says services = nowhere (/home/u/.aws/config line 12), but there is no [services nowhere] "
           "section in /home/u/.aws/config; add it or remove the 'services' line";
    QTest::newRow("flat services entry") << "flat" << envWith({})
        << "'ecr = http://127.0.0.1:4566' in [services flat] (/home/u/.aws/config line 23) must be a block: write 'ecr =' "
           "and on the next line, indented, 'endpoint_url = URL'";
    QTest::newRow("bad ignore switch") << "plain" << envWith({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes"}})
        << "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is 'yes'; it must be true or false";
    QTest::newRow("FIPS from env") << "plain" << envWith({{"AWS_USE_FIPS_ENDPOINT", "true"}})
        << "AWS_USE_FIPS_ENDPOINT/use_fips_endpoint is not supported for ECR; set AWS_ENDPOINT_URL_ECR to the endpoint you "
           "need instead (for ECR e.g. https://ecr-fips.us-east-1.amazonaws.com)";
    QTest::newRow("FIPS from profile") << "fips" << envWith({})
        << "AWS_USE_FIPS_ENDPOINT/use_fips_endpoint is not supported for ECR; set AWS_ENDPOINT_URL_ECR to the endpoint you "
           "need instead (for ECR e.g. https://ecr-fips.us-east-1.amazonaws.com)";
    QTest::newRow("dual-stack") << "plain" << envWith({{"AWS_USE_DUALSTACK_ENDPOINT", "true"}})
        << "AWS_USE_DUALSTACK_ENDPOINT/use_dualstack_endpoint is not supported for ECR; set AWS_ENDPOINT_URL_ECR to the "
           "endpoint you need instead (for ECR e.g. https://ecr-fips.us-east-1.amazonaws.com)";
    QTest::newRow("bad FIPS value") << "plain" << envWith({{"AWS_USE_FIPS_ENDPOINT", "1"}})
        << "AWS_USE_FIPS_ENDPOINT is '1'; it must be true or false";
}

void TestEndpoints::configErrors()
{
    QFETCH(QString, profile);
    QFETCH(QProcessEnvironment, env);
    QFETCH(QString, expected);
    const AwsSharedConfig config = configFrom(profileConfig, profile);
    AwsError error;
    const EndpointResolver::Result r = EndpointResolver::resolve(EndpointResolver::ecr(), QStringLiteral("eu-west-1"), env,
                                                                 &config, {}, &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QCOMPARE(error.message, expected);
    QVERIFY(r.url.isEmpty());
}

void TestEndpoints::invalidUrl_data()
{
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<QString>("expected");
    const QString tail = QStringLiteral("; use e.g. https://host or http://127.0.0.1:4566");
    QTest::newRow("no scheme") << envWith({{"AWS_ENDPOINT_URL_ECR", "localhost:4566"}})
        << "endpoint URL 'localhost:4566' from AWS_ENDPOINT_URL_ECR is not valid (the scheme must be http or https)" + tail;
    QTest::newRow("plain word") << envWith({{"AWS_ENDPOINT_URL", "foo"}})
        << "endpoint URL 'foo' from AWS_ENDPOINT_URL is not valid (it is not a URL)" + tail;
    QTest::newRow("ftp") << envWith({{"AWS_ENDPOINT_URL", "ftp://h"}})
        << "endpoint URL 'ftp://h' from AWS_ENDPOINT_URL is not valid (the scheme must be http or https)" + tail;
    QTest::newRow("no host") << envWith({{"AWS_ENDPOINT_URL", "http://"}})
        << "endpoint URL 'http://' from AWS_ENDPOINT_URL is not valid (it has no host)" + tail;
    QTest::newRow("query") << envWith({{"AWS_ENDPOINT_URL", "http://h/?a=b"}})
        << "endpoint URL 'http://h/?a=b' from AWS_ENDPOINT_URL is not valid (it must not have a '?query' or '#fragment')" + tail;
    QTest::newRow("user info not echoed") << envWith({{"AWS_ENDPOINT_URL", "https://user:pass@h"}})
        << "endpoint URL (not shown: it contains '@') from AWS_ENDPOINT_URL is not valid (it must not contain a user name or password)" + tail;
    QTest::newRow("space in host") << envWith({{"AWS_ENDPOINT_URL", "http://bad host"}})
        << "endpoint URL 'http://bad host' from AWS_ENDPOINT_URL is not valid (it is not a URL)" + tail;
}

void TestEndpoints::invalidUrl()
{
    QFETCH(QProcessEnvironment, env);
    QFETCH(QString, expected);
    AwsError error;
    EndpointResolver::resolve(EndpointResolver::ecr(), QStringLiteral("us-east-1"), env, nullptr, {}, &error);
    QCOMPARE(error.kind, AwsError::Kind::Config);
    QCOMPARE(error.message, expected);
}

void TestEndpoints::noConfig()
{
    // Without shared files the env overrides still work and nothing crashes.
    AwsError error;
    const EndpointResolver::Result r = EndpointResolver::resolve(
        EndpointResolver::ecr(), QStringLiteral("cn-north-1"),
        envWith({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"}}), nullptr, {}, &error);
    QVERIFY(!error);
    QCOMPARE(r.url, QUrl(QStringLiteral("http://127.0.0.1:9000")));
    QCOMPARE(r.partition.name, QStringLiteral("aws-cn"));
    QCOMPARE(r.partition.dnsSuffix, QStringLiteral("amazonaws.com.cn"));
    QVERIFY(r.isCustom());
}

QTEST_GUILESS_MAIN(TestEndpoints)
#include "tst_endpoints.moc"
