#include "desktopsession.h"

#include "aws/awshttpclient.h"
#include "aws/awssharedconfig.h"
#include "aws/defaultcredentialchain.h"
#include "aws/endpointresolver.h"
#include "aws/regionresolver.h"
#include "aws/retrypolicy.h"
#include "aws/staticcredentialprovider.h"
#include "demoregistry.h"
#include "ecr/ecrclient.h"
#include "errorwording.h"
#include "fakeecrserver.h"
#include "http/metricsserver.h"
#include "keychainstore.h"
#include "logcategories.h"
#include "metrics/metricspublisher.h"
#include "model/displayformat.h"
#include "model/imagelistmodel.h"
#include "model/registryrefresher.h"
#include "model/repositorylistmodel.h"
#include "reportingcredentialprovider.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QThreadPool>

DesktopSession::DesktopSession(const QProcessEnvironment &env, const DesktopOptions &options, QObject *parent)
    : QObject(parent)
    , m_env(env)
    , m_options(options)
    , m_build(BuildInfo::current())
{
    m_repositoryModel = new RepositoryListModel(this);
    m_imageModel = new ImageListModel(this);

    m_repositoryProxy = new RoleFilterModel(this);
    m_repositoryProxy->setFilterRoles({QStringLiteral("name")});
    m_repositoryProxy->setTieBreakRole(QStringLiteral("name"));
    m_repositoryProxy->setRankRole(QStringLiteral("worstSeverityRank"));
    m_repositoryProxy->setSourceModel(m_repositoryModel);
    m_repositoryProxy->setSortRoleName(QStringLiteral("name"));

    m_imageProxy = new RoleFilterModel(this);
    m_imageProxy->setFilterRoles({QStringLiteral("tags"), QStringLiteral("digest")});
    m_imageProxy->setTieBreakRole(QStringLiteral("digest"));
    m_imageProxy->setRankRole(QStringLiteral("worstSeverityRank"));
    m_imageProxy->setSourceModel(m_imageModel);
    m_imageProxy->setSortRoleName(QStringLiteral("pushedAt"));
    m_imageProxy->setSortDescending(true); // newest first: what people look for
    connect(m_imageModel, &ImageListModel::repositoryNameChanged, this, &DesktopSession::selectedRepositoryChanged);

    m_publisher = new MetricsPublisher(m_build, this);

    m_clockTick.setInterval(30 * 1000);
    connect(&m_clockTick, &QTimer::timeout, this, &DesktopSession::lastRefreshChanged);
}

DesktopSession::~DesktopSession()
{
    stop();
    // MetricsPublisher renders on the global thread pool and posts the result to the
    // application object (guarded by a QPointer to the publisher). Let a running render
    // finish while the application still exists, so no worker outlives the session's end.
    if (QCoreApplication::instance()) // the global pool is gone after the application
        QThreadPool::globalInstance()->waitForDone(10000);
}

void DesktopSession::setKeychain(KeychainStore *keychain)
{
    m_keychain = keychain;
}

void DesktopSession::setTimeSpec(Qt::TimeSpec spec)
{
    m_repositoryModel->setTimeSpec(spec);
    m_imageModel->setTimeSpec(spec);
}

void DesktopSession::setSettings(const DesktopSettings &settings)
{
    const DesktopSettings old = m_settings;
    m_settings = settings;
    if (!m_started)
        return;
    // A command-line value holds for this run until the user changes that setting here.
    if (old.signIn != settings.signIn || old.profile != settings.profile)
        m_options.profile.clear();
    if (old.region != settings.region)
        m_options.region.clear();
    if (old.registryId != settings.registryId)
        m_options.registryId.clear();
    if (old.refreshIntervalSeconds != settings.refreshIntervalSeconds)
        m_options.refreshIntervalSeconds = 0;
    if (old.metricsEnabled != settings.metricsEnabled || old.listenAddress != settings.listenAddress) {
        m_options.noMetrics = false;
        m_options.listenAddress.clear();
    }
    applyMetricsServer();
    const bool awsChanged = old.signIn != settings.signIn || old.profile != settings.profile
        || old.region != settings.region || old.registryId != settings.registryId;
    if (awsChanged) {
        rebuildPipeline();
    } else if (old.refreshIntervalSeconds != settings.refreshIntervalSeconds && m_refresher) {
        m_refresher->setInterval(qint64(refreshIntervalSeconds()) * 1000);
    }
    emit configurationChanged();
}

int DesktopSession::refreshIntervalSeconds() const
{
    if (m_options.refreshIntervalSeconds > 0)
        return m_options.refreshIntervalSeconds;
    return m_settings.refreshIntervalSeconds;
}

