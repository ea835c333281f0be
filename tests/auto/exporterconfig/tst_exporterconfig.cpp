// ExporterConfig::parse: a table of flag/environment combinations against hand-written
// expectations (defaults from the original README), and exact one-line errors.
// LogSetup: exact JSON and text lines, JSON validity for awkward messages, level filtering
// through real categories, and the installed handler end to end in a child process.

#include "exporterconfig.h"
#include "logcategories.h"
#include "logsetup.h"
#include "metrics/buildinfo.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QtTest>

namespace {

// Expected settings; the defaults here are the original exporter's README values, written
// out independently of ExporterConfig's own initialisers.
struct Expect
{
    ExporterConfig::Mode mode = ExporterConfig::Mode::Run;
    QHostAddress address = QHostAddress(QStringLiteral("0.0.0.0"));
    int port = 9000;
    QString path = QStringLiteral("/metrics");
    int interval = 1800;
    QString registry;
    QString region;
    int inFlight = 8;
    ExporterConfig::LogLevel level = ExporterConfig::LogLevel::Info;
    ExporterConfig::LogFormat format = ExporterConfig::LogFormat::Json;
    bool once = false;
    QString output;
    bool demo = false;
    // Scan findings: the issue's defaults (fallback on, 24 h, 1000 calls per refresh).
    bool findings = true;
    int maxAge = 24 * 3600;
    int budget = 1000;
};

QProcessEnvironment makeEnv(const QStringList &pairs)
{
    QProcessEnvironment env; // empty: the test's own environment must not leak in
    for (const QString &pair : pairs) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        env.insert(pair.left(eq), pair.mid(eq + 1));
    }
    return env;
}

} // namespace

Q_DECLARE_METATYPE(Expect)

class tst_ExporterConfig : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void helpListsEveryFlagWithEnvAndDefault();
    void versionText();
    void durationText();
    void listenAddressText();

    void levelNames();
    void jsonLineExact();
    void jsonLineIsValidJson_data();
    void jsonLineIsValidJson();
    void textLineExact();
    void filterRules_data();
    void filterRules();
    void installedHandlerWritesLines_data();
    void installedHandlerWritesLines();
};

