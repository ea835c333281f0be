#include "exporterconfig.h"

#include "aws/regionresolver.h"
#include "metrics/buildinfo.h"

#include <QRegularExpression>

#include <optional>

namespace {

const QString kProgram = QStringLiteral("ecr_exporter");

QString errorLine(const QString &text)
{
    return kProgram + QStringLiteral(": ") + text;
}

// `setting` is the flag or variable name as the user wrote it.
QString invalid(const QString &setting, const QString &value, const QString &expected)
{
    return errorLine(QStringLiteral("invalid %1 \"%2\": expected %3").arg(setting, value, expected));
}

bool allDigits(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    return true;
}

const QString kExpectPort = QStringLiteral("a port number 0-65535 (0 picks a free port)");
const QString kExpectHost = QStringLiteral("an IP address (e.g. 0.0.0.0, 127.0.0.1, ::) or localhost");
const QString kExpectListen = QStringLiteral(
        "HOST:PORT, e.g. 0.0.0.0:9000, [::1]:9000 or :9000 for all interfaces");
const QString kExpectDuration = QStringLiteral(
        "a duration > 0 in seconds or with units, e.g. 1800, 90s, 30m, 1h30m, 1d (at most 7d)");
const QString kExpectRegistry = QStringLiteral("a 12-digit AWS account ID, e.g. 112233445566");
const QString kExpectRegion = QStringLiteral("an AWS region name such as eu-west-1");
const QString kExpectLevel = QStringLiteral("one of DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL");
const QString kExpectFormat = QStringLiteral("json or text");
const QString kExpectInFlight = QStringLiteral("a whole number 1-64");
const QString kExpectPath = QStringLiteral("a path starting with '/', e.g. /metrics");
const QString kExpectOnOff = QStringLiteral("on or off");
const QString kExpectBudget = QStringLiteral("a whole number 0-1000000 (findings calls per refresh)");
const QString kExpectMaxAge = QStringLiteral(
        "a duration > 0 in seconds or with units, e.g. 3600, 12h, 1d (at most 7d)");

bool parseBudget(const QString &text, int *out)
{
    if (!allDigits(text) || text.size() > 7)
        return false;
    const int n = text.toInt();
    if (n > ExporterConfig::MaxScanFindingsBudget)
        return false;
    *out = n;
    return true;
}

bool parseInFlight(const QString &text, int *out)
{
    if (!allDigits(text) || text.size() > 3)
        return false;
    const int n = text.toInt();
    if (n < 1 || n > 64)
        return false;
    *out = n;
    return true;
}

bool parseFormat(const QString &text, ExporterConfig::LogFormat *out)
{
    const QString t = text.toLower();
    if (t == QLatin1String("json"))
        *out = ExporterConfig::LogFormat::Json;
    else if (t == QLatin1String("text"))
        *out = ExporterConfig::LogFormat::Text;
    else
        return false;
    return true;
}

bool parsePath(const QString &text, QString *out)
{
    if (!text.startsWith(QLatin1Char('/')) || text.contains(QLatin1Char(' '))
        || text.contains(QLatin1Char('?')) || text.contains(QLatin1Char('#')))
        return false;
    *out = text;
    return true;
}

bool parseRegistryId(const QString &text, QString *out)
{
    if (text.size() != 12 || !allDigits(text))
        return false;
    *out = text;
    return true;
}

// One flag of the table that drives parsing and --help.
struct Flag
{
    QString name;          // without the leading "--"
    QString valueName;     // empty: a switch without value
    QString env;           // environment variable(s), for --help
    QString defaultText;   // for --help
    QString help;
};

QList<Flag> flagTable()
{
    const ExporterConfig d;
    return {
        {QStringLiteral("web.listen-address"), QStringLiteral("HOST:PORT"),
         QStringLiteral("APP_HOST, APP_PORT"), d.listenAddressText(),
         QStringLiteral("address to serve on; [::1]:9000 for IPv6, :9000 for all")},
        {QStringLiteral("web.telemetry-path"), QStringLiteral("PATH"), QString(), d.telemetryPath,
         QStringLiteral("path under which metrics are served")},
        {QStringLiteral("refresh-interval"), QStringLiteral("DURATION"),
         QStringLiteral("CACHE_REFRESH_INTERVAL"), QString::number(d.refreshIntervalSeconds) + QStringLiteral(" (")
                 + ExporterConfig::durationText(d.refreshIntervalSeconds) + QLatin1Char(')'),
         QStringLiteral("how often ECR is read again: seconds, or 90s, 30m, 1h30m, 1d")},
        {QStringLiteral("registry-id"), QStringLiteral("ID"), QStringLiteral("ECR_REGISTRY_ID"),
         QStringLiteral("the caller's own registry"), QStringLiteral("12-digit ID of the registry to export")},
        {QStringLiteral("region"), QStringLiteral("REGION"), QString(), RegionResolver::defaultRegion(),
         QStringLiteral("AWS region; unset: AWS_REGION, AWS_DEFAULT_REGION, the profile")},
        {QStringLiteral("max-in-flight"), QStringLiteral("N"), QStringLiteral("MAX_IN_FLIGHT"),
         QString::number(d.maxInFlight), QStringLiteral("concurrent ECR requests, 1-64")},
        {QStringLiteral("log.level"), QStringLiteral("LEVEL"), QStringLiteral("LOG_LEVEL"),
         ExporterConfig::logLevelName(d.logLevel),
         QStringLiteral("DEBUG, INFO, WARNING, ERROR or CRITICAL (any case; WARN too)")},
        {QStringLiteral("log.format"), QStringLiteral("FORMAT"), QStringLiteral("LOG_FORMAT"),
         QStringLiteral("json"), QStringLiteral("json (one JSON object per line) or text")},
        {QStringLiteral("scan.findings"), QStringLiteral("on|off"), QStringLiteral("SCAN_FINDINGS"),
         QStringLiteral("on"),
         QStringLiteral("read scan counts with DescribeImageScanFindings when needed")},
        {QStringLiteral("scan.findings-max-age"), QStringLiteral("DURATION"), QStringLiteral("SCAN_FINDINGS_MAX_AGE"),
         ExporterConfig::durationText(d.scanFindingsMaxAgeSeconds),
         QStringLiteral("cached scan findings older than this are read again")},
        {QStringLiteral("scan.findings-budget"), QStringLiteral("N"), QStringLiteral("SCAN_FINDINGS_BUDGET"),
         QString::number(d.scanFindingsBudget),
         QStringLiteral("DescribeImageScanFindings calls per refresh at most")},
        {QStringLiteral("once"), QString(), QString(), QString(),
         QStringLiteral("refresh once, write the metrics (see --output) and exit")},
        {QStringLiteral("output"), QStringLiteral("FILE"), QString(), QStringLiteral("- (stdout)"),
         QStringLiteral("with --once: file to write the metrics to")},
        {QStringLiteral("demo"), QString(), QString(), QString(),
         QStringLiteral("serve a simulated registry; no AWS account needed")},
        {QStringLiteral("help"), QString(), QString(), QString(), QStringLiteral("show this help and exit (also -h)")},
        {QStringLiteral("version"), QString(), QString(), QString(), QStringLiteral("show version information and exit")},
    };
}

std::optional<Flag> findFlag(const QString &name)
{
    for (const Flag &f : flagTable()) {
        if (f.name == name)
            return f;
    }
    return std::nullopt;
}

} // namespace