void DesktopSession::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_options.demo) {
        m_fake = new FakeEcrServer(this);
        m_fake->setRegistry(FakeRegistry::generate(DemoRegistry::spec()));
        m_fake->addCredentials(DemoRegistry::accessKeyId(), DemoRegistry::secretAccessKey());
        m_fake->setLatency(20);
        if (!m_fake->listen()) {
            setError(QStringLiteral("The demo could not start its simulated ECR on 127.0.0.1."));
            delete m_fake;
            m_fake = nullptr;
        }
    }
    applyMetricsServer();
    // The exporter's own metrics are served at once; the registry's follow the first refresh.
    m_publisher->publishNow(nullptr, RefreshStats());
    rebuildPipeline();
    m_clockTick.start();
}

void DesktopSession::stop()
{
    m_clockTick.stop();
    teardownPipeline();
    if (m_server)
        m_server->close();
}

void DesktopSession::teardownPipeline()
{
    if (!m_pipeline)
        return;
    if (m_refresher)
        m_refresher->stop();
    // Deleting the parent drops every callback owed to the old clients (their context dies).
    delete m_pipeline;
    m_pipeline = nullptr;
    m_refresher = nullptr;
    m_credentials = nullptr;
    emit refreshingChanged();
}

void DesktopSession::rebuildPipeline()
{
    teardownPipeline();
    // Another identity or registry: the data shown so far belongs to the old one.
    m_alerts = CriticalAlertTracker();
    setSnapshot(nullptr);
    m_lastRefresh = QDateTime();
    emit lastRefreshChanged();
    m_progressDone = m_progressTotal = 0;
    emit progressChanged();
    setError(QString());
    if (m_options.demo)
        buildDemo();
    else
        buildAws();
    emit configurationChanged();
}

void DesktopSession::buildDemo()
{
    if (!m_fake)
        return;
    m_region = DemoRegistry::spec().region;
    AwsCredentials credentials;
    credentials.accessKeyId = DemoRegistry::accessKeyId();
    credentials.secretAccessKey = DemoRegistry::secretAccessKey();
    credentials.source = QStringLiteral("demo");
    setSignInText(QStringLiteral("demo registry (simulated, no AWS account)"));
    buildWithCredentials(new StaticCredentialProvider(credentials), m_fake->endpoint());
}

void DesktopSession::buildAws()
{
    const bool profileFromOptions = !m_options.profile.isEmpty();
    QString profile;
    if (profileFromOptions)
        profile = m_options.profile;
    else if (m_settings.signIn == DesktopSettings::SignIn::Profile)
        profile = m_settings.profile;
    const bool useKeys = !profileFromOptions && m_settings.signIn == DesktopSettings::SignIn::Keys;

    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(m_env, profile, &error);
    if (error) {
        m_region.clear();
        setSignInText(profile.isEmpty() ? QStringLiteral("not signed in") : QStringLiteral("profile %1").arg(profile));
        setError(error.message + QStringLiteral(" Choose another profile under Sign in."));
        return;
    }
    const QString regionSetting = !m_options.region.isEmpty() ? m_options.region : m_settings.region;
    const RegionResolver::Result region = RegionResolver::resolve(regionSetting, m_env, shared, &error);
    if (error) {
        setError(error.message);
        return;
    }
    m_region = region.region;
    const EndpointResolver::Result endpoint
        = EndpointResolver::resolve(EndpointResolver::ecr(), m_region, m_env, &shared, QString(), &error);
    if (error) {
        setError(error.message);
        return;
    }
    qCInfo(lcExporter).noquote() << QStringLiteral("desktop: region %1 (from %2), ECR endpoint %3 (%4)")
                                        .arg(m_region, region.source, endpoint.url.toString(), endpoint.source);

    if (!useKeys) {
        setSignInText(profile.isEmpty() ? QStringLiteral("default credentials (profile %1)").arg(shared.profileName())
                                        : QStringLiteral("profile %1").arg(profile));
        buildWithCredentials(new DefaultCredentialChain(m_env, shared), endpoint.url);
        return;
    }
    setSignInText(QStringLiteral("access keys from the keychain"));
    if (!m_keychain) {
        setError(KeychainStore::resultFor(/*OtherError*/ 7, QStringLiteral("no keychain support")).message);
        return;
    }
    // The keychain answers asynchronously; a newer rebuild makes this answer moot.
    auto *waiting = new QObject(this);
    m_pipeline = waiting;
    const QUrl url = endpoint.url;
    m_keychain->read(waiting, [this, waiting, url](const KeychainStore::Result &result, const AwsCredentials &credentials) {
        if (m_pipeline != waiting)
            return;
        m_pipeline = nullptr;
        waiting->deleteLater();
        if (!result.ok()) {
            setError(result.message);
            return;
        }
        buildWithCredentials(new StaticCredentialProvider(credentials), url);
    });
}

