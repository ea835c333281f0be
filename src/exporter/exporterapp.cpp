#include "exporterapp.h"

#include "aws/awshttpclient.h"
#include "aws/cabundle.h"
#include "aws/calleridentitylogger.h"
#include "aws/awssharedconfig.h"
#include "aws/defaultcredentialchain.h"
#include "aws/endpointresolver.h"
#include "aws/imdsclient.h"
#include "aws/regionresolver.h"
#include "aws/retrypolicy.h"
#include "aws/staticcredentialprovider.h"
#include "ecr/ecrclient.h"
#include "ecr/inspectorclient.h"
#include "fakeecrserver.h"
#include "fakeinspectorserver.h"
#include "fakeregistry.h"
#include "http/metricsserver.h"
#include "logcategories.h"
#include "metrics/buildinfo.h"
#include "metrics/metricspublisher.h"
#include "model/registryrefresher.h"
#include "model/scanfindingscollector.h"

#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>
#include <cstdio>

namespace {
// Keys the demo's embedded fake ECR accepts; they sign real SigV4 requests on loopback only.
const QString kDemoAccessKey = QStringLiteral("AKIDEMOECREXPORTER01");
const QString kDemoSecret = QStringLiteral("demo/secret/for/the/embedded/fake/ecr");
} // namespace