void tst_ExporterConfig::parse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QString>("error");
    QTest::addColumn<Expect>("expect");

    auto ok = [](const char *name, const QStringList &args, const QStringList &env, const Expect &e) {
        QTest::newRow(name) << args << env << QString() << e;
    };
    auto bad = [](const char *name, const QStringList &args, const QStringList &env, const QString &error) {
        QTest::newRow(name) << args << env << error << Expect();
    };
    using L = ExporterConfig::LogLevel;
    using F = ExporterConfig::LogFormat;
    using M = ExporterConfig::Mode;
    const QString portHint = QStringLiteral("expected a port number 0-65535 (0 picks a free port)");
    const QString durationHint = QStringLiteral(
            "expected a duration > 0 in seconds or with units, e.g. 1800, 90s, 30m, 1h30m, 1d (at most 7d)");
    const QString levelHint = QStringLiteral("expected one of DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL");
    const QString listenHint = QStringLiteral(
            "expected HOST:PORT, e.g. 0.0.0.0:9000, [::1]:9000 or :9000 for all interfaces");
    const QString registryHint = QStringLiteral("expected a 12-digit AWS account ID, e.g. 112233445566");
    const QString inFlightHint = QStringLiteral("expected a whole number 1-64");

    // --- valid combinations
    ok("defaults", {}, {}, Expect());
    {
        Expect e;
        e.address = QHostAddress(QStringLiteral("127.0.0.1"));
        e.port = 8080;
        e.interval = 3600;
        e.registry = QStringLiteral("112233445566");
        e.level = L::Debug;
        e.format = F::Text;
        e.inFlight = 16;
        ok("environment, all variables", {},
           {"APP_HOST=127.0.0.1", "APP_PORT=8080", "CACHE_REFRESH_INTERVAL=3600",
            "ECR_REGISTRY_ID=112233445566", "LOG_LEVEL=DEBUG", "LOG_FORMAT=text", "MAX_IN_FLIGHT=16"},
           e);
    }
    {
        Expect e;
        e.address = QHostAddress(QStringLiteral("127.0.0.1"));
        ok("APP_HOST=localhost", {}, {"APP_HOST=localhost"}, e);
        ok("--web.listen-address localhost:9000", {"--web.listen-address=localhost:9000"}, {}, e);
    }
    {
        Expect e;
        e.address = QHostAddress(QStringLiteral("::"));
        ok("APP_HOST=::", {}, {"APP_HOST=::"}, e);
    }
    ok("empty variables count as unset", {},
       {"APP_HOST=", "APP_PORT=", "CACHE_REFRESH_INTERVAL=", "ECR_REGISTRY_ID=", "LOG_LEVEL=",
        "LOG_FORMAT=", "MAX_IN_FLIGHT="},
       Expect());
    {
        Expect e;
        e.address = QHostAddress(QStringLiteral("127.0.0.1"));
        e.port = 9100;
        e.path = QStringLiteral("/m");
        e.interval = 90;
        e.registry = QStringLiteral("112233445566");
        e.region = QStringLiteral("us-east-1");
        e.level = L::Warning;
        e.format = F::Text;
        e.inFlight = 64;
        ok("flags with =",
           {"--web.listen-address=127.0.0.1:9100", "--web.telemetry-path=/m", "--refresh-interval=90s",
            "--registry-id=112233445566", "--region=us-east-1", "--log.level=warn", "--log.format=text",
            "--max-in-flight=64"},
           {}, e);
        ok("flags with separate values",
           {"--web.listen-address", "127.0.0.1:9100", "--web.telemetry-path", "/m", "--refresh-interval",
            "90s", "--registry-id", "112233445566", "--region", "us-east-1", "--log.level", "warn",
            "--log.format", "text", "--max-in-flight", "64"},
           {}, e);
        ok("flags win over the environment",
           {"--web.listen-address=127.0.0.1:9100", "--web.telemetry-path=/m", "--refresh-interval=90s",
            "--registry-id=112233445566", "--region=us-east-1", "--log.level=warn", "--log.format=text",
            "--max-in-flight=64"},
           {"APP_HOST=10.0.0.1", "APP_PORT=1234", "CACHE_REFRESH_INTERVAL=60", "ECR_REGISTRY_ID=999999999999",
            "LOG_LEVEL=ERROR", "LOG_FORMAT=json", "MAX_IN_FLIGHT=2"},
           e);
    }
    {
        Expect e;
        e.port = 9000;
        e.address = QHostAddress(QStringLiteral("10.1.2.3"));
        ok("overridden invalid variables are not read", {"--web.listen-address=10.1.2.3:9000"},
           {"APP_PORT=abc", "APP_HOST=not an address"}, e);
    }
    {
        Expect e;
        e.address = QHostAddress(QStringLiteral("::1"));
        ok("IPv6 listen address", {"--web.listen-address=[::1]:9000"}, {}, e);
        e.address = QHostAddress(QStringLiteral("::1"));
        e.port = 9001;
        ok("APP_HOST bracketed IPv6", {}, {"APP_HOST=[::1]", "APP_PORT=9001"}, e);
    }
    {
        Expect e;
        e.address = QHostAddress(QHostAddress::Any);
        e.port = 9100;
        ok(":PORT means all interfaces", {"--web.listen-address=:9100"}, {}, e);
    }
    {
        Expect e;
        e.address = QHostAddress(QStringLiteral("127.0.0.1"));
        e.port = 0;
        ok("port 0 for tests", {"--web.listen-address=127.0.0.1:0"}, {}, e);
    }
    const struct { const char *name; const char *value; int seconds; } durations[] = {
        {"interval 1", "1", 1},      {"interval 1800", "1800", 1800}, {"interval 30m", "30m", 1800},
        {"interval 1h", "1h", 3600}, {"interval 90s", "90s", 90},     {"interval 1h30m", "1h30m", 5400},
        {"interval 1d", "1d", 86400}, {"interval 7d", "7d", 604800},  {"interval 1d2h3m4s", "1d2h3m4s", 93784},
        {"interval 604800", "604800", 604800},
    };
    for (const auto &d : durations) {
        Expect e;
        e.interval = d.seconds;
        ok(d.name, {QStringLiteral("--refresh-interval=") + QLatin1String(d.value)}, {}, e);
    }
    {
        Expect e;
        e.interval = 1800;
        ok("CACHE_REFRESH_INTERVAL=30m", {}, {"CACHE_REFRESH_INTERVAL=30m"}, e);
    }
    const struct { const char *value; L level; } levels[] = {
        {"DEBUG", L::Debug}, {"debug", L::Debug}, {"INFO", L::Info}, {"info", L::Info},
        {"WARNING", L::Warning}, {"Warning", L::Warning}, {"warn", L::Warning}, {"WARN", L::Warning},
        {"ERROR", L::Error}, {"error", L::Error}, {"CRITICAL", L::Critical}, {"critical", L::Critical},
    };
    for (const auto &l : levels) {
        Expect e;
        e.level = l.level;
        ok(qPrintable(QStringLiteral("LOG_LEVEL=") + QLatin1String(l.value)), {},
           {QStringLiteral("LOG_LEVEL=") + QLatin1String(l.value)}, e);
    }
    {
        Expect e;
        e.format = F::Json;
        ok("LOG_FORMAT=JSON any case", {}, {"LOG_FORMAT=JSON"}, e);
    }
    {
        Expect e;
        e.once = true;
        e.output = QStringLiteral("/tmp/metrics.prom");
        ok("--once --output FILE", {"--once", "--output", "/tmp/metrics.prom"}, {}, e);
        e.output = QStringLiteral("-");
        ok("--once --output=-", {"--once", "--output=-"}, {}, e);
    }
    {
        Expect e;
        e.demo = true;
        ok("--demo", {"--demo"}, {}, e);
    }
    {
        Expect e;
        e.mode = M::Help;
        ok("--help", {"--help"}, {}, e);
        ok("-h", {"-h"}, {}, e);
        ok("--help after other flags", {"--demo", "--help"}, {}, e);
        ok("--help despite a bad variable", {"--help"}, {"APP_PORT=abc"}, e);
        e.mode = M::Version;
        ok("--version", {"--version"}, {}, e);
    }

    {
        Expect e;
        e.findings = false;
        e.maxAge = 12 * 3600;
        e.budget = 0;
        ok("scan flags", {"--scan.findings=off", "--scan.findings-max-age=12h", "--scan.findings-budget=0"}, {}, e);
        ok("scan flags with separate values",
           {"--scan.findings", "OFF", "--scan.findings-max-age", "43200", "--scan.findings-budget", "0"}, {}, e);
        ok("scan flags win over the environment",
           {"--scan.findings=false", "--scan.findings-max-age=12h", "--scan.findings-budget=0"},
           {"SCAN_FINDINGS=on", "SCAN_FINDINGS_MAX_AGE=nonsense", "SCAN_FINDINGS_BUDGET=-3"}, e);
    }
    {
        Expect e;
        e.findings = false;
        e.maxAge = 3600;
        e.budget = 250;
        ok("scan environment", {}, {"SCAN_FINDINGS=Off", "SCAN_FINDINGS_MAX_AGE=1h", "SCAN_FINDINGS_BUDGET=250"}, e);
        e.findings = true;
        e.maxAge = 7 * 86400;
        e.budget = 1000000;
        ok("scan environment, limits", {}, {"SCAN_FINDINGS=true", "SCAN_FINDINGS_MAX_AGE=7d", "SCAN_FINDINGS_BUDGET=1000000"}, e);
    }
    ok("empty scan variables count as unset", {},
       {"SCAN_FINDINGS=", "SCAN_FINDINGS_MAX_AGE=", "SCAN_FINDINGS_BUDGET="}, Expect());

    // --- invalid input: exactly one line naming the setting, the value and what is accepted
    bad("APP_PORT=abc", {}, {"APP_PORT=abc"}, QStringLiteral("ecr_exporter: invalid APP_PORT \"abc\": ") + portHint);
    bad("APP_PORT=70000", {}, {"APP_PORT=70000"}, QStringLiteral("ecr_exporter: invalid APP_PORT \"70000\": ") + portHint);
    bad("APP_PORT=-1", {}, {"APP_PORT=-1"}, QStringLiteral("ecr_exporter: invalid APP_PORT \"-1\": ") + portHint);
    bad("APP_PORT= 80", {}, {"APP_PORT= 80"}, QStringLiteral("ecr_exporter: invalid APP_PORT \" 80\": ") + portHint);
    bad("APP_HOST=example.com", {}, {"APP_HOST=example.com"},
        QStringLiteral("ecr_exporter: invalid APP_HOST \"example.com\": expected an IP address "
                       "(e.g. 0.0.0.0, 127.0.0.1, ::) or localhost"));
    bad("APP_HOST=300.1.1.1", {}, {"APP_HOST=300.1.1.1"},
        QStringLiteral("ecr_exporter: invalid APP_HOST \"300.1.1.1\": expected an IP address "
                       "(e.g. 0.0.0.0, 127.0.0.1, ::) or localhost"));
    bad("CACHE_REFRESH_INTERVAL=-5", {}, {"CACHE_REFRESH_INTERVAL=-5"},
        QStringLiteral("ecr_exporter: invalid CACHE_REFRESH_INTERVAL \"-5\": ") + durationHint);
    bad("CACHE_REFRESH_INTERVAL=0", {}, {"CACHE_REFRESH_INTERVAL=0"},
        QStringLiteral("ecr_exporter: invalid CACHE_REFRESH_INTERVAL \"0\": ") + durationHint);
    bad("CACHE_REFRESH_INTERVAL=abc", {}, {"CACHE_REFRESH_INTERVAL=abc"},
        QStringLiteral("ecr_exporter: invalid CACHE_REFRESH_INTERVAL \"abc\": ") + durationHint);
    const char *badDurations[] = {"0s", "1.5h", "8d", "30x", "m", "30m1h", "1h 30m", "604801", "99999999999"};
    for (const char *d : badDurations) {
        bad(qPrintable(QStringLiteral("--refresh-interval=") + QLatin1String(d)),
            {QStringLiteral("--refresh-interval=") + QLatin1String(d)}, {},
            QStringLiteral("ecr_exporter: invalid --refresh-interval \"%1\": ").arg(QLatin1String(d)) + durationHint);
    }
    bad("--refresh-interval -5 (separate)", {"--refresh-interval", "-5"}, {},
        QStringLiteral("ecr_exporter: invalid --refresh-interval \"-5\": ") + durationHint);
    bad("LOG_LEVEL=verbose", {}, {"LOG_LEVEL=verbose"},
        QStringLiteral("ecr_exporter: invalid LOG_LEVEL \"verbose\": ") + levelHint);
    bad("--log.level=trace", {"--log.level=trace"}, {},
        QStringLiteral("ecr_exporter: invalid --log.level \"trace\": ") + levelHint);
    bad("LOG_FORMAT=xml", {}, {"LOG_FORMAT=xml"},
        QStringLiteral("ecr_exporter: invalid LOG_FORMAT \"xml\": expected json or text"));
    bad("--log.format yaml", {"--log.format", "yaml"}, {},
        QStringLiteral("ecr_exporter: invalid --log.format \"yaml\": expected json or text"));
    bad("ECR_REGISTRY_ID=12345", {}, {"ECR_REGISTRY_ID=12345"},
        QStringLiteral("ecr_exporter: invalid ECR_REGISTRY_ID \"12345\": ") + registryHint);
    bad("--registry-id letters", {"--registry-id=abcdefghijkl"}, {},
        QStringLiteral("ecr_exporter: invalid --registry-id \"abcdefghijkl\": ") + registryHint);
    bad("--registry-id 13 digits", {"--registry-id=1122334455667"}, {},
        QStringLiteral("ecr_exporter: invalid --registry-id \"1122334455667\": ") + registryHint);
    bad("--region=EU_WEST", {"--region=EU_WEST"}, {},
        QStringLiteral("ecr_exporter: invalid --region \"EU_WEST\": expected an AWS region name such as eu-west-1"));
    bad("--max-in-flight=0", {"--max-in-flight=0"}, {},
        QStringLiteral("ecr_exporter: invalid --max-in-flight \"0\": ") + inFlightHint);
    bad("--max-in-flight=65", {"--max-in-flight=65"}, {},
        QStringLiteral("ecr_exporter: invalid --max-in-flight \"65\": ") + inFlightHint);
    bad("MAX_IN_FLIGHT=many", {}, {"MAX_IN_FLIGHT=many"},
        QStringLiteral("ecr_exporter: invalid MAX_IN_FLIGHT \"many\": ") + inFlightHint);
    const char *badListen[] = {"9000", "::1:9000", "[127.0.0.1]:9000", "127.0.0.1:abc", "example.com:9000",
                               "0.0.0.0:70000", "[::1]", "[::1]9000", "0.0.0.0:"};
    for (const char *l : badListen) {
        bad(qPrintable(QStringLiteral("--web.listen-address=") + QLatin1String(l)),
            {QStringLiteral("--web.listen-address=") + QLatin1String(l)}, {},
            QStringLiteral("ecr_exporter: invalid --web.listen-address \"%1\": ").arg(QLatin1String(l)) + listenHint);
    }
    bad("--web.telemetry-path=metrics", {"--web.telemetry-path=metrics"}, {},
        QStringLiteral("ecr_exporter: invalid --web.telemetry-path \"metrics\": expected a path starting with '/', e.g. /metrics"));
    bad("unknown flag", {"--foo"}, {}, QStringLiteral("ecr_exporter: unknown flag --foo (see --help)"));
    bad("unknown flag with value", {"--foo=bar"}, {}, QStringLiteral("ecr_exporter: unknown flag --foo (see --help)"));
    bad("Python-style underscore flag", {"--log_level=info"}, {},
        QStringLiteral("ecr_exporter: unknown flag --log_level (see --help)"));
    bad("missing value at the end", {"--region"}, {},
        QStringLiteral("ecr_exporter: flag --region needs a value: --region=REGION"));
    bad("missing value before a flag", {"--region", "--once"}, {},
        QStringLiteral("ecr_exporter: flag --region needs a value: --region=REGION"));
    bad("empty value", {"--web.listen-address="}, {},
        QStringLiteral("ecr_exporter: flag --web.listen-address needs a value: --web.listen-address=HOST:PORT"));
    bad("switch with a value", {"--once=yes"}, {},
        QStringLiteral("ecr_exporter: flag --once takes no value (got \"yes\")"));
    bad("positional argument", {"serve"}, {},
        QStringLiteral("ecr_exporter: unexpected argument \"serve\" (flags start with --; see --help)"));
    bad("single-dash flag", {"-v"}, {},
        QStringLiteral("ecr_exporter: unexpected argument \"-v\" (flags start with --; see --help)"));
    bad("bare --", {"--"}, {},
        QStringLiteral("ecr_exporter: unexpected argument \"--\" (flags start with --; see --help)"));
    bad("--output without --once", {"--output=/tmp/x"}, {},
        QStringLiteral("ecr_exporter: --output needs --once (the server mode serves metrics over HTTP)"));
    const QString budgetHint = QStringLiteral("expected a whole number 0-1000000 (findings calls per refresh)");
    const QString maxAgeHint = QStringLiteral("expected a duration > 0 in seconds or with units, e.g. 3600, 12h, 1d (at most 7d)");
    bad("--scan.findings=maybe", {"--scan.findings=maybe"}, {},
        QStringLiteral("ecr_exporter: invalid --scan.findings \"maybe\": expected on or off"));
    bad("SCAN_FINDINGS=1", {}, {"SCAN_FINDINGS=1"},
        QStringLiteral("ecr_exporter: invalid SCAN_FINDINGS \"1\": expected on or off"));
    bad("--scan.findings without value", {"--scan.findings"}, {},
        QStringLiteral("ecr_exporter: flag --scan.findings needs a value: --scan.findings=on|off"));
    bad("--scan.findings-budget=1000001", {"--scan.findings-budget=1000001"}, {},
        QStringLiteral("ecr_exporter: invalid --scan.findings-budget \"1000001\": ") + budgetHint);
    bad("SCAN_FINDINGS_BUDGET=-1", {}, {"SCAN_FINDINGS_BUDGET=-1"},
        QStringLiteral("ecr_exporter: invalid SCAN_FINDINGS_BUDGET \"-1\": ") + budgetHint);
    bad("SCAN_FINDINGS_BUDGET=lots", {}, {"SCAN_FINDINGS_BUDGET=lots"},
        QStringLiteral("ecr_exporter: invalid SCAN_FINDINGS_BUDGET \"lots\": ") + budgetHint);
    bad("--scan.findings-max-age=0", {"--scan.findings-max-age=0"}, {},
        QStringLiteral("ecr_exporter: invalid --scan.findings-max-age \"0\": ") + maxAgeHint);
    bad("SCAN_FINDINGS_MAX_AGE=8d", {}, {"SCAN_FINDINGS_MAX_AGE=8d"},
        QStringLiteral("ecr_exporter: invalid SCAN_FINDINGS_MAX_AGE \"8d\": ") + maxAgeHint);
    bad("first error wins", {"--max-in-flight=0", "--foo"}, {"APP_PORT=abc"},
        QStringLiteral("ecr_exporter: invalid --max-in-flight \"0\": ") + inFlightHint);
}

