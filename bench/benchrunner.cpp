#include "benchrunner.h"

#include "exporterprocess.h"
#include "fakeecrserver.h"
#include "fakeregistry.h"
#include "fakestsserver.h"
#include "processsample.h"
#include "testsupport.h"

#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QFileInfo>
#include <QThread>

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

namespace {

// Keys the fake accepts; they only ever sign requests to this process on loopback.
const QString kAccessKey = QStringLiteral("AKIDBENCHECREXPORTER");
const QString kSecret = QStringLiteral("bench/secret/for/the/fake/ecr/only");
const QString kHost = QStringLiteral("127.0.0.1");
const QByteArray kDurationMetric = "aws_ecr_exporter_last_successful_refresh_duration_seconds";
constexpr int kPageLimit = 1000; // ECR's largest maxResults, and the fake's default page cap

double ownCpuSeconds()
{
    rusage usage = {};
    ::getrusage(RUSAGE_SELF, &usage);
    auto s = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return s(usage.ru_utime) + s(usage.ru_stime);
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    const QList<QByteArray> parts = file.readAll().simplified().split(' ');
    return QString::fromLatin1(parts.mid(0, 3).join(' '));
}

// The value of an unlabelled sample "name value\n" in an exposition, or -1.
double sampleValue(const QByteArray &body, const QByteArray &name)
{
    const QByteArray key = '\n' + name + ' ';
    const qsizetype at = body.indexOf(key);
    if (at < 0)
        return -1;
    const qsizetype start = at + key.size();
    const qsizetype end = body.indexOf('\n', start);
    bool ok = false;
    const double v = body.mid(start, end - start).toDouble(&ok);
    return ok ? v : -1;
}

// Sum of every sample of a labelled family "name{...} value\n".
// Sum of a family's samples, leaving out the series whose line contains `exclude`.
double familySum(const QByteArray &body, const QByteArray &name, const QByteArray &exclude = {})
{
    const QByteArray key = '\n' + name + '{';
    double sum = 0;
    for (qsizetype at = body.indexOf(key); at >= 0; at = body.indexOf(key, at + 1)) {
        const qsizetype end = body.indexOf('\n', at + 1);
        const QByteArrayView line(body.constData() + at + 1, end - at - 1);
        if (!exclude.isEmpty() && line.contains(exclude))
            continue;
        const qsizetype space = body.lastIndexOf(' ', end);
        sum += body.mid(space + 1, end - space - 1).toDouble();
    }
    return sum;
}

qint64 seriesCount(const QByteArray &body, const QByteArray &name)
{
    return body.count('\n' + name + '{');
}

QString ok(bool good, const QString &text)
{
    return (good ? QStringLiteral("ok: ") : QStringLiteral("FAILED: ")) + text;
}

} // namespace

struct BenchRunner::PhaseRun
{
    BenchReport::Phase data;
    QVector<ScrapeClient *> clients;
    QElapsedTimer clock;
    qint64 lastFinishNs = 0;
    qint64 deadlineNs = 0;        // concurrent phases: no new scrape after this
    int limit = 0;                // sequential phases: this many scrapes
    int active = 0;
    double cpuStart = 0;
    bool keepNextGzipBody = false;
    std::function<void()> next;
};

BenchRunner::BenchRunner(const BenchOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_refreshTimeout.setSingleShot(true);
    connect(&m_refreshTimeout, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("the first refresh did not finish within %1 s (raise --refresh-timeout, or check the "
                            "exporter's log below)").arg(m_options.refreshTimeoutSeconds));
    });
    m_sampler.setInterval(50);
    connect(&m_sampler, &QTimer::timeout, this, &BenchRunner::samplePhaseMemory);
}

BenchRunner::~BenchRunner() = default;

void BenchRunner::progress(const QString &message) const
{
    std::fprintf(stderr, "ecr_bench: %s\n", qPrintable(message));
    std::fflush(stderr);
}

double BenchRunner::elapsedSeconds() const
{
    return m_sinceStart.isValid() ? double(m_sinceStart.nsecsElapsed()) / 1e9 : -1;
}

