#pragma once

#include "aws/awserror.h"
#include "inspectorimagecounts.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <QVector>
#include <functional>

class AwsHttpClient;
struct AwsRequest;

// Asynchronous client for the one Amazon Inspector (inspector2) call the exporter makes:
// ListFindingAggregations with aggregation type AWS_ECR_CONTAINER, every page (100 images
// each, Inspector's maximum), reported at once; an error on any page reports the typed error
// and no partial data. REST-JSON: POST <endpoint>/findings/aggregation/list, Content-Type
// application/json, SigV4 for service "inspector2" in `region`. Callbacks run later in the
// event loop, only while `context` lives.
class InspectorClient : public QObject
{
    Q_OBJECT
public:
    using AggregationsCallback = std::function<void(const QVector<InspectorImageCounts> &images, const AwsError &error)>;

    static constexpr int kMaxPageSize = 100;    // ListFindingAggregations' limit for maxResults
    static constexpr int kMaxPages = 100000;

    // `http` is not owned and must outlive the client. `endpoint` e.g.
    // https://inspector2.eu-west-1.amazonaws.com (EndpointResolver::inspector2()).
    InspectorClient(AwsHttpClient *http, const QString &region, const QUrl &endpoint, QObject *parent = nullptr);

    // Counts of every ECR image of `accountId` (empty: no account filter) that has findings.
    void listEcrContainerAggregations(const QString &accountId, QObject *context, AggregationsCallback callback);

    QString region() const { return m_region; }
    QUrl endpoint() const { return m_endpoint; }
    AwsHttpClient *httpClient() const { return m_http; }

    // The signed REST-JSON request for ListFindingAggregations with `body`, as sent; the
    // caller adds the decoder (AwsRequest::decodeWith).
    AwsRequest makeRequest(const QByteArray &body) const;

private:
    AwsHttpClient *m_http;
    QString m_region;
    QUrl m_endpoint;
};