QString ExporterConfig::durationText(int seconds)
{
    if (seconds <= 0)
        return QStringLiteral("0s");
    QString text;
    const struct { int size; char unit; } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    for (const auto &u : units) {
        if (seconds >= u.size) {
            text += QString::number(seconds / u.size) + QLatin1Char(u.unit);
            seconds %= u.size;
        }
    }
    return text;
}

QString ExporterConfig::listenAddressText() const
{
    if (listenAddress.isNull() || listenAddress == QHostAddress(QHostAddress::Any))
        return QStringLiteral(":") + QString::number(listenPort);
    const QString host = listenAddress.protocol() == QAbstractSocket::IPv6Protocol
            ? QLatin1Char('[') + listenAddress.toString() + QLatin1Char(']')
            : listenAddress.toString();
    return host + QLatin1Char(':') + QString::number(listenPort);
}

bool ExporterConfig::parsePort(const QString &text, quint16 *out)
{
    if (!allDigits(text) || text.size() > 5)
        return false;
    const int n = text.toInt();
    if (n > 65535)
        return false;
    *out = quint16(n);
    return true;
}

bool ExporterConfig::parseHost(const QString &text, QHostAddress *out)
{
    QString host = text;
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        *out = QHostAddress(QHostAddress::LocalHost);
        return true;
    }
    QHostAddress address;
    // setAddress() also takes scope ids ("fe80::1%eth0"); a plain literal is enough here.
    if (host.isEmpty() || host.contains(QLatin1Char('%')) || !address.setAddress(host))
        return false;
    *out = address;
    return true;
}

