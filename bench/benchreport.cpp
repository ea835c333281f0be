#include "benchreport.h"

#include <algorithm>

namespace {

QString sec(double s)
{
    if (s < 0)
        return QStringLiteral("n/a");
    return s < 10 ? QStringLiteral("%1 s").arg(s, 0, 'f', 3) : QStringLiteral("%1 s").arg(s, 0, 'f', 2);
}

QString ms(double m)
{
    if (m < 0)
        return QStringLiteral("n/a");
    return m < 100 ? QStringLiteral("%1 ms").arg(m, 0, 'f', 2) : QStringLiteral("%1 ms").arg(m, 0, 'f', 0);
}

QString verdict(bool met)
{
    return met ? QStringLiteral("PASS") : QStringLiteral("MISS");
}

} // namespace

bool BenchReport::isScanOperation(const QString &operation)
{
    return operation == QLatin1String("GetRegistryScanningConfiguration")
        || operation == QLatin1String("DescribeImageScanFindings");
}

int BenchReport::totalCalls() const
{
    int n = 0;
    for (auto it = callsByOperation.cbegin(); it != callsByOperation.cend(); ++it) {
        if (!isScanOperation(it.key()))
            n += it.value();
    }
    return n;
}

int BenchReport::scanCalls() const
{
    int n = 0;
    for (auto it = callsByOperation.cbegin(); it != callsByOperation.cend(); ++it) {
        if (isScanOperation(it.key()))
            n += it.value();
    }
    return n;
}

double BenchReport::idealSeconds() const
{
    return maxInFlight > 0 ? double(minimumCalls) * latencyMs / 1000.0 / maxInFlight : -1;
}

double BenchReport::idealAtPeakSeconds() const
{
    return peakInFlight > 0 ? double(minimumCalls) * latencyMs / 1000.0 / peakInFlight : -1;
}

const BenchReport::Phase *BenchReport::phase(bool gzip, bool concurrent) const
{
    for (const Phase &p : phases) {
        if (p.gzip == gzip && (p.clients > 1) == concurrent)
            return &p;
    }
    return nullptr;
}

bool BenchReport::refreshTargetMet() const
{
    return refreshWallSeconds >= 0 && refreshWallSeconds <= RefreshFactor * idealSeconds();
}

bool BenchReport::callsTargetMet() const
{
    return totalCalls() == minimumCalls && failedCalls == 0;
}

bool BenchReport::scrapeCpuTargetMet() const
{
    if (renderSeconds <= 0)
        return false;
    bool any = false;
    for (const Phase &p : phases) {
        const double cpu = p.cpuPerScrapeSeconds();
        if (cpu < 0 || cpu > ScrapeCpuFraction * renderSeconds)
            return false;
        any = true;
    }
    return any;
}

bool BenchReport::memoryTargetMet() const
{
    const Phase *p = phase(false, true);
    return p && p->peakRssBytes() >= 0 && p->peakRssBytes() < MemoryLimitBytes;
}

bool BenchReport::checksPassed() const
{
    if (checks.isEmpty())
        return false;
    for (const QString &c : checks) {
        if (!c.startsWith(QLatin1String("ok")))
            return false;
    }
    for (const Phase &p : phases) {
        if (p.failures > 0)
            return false;
    }
    return true;
}

bool BenchReport::allTargetsMet() const
{
    return refreshTargetMet() && callsTargetMet() && scrapeCpuTargetMet() && memoryTargetMet() && checksPassed();
}

double BenchReport::median(QVector<double> values)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double BenchReport::maximum(const QVector<double> &values)
{
    return values.isEmpty() ? -1 : *std::max_element(values.cbegin(), values.cend());
}

