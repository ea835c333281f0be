#include "benchoptions.h"

namespace {

struct IntFlag {
    const char *name;
    int BenchOptions::*field;
    int min;
    int max;
};

const IntFlag kIntFlags[] = {
    {"repos", &BenchOptions::repositories, 1, 100000},
    {"images", &BenchOptions::imagesPerRepository, 1, 100000},
    {"latency-ms", &BenchOptions::latencyMs, 0, 10000},
    {"max-in-flight", &BenchOptions::maxInFlight, 1, 64},   // the exporter's own range
    {"scrape-seconds", &BenchOptions::scrapeSeconds, 1, 3600},
    {"scrapes", &BenchOptions::sequentialScrapes, 1, 10000},
    {"clients", &BenchOptions::clients, 1, 64},
    {"refresh-timeout", &BenchOptions::refreshTimeoutSeconds, 1, 86400},
};

} // namespace

BenchOptions::Result BenchOptions::parse(const QStringList &arguments, const QString &defaultExporterPath)
{
    Result result;
    result.options.exporterPath = defaultExporterPath;
    auto fail = [&result](const QString &message) {
        result.error = QStringLiteral("ecr_bench: ") + message + QStringLiteral(" (see ecr_bench --help)");
        return result;
    };

    for (int i = 1; i < arguments.size(); ++i) {
        const QString arg = arguments.at(i);
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            result.options.help = true;
            continue;
        }
        if (!arg.startsWith(QLatin1String("--")))
            return fail(QStringLiteral("unexpected argument '%1'").arg(arg));
        QString name = arg.mid(2);
        QString value;
        const qsizetype eq = name.indexOf(QLatin1Char('='));
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name.truncate(eq);
        } else if (i + 1 < arguments.size()) {
            value = arguments.at(++i);
        } else {
            return fail(QStringLiteral("--%1 needs a value").arg(name));
        }

        if (name == QLatin1String("exporter")) {
            if (value.isEmpty())
                return fail(QStringLiteral("--exporter needs the path of an ecr_exporter binary"));
            result.options.exporterPath = value;
            continue;
        }
        if (name == QLatin1String("seed")) {
            bool ok = false;
            const uint seed = value.toUInt(&ok);
            if (!ok)
                return fail(QStringLiteral("--seed '%1' is not a non-negative integer").arg(value));
            result.options.seed = seed;
            continue;
        }
        bool known = false;
        for (const IntFlag &flag : kIntFlags) {
            if (name != QLatin1String(flag.name))
                continue;
            known = true;
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < flag.min || n > flag.max)
                return fail(QStringLiteral("--%1 '%2' must be an integer from %3 to %4")
                                .arg(name, value).arg(flag.min).arg(flag.max));
            result.options.*flag.field = n;
        }
        if (!known)
            return fail(QStringLiteral("unknown option --%1").arg(name));
    }
    return result;
}

QString BenchOptions::usage()
{
    const BenchOptions d;
    return QStringLiteral(
               "Usage: ecr_bench [options]\n"
               "\n"
               "Benchmarks the headless ecr_exporter against a fake ECR hosted in this process\n"
               "(SigV4 verified, fixed latency per API call, scan summaries in DescribeImages):\n"
               "times the first refresh, counts the API calls, then measures scrapes (latency,\n"
               "throughput, exporter CPU and resident memory). Prints a table with each figure and\n"
               "its target. Exit status: 0 all targets met, 1 a target missed, 2 usage error,\n"
               "3 the benchmark could not run (the exporter failed, timed out, ...).\n"
               "\n"
               "Options (defaults are the workload of the performance issue):\n"
               "  --repos N            repositories in the fake registry          (%1)\n"
               "  --images N           average images per repository              (%2)\n"
               "  --latency-ms MS      latency added to every API call            (%3)\n"
               "  --max-in-flight N    the exporter's --max-in-flight              (%4)\n"
               "  --scrape-seconds S   length of each concurrent scrape phase     (%5)\n"
               "  --scrapes N          scrapes per sequential (latency) phase     (%6)\n"
               "  --clients N          concurrent scrapers                        (%7)\n"
               "  --refresh-timeout S  give up when the first refresh takes longer (%8)\n"
               "  --seed N             seed of the generated registry             (%9)\n"
               "  --exporter PATH      the ecr_exporter binary  (default: the one built with the bench)\n"
               "  -h, --help           this text\n")
        .arg(d.repositories)
        .arg(d.imagesPerRepository)
        .arg(d.latencyMs)
        .arg(d.maxInFlight)
        .arg(d.scrapeSeconds)
        .arg(d.sequentialScrapes)
        .arg(d.clients)
        .arg(d.refreshTimeoutSeconds)
        .arg(d.seed);
}