void tst_ExporterConfig::parse()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(QString, error);
    QFETCH(Expect, expect);

    const ExporterConfig::ParseResult r =
            ExporterConfig::parse(QStringList{QStringLiteral("ecr_exporter")} + args, makeEnv(env));
    if (!error.isEmpty()) {
        QCOMPARE(r.error, error);
        QVERIFY(!r.ok());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.error.contains(QLatin1Char('\n')));
        return;
    }
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.exitCode, 0);
    const ExporterConfig &c = r.config;
    QCOMPARE(c.mode, expect.mode);
    if (expect.mode != ExporterConfig::Mode::Run)
        return;
    QVERIFY2(c.listenAddress == expect.address,
             qPrintable(c.listenAddress.toString() + QStringLiteral(" != ") + expect.address.toString()));
    QCOMPARE(c.listenAddress.protocol(), expect.address.protocol());
    QCOMPARE(int(c.listenPort), expect.port);
    QCOMPARE(c.telemetryPath, expect.path);
    QCOMPARE(c.refreshIntervalSeconds, expect.interval);
    QCOMPARE(c.registryId, expect.registry);
    QCOMPARE(c.region, expect.region);
    QCOMPARE(c.maxInFlight, expect.inFlight);
    QCOMPARE(c.logLevel, expect.level);
    QCOMPARE(c.logFormat, expect.format);
    QCOMPARE(c.once, expect.once);
    QCOMPARE(c.outputFile, expect.output);
    QCOMPARE(c.demo, expect.demo);
    QCOMPARE(c.scanFindings, expect.findings);
    QCOMPARE(c.scanFindingsMaxAgeSeconds, expect.maxAge);
    QCOMPARE(c.scanFindingsBudget, expect.budget);
}

