#pragma once

#include "aws/awserror.h"
#include "ecrimage.h"
#include "ecrimagescanfindings.h"
#include "ecrrepository.h"
#include "ecrscanningconfiguration.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <QVector>
#include <functional>

class AwsHttpClient;
struct AwsRequest;

// Asynchronous client for the ECR API calls the exporter needs. Each listing call follows
// nextToken (maxResults = pageSize(), every other input identical on every page) until the
// last page and then reports everything at once; an error on any page reports the typed
// error and no partial data. Callbacks run later in the event loop, only while `context`
// lives. Region and endpoint are explicit: nothing is derived from a host name.
class EcrClient : public QObject
{
    Q_OBJECT
public:
    enum class TagStatus { Tagged, Untagged, Any };

    using RegistryCallback = std::function<void(const QString &registryId, const AwsError &error)>;
    using RepositoriesCallback = std::function<void(const QVector<EcrRepository> &repositories, const AwsError &error)>;
    using ImagesCallback = std::function<void(const QVector<EcrImage> &images, const AwsError &error)>;
    using ScanningConfigurationCallback =
        std::function<void(const EcrScanningConfiguration &configuration, const AwsError &error)>;
    // On error `findings` is empty except for `requests` (calls made, for budgets).
    using ScanFindingsCallback = std::function<void(const EcrImageScanFindings &findings, const AwsError &error)>;

    static constexpr int kMaxPageSize = 1000;   // ECR's limit for maxResults
    static constexpr int kMaxPages = 100000;    // safety stop for a service that never ends
    // DescribeImageScanFindings' first page: findingSeverityCounts already gives the totals,
    // so one finding is the smallest page that carries them.
    static constexpr int kFindingsProbePageSize = 1;

    // `http` is not owned and must outlive the client. `endpoint` e.g.
    // https://api.ecr.eu-west-1.amazonaws.com (signing region = `region`, service "ecr").
    EcrClient(AwsHttpClient *http, const QString &region, const QUrl &endpoint, QObject *parent = nullptr);

    // DescribeRegistry → the caller's registry id (12 digits).
    void describeRegistry(QObject *context, RegistryCallback callback);
    // DescribeRepositories, all pages. Empty `registryId` = the caller's own registry.
    void describeRepositories(const QString &registryId, QObject *context, RepositoriesCallback callback);
    // DescribeImages of one repository, all pages, filtered by tag status.
    void describeImages(const QString &registryId, const QString &repositoryName, TagStatus tagStatus,
                        QObject *context, ImagesCallback callback);

    // GetRegistryScanningConfiguration → the scan type (BASIC/ENHANCED) and rules of the
    // caller's own registry (the call has no registryId input).
    void getRegistryScanningConfiguration(QObject *context, ScanningConfigurationCallback callback);
    // DescribeImageScanFindings of one image (by digest), reduced to totals per severity. The
    // first page asks for kFindingsProbePageSize findings: when the reply has
    // findingSeverityCounts that is the answer (one small call). Otherwise the findings are
    // counted: if that first page was the only one its findings are the totals, else the
    // findings are read again from the start in pages of pageSize() (the next pages keep
    // maxResults identical to the first, as the SDK paginators do) and counted by severity.
    void describeImageScanFindings(const QString &registryId, const QString &repositoryName,
                                   const QString &imageDigest, QObject *context, ScanFindingsCallback callback);

    // maxResults sent on every page (1..1000, default 1000).
    void setPageSize(int pageSize);
    int pageSize() const { return m_pageSize; }
    QString region() const { return m_region; }
    QUrl endpoint() const { return m_endpoint; }
    AwsHttpClient *httpClient() const { return m_http; }

    static QString tagStatusName(TagStatus status); // "TAGGED", "UNTAGGED", "ANY"
    // The exact request body for one page (compact JSON; registryId/nextToken omitted when empty).
    static QByteArray describeRepositoriesBody(const QString &registryId, int maxResults, const QString &nextToken);
    static QByteArray describeImagesBody(const QString &registryId, const QString &repositoryName,
                                         TagStatus tagStatus, int maxResults, const QString &nextToken);
    static QByteArray describeImageScanFindingsBody(const QString &registryId, const QString &repositoryName,
                                                    const QString &imageDigest, int maxResults,
                                                    const QString &nextToken);
    // The signed JSON 1.1 request for `operation` with `body`, as sent to the endpoint; each
    // caller adds the decoder (AwsRequest::decodeWith) that parses and checks its reply.
    AwsRequest makeRequest(const QString &operation, const QByteArray &body) const;

private:
    AwsHttpClient *m_http;
    QString m_region;
    QUrl m_endpoint;
    int m_pageSize = kMaxPageSize;
};
