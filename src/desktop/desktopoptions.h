#pragma once

#include <QString>
#include <QStringList>

// ecr_desktop's command line. Everything is optional and applies to this run only: saved
// settings are changed in the window, never by a flag.
struct DesktopOptions
{
    bool demo = false;              // --demo: a simulated registry, no AWS account needed
    bool hidden = false;            // --hidden: start in the tray (login autostart uses it)
    bool noMetrics = false;         // --no-metrics
    QString listenAddress;          // --listen HOST:PORT
    QString profile;                // --profile NAME
    QString region;                 // --region NAME
    QString registryId;             // --registry-id ID
    int refreshIntervalSeconds = 0; // --refresh-interval SECONDS (0 = settings)
    QString settingsFile;           // --settings FILE (tests and portable setups)

    enum class Mode { Run, Help, Version };
    Mode mode = Mode::Run;

    struct ParseResult;
    static ParseResult parse(const QStringList &arguments);
    static QString helpText();
};

struct DesktopOptions::ParseResult
{
    DesktopOptions options;
    QString error;                  // one line; empty on success
    int exitCode = 0;               // 2 for usage errors
    bool ok() const { return error.isEmpty(); }
};