void tst_ExporterConfig::helpListsEveryFlagWithEnvAndDefault()
{
    const QString help = ExporterConfig::helpText();
    QVERIFY(help.startsWith(QStringLiteral("Usage: ecr_exporter [flags]\n")));
    const char *flags[] = {"--web.listen-address=HOST:PORT", "--web.telemetry-path=PATH",
                           "--refresh-interval=DURATION", "--registry-id=ID", "--region=REGION",
                           "--max-in-flight=N", "--log.level=LEVEL", "--log.format=FORMAT", "--once",
                           "--output=FILE", "--demo", "--help", "--version", "--scan.findings=on|off",
                           "--scan.findings-max-age=DURATION", "--scan.findings-budget=N"};
    for (const char *flag : flags)
        QVERIFY2(help.contains(QLatin1String(flag)), flag);
    const char *envAndDefaults[] = {"env APP_HOST, APP_PORT; default 0.0.0.0:9000", "default /metrics",
                                    "env CACHE_REFRESH_INTERVAL; default 1800 (30m)", "env ECR_REGISTRY_ID",
                                    "env MAX_IN_FLIGHT; default 8", "env LOG_LEVEL; default INFO", "default eu-west-1",
                                    "env LOG_FORMAT; default json", "AWS_DEFAULT_REGION",
                                    "env SCAN_FINDINGS; default on", "env SCAN_FINDINGS_MAX_AGE; default 1d",
                                    "env SCAN_FINDINGS_BUDGET; default 1000"};
    for (const char *text : envAndDefaults)
        QVERIFY2(help.contains(QLatin1String(text)), text);
    for (const QString &line : help.split(QLatin1Char('\n')))
        QVERIFY2(line.size() <= 100, qPrintable(line));
}

