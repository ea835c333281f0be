// ecr_desktop: the QML registry browser with a tray icon and a local /metrics endpoint,
// built on the same core library as the headless exporter.
#include "desktopapp.h"
#include "desktopoptions.h"
#include "logcategories.h"
#include "metrics/buildinfo.h"
#include "severitypalette.h"
#include "singleinstance.h"
#include "unixsignalwatcher.h"

#include <QApplication>
#include <QtQml/qqmlextensionplugin.h>
#include <csignal>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(EcrDesktopPlugin)

int main(int argc, char *argv[])
{
    // Fusion follows the palette, which the light/dark switch sets from QML.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        qputenv("QT_QUICK_CONTROLS_STYLE", "Fusion");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ecr_desktop"));
    QApplication::setOrganizationName(QStringLiteral("ecr_exporter"));
    QApplication::setApplicationDisplayName(QStringLiteral("ECR Desktop"));
    QApplication::setApplicationVersion(BuildInfo::current().version);
    QApplication::setDesktopFileName(QStringLiteral("ecr_desktop"));
    QApplication::setWindowIcon(SeverityPalette::appIcon());

    const DesktopOptions::ParseResult parsed = DesktopOptions::parse(app.arguments());
    if (!parsed.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(parsed.error));
        return parsed.exitCode;
    }
    if (parsed.options.mode == DesktopOptions::Mode::Help) {
        std::fputs(qPrintable(DesktopOptions::helpText()), stdout);
        return 0;
    }
    if (parsed.options.mode == DesktopOptions::Mode::Version) {
        const BuildInfo build = BuildInfo::current();
        std::printf("ecr_desktop %s (revision %s, Qt %s)\n", qPrintable(build.version), qPrintable(build.revision),
                    qPrintable(build.qtVersion));
        return 0;
    }

    // Before anything binds a port: a second start hands over to the first and leaves.
    SingleInstance instance;
    QString error;
    const SingleInstance::Role role = instance.claim(&error);
    if (role == SingleInstance::Role::Secondary) {
        QObject::connect(&instance, &SingleInstance::notified, &app, [](bool ok, const QString &why) {
            if (ok)
                std::fputs("ecr_desktop is already running: brought its window to the front\n", stdout);
            else
                std::fprintf(stderr, "ecr_desktop: %s\n", qPrintable(why));
            QCoreApplication::exit(ok ? 0 : 1);
        });
        instance.notifyPrimary();
        return app.exec();
    }
    if (role == SingleInstance::Role::Failed)
        qCWarning(lcExporter).noquote() << "desktop:" << error;

    DesktopApp::Setup setup;
    setup.options = parsed.options;
    DesktopApp desktop(setup);
    QObject::connect(&instance, &SingleInstance::activationRequested, &desktop, [&desktop] {
        qCInfo(lcExporter) << "desktop: another start asked for the window; bringing it to the front";
        desktop.activateWindow();
    });
    QObject::connect(&desktop, &DesktopApp::quitRequested, &app, &QCoreApplication::quit, Qt::QueuedConnection);
    UnixSignalWatcher signalWatcher({SIGTERM, SIGINT});
    QObject::connect(&signalWatcher, &UnixSignalWatcher::unixSignal, &app, &QCoreApplication::quit);

    if (!desktop.start(&error)) {
        std::fprintf(stderr, "ecr_desktop: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