bool ExporterConfig::parseListenAddress(const QString &text, QHostAddress *address, quint16 *port)
{
    QString hostPart;
    QString portPart;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0)
            return false;
        hostPart = text.mid(1, close - 1);
        portPart = text.mid(close + 2);
        if (!hostPart.contains(QLatin1Char(':')))
            return false; // brackets are for IPv6 only
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return false;
        hostPart = text.left(colon);
        portPart = text.mid(colon + 1);
        if (hostPart.contains(QLatin1Char(':')))
            return false; // a bare IPv6 address is ambiguous: needs [brackets]
    }
    quint16 p = 0;
    if (!parsePort(portPart, &p))
        return false;
    QHostAddress a(QHostAddress::Any); // ":9000": every interface, IPv4 and IPv6
    if (!hostPart.isEmpty() && !parseHost(hostPart, &a))
        return false;
    *address = a;
    *port = p;
    return true;
}

bool ExporterConfig::parseDuration(const QString &text, int *seconds)
{
    if (allDigits(text)) {
        if (text.size() > 9)
            return false;
        const int n = text.toInt();
        if (n <= 0 || n > MaxRefreshIntervalSeconds)
            return false;
        *seconds = n;
        return true;
    }
    // Go/Prometheus style: one or more <number><unit>, units d, h, m, s, each at most once
    // and in that order ("1h30m", "90s").
    static const QRegularExpression re(
            QStringLiteral("^(?:(\\d{1,6})d)?(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,9})s)?$"));
    const QRegularExpressionMatch m = re.match(text);
    if (text.isEmpty() || !m.hasMatch())
        return false;
    static const qint64 unit[] = {86400, 3600, 60, 1};
    qint64 total = 0;
    for (int i = 0; i < 4; ++i) {
        if (m.capturedLength(i + 1) > 0)
            total += m.captured(i + 1).toLongLong() * unit[i];
    }
    if (total <= 0 || total > MaxRefreshIntervalSeconds)
        return false;
    *seconds = int(total);
    return true;
}

bool ExporterConfig::parseLogLevel(const QString &text, LogLevel *out)
{
    const QString t = text.toLower();
    if (t == QLatin1String("debug"))
        *out = LogLevel::Debug;
    else if (t == QLatin1String("info"))
        *out = LogLevel::Info;
    else if (t == QLatin1String("warning") || t == QLatin1String("warn"))
        *out = LogLevel::Warning;
    else if (t == QLatin1String("error"))
        *out = LogLevel::Error;
    else if (t == QLatin1String("critical"))
        *out = LogLevel::Critical;
    else
        return false;
    return true;
}

bool ExporterConfig::parseOnOff(const QString &text, bool *out)
{
    const QString t = text.toLower();
    if (t == QLatin1String("on") || t == QLatin1String("true"))
        *out = true;
    else if (t == QLatin1String("off") || t == QLatin1String("false"))
        *out = false;
    else
        return false;
    return true;
}

QString ExporterConfig::logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return QStringLiteral("DEBUG");
    case LogLevel::Info: return QStringLiteral("INFO");
    case LogLevel::Warning: return QStringLiteral("WARNING");
    case LogLevel::Error: return QStringLiteral("ERROR");
    case LogLevel::Critical: return QStringLiteral("CRITICAL");
    }
    return QStringLiteral("INFO");
}