void tst_ExporterConfig::versionText()
{
    const QString text = ExporterConfig::versionText();
    const BuildInfo build = BuildInfo::current();
    QVERIFY(QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$")).match(build.version).hasMatch());
    QVERIFY2(text.startsWith(QStringLiteral("ecr_exporter %1 (revision %2)\n").arg(build.version, build.revision)),
             qPrintable(text));
    // The revision is the commit this binary was built from (written at build time, not at
    // configure time): HEAD of the checkout, or "unknown" without git.
    QProcess git;
    git.start(QStringLiteral("git"), {QStringLiteral("-C"), QStringLiteral(ECR_SOURCE_DIR), QStringLiteral("rev-parse"),
                                      QStringLiteral("--short=12"), QStringLiteral("HEAD")});
    const bool haveGit = git.waitForFinished(10000) && git.exitStatus() == QProcess::NormalExit && git.exitCode() == 0;
    const QString head = haveGit ? QString::fromLatin1(git.readAllStandardOutput()).trimmed() : QStringLiteral("unknown");
    QCOMPARE(build.revision, head);
    QVERIFY(text.contains(QLatin1String(qVersion())));
    QVERIFY(text.contains(QLatin1String(QT_VERSION_STR)));
}

void tst_ExporterConfig::durationText()
{
    QCOMPARE(ExporterConfig::durationText(1800), QStringLiteral("30m"));
    QCOMPARE(ExporterConfig::durationText(5400), QStringLiteral("1h30m"));
    QCOMPARE(ExporterConfig::durationText(90), QStringLiteral("1m30s"));
    QCOMPARE(ExporterConfig::durationText(93784), QStringLiteral("1d2h3m4s"));
    QCOMPARE(ExporterConfig::durationText(7), QStringLiteral("7s"));
    // Round trip through the parser for every whole-minute value up to a day.
    for (int s = 60; s <= 86400; s += 60) {
        int back = 0;
        QVERIFY(ExporterConfig::parseDuration(ExporterConfig::durationText(s), &back));
        QCOMPARE(back, s);
    }
}

void tst_ExporterConfig::listenAddressText()
{
    ExporterConfig c;
    QCOMPARE(c.listenAddressText(), QStringLiteral("0.0.0.0:9000"));
    c.listenAddress = QHostAddress(QStringLiteral("::1"));
    QCOMPARE(c.listenAddressText(), QStringLiteral("[::1]:9000"));
    c.listenAddress = QHostAddress(QHostAddress::Any);
    c.listenPort = 9100;
    QCOMPARE(c.listenAddressText(), QStringLiteral(":9100"));
}

// --- logging

void tst_ExporterConfig::levelNames()
{
    QCOMPARE(LogSetup::levelName(QtDebugMsg), QByteArray("DEBUG"));
    QCOMPARE(LogSetup::levelName(QtInfoMsg), QByteArray("INFO"));
    QCOMPARE(LogSetup::levelName(QtWarningMsg), QByteArray("WARNING"));
    QCOMPARE(LogSetup::levelName(QtCriticalMsg), QByteArray("ERROR"));
    QCOMPARE(LogSetup::levelName(QtFatalMsg), QByteArray("CRITICAL"));
}

void tst_ExporterConfig::jsonLineExact()
{
    const QDateTime t(QDate(2026, 11, 27), QTime(15, 0, 0, 123), Qt::UTC);
    QCOMPARE(LogSetup::formatLine(ExporterConfig::LogFormat::Json, t, QtInfoMsg, "ecr.aws",
                                  QStringLiteral("refresh done")),
             QByteArray(R"({"time":"2026-11-27T15:00:00.123Z","level":"INFO","logger":"ecr.aws","message":"refresh done"})"
                        "\n"));
    // Escaping, written out by hand: quote, backslash, newline, tab, a control character.
    QCOMPARE(LogSetup::formatLine(ExporterConfig::LogFormat::Json, t, QtCriticalMsg, "ecr.api",
                                  QStringLiteral("say \"hi\"\\path\nline2\tx\x01y")),
             QByteArray(R"({"time":"2026-11-27T15:00:00.123Z","level":"ERROR","logger":"ecr.api",)"
                        R"("message":"say \"hi\"\\path\nline2\tx\u0001y"})"
                        "\n"));
    // Local times are written in UTC (+01:00 -> one hour earlier).
    const QDateTime local(QDate(2026, 11, 27), QTime(16, 0, 0, 5), Qt::OffsetFromUTC, 3600);
    QVERIFY(LogSetup::formatLine(ExporterConfig::LogFormat::Json, local, QtDebugMsg, "default", QString())
                    .startsWith(R"({"time":"2026-11-27T15:00:00.005Z","level":"DEBUG","logger":"default")"));
}