void BenchRunner::start()
{
    m_report.latencyMs = m_options.latencyMs;
    m_report.maxInFlight = m_options.maxInFlight;
    m_report.clients = m_options.clients;
    m_report.cpus = int(::sysconf(_SC_NPROCESSORS_ONLN));
    m_report.loadAverageStart = loadAverage();
    m_report.exporterPath = m_options.exporterPath;
    m_report.buildType = QStringLiteral(ECR_BENCH_BUILD_TYPE);

    const QFileInfo exporter(m_options.exporterPath);
    if (!exporter.isFile() || !exporter.isExecutable())
        return fail(QStringLiteral("%1 is not an executable file; build ecr_exporter or pass --exporter PATH")
                        .arg(m_options.exporterPath));
    if (!m_home.isValid())
        return fail(QStringLiteral("cannot create a temporary HOME for the exporter: %1").arg(m_home.errorString()));
    QString error;
    if (!setUpFake(&error))
        return fail(error);
    startExporter();
}

bool BenchRunner::setUpFake(QString *error)
{
    progress(QStringLiteral("generating %1 repositories of about %2 images ...")
                 .arg(m_options.repositories).arg(m_options.imagesPerRepository));
    FakeRegistry::Spec spec;
    spec.repositories = m_options.repositories;
    spec.imagesPerRepository = m_options.imagesPerRepository;
    spec.seed = m_options.seed;
    const FakeRegistry registry = FakeRegistry::generate(spec);

    m_report.repositories = int(registry.repositories.size());
    m_report.images = registry.imageCount(false);
    m_report.taggedImages = registry.imageCount(true);
    m_report.tags = registry.tagCount();

    // The fewest calls that can list this registry: DescribeRegistry (no registry id is
    // configured), full pages of repositories, and full pages of each repository's tagged
    // images (an empty repository still needs its one call).
    auto pages = [](qint64 items) { return int(qMax<qint64>(1, (items + kPageLimit - 1) / kPageLimit)); };
    int minimum = 1 + pages(registry.repositories.size());
    for (const EcrRepository &repository : registry.repositories) {
        int tagged = 0;
        for (const EcrImage &image : registry.images.value(repository.repositoryName)) {
            if (image.imageTags.isEmpty())
                continue;
            ++tagged;
            if (image.imageSizeInBytes >= 0)
                m_expectedSizeSeries += image.imageTags.size();
        }
        minimum += pages(tagged);
    }
    m_report.minimumCalls = minimum;

    m_fake = new FakeEcrServer(this);
    m_fake->setRegistry(registry);
    m_fake->addCredentials(kAccessKey, kSecret);
    m_fake->setVerifySignatures(true);
    m_fake->setLatency(m_options.latencyMs);
    if (!m_fake->listen(QHostAddress::LocalHost, 0)) {
        *error = QStringLiteral("cannot start the fake ECR on 127.0.0.1");
        return false;
    }
    // The fake answers with two writes (headers, then a ~50 KB body). With Nagle's algorithm
    // on its sockets, the body waits for the ACK of the headers, which the exporter's side
    // delays up to 40 ms: about 30 % of calls took 60-70 ms instead of 21-33. AWS's front
    // ends do not do that, so the bench turns Nagle off on the fake's connections as they
    // are accepted (FakeEcrServer has no option for it yet; see README). When the fake sets
    // it itself, this finds it set and changes nothing.
    if (auto *tcp = m_fake->findChild<QTcpServer *>()) {
        connect(tcp, &QTcpServer::newConnection, this, [this] {
            for (QTcpSocket *socket : m_fake->findChildren<QTcpSocket *>()) {
                if (socket->socketOption(QAbstractSocket::LowDelayOption).toInt() == 0)
                    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                if (socket->socketOption(QAbstractSocket::LowDelayOption).toInt() != 0)
                    m_fakeNoDelay.insert(socket);
            }
        });
    }
    connect(m_fake, &FakeEcrServer::requestHandled, this, [this](const QString &operation, int status) {
        ++m_apiReplies;
        m_lastApiReply = elapsedSeconds();
        if (m_report.firstImagesReplySeconds < 0 && operation == QLatin1String("DescribeImages"))
            m_report.firstImagesReplySeconds = m_lastApiReply;
        if (status != 200)
            ++m_report.failedCalls;
    });
    // The exporter names its identity at start-up (STS GetCallerIdentity). Without an STS it
    // would try the real one, fail after its retries and log a warning: not what a real
    // deployment sees, so a fake answers (without latency: it is not part of the refresh).
    m_sts = new FakeStsServer(this);
    m_sts->setRegion(registry.region);
    m_sts->addCaller(kAccessKey, kSecret, QString(),
                     QStringLiteral("arn:aws:iam::%1:user/ecr-bench").arg(registry.registryId));
    if (!m_sts->listen(QHostAddress::LocalHost, 0)) {
        *error = QStringLiteral("cannot start the fake STS on 127.0.0.1");
        return false;
    }
    return true;
}

