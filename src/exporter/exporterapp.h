#pragma once

#include "aws/awssharedconfig.h"
#include "exporterconfig.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QList>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QUrl>
#include <memory>

class AwsHttpClient;
class CredentialProvider;
class EcrClient;
class FakeEcrServer;
class FakeInspectorServer;
class ImdsClient;
class InspectorClient;
class MetricsPublisher;
class MetricsServer;
class RegistryRefresher;
class ScanFindingsCollector;
struct RegistrySnapshot;

// Builds the headless exporter's object graph from its configuration — credentials,
// region, endpoint, HTTP client, ECR client, refresher, publisher, HTTP server (or the
// embedded fake ECR for --demo) — and runs it. main() only parses, logs and calls this.
class ExporterApp : public QObject
{
    Q_OBJECT
public:
    ExporterApp(const ExporterConfig &config, const QProcessEnvironment &env, QObject *parent = nullptr);
    ~ExporterApp() override;

    // Sets everything up and starts. Returns 0 when running (the event loop takes over),
    // otherwise the process exit status after logging one line saying why. When no region is
    // configured anywhere, the region is first asked from EC2 instance metadata; set-up then
    // finishes in the event loop, and a failure there is reported through finished().
    int start();
    // Graceful stop (SIGTERM/SIGINT): stop listening, abandon the refresh, quit soon (status 0;
    // with --once status 1, as nothing was written).
    void shutdown();

signals:
    void finished(int exitCode);

private:
    int setUpAws();           // configuration, region; may start the IMDS region lookup
    int setUpAwsRest();       // endpoints, CA bundle, credential chain (the region is known)
    int setUpDemo();
    int startServices();      // HTTP client, ECR client, refresher, server
    void onRefreshFinished(bool success, std::shared_ptr<const RegistrySnapshot> snapshot);
    void writeOnce(bool success);
    QByteArray landingPage() const;

    ExporterConfig m_config;
    QProcessEnvironment m_env;
    QString m_region;
    QString m_regionSource;
    QUrl m_endpoint;
    QUrl m_demoEndpoint;
    QUrl m_stsEndpoint;
    QList<QSslCertificate> m_caCertificates;   // AWS_CA_BUNDLE; empty: the system store
    QUrl m_inspectorEndpoint;           // Amazon Inspector (inspector2), for scan counts
    QNetworkAccessManager m_nam;
    std::unique_ptr<AwsSharedConfig> m_shared;  // ~/.aws files, read once at start
    ImdsClient *m_imds = nullptr;       // region lookup, shared with the credential chain
    bool m_waitingForRegion = false;
    FakeEcrServer *m_fake = nullptr;
    FakeInspectorServer *m_fakeInspector = nullptr;
    CredentialProvider *m_credentials = nullptr;
    AwsHttpClient *m_http = nullptr;
    EcrClient *m_ecr = nullptr;
    InspectorClient *m_inspector = nullptr;
    ScanFindingsCollector *m_scan = nullptr;
    RegistryRefresher *m_refresher = nullptr;
    MetricsPublisher *m_publisher = nullptr;
    MetricsServer *m_server = nullptr;
    bool m_stopping = false;
};
