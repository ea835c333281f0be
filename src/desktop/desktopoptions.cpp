#include "desktopoptions.h"

#include "aws/regionresolver.h"
#include "desktopsettings.h"

#include <QHostAddress>

DesktopOptions::ParseResult DesktopOptions::parse(const QStringList &arguments)
{
    ParseResult result;
    DesktopOptions &o = result.options;
    auto fail = [&](const QString &message) {
        result.error = QStringLiteral("ecr_desktop: ") + message + QStringLiteral(" (see --help)");
        result.exitCode = 2;
        return result;
    };
    for (int i = 1; i < arguments.size(); ++i) {
        QString arg = arguments.at(i);
        QString value;
        bool hasValue = false;
        const int eq = arg.indexOf(QLatin1Char('='));
        if (arg.startsWith(QLatin1String("--")) && eq > 0) {
            value = arg.mid(eq + 1);
            arg = arg.left(eq);
            hasValue = true;
        }
        auto takeValue = [&](QString *out) {
            if (!hasValue) {
                if (i + 1 >= arguments.size())
                    return false;
                value = arguments.at(++i);
            }
            *out = value;
            return true;
        };
        auto flag = [&](bool *out) {
            if (hasValue)
                return false;
            *out = true;
            return true;
        };
        if (arg == QLatin1String("--demo")) {
            if (!flag(&o.demo))
                return fail(QStringLiteral("--demo takes no value"));
        } else if (arg == QLatin1String("--hidden")) {
            if (!flag(&o.hidden))
                return fail(QStringLiteral("--hidden takes no value"));
        } else if (arg == QLatin1String("--no-metrics")) {
            if (!flag(&o.noMetrics))
                return fail(QStringLiteral("--no-metrics takes no value"));
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            o.mode = Mode::Help;
        } else if (arg == QLatin1String("--version")) {
            o.mode = Mode::Version;
        } else if (arg == QLatin1String("--listen")) {
            if (!takeValue(&o.listenAddress))
                return fail(QStringLiteral("--listen needs HOST:PORT, e.g. --listen 127.0.0.1:9000"));
            const QString error = DesktopSettings::parseListenAddress(o.listenAddress, nullptr, nullptr);
            if (!error.isEmpty())
                return fail(error);
        } else if (arg == QLatin1String("--profile")) {
            if (!takeValue(&o.profile) || o.profile.isEmpty())
                return fail(QStringLiteral("--profile needs the name of a profile in ~/.aws/config or ~/.aws/credentials"));
        } else if (arg == QLatin1String("--region")) {
            if (!takeValue(&o.region) || !RegionResolver::isValidRegionName(o.region))
                return fail(QStringLiteral("--region needs a region name such as eu-west-1"));
        } else if (arg == QLatin1String("--registry-id")) {
            if (!takeValue(&o.registryId))
                return fail(QStringLiteral("--registry-id needs a 12-digit AWS account id"));
            const QString error = DesktopSettings::checkRegistryId(o.registryId);
            if (!error.isEmpty())
                return fail(error);
        } else if (arg == QLatin1String("--refresh-interval")) {
            QString text;
            if (!takeValue(&text))
                return fail(QStringLiteral("--refresh-interval needs a number of seconds"));
            bool ok = false;
            o.refreshIntervalSeconds = text.toInt(&ok);
            const QString error = ok ? DesktopSettings::checkInterval(o.refreshIntervalSeconds)
                                     : QStringLiteral("refresh interval '%1' is not a number of seconds").arg(text);
            if (!error.isEmpty())
                return fail(error);
        } else if (arg == QLatin1String("--settings")) {
            if (!takeValue(&o.settingsFile) || o.settingsFile.isEmpty())
                return fail(QStringLiteral("--settings needs a file name"));
        } else if (arg.startsWith(QLatin1Char('-')) && !arg.startsWith(QLatin1String("-platform"))
                   && !arg.startsWith(QLatin1String("-style")) && !arg.startsWith(QLatin1String("-qmljsdebugger"))) {
            return fail(QStringLiteral("unknown option '%1'").arg(arguments.at(i)));
        }
    }
    if (o.noMetrics && !o.listenAddress.isEmpty())
        return fail(QStringLiteral("--no-metrics and --listen contradict each other; give one of them"));
    return result;
}

QString DesktopOptions::helpText()
{
    return QStringLiteral(
        "Usage: ecr_desktop [options]\n"
        "Browse an AWS ECR registry and keep its metrics live in the system tray.\n"
        "\n"
        "  --demo                   simulated registry (no AWS account needed)\n"
        "  --hidden                 start in the tray without showing the window\n"
        "  --listen HOST:PORT       serve /metrics there for this run (default 127.0.0.1:9000)\n"
        "  --no-metrics             do not serve /metrics for this run\n"
        "  --profile NAME           use this profile of ~/.aws/config / ~/.aws/credentials\n"
        "  --region NAME            AWS region for this run\n"
        "  --registry-id ID         registry (AWS account id) to show; default: your own\n"
        "  --refresh-interval SECS  seconds between refreshes (60..86400)\n"
        "  --settings FILE          read and write settings in FILE instead of the default place\n"
        "  --version, --help\n"
        "\n"
        "Settings made in the window are saved; access keys go to the OS keychain.\n"
        "A second start brings the running window to the front.\n");
}