void tst_ExporterConfig::jsonLineIsValidJson_data()
{
    QTest::addColumn<QString>("message");
    QTest::newRow("plain") << QStringLiteral("hello");
    QTest::newRow("quotes") << QStringLiteral("a \"quoted\" 'word'");
    QTest::newRow("newlines") << QStringLiteral("line1\nline2\r\nline3\n");
    QTest::newRow("backslashes") << QStringLiteral("C:\\path\\to\\file \\n not a newline");
    QTest::newRow("control characters") << QString::fromUtf8("\x01\x02\x1f\x7f\b\f");
    QTest::newRow("unicode") << QString::fromUtf8("registry \xc3\xa9\xe2\x82\xac \xf0\x9f\x93\xa6");
    QTest::newRow("json-looking") << QStringLiteral("{\"level\":\"FAKE\"}");
    QTest::newRow("empty") << QString();
}

void tst_ExporterConfig::jsonLineIsValidJson()
{
    QFETCH(QString, message);
    const QByteArray line = LogSetup::formatLine(ExporterConfig::LogFormat::Json,
                                                 QDateTime::currentDateTimeUtc(), QtWarningMsg,
                                                 "ecr.http", message);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1); // exactly one line
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject o = doc.object();
    QCOMPARE(o.size(), 4);
    QCOMPARE(o.value(QLatin1String("level")).toString(), QStringLiteral("WARNING"));
    QCOMPARE(o.value(QLatin1String("logger")).toString(), QStringLiteral("ecr.http"));
    QCOMPARE(o.value(QLatin1String("message")).toString(), message); // round-trips exactly
    const QDateTime time = QDateTime::fromString(o.value(QLatin1String("time")).toString(), Qt::ISODateWithMs);
    QVERIFY(time.isValid());
    QCOMPARE(time.timeSpec(), Qt::UTC);
}