ExporterApp::ExporterApp(const ExporterConfig &config, const QProcessEnvironment &env, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_env(env)
{
}

ExporterApp::~ExporterApp()
{
    // The clients and everything holding requests are children, which ~QObject would delete
    // only after the members, m_nam among them: delete them while the QNAM they use (and
    // whose replies they still hold, e.g. an STS call in flight after --once) exists.
    const QList<QPointer<QObject>> graph(children().cbegin(), children().cend());
    for (const QPointer<QObject> &child : graph)
        delete child.data(); // null when deleting an earlier child took it along
}

int ExporterApp::start()
{
    const BuildInfo build = BuildInfo::current();
    qCInfo(lcExporter).noquote() << QStringLiteral("ecr_exporter %1 (revision %2, Qt %3) starting")
                                        .arg(build.version, build.revision, build.qtVersion);

    const int status = m_config.demo ? setUpDemo() : setUpAws();
    if (status != 0 || m_waitingForRegion)
        return status;
    return startServices();
}

int ExporterApp::startServices()
{
    const BuildInfo build = BuildInfo::current();
    AwsHttpClient::Options options;
    options.maxInFlight = m_config.maxInFlight;
    options.caCertificates = m_caCertificates;
    QString error;
    if (!RetryPolicy::maxAttemptsFromEnvironment(m_env, &options.maxAttempts, &error)) {
        qCCritical(lcExporter).noquote() << error;
        return 2;
    }
    m_http = new AwsHttpClient(&m_nam, m_credentials, options, this);
    if (m_stsEndpoint.isValid()) {
        // Say whose keys these are (source, account, ARN from STS GetCallerIdentity); a
        // denied call only warns, no credentials at all is one error naming every source.
        auto *identity = new CallerIdentityLogger(m_http, m_region, m_stsEndpoint, this);
        identity->start();
    }
    m_ecr = new EcrClient(m_http, m_region, m_demoEndpoint.isValid() ? m_demoEndpoint : m_endpoint, this);
    m_refresher = new RegistryRefresher(m_ecr, m_region, this);
    m_refresher->setRegistryId(m_config.registryId);
    // Scan results for images without a summary: DescribeImageScanFindings, Inspector.
    m_inspector = new InspectorClient(m_http, m_region, m_inspectorEndpoint, this);
    ScanFindingsCollector::Options scanOptions;
    scanOptions.findings = m_config.scanFindings;
    scanOptions.maxAgeMs = qint64(m_config.scanFindingsMaxAgeSeconds) * 1000;
    scanOptions.budget = m_config.scanFindingsBudget;
    scanOptions.concurrency = options.maxInFlight;
    m_scan = new ScanFindingsCollector(m_ecr, m_inspector, scanOptions, this);
    m_refresher->setScanCollector(m_scan);
    m_refresher->setInterval(qint64(m_config.refreshIntervalSeconds) * 1000);
    connect(m_http, &AwsHttpClient::requestFinished, m_refresher, &RegistryRefresher::recordApiRequest);
    connect(m_refresher, &RegistryRefresher::refreshFinished, this, &ExporterApp::onRefreshFinished);

    m_publisher = new MetricsPublisher(build, this);

    if (m_config.once) {
        m_refresher->refreshNow();
        return 0;
    }

    m_server = new MetricsServer(this);
    MetricsServer::Options serverOptions;
    serverOptions.address = m_config.listenAddress;
    serverOptions.port = m_config.listenPort;
    serverOptions.telemetryPath = m_config.telemetryPath;
    if (!m_server->listen(serverOptions, &error)) {
        // Say what to do as well: the address comes from a flag or from APP_HOST/APP_PORT.
        const QString action = error.endsWith(QLatin1String("address already in use"))
            ? QStringLiteral("stop the program using it or choose another address")
            : QStringLiteral("choose another address");
        qCCritical(lcExporter).noquote()
            << QStringLiteral("%1; %2 with --web.listen-address (or APP_HOST and APP_PORT)").arg(error, action);
        return 1;
    }
    m_server->setBodyTail([this](bool gzip) { return m_publisher->bodyTail(gzip); });
    connect(m_publisher, &MetricsPublisher::published, this, [this] {
        m_server->setMetrics(m_publisher->plainPrefix(), m_publisher->gzipPrefix());
    });
    // Serve the exporter's own metrics at once; registry metrics follow the first refresh.
    m_publisher->publishNow(nullptr, m_refresher->stats());
    m_server->setLandingPage(landingPage());
    m_refresher->start();
    return 0;
}

int ExporterApp::setUpAws()
{
    AwsError error;
    m_shared = std::make_unique<AwsSharedConfig>(AwsSharedConfig::load(m_env, QString(), &error));
    if (error) {
        qCCritical(lcExporter).noquote() << error.message;
        return 2;
    }
    const RegionResolver::Result region = RegionResolver::resolve(m_config.region, m_env, *m_shared, &error);
    if (error) {
        qCCritical(lcExporter).noquote() << error.message;
        return 2;
    }
    m_region = region.region;
    m_regionSource = region.source;

    // One IMDS client for the region lookup and the credential chain's last source: when
    // instance metadata is unreachable, both learn it from one timeout.
    AwsError imdsError;
    const ImdsClient::Options imdsOptions = ImdsClient::optionsFrom(m_env, m_shared.get(), &imdsError);
    if (imdsError)
        qCWarning(lcExporter).noquote() << imdsError.message << "- using the default for it";
    m_imds = new ImdsClient(imdsOptions, this);
    if (region.origin != RegionResolver::Origin::Default || m_imds->isDisabled())
        return setUpAwsRest();

    // No region anywhere: on EC2 the instance's own region is the right one (as the SDKs
    // do), elsewhere the lookup fails fast and the default stays.
    qCInfo(lcExporter).noquote() << QStringLiteral("no region configured; asking EC2 instance metadata at %1")
                                        .arg(m_imds->options().endpoint.toString());
    m_waitingForRegion = true;
    m_imds->fetchRegion(this, [this](const QString &found, const AwsError &lookupError) {
        m_waitingForRegion = false;
        if (m_stopping)
            return; // shutdown() already said goodbye
        if (lookupError) {
            qCInfo(lcExporter).noquote()
                << QStringLiteral("EC2 instance metadata gave no region (%1); using the default %2. "
                                  "Set AWS_REGION or --region to choose one")
                       .arg(lookupError.message, m_region);
        } else {
            m_region = found;
            m_regionSource = QStringLiteral("EC2 instance metadata");
        }
        int status = setUpAwsRest();
        if (status == 0)
            status = startServices();
        if (status != 0)
            emit finished(status);
    });
    return 0;
}

int ExporterApp::setUpAwsRest()
{
    AwsError error;
    const AwsSharedConfig &shared = *m_shared;
    const EndpointResolver::Result endpoint
        = EndpointResolver::resolve(EndpointResolver::ecr(), m_region, m_env, &shared, QString(), &error);
    if (error) {
        qCCritical(lcExporter).noquote() << error.message;
        return 2;
    }
    m_endpoint = endpoint.url;
    // Same rules as ECR: AWS_ENDPOINT_URL_INSPECTOR2, then AWS_ENDPOINT_URL, ..., then the default.
    const EndpointResolver::Result inspector
        = EndpointResolver::resolve(EndpointResolver::inspector2(), m_region, m_env, &shared, QString(), &error);
    if (error) {
        qCCritical(lcExporter).noquote() << error.message;
        return 2;
    }
    m_inspectorEndpoint = inspector.url;
    const CaBundle::Result ca = CaBundle::load(m_env, &shared, &error);
    if (error) {
        qCCritical(lcExporter).noquote() << error.message;
        return 2;
    }
    m_caCertificates = ca.certificates;
    const EndpointResolver::Result sts
        = EndpointResolver::resolve(EndpointResolver::sts(), m_region, m_env, &shared, QString(), &error);
    if (error) {
        qCCritical(lcExporter).noquote() << error.message;
        return 2;
    }
    m_stsEndpoint = sts.url;
    DefaultCredentialChain::Options chainOptions;
    chainOptions.region = m_region;
    chainOptions.nam = &m_nam;
    chainOptions.imds = m_imds;
    m_credentials = new DefaultCredentialChain(m_env, shared, chainOptions, this);
    qCInfo(lcExporter).noquote() << QStringLiteral("region %1 (from %2), ECR endpoint %3 (%4), credentials: %5, profile '%6'")
                                        .arg(m_region, m_regionSource, m_endpoint.toString(), endpoint.source,
                                             m_credentials->describe(), shared.profileName());
    qCInfo(lcExporter).noquote() << QStringLiteral("Inspector endpoint %1 (%2)").arg(m_inspectorEndpoint.toString(), inspector.source);
    return 0;
}

int ExporterApp::setUpDemo()
{
    // A generated registry behind the embedded fake ECR on loopback, read through the real
    // client with real SigV4 signing: everything but AWS itself is the production path.
    FakeRegistry::Spec spec;
    spec.repositories = 300;
    spec.imagesPerRepository = 6;
    spec.seed = 20261127;
    spec.registryId = QStringLiteral("123456789012");
    spec.region = m_config.region.isEmpty() ? QStringLiteral("eu-west-1") : m_config.region;
    m_fake = new FakeEcrServer(this);
    m_fake->setRegistry(FakeRegistry::generate(spec));
    m_fake->addCredentials(kDemoAccessKey, kDemoSecret);
    m_fake->setLatency(20);
    if (!m_fake->listen()) {
        qCCritical(lcExporter) << "demo: cannot start the simulated ECR on 127.0.0.1";
        return 1;
    }
    m_fakeInspector = new FakeInspectorServer(m_fake, this);
    m_fakeInspector->addCredentials(kDemoAccessKey, kDemoSecret);
    if (!m_fakeInspector->listen()) {
        qCCritical(lcExporter) << "demo: cannot start the simulated Inspector on 127.0.0.1";
        return 1;
    }
    m_region = spec.region;
    m_demoEndpoint = m_fake->endpoint();
    m_inspectorEndpoint = m_fakeInspector->endpoint();
    AwsCredentials credentials;
    credentials.accessKeyId = kDemoAccessKey;
    credentials.secretAccessKey = kDemoSecret;
    credentials.source = QStringLiteral("demo");
    m_credentials = new StaticCredentialProvider(credentials, this);
    qCInfo(lcExporter).noquote() << QStringLiteral("demo mode: simulated registry %1 in %2 with %3 repositories at %4")
                                        .arg(spec.registryId, m_region)
                                        .arg(spec.repositories)
                                        .arg(m_demoEndpoint.toString());
    return 0;
}

void ExporterApp::onRefreshFinished(bool success, std::shared_ptr<const RegistrySnapshot> snapshot)
{
    if (m_stopping)
        return;
    if (m_config.once) {
        writeOnce(success);
        return;
    }
    m_publisher->publish(snapshot, m_refresher->stats());
    if (snapshot)
        m_server->setReady(true);
    m_server->setLandingPage(landingPage());
}

void ExporterApp::writeOnce(bool success)
{
    m_stopping = true; // a SIGTERM from now on must not change the exit status
    if (!success || !m_refresher->snapshot()) {
        qCCritical(lcExporter) << "--once: the refresh failed (the cause is logged above); nothing written. Check the "
                                  "credentials, the region and the IAM permissions ecr:DescribeRegistry, "
                                  "ecr:DescribeRepositories and ecr:DescribeImages";
        emit finished(1);
        return;
    }
    m_publisher->publishNow(m_refresher->snapshot(), m_refresher->stats());
    const QByteArray body = m_publisher->wholeBody();
    bool written = false;
    if (m_config.outputFile.isEmpty() || m_config.outputFile == QStringLiteral("-")) {
        written = std::fwrite(body.constData(), 1, size_t(body.size()), stdout) == size_t(body.size())
            && std::fflush(stdout) == 0;
    } else {
        // Atomic replace, as node_exporter's textfile collector needs.
        QSaveFile file(m_config.outputFile);
        written = file.open(QIODevice::WriteOnly) && file.write(body) == body.size() && file.commit();
        if (!written)
            qCCritical(lcExporter).noquote() << QStringLiteral("--output %1: cannot write: %2; check the directory exists and is writable")
                                                    .arg(m_config.outputFile, file.errorString());
    }
    const bool complete = m_refresher->stats().complete;
    if (written && !complete)
        qCWarning(lcExporter) << "--once: some repositories failed; the output is incomplete (aws_ecr_exporter_data_complete 0)";
    emit finished(written && complete ? 0 : 1);
}

void ExporterApp::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_config.once) {
        // Nothing was written: whoever runs --once (cron, a textfile-collector wrapper) must
        // not take that for success.
        if (m_refresher)
            m_refresher->stop();
        qCCritical(lcExporter) << "--once: interrupted before the refresh finished; nothing written";
        emit finished(1);
        return;
    }
    qCInfo(lcExporter) << "shutting down";
    if (m_server)
        m_server->close();
    if (m_refresher)
        m_refresher->stop();
    // Let responses already being written finish, but never take more than about a second.
    auto *deadline = new QTimer(this);
    deadline->setSingleShot(true);
    deadline->start(1000);
    auto *poll = new QTimer(this);
    poll->start(20);
    connect(poll, &QTimer::timeout, this, [this, deadline, poll] {
        if (!deadline->isActive() || !m_server || m_server->activeResponses() == 0) {
            poll->stop();
            emit finished(0);
        }
    });
}