void BenchRunner::startExporter()
{
    m_exporter = new ExporterProcess(this);
    connect(m_exporter, &ExporterProcess::listening, this, [this](quint16 port) {
        progress(QStringLiteral("exporter pid %1 listening on %2:%3, refreshing ...").arg(m_exporter->pid()).arg(kHost).arg(port));
        m_probe = new ScrapeClient(kHost, port, this);
        pollReady();
    });
    connect(m_exporter, &ExporterProcess::rendered, this, [this](qint64, qint64, double seconds) {
        // One rendering at start-up (no registry yet), one after the refresh: keep the latest.
        ++m_rendersSeen;
        m_report.renderSeconds = seconds;
        m_report.publishedSeconds = elapsedSeconds();
    });
    connect(m_exporter, &ExporterProcess::exited, this, [this](int code, bool crashed, const QString &error) {
        m_report.exporterExitCode = crashed ? -1 : code;
        if (m_failed) {
            emit finished(3);
        } else if (m_finishing) {
            m_report.loadAverageEnd = loadAverage();
            emit finished(m_report.allTargetsMet() ? 0 : 1);
        } else {
            fail(!error.isEmpty() ? error
                                  : QStringLiteral("the exporter %1 during the run (exit status %2)")
                                        .arg(crashed ? QStringLiteral("crashed") : QStringLiteral("exited"))
                                        .arg(code));
        }
    });

    ExporterProcess::Settings settings;
    settings.program = m_options.exporterPath;
    settings.endpoint = m_fake->endpoint();
    settings.stsEndpoint = m_sts->endpoint();
    settings.region = m_fake->registry().region;
    settings.accessKeyId = kAccessKey;
    settings.secretAccessKey = kSecret;
    settings.maxInFlight = m_options.maxInFlight;
    settings.homeDir = m_home.path();
    progress(QStringLiteral("starting %1 against the fake ECR at %2 (%3 ms per call)")
                 .arg(settings.program, settings.endpoint.toString()).arg(m_options.latencyMs));
    m_benchCpuAtStart = ownCpuSeconds();
    m_refreshTimeout.start(m_options.refreshTimeoutSeconds * 1000);
    m_sinceStart.start();
    m_exporter->start(settings);
}

void BenchRunner::pollReady()
{
    connect(m_probe, &ScrapeClient::finished, this, [this](const ScrapeClient::Result &result) {
        if (m_failed)
            return;
        if (result.ok() && result.status == 200) {
            m_ready = true;
            m_report.readySeconds = elapsedSeconds();
            const ProcessSample atReady = ProcessSample::read(m_exporter->pid());
            m_report.exporterCpuAtReadySeconds = atReady.cpuSeconds;
            m_report.exporterMainCpuAtReadySeconds = atReady.mainThreadCpuSeconds;
            pollMetrics();
        } else {
            QTimer::singleShot(20, this, &BenchRunner::pollReady);
        }
    }, Qt::SingleShotConnection);
    m_probe->get("/-/ready", false, false, 10000);
}

