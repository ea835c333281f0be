#pragma once

#include <QString>
#include <QStringList>

// The benchmark's settings from its command line. Defaults are the workload of the
// performance issue: 1,000 repositories of about 100 images, 20 ms per API call, the
// exporter's default of 8 requests in flight, 4 concurrent scrapers for 10 s.
// parse() is pure: nothing is read or printed.
struct BenchOptions
{
    int repositories = 1000;
    int imagesPerRepository = 100;
    int latencyMs = 20;
    int maxInFlight = 8;          // passed to the exporter as --max-in-flight
    int scrapeSeconds = 10;       // length of each concurrent scrape phase
    int sequentialScrapes = 20;   // scrapes per sequential phase (latency median/max)
    int clients = 4;              // concurrent scrapers
    int refreshTimeoutSeconds = 600;
    quint32 seed = 20261127;
    QString exporterPath;         // the ecr_exporter binary; default: the one built with the bench
    bool help = false;

    struct Result;
    static Result parse(const QStringList &arguments, const QString &defaultExporterPath);
    static QString usage();
};

struct BenchOptions::Result
{
    BenchOptions options;
    QString error; // one line "ecr_bench: ..." when an argument is invalid
    bool ok() const { return error.isEmpty(); }
};