ExporterConfigResult ExporterConfig::parse(const QStringList &arguments,
                                                  const QProcessEnvironment &env)
{
    ExporterConfigResult result;
    ExporterConfig &c = result.config;
    auto fail = [&result](const QString &line) {
        result.error = line;
        result.exitCode = 2;
        return result;
    };

    // Which settings a flag has set: those environment variables are then ignored.
    bool listenFromFlag = false, intervalFromFlag = false, registryFromFlag = false;
    bool inFlightFromFlag = false, levelFromFlag = false, formatFromFlag = false;
    bool findingsFromFlag = false, maxAgeFromFlag = false, budgetFromFlag = false;

    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString arg = arguments.at(i);
        if (arg == QLatin1String("-h")) {
            c.mode = Mode::Help;
            return result;
        }
        if (!arg.startsWith(QLatin1String("--")) || arg.size() == 2)
            return fail(errorLine(QStringLiteral("unexpected argument \"%1\" (flags start with --; see --help)")
                                          .arg(arg)));

        const qsizetype eq = arg.indexOf(QLatin1Char('='));
        const QString name = arg.mid(2, eq < 0 ? -1 : eq - 2);
        const std::optional<Flag> flag = findFlag(name);
        if (!flag)
            return fail(errorLine(QStringLiteral("unknown flag --%1 (see --help)").arg(name)));
        const QString shown = QStringLiteral("--") + name;

        QString value;
        if (flag->valueName.isEmpty()) {
            if (eq >= 0)
                return fail(errorLine(QStringLiteral("flag %1 takes no value (got \"%2\")")
                                              .arg(shown, arg.mid(eq + 1))));
        } else if (eq >= 0) {
            value = arg.mid(eq + 1);
        } else {
            // "--flag value"; a following "--x" is the next flag, not a value.
            if (i + 1 >= arguments.size() || arguments.at(i + 1).startsWith(QLatin1String("--")))
                return fail(errorLine(QStringLiteral("flag %1 needs a value: %1=%2")
                                              .arg(shown, flag->valueName)));
            value = arguments.at(++i);
        }
        if (!flag->valueName.isEmpty() && value.isEmpty())
            return fail(errorLine(QStringLiteral("flag %1 needs a value: %1=%2").arg(shown, flag->valueName)));

        if (name == QLatin1String("help")) {
            c.mode = Mode::Help;
            return result;
        } else if (name == QLatin1String("version")) {
            c.mode = Mode::Version;
            return result;
        } else if (name == QLatin1String("web.listen-address")) {
            if (!parseListenAddress(value, &c.listenAddress, &c.listenPort))
                return fail(invalid(shown, value, kExpectListen));
            listenFromFlag = true;
        } else if (name == QLatin1String("web.telemetry-path")) {
            if (!parsePath(value, &c.telemetryPath))
                return fail(invalid(shown, value, kExpectPath));
        } else if (name == QLatin1String("refresh-interval")) {
            if (!parseDuration(value, &c.refreshIntervalSeconds))
                return fail(invalid(shown, value, kExpectDuration));
            intervalFromFlag = true;
        } else if (name == QLatin1String("registry-id")) {
            if (!parseRegistryId(value, &c.registryId))
                return fail(invalid(shown, value, kExpectRegistry));
            registryFromFlag = true;
        } else if (name == QLatin1String("region")) {
            if (!RegionResolver::isValidRegionName(value))
                return fail(invalid(shown, value, kExpectRegion));
            c.region = value;
        } else if (name == QLatin1String("max-in-flight")) {
            if (!parseInFlight(value, &c.maxInFlight))
                return fail(invalid(shown, value, kExpectInFlight));
            inFlightFromFlag = true;
        } else if (name == QLatin1String("log.level")) {
            if (!parseLogLevel(value, &c.logLevel))
                return fail(invalid(shown, value, kExpectLevel));
            levelFromFlag = true;
        } else if (name == QLatin1String("log.format")) {
            if (!parseFormat(value, &c.logFormat))
                return fail(invalid(shown, value, kExpectFormat));
            formatFromFlag = true;
        } else if (name == QLatin1String("scan.findings")) {
            if (!parseOnOff(value, &c.scanFindings))
                return fail(invalid(shown, value, kExpectOnOff));
            findingsFromFlag = true;
        } else if (name == QLatin1String("scan.findings-max-age")) {
            if (!parseDuration(value, &c.scanFindingsMaxAgeSeconds))
                return fail(invalid(shown, value, kExpectMaxAge));
            maxAgeFromFlag = true;
        } else if (name == QLatin1String("scan.findings-budget")) {
            if (!parseBudget(value, &c.scanFindingsBudget))
                return fail(invalid(shown, value, kExpectBudget));
            budgetFromFlag = true;
        } else if (name == QLatin1String("once")) {
            c.once = true;
        } else if (name == QLatin1String("output")) {
            c.outputFile = value;
        } else if (name == QLatin1String("demo")) {
            c.demo = true;
        }
    }

    // The environment, for what no flag set. Empty values count as unset.
    auto envValue = [&env](const char *name) { return env.value(QLatin1String(name)); };
    if (!listenFromFlag) {
        const QString host = envValue("APP_HOST");
        if (!host.isEmpty() && !parseHost(host, &c.listenAddress))
            return fail(invalid(QStringLiteral("APP_HOST"), host, kExpectHost));
        const QString port = envValue("APP_PORT");
        if (!port.isEmpty() && !parsePort(port, &c.listenPort))
            return fail(invalid(QStringLiteral("APP_PORT"), port, kExpectPort));
    }
    if (!intervalFromFlag) {
        const QString v = envValue("CACHE_REFRESH_INTERVAL");
        if (!v.isEmpty() && !parseDuration(v, &c.refreshIntervalSeconds))
            return fail(invalid(QStringLiteral("CACHE_REFRESH_INTERVAL"), v, kExpectDuration));
    }
    if (!registryFromFlag) {
        const QString v = envValue("ECR_REGISTRY_ID");
        if (!v.isEmpty() && !parseRegistryId(v, &c.registryId))
            return fail(invalid(QStringLiteral("ECR_REGISTRY_ID"), v, kExpectRegistry));
    }
    if (!inFlightFromFlag) {
        const QString v = envValue("MAX_IN_FLIGHT");
        if (!v.isEmpty() && !parseInFlight(v, &c.maxInFlight))
            return fail(invalid(QStringLiteral("MAX_IN_FLIGHT"), v, kExpectInFlight));
    }
    if (!levelFromFlag) {
        const QString v = envValue("LOG_LEVEL");
        if (!v.isEmpty() && !parseLogLevel(v, &c.logLevel))
            return fail(invalid(QStringLiteral("LOG_LEVEL"), v, kExpectLevel));
    }
    if (!formatFromFlag) {
        const QString v = envValue("LOG_FORMAT");
        if (!v.isEmpty() && !parseFormat(v, &c.logFormat))
            return fail(invalid(QStringLiteral("LOG_FORMAT"), v, kExpectFormat));
    }

    if (!findingsFromFlag) {
        const QString v = envValue("SCAN_FINDINGS");
        if (!v.isEmpty() && !parseOnOff(v, &c.scanFindings))
            return fail(invalid(QStringLiteral("SCAN_FINDINGS"), v, kExpectOnOff));
    }
    if (!maxAgeFromFlag) {
        const QString v = envValue("SCAN_FINDINGS_MAX_AGE");
        if (!v.isEmpty() && !parseDuration(v, &c.scanFindingsMaxAgeSeconds))
            return fail(invalid(QStringLiteral("SCAN_FINDINGS_MAX_AGE"), v, kExpectMaxAge));
    }
    if (!budgetFromFlag) {
        const QString v = envValue("SCAN_FINDINGS_BUDGET");
        if (!v.isEmpty() && !parseBudget(v, &c.scanFindingsBudget))
            return fail(invalid(QStringLiteral("SCAN_FINDINGS_BUDGET"), v, kExpectBudget));
    }

    if (!c.outputFile.isEmpty() && !c.once)
        return fail(errorLine(QStringLiteral("--output needs --once (the server mode serves metrics over HTTP)")));
    return result;
}