void BenchRunner::pollMetrics()
{
    // /-/ready turns 200 when the refresh ends; the registry's exposition follows once it
    // has been rendered on the exporter's worker thread.
    connect(m_probe, &ScrapeClient::finished, this, [this](const ScrapeClient::Result &result) {
        if (m_failed)
            return;
        if (!result.ok())
            return fail(QStringLiteral("GET /metrics failed: %1").arg(result.error));
        if (result.status == 200 && result.body.contains('\n' + kDurationMetric + ' '))
            return onRegistryExposition(result);
        QTimer::singleShot(50, this, &BenchRunner::pollMetrics);
    }, Qt::SingleShotConnection);
    m_probe->get("/metrics", false, true);
}

void BenchRunner::onRegistryExposition(const ScrapeClient::Result &result)
{
    m_refreshTimeout.stop();
    if (m_rendersSeen < 2)
        m_report.publishedSeconds = elapsedSeconds(); // no log line seen: when we got it
    m_report.refreshWallSeconds = m_lastApiReply;
    for (const FakeEcrServer::RecordedRequest &request : m_fake->requests()) {
        const QString name = request.operation.isEmpty() ? QStringLiteral("(unknown operation)") : request.operation;
        ++m_report.callsByOperation[name];
        if (request.heldMs >= 0) {
            m_report.fakeHeldSeconds += request.heldMs / 1000.0;
            if (m_report.fakeHeldMinMs < 0 || request.heldMs < m_report.fakeHeldMinMs)
                m_report.fakeHeldMinMs = request.heldMs;
        }
    }
    m_report.peakInFlight = m_fake->peakConcurrentRequests();
    m_report.benchCpuRefreshSeconds = ownCpuSeconds() - m_benchCpuAtStart;
    QString error;
    const ProcessSample sample = ProcessSample::read(m_exporter->pid(), &error);
    if (!sample.isValid())
        return fail(error);
    m_report.exporterCpuRefreshSeconds = sample.cpuSeconds;
    m_report.exporterReadBytes = sample.readBytes;

    checkExposition(result.body);
    m_plainBodyBytes = result.bodyBytes;
    m_plainProbeBody = result.body;
    progress(QStringLiteral("refresh done: %1 API calls, last reply after %2 s; exposition of %3 served after %4 s")
                 .arg(m_fake->requestCount())
                 .arg(m_report.refreshWallSeconds, 0, 'f', 3)
                 .arg(BenchReport::bytesText(result.bodyBytes))
                 .arg(m_report.publishedSeconds, 0, 'f', 3));
    // Let the rendering's temporary buffers go before calling it "after refresh".
    QTimer::singleShot(1000, this, &BenchRunner::afterRefresh);
}

void BenchRunner::checkExposition(const QByteArray &body)
{
    m_report.exporterRefreshSeconds = sampleValue(body, kDurationMetric);
    const double complete = sampleValue(body, "aws_ecr_exporter_data_complete");
    m_report.checks << ok(complete == 1, QStringLiteral("aws_ecr_exporter_data_complete is %1").arg(complete));
    const qint64 repositories = seriesCount(body, "aws_ecr_repository_info");
    m_report.checks << ok(repositories == m_report.repositories,
                          QStringLiteral("%1 aws_ecr_repository_info series for %2 repositories of the fake")
                              .arg(repositories).arg(m_report.repositories));
    const qint64 sizes = seriesCount(body, "aws_ecr_image_size_in_bytes");
    m_report.checks << ok(sizes == m_expectedSizeSeries,
                          QStringLiteral("%1 aws_ecr_image_size_in_bytes series for %2 tags with a size in the fake")
                              .arg(sizes).arg(m_expectedSizeSeries));
    // The fake's latency must be what the ideal assumes: no call answered early.
    m_report.checks << ok(m_report.fakeHeldMinMs >= m_options.latencyMs,
                          QStringLiteral("no call answered before its %1 ms of latency (shortest: %2 ms)")
                              .arg(m_options.latencyMs).arg(m_report.fakeHeldMinMs, 0, 'f', 3));
    m_report.checks << ok(!m_fakeNoDelay.isEmpty(),
                          QStringLiteral("TCP_NODELAY on the fake ECR's %1 connections").arg(m_fakeNoDelay.size()));
    const QByteArray sts = "operation=\"GetCallerIdentity\"";
    const double exporterEcr = familySum(body, "aws_ecr_exporter_api_requests_total", sts);
    m_report.checks << ok(qint64(exporterEcr) == m_fake->requestCount(),
                          QStringLiteral("the exporter counts %1 ECR API requests, the fake ECR received %2")
                              .arg(exporterEcr).arg(m_fake->requestCount()));
    const double exporterSts = familySum(body, "aws_ecr_exporter_api_requests_total") - exporterEcr;
    const int stsCalls = m_sts->callCount(QStringLiteral("GetCallerIdentity"));
    m_report.checks << ok(stsCalls == 1 && qint64(exporterSts) == stsCalls,
                          QStringLiteral("one STS GetCallerIdentity at start-up (exporter counts %1, the fake STS received %2)")
                              .arg(exporterSts).arg(stsCalls));
}

