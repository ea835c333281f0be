#pragma once

#include <QHostAddress>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// The exporter's settings, from command-line flags (Prometheus exporter style) and the
// original Python exporter's environment variables; flags win over the environment.
// parse() is pure: arguments and environment are parameters, nothing is read or printed.
//
//   flag                          environment              default
//   --web.listen-address=H:P      APP_HOST + APP_PORT      0.0.0.0:9000
//   --web.telemetry-path=PATH     -                        /metrics
//   --refresh-interval=DURATION   CACHE_REFRESH_INTERVAL   1800 (seconds; or 90s, 30m, 1h30m, 1d)
//   --registry-id=ID              ECR_REGISTRY_ID          the caller's own registry
//   --region=REGION               -                        decided later by RegionResolver
//   --max-in-flight=N             MAX_IN_FLIGHT            8 (1-64)
//   --log.level=LEVEL             LOG_LEVEL                INFO
//   --log.format=json|text        LOG_FORMAT               json
//   --scan.findings=on|off        SCAN_FINDINGS            on (DescribeImageScanFindings fallback)
//   --scan.findings-max-age=DUR   SCAN_FINDINGS_MAX_AGE    24h (cached findings read again after)
//   --scan.findings-budget=N      SCAN_FINDINGS_BUDGET     1000 (findings calls per refresh, 0-1000000)
//   --once, --output=FILE, --demo, -h/--help, --version
// Values may follow as "--flag=value" or "--flag value". Empty environment variables count
// as unset; an environment variable is only checked when no flag overrides it.
struct ExporterConfigResult;

struct ExporterConfig
{
    enum class Mode { Run, Help, Version };
    enum class LogLevel { Debug, Info, Warning, Error, Critical };
    enum class LogFormat { Json, Text };

    Mode mode = Mode::Run;
    QHostAddress listenAddress = QHostAddress(QHostAddress::AnyIPv4);
    quint16 listenPort = 9000;          // 0: any free port (tests)
    QString telemetryPath = QStringLiteral("/metrics");
    int refreshIntervalSeconds = 1800;  // 1 .. MaxRefreshIntervalSeconds
    QString registryId;                 // empty: the caller's own registry
    QString region;                     // empty: RegionResolver decides
    int maxInFlight = 8;                // concurrent ECR requests, 1..64
    LogLevel logLevel = LogLevel::Info;
    LogFormat logFormat = LogFormat::Json;
    bool once = false;                  // one refresh, write the metrics, exit
    QString outputFile;                 // where --once writes the metrics ("-": stdout)
    bool demo = false;                  // simulated registry, no AWS
    bool scanFindings = true;           // DescribeImageScanFindings for images without a summary
    int scanFindingsMaxAgeSeconds = 86400; // 1 .. MaxRefreshIntervalSeconds
    int scanFindingsBudget = 1000;      // DescribeImageScanFindings calls per refresh, 0..MaxScanFindingsBudget

    static constexpr int MaxRefreshIntervalSeconds = 7 * 24 * 3600; // keeps QTimer in range
    static constexpr int MaxScanFindingsBudget = 1000000;

    // "0.0.0.0:9000", "[::1]:9000": for log lines and error messages.
    QString listenAddressText() const;

    // The result type (defined below: a struct cannot hold its own type as a member).
    using ParseResult = ExporterConfigResult;

    // `arguments` as QCoreApplication::arguments(): the first entry is the program.
    static ExporterConfigResult parse(const QStringList &arguments, const QProcessEnvironment &env);

    static QString helpText();      // --help: every flag with its variable and default
    static QString versionText();   // --version: version, revision, Qt versions

    // Pure value parsers, shared with the help text and the tests. Each returns false for
    // an invalid value and leaves *out alone.
    static bool parsePort(const QString &text, quint16 *out);
    static bool parseHost(const QString &text, QHostAddress *out);
    static bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port);
    static bool parseDuration(const QString &text, int *seconds);
    static bool parseLogLevel(const QString &text, LogLevel *out);
    static bool parseOnOff(const QString &text, bool *out);        // on/off, true/false (any case)
    static QString logLevelName(LogLevel level);   // "DEBUG" ... "CRITICAL"
    static QString durationText(int seconds);      // 5400 -> "1h30m" (parseDuration's syntax)
};

// What ExporterConfig::parse() returns: the settings, or one error line and exit status 2.
struct ExporterConfigResult
{
    ExporterConfig config;
    QString error;      // one line "ecr_exporter: ..." when the input is invalid
    int exitCode = 0;   // 2 on error (usage error, as Prometheus exporters do)
    bool ok() const { return error.isEmpty(); }
};
