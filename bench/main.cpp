// ecr_bench: the benchmark of the headless exporter (bench/README.md). Hosts the fake ECR,
// runs the real ecr_exporter binary against it and prints a table of figures and targets.
// Not part of the test suite: run it with `tools/dev.sh bench` or build/bench/ecr_bench.
#include "benchoptions.h"
#include "benchrunner.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ecr_bench"));

    const BenchOptions::Result parsed = BenchOptions::parse(app.arguments(), QStringLiteral(ECR_BENCH_EXPORTER_PATH));
    if (!parsed.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(parsed.error));
        return 2;
    }
    if (parsed.options.help) {
        std::fputs(qPrintable(BenchOptions::usage()), stdout);
        return 0;
    }
    // The fake ECR's per-request debug lines would only slow the run down.
    QLoggingCategory::setFilterRules(QStringLiteral("ecr.*.debug=false"));

    BenchRunner runner(parsed.options);
    QObject::connect(&runner, &BenchRunner::finished, &app, [&runner](int exitCode) {
        if (exitCode != 3) {
            std::fputs(qPrintable(runner.report().format()), stdout);
            std::fflush(stdout);
        }
        QCoreApplication::exit(exitCode);
    }, Qt::QueuedConnection);
    runner.start();
    return app.exec();
}