void DesktopSession::buildWithCredentials(CredentialProvider *credentials, const QUrl &endpoint)
{
    m_pipeline = new QObject(this);
    m_credentials = new ReportingCredentialProvider(credentials, m_pipeline);
    connect(m_credentials, &ReportingCredentialProvider::failed, this, [this](const AwsError &error) {
        m_lastFailedOperation.clear();
        m_lastFailedOutcome = QStringLiteral("credentials");
        setError(error.message.isEmpty() ? ErrorWording::forOutcome(QString(), QStringLiteral("credentials"))
                                         : error.message);
    });

    AwsHttpClient::Options options;
    QString error;
    if (!RetryPolicy::maxAttemptsFromEnvironment(m_env, &options.maxAttempts, &error)) {
        setError(error);
        return;
    }
    auto *http = new AwsHttpClient(&m_nam, m_credentials, options, m_pipeline);
    auto *ecr = new EcrClient(http, m_region, endpoint, m_pipeline);
    m_refresher = new RegistryRefresher(ecr, m_region, m_pipeline);
    const QString registryId = !m_options.registryId.isEmpty() ? m_options.registryId : m_settings.registryId;
    m_refresher->setRegistryId(registryId);
    m_refresher->setInterval(qint64(refreshIntervalSeconds()) * 1000);
    connect(http, &AwsHttpClient::requestFinished, m_refresher, &RegistryRefresher::recordApiRequest);
    connect(http, &AwsHttpClient::requestFinished, this, [this](const QString &operation, const QString &outcome) {
        if (outcome != QLatin1String("success")) {
            m_lastFailedOperation = operation;
            m_lastFailedOutcome = outcome;
        }
    });
    connect(m_refresher, &RegistryRefresher::refreshStarted, this, [this] {
        m_lastFailedOperation.clear();
        m_lastFailedOutcome.clear();
        m_progressDone = 0;
        m_progressTotal = 0;
        emit progressChanged();
        emit refreshingChanged();
    });
    connect(m_refresher, &RegistryRefresher::progress, this, [this](int done, int total) {
        m_progressDone = done;
        m_progressTotal = total;
        emit progressChanged();
    });
    connect(m_refresher, &RegistryRefresher::refreshFinished, this, &DesktopSession::onRefreshFinished);
    m_refresher->start();
    emit refreshingChanged();
}

void DesktopSession::onRefreshFinished(bool success, std::shared_ptr<const RegistrySnapshot> snapshot)
{
    const RefreshStats &stats = m_refresher->stats();
    m_publisher->publish(snapshot, stats);
    if (m_server && snapshot)
        m_server->setReady(true);

    const QString cause = ErrorWording::forOutcome(m_lastFailedOperation, m_lastFailedOutcome);
    if (!success) {
        // Keep what the credential source said when it was the reason: it is more precise.
        if (m_lastFailedOutcome != QLatin1String("credentials") || m_errorText.isEmpty())
            setError(cause.isEmpty() ? QStringLiteral("The refresh failed. The next one tries again.") : cause,
                     snapshot ? QStringLiteral("Showing the data of the last successful refresh.") : QString());
    } else {
        setError(QString(), ErrorWording::forStaleRepositories(stats.failedRepositories, cause));
    }
    if (snapshot && snapshot != m_snapshot) {
        setSnapshot(snapshot);
        const QVector<CriticalAlertTracker::Alert> alerts = m_alerts.update(*snapshot);
        if (!alerts.isEmpty())
            emit criticalAlerts(alerts);
    }
    if (success) {
        m_lastRefresh = snapshot && snapshot->takenAt.isValid() ? snapshot->takenAt : QDateTime::currentDateTimeUtc();
        emit lastRefreshChanged();
    }
    emit refreshingChanged();
    emit refreshFinished(success);
}

void DesktopSession::setSnapshot(std::shared_ptr<const RegistrySnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_totals = m_snapshot ? RegistryTotals::compute(*m_snapshot) : RegistryTotals();
    m_repositoryModel->setSnapshot(m_snapshot);
    m_imageModel->setSnapshot(m_snapshot);
    emit snapshotChanged();
    emit selectedRepositoryChanged(); // its URI may have changed
}

void DesktopSession::setError(const QString &error, const QString &warning)
{
    if (error == m_errorText && warning == m_warningText)
        return;
    m_errorText = error;
    m_warningText = warning;
    if (!error.isEmpty())
        qCWarning(lcExporter).noquote() << "desktop:" << error;
    emit errorTextChanged();
}