void BenchRunner::afterRefresh()
{
    QString error;
    const ProcessSample sample = ProcessSample::read(m_exporter->pid(), &error);
    if (!sample.isValid())
        return fail(error);
    m_report.rssAfterRefreshBytes = sample.rssBytes;
    m_report.hwmRefreshBytes = sample.hwmBytes;

    const int n = m_options.clients;
    runPhase(QStringLiteral("1 client, plain"), false, 1, [this, n] {
        runPhase(QStringLiteral("1 client, gzip"), true, 1, [this, n] {
            runPhase(QStringLiteral("%1 clients, plain").arg(n), false, n, [this, n] {
                runPhase(QStringLiteral("%1 clients, gzip").arg(n), true, n, [this] { finishRun(); });
            });
        });
    });
}

void BenchRunner::runPhase(const QString &name, bool gzip, int clients, std::function<void()> next)
{
    const bool sequential = clients == 1;
    progress(sequential ? QStringLiteral("scraping: %1, %2 scrapes ...").arg(name).arg(m_options.sequentialScrapes)
                        : QStringLiteral("scraping: %1, %2 s ...").arg(name).arg(m_options.scrapeSeconds));
    m_phase = std::make_unique<PhaseRun>();
    PhaseRun &p = *m_phase;
    p.data.name = name;
    p.data.gzip = gzip;
    p.data.clients = clients;
    p.next = std::move(next);
    p.limit = sequential ? m_options.sequentialScrapes : 0;
    p.deadlineNs = sequential ? 0 : qint64(m_options.scrapeSeconds) * 1000000000;
    p.keepNextGzipBody = gzip && !m_plainProbeBody.isEmpty();

    QString error;
    if (!ProcessSample::resetPeak(m_exporter->pid(), &error) && !m_report.notes.contains(error))
        m_report.notes << error + QStringLiteral(" (peaks under scraping are the 50 ms samples only)");
    const ProcessSample start = ProcessSample::read(m_exporter->pid(), &error);
    if (!start.isValid())
        return fail(error);
    p.cpuStart = start.cpuSeconds;
    p.data.rssMaxSampledBytes = start.rssBytes;

    for (int i = 0; i < clients; ++i) {
        auto *client = new ScrapeClient(kHost, m_exporter->port(), this);
        connect(client, &ScrapeClient::finished, this,
                [this, client](const ScrapeClient::Result &result) { onPhaseScrape(client, result); });
        p.clients.append(client);
    }
    m_sampler.start();
    p.clock.start();
    p.active = clients;
    for (ScrapeClient *client : std::as_const(p.clients)) {
        const bool keep = p.keepNextGzipBody;
        p.keepNextGzipBody = false;
        client->get("/metrics", gzip, keep);
    }
}