QString BenchReport::bytesText(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("n/a");
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

QString BenchReport::format() const
{
    QString out;
    auto line = [&out](const QString &figure, const QString &measured, const QString &target = {}, const QString &result = {}) {
        QString l = QStringLiteral("  %1 %2").arg(figure, -56).arg(measured, -24);
        if (!target.isEmpty() || !result.isEmpty())
            l += QStringLiteral(" %1 %2").arg(target, -32).arg(result);
        while (l.endsWith(QLatin1Char(' ')))
            l.chop(1);
        out += l + QLatin1Char('\n');
    };
    auto section = [&out](const QString &title) { out += QLatin1Char('\n') + title + QLatin1Char('\n'); };

    out += QStringLiteral("ecr_bench: headless ecr_exporter against the fake ECR\n");
    out += QStringLiteral("workload:   %1 repositories, %2 images (%3 tagged), %4 tags; %5 ms added to every API call;\n"
                          "            SigV4 verified; scan summaries in DescribeImages (legacy basic scanning)\n")
               .arg(repositories).arg(images).arg(taggedImages).arg(tags).arg(latencyMs);
    out += QStringLiteral("exporter:   %1 --max-in-flight=%2 (bench built %3)\n").arg(exporterPath).arg(maxInFlight).arg(buildType);
    out += QStringLiteral("machine:    %1 CPUs, load average %2 at start, %3 at end (fake ECR and scrapers run in this process)\n")
               .arg(cpus).arg(loadAverageStart, loadAverageEnd);

    line(QStringLiteral("figure"), QStringLiteral("measured"), QStringLiteral("target"), QStringLiteral("result"));

    section(QStringLiteral("First refresh (times from the exporter's start)"));
    const double ideal = idealSeconds();
    line(QStringLiteral("refresh wall time (start -> last API reply)"), sec(refreshWallSeconds),
         QStringLiteral("<= %1 (%2 x ideal)").arg(sec(RefreshFactor * ideal)).arg(RefreshFactor), verdict(refreshTargetMet()));
    line(QStringLiteral("  the exporter's own refresh duration metric"), sec(exporterRefreshSeconds));
    line(QStringLiteral("  first DescribeImages answered after"), sec(firstImagesReplySeconds),
         QStringLiteral("(start-up, registry id, repositories)"));
    line(QStringLiteral("ideal time (minimum calls x latency / in-flight limit)"),
         QStringLiteral("%1 = %2 x %3 ms / %4").arg(sec(ideal)).arg(minimumCalls).arg(latencyMs).arg(maxInFlight));
    line(QStringLiteral("API calls to list the registry (counted by the fake ECR)"), QString::number(totalCalls()),
         QStringLiteral("= %1 (minimum), none failed").arg(minimumCalls), verdict(callsTargetMet()));
    for (auto it = callsByOperation.cbegin(); it != callsByOperation.cend(); ++it) {
        if (!isScanOperation(it.key()))
            line(QStringLiteral("  %1").arg(it.key()), QString::number(it.value()));
    }
    line(QStringLiteral("scan-results calls (counted apart)"), QString::number(scanCalls()));
    for (auto it = callsByOperation.cbegin(); it != callsByOperation.cend(); ++it) {
        if (isScanOperation(it.key()))
            line(QStringLiteral("  %1").arg(it.key()), QString::number(it.value()));
    }
    line(QStringLiteral("  failed (status other than 200)"), QString::number(failedCalls));
    line(QStringLiteral("peak requests in flight (at the fake ECR)"), QString::number(peakInFlight),
         QStringLiteral("(limit %1)").arg(maxInFlight));
    if (peakInFlight > 0 && peakInFlight != maxInFlight)
        line(QStringLiteral("  ideal with the peak reached as the limit"), sec(idealAtPeakSeconds()));
    if (peakInFlight > 0 && totalCalls() > 0 && refreshWallSeconds > 0)
        line(QStringLiteral("  mean call cycle (wall x peak / calls)"),
             ms(refreshWallSeconds * 1000 * peakInFlight / totalCalls()),
             QStringLiteral("(latency %1 ms)").arg(latencyMs));
    const int allCalls = totalCalls() + scanCalls();
    if (allCalls > 0 && fakeHeldSeconds > 0 && refreshWallSeconds > 0) {
        // A call's cycle = time at the fake (latency + its own work) + the rest (network,
        // the exporter's turnaround); the mean in flight shows how full the limit was kept.
        line(QStringLiteral("  mean time a call spent at the fake ECR"), ms(fakeHeldSeconds * 1000 / allCalls));
        line(QStringLiteral("  mean requests in flight at the fake ECR"),
             QString::number(fakeHeldSeconds / refreshWallSeconds, 'f', 2));
    }
    line(QStringLiteral("/-/ready answered 200 after"), sec(readySeconds));
    line(QStringLiteral("exporter CPU until then (start-up and refresh)"), sec(exporterCpuAtReadySeconds));
    if (exporterCpuAtReadySeconds >= 0 && totalCalls() > 0 && maxInFlight > 0)
        line(QStringLiteral("  per API call"), ms(exporterCpuAtReadySeconds * 1000 / totalCalls()),
             QStringLiteral("(ideal pace: latency / limit = %1)").arg(ms(double(latencyMs) / maxInFlight)));
    line(QStringLiteral("  of which the main thread (event loop)"), sec(exporterMainCpuAtReadySeconds),
         QStringLiteral("(one core: a floor for the refresh)"));
    line(QStringLiteral("registry exposition served after"), sec(publishedSeconds));
    line(QStringLiteral("  one rendering, plain + gzip (exporter's log)"), sec(renderSeconds));
    line(QStringLiteral("exporter CPU until then (start-up, refresh, render)"), sec(exporterCpuRefreshSeconds));
    line(QStringLiteral("bench CPU until then (fake ECR: SigV4, JSON)"), sec(benchCpuRefreshSeconds));
    line(QStringLiteral("bytes the exporter read until then (API replies)"), bytesText(exporterReadBytes));

    section(QStringLiteral("Scrapes"));
    const Phase *seqPlain = phase(false, false);
    const Phase *seqGzip = phase(true, false);
    const Phase *conPlain = phase(false, true);
    const Phase *conGzip = phase(true, true);
    line(QStringLiteral("body size plain / gzip"), QStringLiteral("%1 / %2").arg(bytesText(seqPlain ? seqPlain->bodyBytes : -1),
                                                                            bytesText(seqGzip ? seqGzip->bodyBytes : -1)));
    for (const Phase *p : {seqPlain, seqGzip}) {
        if (!p)
            continue;
        line(QStringLiteral("scrape latency %1, 1 client: median / max").arg(p->gzip ? QStringLiteral("gzip ") : QStringLiteral("plain")),
             QStringLiteral("%1 / %2").arg(ms(median(p->latenciesMs)), ms(maximum(p->latenciesMs))),
             QStringLiteral("(%1 scrapes)").arg(p->scrapes));
    }
    for (const Phase *p : {conPlain, conGzip}) {
        if (!p)
            continue;
        line(QStringLiteral("scrapes/s, %1 concurrent clients, %2").arg(p->clients).arg(p->gzip ? QStringLiteral("gzip") : QStringLiteral("plain")),
             QString::number(p->scrapesPerSecond(), 'f', 1),
             QStringLiteral("(%1 scrapes in %2)").arg(p->scrapes).arg(sec(p->seconds)));
        line(QStringLiteral("  latency median / max"),
             QStringLiteral("%1 / %2").arg(ms(median(p->latenciesMs)), ms(maximum(p->latenciesMs))));
    }
    const QString cpuTarget = renderSeconds > 0
        ? QStringLiteral("<= %1 (%2 % of a rendering)").arg(ms(ScrapeCpuFraction * renderSeconds * 1000)).arg(ScrapeCpuFraction * 100)
        : QStringLiteral("(rendering time unknown)");
    bool firstCpu = true;
    for (const Phase &p : phases) {
        line(QStringLiteral("exporter CPU per scrape, %1").arg(p.name), ms(p.cpuPerScrapeSeconds() * 1000),
             firstCpu ? cpuTarget : QString(), firstCpu ? verdict(scrapeCpuTargetMet()) : QString());
        firstCpu = false;
    }

    section(QStringLiteral("Exporter resident memory"));
    line(QStringLiteral("after refresh (VmRSS, 1 s after serving)"), bytesText(rssAfterRefreshBytes));
    line(QStringLiteral("peak during start-up, refresh, render (VmHWM)"), bytesText(hwmRefreshBytes));
    for (const Phase &p : phases) {
        const bool target = (&p == conPlain);
        line(QStringLiteral("peak under %1").arg(p.name), bytesText(p.peakRssBytes()),
             target ? QStringLiteral("< %1").arg(bytesText(MemoryLimitBytes)) : QString(),
             target ? verdict(memoryTargetMet()) : QString());
    }

    section(QStringLiteral("Checks"));
    for (const QString &c : checks)
        out += QStringLiteral("  %1\n").arg(c);
    for (const Phase &p : phases) {
        if (p.failures > 0)
            out += QStringLiteral("  FAILED: %1 of the %2 scrapes failed, first: %3\n").arg(p.failures).arg(p.name, p.firstError);
    }
    out += QStringLiteral("  exporter exit status after SIGTERM: %1\n").arg(exporterExitCode);
    for (const QString &n : notes)
        out += QStringLiteral("  note: %1\n").arg(n);

    out += QStringLiteral("\nresult: %1\n").arg(allTargetsMet() ? QStringLiteral("all targets met") : QStringLiteral("TARGET MISSED"));
    return out;
}