void tst_ExporterConfig::textLineExact()
{
    const QDateTime t(QDate(2026, 11, 27), QTime(15, 0, 0, 123), Qt::UTC);
    QCOMPARE(LogSetup::formatLine(ExporterConfig::LogFormat::Text, t, QtInfoMsg, "ecr.aws",
                                  QStringLiteral("message")),
             QByteArray("2026-11-27T15:00:00.123Z INFO ecr.aws: message\n"));
    QCOMPARE(LogSetup::formatLine(ExporterConfig::LogFormat::Text, t, QtWarningMsg, "ecr.http",
                                  QStringLiteral("two\nlines\r")),
             QByteArray("2026-11-27T15:00:00.123Z WARNING ecr.http: two\\nlines\\r\n"));
}

void tst_ExporterConfig::filterRules_data()
{
    QTest::addColumn<int>("level");
    QTest::addColumn<bool>("debug");
    QTest::addColumn<bool>("info");
    QTest::addColumn<bool>("warning");
    QTest::addColumn<bool>("critical");
    using L = ExporterConfig::LogLevel;
    QTest::newRow("DEBUG") << int(L::Debug) << true << true << true << true;
    QTest::newRow("INFO") << int(L::Info) << false << true << true << true;
    QTest::newRow("WARNING") << int(L::Warning) << false << false << true << true;
    QTest::newRow("ERROR") << int(L::Error) << false << false << false << true;
    QTest::newRow("CRITICAL") << int(L::Critical) << false << false << false << false;
}

