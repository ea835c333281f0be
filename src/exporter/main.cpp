// ecr_exporter: the headless Prometheus exporter for AWS ECR. Links Qt Core, Network and
// HttpServer only, so it runs on a minimal server or in a distroless pod.
#include "exporterapp.h"
#include "exporterconfig.h"
#include "logsetup.h"
#include "metrics/buildinfo.h"
#include "unixsignalwatcher.h"

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <csignal>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ecr_exporter"));
    QCoreApplication::setApplicationVersion(BuildInfo::current().version);

    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const ExporterConfig::ParseResult parsed = ExporterConfig::parse(app.arguments(), env);
    if (!parsed.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(parsed.error));
        return parsed.exitCode;
    }
    const ExporterConfig &config = parsed.config;
    if (config.mode == ExporterConfig::Mode::Help) {
        std::fputs(qPrintable(ExporterConfig::helpText()), stdout);
        return 0;
    }
    if (config.mode == ExporterConfig::Mode::Version) {
        std::fputs(qPrintable(ExporterConfig::versionText()), stdout);
        return 0;
    }

    LogSetup::install(config.logLevel, config.logFormat);

    UnixSignalWatcher signalWatcher({SIGTERM, SIGINT});
    ExporterApp exporter(config, env);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::unixSignal, &exporter, &ExporterApp::shutdown);
    QObject::connect(&exporter, &ExporterApp::finished, &app, &QCoreApplication::exit, Qt::QueuedConnection);

    const int status = exporter.start();
    if (status != 0)
        return status;
    return app.exec();
}
