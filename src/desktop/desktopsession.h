#pragma once

#include "aws/awserror.h"
#include "desktopoptions.h"
#include "desktopsettings.h"
#include "metrics/buildinfo.h"
#include "model/criticalalerttracker.h"
#include "model/registrysnapshot.h"
#include "model/registrytotals.h"
#include "model/rolefiltermodel.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <memory>

class CredentialProvider;
class FakeEcrServer;
class ImageListModel;
class KeychainStore;
class MetricsPublisher;
class MetricsServer;
class RegistryRefresher;
class ReportingCredentialProvider;
class RepositoryListModel;


// The desktop's registry session and the object QML knows as `app`: the same core as the
// headless exporter (credentials, AwsHttpClient, EcrClient, RegistryRefresher,
// MetricsPublisher, MetricsServer — one of each, no second client or cache) plus the item
// models and header figures the window shows. Changing the sign-in or AWS settings rebuilds
// the AWS part; the models, the metrics server and QML's bindings stay.
//
// The metrics server is optional and listens on loopback unless the settings say otherwise;
// a port already in use is a message in the window, not a reason to stop.
class DesktopSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(RoleFilterModel *repositories READ repositories CONSTANT)
    Q_PROPERTY(RoleFilterModel *images READ images CONSTANT)
    Q_PROPERTY(QString selectedRepository READ selectedRepository WRITE setSelectedRepository NOTIFY selectedRepositoryChanged)
    Q_PROPERTY(QString selectedRepositoryUri READ selectedRepositoryUri NOTIFY selectedRepositoryChanged)

    Q_PROPERTY(bool demo READ isDemo CONSTANT)
    Q_PROPERTY(bool hasData READ hasData NOTIFY snapshotChanged)
    Q_PROPERTY(QString registryId READ registryId NOTIFY snapshotChanged)
    Q_PROPERTY(QString region READ region NOTIFY configurationChanged)
    Q_PROPERTY(QString signInText READ signInText NOTIFY configurationChanged)
    Q_PROPERTY(int repositoryCount READ repositoryCount NOTIFY snapshotChanged)
    Q_PROPERTY(int imageCount READ imageCount NOTIFY snapshotChanged)
    Q_PROPERTY(double totalSize READ totalSize NOTIFY snapshotChanged)
    Q_PROPERTY(QString totalSizeText READ totalSizeText NOTIFY snapshotChanged)
    Q_PROPERTY(QVariantMap severityTotals READ severityTotals NOTIFY snapshotChanged)
    Q_PROPERTY(QString worstSeverity READ worstSeverity NOTIFY snapshotChanged)
    Q_PROPERTY(int imagesWithCritical READ imagesWithCritical NOTIFY snapshotChanged)
    Q_PROPERTY(QDateTime lastRefresh READ lastRefresh NOTIFY lastRefreshChanged)
    Q_PROPERTY(QString lastRefreshText READ lastRefreshText NOTIFY lastRefreshChanged)
    Q_PROPERTY(bool refreshing READ isRefreshing NOTIFY refreshingChanged)
    Q_PROPERTY(int progressDone READ progressDone NOTIFY progressChanged)
    Q_PROPERTY(int progressTotal READ progressTotal NOTIFY progressChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(QString warningText READ warningText NOTIFY errorTextChanged)
    Q_PROPERTY(QString metricsUrl READ metricsUrl NOTIFY metricsChanged)
    Q_PROPERTY(QString metricsStatus READ metricsStatus NOTIFY metricsChanged)
    Q_PROPERTY(int refreshIntervalSeconds READ refreshIntervalSeconds NOTIFY configurationChanged)

public:
    DesktopSession(const QProcessEnvironment &env, const DesktopOptions &options, QObject *parent = nullptr);
    ~DesktopSession() override;

    // The keychain for SignIn::Keys (not owned; may be null: then Keys is an error message).
    void setKeychain(KeychainStore *keychain);
    // Settings before start(), or new ones later (then the AWS part is rebuilt and the
    // metrics server re-bound if its address changed). A command-line value overrides its
    // setting for the run, until the user changes that setting in the window.
    void setSettings(const DesktopSettings &settings);
    DesktopSettings settings() const { return m_settings; }
    // Time zone of dates in the models (tests use UTC).
    void setTimeSpec(Qt::TimeSpec spec);

    void start();
    void stop();

    RoleFilterModel *repositories() const { return m_repositoryProxy; }
    RoleFilterModel *images() const { return m_imageProxy; }
    RepositoryListModel *repositoryModel() const { return m_repositoryModel; }
    ImageListModel *imageModel() const { return m_imageModel; }
    QString selectedRepository() const;
    void setSelectedRepository(const QString &name);
    QString selectedRepositoryUri() const;

    bool isDemo() const { return m_options.demo; }
    bool hasData() const { return m_snapshot != nullptr; }
    std::shared_ptr<const RegistrySnapshot> snapshot() const { return m_snapshot; }
    const RegistryTotals &totals() const { return m_totals; }
    QString registryId() const;
    QString region() const { return m_region; }
    QString signInText() const { return m_signInText; }
    int repositoryCount() const { return m_totals.repositoryCount; }
    int imageCount() const { return m_totals.imageCount; }
    double totalSize() const { return double(m_totals.totalSizeBytes); }
    QString totalSizeText() const;
    QVariantMap severityTotals() const;
    QString worstSeverity() const;
    int imagesWithCritical() const { return m_totals.imagesWithCritical; }
    QDateTime lastRefresh() const { return m_lastRefresh; }
    QString lastRefreshText() const;
    bool isRefreshing() const;
    int progressDone() const { return m_progressDone; }
    int progressTotal() const { return m_progressTotal; }
    QString errorText() const { return m_errorText; }
    QString warningText() const { return m_warningText; }
    QString metricsUrl() const { return m_metricsUrl; }
    QString metricsStatus() const { return m_metricsStatus; }
    quint16 metricsPort() const;
    int refreshIntervalSeconds() const;
    RegistryRefresher *refresher() const { return m_refresher; }

    // Starts a refresh unless one is running (false then, or when not signed in).
    Q_INVOKABLE bool refreshNow();
    // Puts `text` on the clipboard (digests, image URIs, the metrics URL).
    Q_INVOKABLE void copyText(const QString &text);
    // "5 minutes ago" for a time shown in the window.
    Q_INVOKABLE QString age(const QDateTime &when) const;

signals:
    void selectedRepositoryChanged();
    void snapshotChanged();
    void configurationChanged();
    void lastRefreshChanged();
    void refreshingChanged();
    void progressChanged();
    void errorTextChanged();
    void metricsChanged();
    void refreshFinished(bool success);
    void copied(const QString &text);
    // Images whose CRITICAL count went from 0 to more than 0 in the last refresh
    // (CriticalAlertTracker's rule; never after the first refresh of a sign-in).
    void criticalAlerts(const QVector<CriticalAlertTracker::Alert> &alerts);

private:
    void rebuildPipeline();
    void buildDemo();
    void buildAws();
    void buildWithCredentials(CredentialProvider *credentials, const QUrl &endpoint);
    void teardownPipeline();
    void applyMetricsServer();
    void onRefreshFinished(bool success, std::shared_ptr<const RegistrySnapshot> snapshot);
    void setSnapshot(std::shared_ptr<const RegistrySnapshot> snapshot);
    void setError(const QString &error, const QString &warning = QString());
    void setSignInText(const QString &text);

    QProcessEnvironment m_env;
    DesktopOptions m_options;
    DesktopSettings m_settings;
    bool m_started = false;
    QPointer<KeychainStore> m_keychain;
    BuildInfo m_build;

    QNetworkAccessManager m_nam;
    FakeEcrServer *m_fake = nullptr;
    QObject *m_pipeline = nullptr;            // parent of credentials, HTTP and ECR clients, refresher
    RegistryRefresher *m_refresher = nullptr;
    ReportingCredentialProvider *m_credentials = nullptr;
    MetricsPublisher *m_publisher = nullptr;
    MetricsServer *m_server = nullptr;
    QString m_boundListenAddress;

    RepositoryListModel *m_repositoryModel = nullptr;
    ImageListModel *m_imageModel = nullptr;
    RoleFilterModel *m_repositoryProxy = nullptr;
    RoleFilterModel *m_imageProxy = nullptr;

    std::shared_ptr<const RegistrySnapshot> m_snapshot;
    RegistryTotals m_totals;
    CriticalAlertTracker m_alerts;
    QString m_region;
    QString m_signInText;
    QDateTime m_lastRefresh;
    int m_progressDone = 0;
    int m_progressTotal = 0;
    QString m_errorText;
    QString m_warningText;
    QString m_lastFailedOperation;
    QString m_lastFailedOutcome;
    QString m_metricsUrl;
    QString m_metricsStatus;
    QTimer m_clockTick;                       // keeps "5 minutes ago" current
};