QByteArray ExporterApp::landingPage() const
{
    const auto snapshot = m_refresher ? m_refresher->snapshot() : nullptr;
    const RefreshStats stats = m_refresher ? m_refresher->stats() : RefreshStats();
    const BuildInfo build = BuildInfo::current();
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString html = QStringLiteral("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ECR Exporter</title></head><body>"
                                  "<h1>ECR Exporter</h1><table>");
    auto row = [&](const QString &k, const QString &v) { html += QStringLiteral("<tr><th align=\"left\">%1</th><td>%2</td></tr>").arg(esc(k), esc(v)); };
    row(QStringLiteral("Version"), QStringLiteral("%1 (revision %2, Qt %3)").arg(build.version, build.revision, build.qtVersion));
    row(QStringLiteral("Registry"), m_refresher && !m_refresher->registryId().isEmpty() ? m_refresher->registryId() : QStringLiteral("(not known yet)"));
    row(QStringLiteral("Region"), m_region);
    row(QStringLiteral("Repositories"), snapshot ? QString::number(snapshot->repositories.size()) : QStringLiteral("(first refresh not done)"));
    row(QStringLiteral("Last refresh"), stats.lastRefreshStart.isValid()
            ? stats.lastRefreshStart.toString(Qt::ISODate) + (stats.complete ? QStringLiteral(", complete") : QStringLiteral(", incomplete"))
            : QStringLiteral("never"));
    row(QStringLiteral("Last successful refresh"), stats.lastSuccessStart.isValid() ? stats.lastSuccessStart.toString(Qt::ISODate) : QStringLiteral("never"));
    html += QStringLiteral("</table><p><a href=\"%1\">Metrics</a> · <a href=\"/-/healthy\">healthy</a> · <a href=\"/-/ready\">ready</a></p></body></html>\n")
                .arg(esc(m_config.telemetryPath));
    return html.toUtf8();
}