QString ExporterConfig::helpText()
{
    QString text = QStringLiteral(
            "Usage: ecr_exporter [flags]\n"
            "\n"
            "Prometheus exporter for AWS ECR: repositories, images, sizes and scan findings,\n"
            "read in the background and served from a cache.\n"
            "\n"
            "Flags (a value may follow as --flag=value or --flag value; a flag wins over its\n"
            "environment variable):\n");
    for (const Flag &f : flagTable()) {
        QString left = QStringLiteral("  --") + f.name;
        if (!f.valueName.isEmpty())
            left += QLatin1Char('=') + f.valueName;
        if (left.size() >= 32)
            text += left + QLatin1Char('\n') + QString(32, QLatin1Char(' ')) + f.help + QLatin1Char('\n');
        else
            text += left.leftJustified(32) + f.help + QLatin1Char('\n');
        QStringList notes;
        if (!f.env.isEmpty())
            notes << QStringLiteral("env ") + f.env;
        if (!f.defaultText.isEmpty())
            notes << QStringLiteral("default ") + f.defaultText;
        if (!notes.isEmpty())
            text += QString(32, QLatin1Char(' ')) + QLatin1Char('[') + notes.join(QStringLiteral("; "))
                    + QStringLiteral("]\n");
    }
    text += QStringLiteral(
            "\n"
            "Endpoints: <telemetry path> (metrics), / (this exporter), /-/healthy, /-/ready\n"
            "(503 until the first refresh finished). AWS credentials come from the usual\n"
            "places: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, web\n"
            "identity, container and instance roles.\n"
            "Invalid settings exit with status 2.\n");
    return text;
}

QString ExporterConfig::versionText()
{
    const BuildInfo build = BuildInfo::current();
    return QStringLiteral("ecr_exporter %1 (revision %2)\nbuilt with Qt %3, running on Qt %4\n")
            .arg(build.version, build.revision, QLatin1String(QT_VERSION_STR), build.qtVersion);
}