void BenchRunner::onPhaseScrape(ScrapeClient *client, const ScrapeClient::Result &result)
{
    if (!m_phase || m_failed)
        return;
    PhaseRun &p = *m_phase;
    p.lastFinishNs = p.clock.nsecsElapsed();
    BenchReport::Phase &d = p.data;
    QString error = result.error;
    if (error.isEmpty() && result.status != 200)
        error = QStringLiteral("HTTP status %1").arg(result.status);
    if (error.isEmpty() && (result.contentEncoding == "gzip") != d.gzip)
        error = QStringLiteral("asked for %1, got Content-Encoding '%2'")
                    .arg(d.gzip ? QStringLiteral("gzip") : QStringLiteral("identity"), QString::fromLatin1(result.contentEncoding));
    if (error.isEmpty()) {
        ++d.scrapes;
        d.latenciesMs.append(double(result.nanoseconds) / 1e6);
        d.bodyBytes = result.bodyBytes;
    } else {
        if (d.failures++ == 0)
            d.firstError = error;
    }

    if (!result.body.isEmpty() && d.gzip) {
        // The gzip variant must carry the same exposition as the plain one (only the
        // process_* values at the end differ from scrape to scrape).
        const QByteArray inflated = TestSupport::gunzip(result.body); // one member, nothing after it
        const qint64 sizes = seriesCount(inflated, "aws_ecr_image_size_in_bytes");
        const qint64 delta = qAbs(inflated.size() - m_plainProbeBody.size());
        m_report.checks << ok(!inflated.isEmpty() && sizes == m_expectedSizeSeries && delta < 1024,
                              QStringLiteral("the gzip body (%1) inflates to %2 bytes (plain: %3), %4 size series")
                                  .arg(BenchReport::bytesText(result.bodyBytes))
                                  .arg(inflated.size()).arg(m_plainProbeBody.size()).arg(sizes));
        m_plainProbeBody = QByteArray();
    }

    const bool more = p.limit > 0 ? d.scrapes + d.failures < p.limit : p.lastFinishNs < p.deadlineNs;
    if (more) {
        client->get("/metrics", d.gzip, false);
        return;
    }
    if (--p.active == 0)
        QTimer::singleShot(0, this, &BenchRunner::endPhase); // not from inside the client's signal
}

void BenchRunner::samplePhaseMemory()
{
    if (!m_phase)
        return;
    const ProcessSample s = ProcessSample::read(m_exporter->pid());
    if (s.isValid())
        m_phase->data.rssMaxSampledBytes = qMax(m_phase->data.rssMaxSampledBytes, s.rssBytes);
}

void BenchRunner::endPhase()
{
    m_sampler.stop();
    samplePhaseMemory();
    PhaseRun &p = *m_phase;
    QString error;
    const ProcessSample end = ProcessSample::read(m_exporter->pid(), &error);
    if (!end.isValid())
        return fail(error);
    p.data.cpuSeconds = end.cpuSeconds - p.cpuStart;
    p.data.hwmBytes = end.hwmBytes;
    p.data.seconds = double(p.lastFinishNs) / 1e9;
    m_report.phases.append(p.data);
    for (ScrapeClient *client : std::as_const(p.clients))
        client->deleteLater();
    std::function<void()> next = std::move(p.next);
    m_phase.reset();
    next();
}

void BenchRunner::finishRun()
{
    m_finishing = true;
    for (const QString &line : m_exporter->problemLines())
        m_report.notes << QStringLiteral("exporter logged: ") + line;
    progress(QStringLiteral("stopping the exporter (SIGTERM)"));
    m_exporter->stop(5000); // exited() emits finished()
}

void BenchRunner::fail(const QString &message)
{
    if (m_failed)
        return;
    m_failed = true;
    m_refreshTimeout.stop();
    m_sampler.stop();
    progress(QStringLiteral("FAILED: %1").arg(message));
    if (m_exporter) {
        const QStringList lines = m_exporter->lastLines();
        if (!lines.isEmpty())
            std::fprintf(stderr, "ecr_bench: the exporter's last log lines:\n%s\n", qPrintable(lines.join(QLatin1Char('\n'))));
    }
    if (m_exporter && m_exporter->isRunning())
        m_exporter->stop(2000); // exited() emits finished(3)
    else
        QTimer::singleShot(0, this, [this] { emit finished(3); });
}