void tst_ExporterConfig::filterRules()
{
    QFETCH(int, level);
    QFETCH(bool, debug);
    QFETCH(bool, info);
    QFETCH(bool, warning);
    QFETCH(bool, critical);

    QLoggingCategory::setFilterRules(LogSetup::filterRules(ExporterConfig::LogLevel(level)));
    // The real categories (declared with QtInfoMsg as their default threshold).
    for (const QLoggingCategory *category : {&lcAws(), &lcHttp(), &lcExporter()}) {
        QCOMPARE(category->isDebugEnabled(), debug);
        QCOMPARE(category->isInfoEnabled(), info);
        QCOMPARE(category->isWarningEnabled(), warning);
        QCOMPARE(category->isCriticalEnabled(), critical);
    }
    // Qt's own debug output stays off even at DEBUG.
    QLoggingCategory qtInternal("qt.network.ssl");
    QCOMPARE(qtInternal.isDebugEnabled(), false);
    QLoggingCategory::setFilterRules(QString());
}

void tst_ExporterConfig::installedHandlerWritesLines_data()
{
    QTest::addColumn<QString>("level");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QStringList>("expectedLevels");
    QTest::newRow("json INFO") << QStringLiteral("INFO") << QStringLiteral("json")
                               << QStringList{"INFO", "WARNING", "ERROR"};
    QTest::newRow("json DEBUG") << QStringLiteral("DEBUG") << QStringLiteral("json")
                                << QStringList{"DEBUG", "INFO", "WARNING", "ERROR"};
    QTest::newRow("text WARNING") << QStringLiteral("WARNING") << QStringLiteral("text")
                                  << QStringList{"WARNING", "ERROR"};
    QTest::newRow("json ERROR") << QStringLiteral("ERROR") << QStringLiteral("json") << QStringList{"ERROR"};
}

// End to end: this executable, started as a child, installs the handler and logs; the
// parent reads its stderr.
void tst_ExporterConfig::installedHandlerWritesLines()
{
    QFETCH(QString, level);
    QFETCH(QString, format);
    QFETCH(QStringList, expectedLevels);

    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    env.insert(QStringLiteral("TST_LOGSETUP_CHILD"), level + QLatin1Char(',') + format);
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(child.exitCode(), 0);
    const QByteArray err = child.readAllStandardError();
    QList<QByteArray> lines = err.split('\n');
    QCOMPARE(lines.takeLast(), QByteArray()); // ends with a newline
    QCOMPARE(lines.size(), expectedLevels.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (format == QLatin1String("json")) {
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(lines.at(i), &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, lines.at(i).constData());
            QCOMPARE(o.value(QLatin1String("level")).toString(), expectedLevels.at(i));
            QCOMPARE(o.value(QLatin1String("logger")).toString(), QStringLiteral("ecr.aws"));
            QCOMPARE(o.value(QLatin1String("message")).toString(),
                     QStringLiteral("msg %1 \"q\"\nnext").arg(expectedLevels.at(i)));
        } else {
            const QByteArray suffix = ' ' + expectedLevels.at(i).toLatin1() + " ecr.aws: msg "
                    + expectedLevels.at(i).toLatin1() + " \"q\"\\nnext";
            QVERIFY2(lines.at(i).endsWith(suffix), lines.at(i).constData());
            QVERIFY(QDateTime::fromString(QString::fromLatin1(lines.at(i).left(24)), Qt::ISODateWithMs).isValid());
        }
    }
}

namespace {

int childMain(const QString &spec)
{
    const QStringList parts = spec.split(QLatin1Char(','));
    ExporterConfig::LogLevel level = ExporterConfig::LogLevel::Info;
    if (parts.size() != 2 || !ExporterConfig::parseLogLevel(parts.at(0), &level))
        return 3;
    LogSetup::install(level, parts.at(1) == QLatin1String("json") ? ExporterConfig::LogFormat::Json
                                                                  : ExporterConfig::LogFormat::Text);
    qCDebug(lcAws).noquote() << "msg DEBUG \"q\"\nnext";
    qCInfo(lcAws).noquote() << "msg INFO \"q\"\nnext";
    qCWarning(lcAws).noquote() << "msg WARNING \"q\"\nnext";
    qCCritical(lcAws).noquote() << "msg ERROR \"q\"\nnext";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString child = qEnvironmentVariable("TST_LOGSETUP_CHILD");
    if (!child.isEmpty())
        return childMain(child);
    tst_ExporterConfig test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_exporterconfig.moc"