void DesktopSession::setSignInText(const QString &text)
{
    m_signInText = text;
}

void DesktopSession::applyMetricsServer()
{
    const bool enabled = !m_options.noMetrics && m_settings.metricsEnabled;
    const QString listen = !m_options.listenAddress.isEmpty() ? m_options.listenAddress : m_settings.listenAddress;
    if (m_server && m_server->isListening() && enabled && listen == m_boundListenAddress)
        return;
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
    m_boundListenAddress.clear();
    m_metricsUrl.clear();
    if (!enabled) {
        m_metricsStatus = QStringLiteral("/metrics is off");
        emit metricsChanged();
        return;
    }
    MetricsServer::Options options;
    const QString parseError = DesktopSettings::parseListenAddress(listen, &options.address, &options.port);
    if (!parseError.isEmpty()) {
        m_metricsStatus = parseError;
        emit metricsChanged();
        return;
    }
    m_server = new MetricsServer(this);
    QString error;
    if (!m_server->listen(options, &error)) {
        m_metricsStatus = error + QStringLiteral(" — choose another address under Settings, or turn /metrics off.");
        delete m_server;
        m_server = nullptr;
        emit metricsChanged();
        return;
    }
    m_boundListenAddress = listen;
    m_server->setLandingPage(MetricsServer::defaultLandingPage(options.telemetryPath, QStringLiteral("ECR Desktop")));
    m_server->setBodyTail([this](bool gzip) { return m_publisher->bodyTail(gzip); });
    connect(m_publisher, &MetricsPublisher::published, m_server, [this] {
        m_server->setMetrics(m_publisher->plainPrefix(), m_publisher->gzipPrefix());
    });
    if (m_publisher->hasBody())
        m_server->setMetrics(m_publisher->plainPrefix(), m_publisher->gzipPrefix());
    m_server->setReady(m_snapshot != nullptr);

    // A wildcard address is reachable on loopback too; show the URL a local browser can open.
    QHostAddress host = m_server->address();
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress(QHostAddress::LocalHost);
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress(QHostAddress::LocalHostIPv6);
    const QString hostText = host.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(host.toString())
        : host.toString();
    m_metricsUrl = QStringLiteral("http://%1:%2%3").arg(hostText).arg(m_server->port()).arg(options.telemetryPath);
    m_metricsStatus = QStringLiteral("serving %1").arg(m_metricsUrl);
    qCInfo(lcExporter).noquote() << "desktop: metrics at" << m_metricsUrl;
    emit metricsChanged();
}

quint16 DesktopSession::metricsPort() const
{
    return m_server ? m_server->port() : 0;
}

QString DesktopSession::selectedRepository() const
{
    return m_imageModel->repositoryName();
}

void DesktopSession::setSelectedRepository(const QString &name)
{
    m_imageModel->setRepositoryName(name);
}

QString DesktopSession::selectedRepositoryUri() const
{
    return m_imageModel->repositoryUri();
}

QString DesktopSession::registryId() const
{
    if (m_snapshot && !m_snapshot->registryId.isEmpty())
        return m_snapshot->registryId;
    return m_refresher ? m_refresher->registryId() : QString();
}

QString DesktopSession::totalSizeText() const
{
    return DisplayFormat::size(m_totals.totalSizeBytes);
}

QVariantMap DesktopSession::severityTotals() const
{
    QVariantMap map;
    for (const QString &name : Severity::names())
        map.insert(name, m_totals.severityTotals.value(name));
    return map;
}

QString DesktopSession::worstSeverity() const
{
    return Severity::name(m_totals.worst);
}

QString DesktopSession::lastRefreshText() const
{
    if (!m_lastRefresh.isValid())
        return QString();
    return QStringLiteral("%1 (%2)").arg(m_lastRefresh.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                                         DisplayFormat::age(m_lastRefresh, QDateTime::currentDateTimeUtc()));
}

bool DesktopSession::isRefreshing() const
{
    return m_refresher && m_refresher->isRefreshing();
}

bool DesktopSession::refreshNow()
{
    if (!m_refresher)
        return false;
    const bool started = m_refresher->refreshNow();
    emit refreshingChanged();
    return started;
}

void DesktopSession::copyText(const QString &text)
{
    if (QGuiApplication::clipboard())
        QGuiApplication::clipboard()->setText(text);
    emit copied(text);
}

QString DesktopSession::age(const QDateTime &when) const
{
    return DisplayFormat::age(when, QDateTime::currentDateTimeUtc());
}
