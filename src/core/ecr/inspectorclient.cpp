#include "inspectorclient.h"

#include "aws/awshttpclient.h"
#include "aws/awsrequest.h"
#include "aws/jsonerrorparser.h"
#include "inspectorjsonparser.h"
#include "logcategories.h"

#include <QPointer>
#include <QSet>

#include <memory>

namespace {

const QString kOperation = QStringLiteral("ListFindingAggregations");

struct AggregationsRead
{
    QString accountId;
    QObject *context = nullptr;
    InspectorClient::AggregationsCallback callback;
    QVector<InspectorImageCounts> images;
    QSet<QString> seenTokens;
    int pages = 0;
};

void readPage(QPointer<InspectorClient> client, std::shared_ptr<AggregationsRead> r, const QString &token)
{
    const QByteArray body = InspectorJsonParser::listEcrContainerAggregationsBody(
        r->accountId, {}, InspectorClient::kMaxPageSize, token);
    AwsRequest request = client->makeRequest(body);
    request.decodeWith(&InspectorJsonParser::parseListFindingAggregations); // parsed on a worker thread
    client->httpClient()->send(request, JsonErrorParser::parse, r->context,
        [client, r](const AwsResponse &response, const AwsError &error) {
            if (!client)
                return;
            const int page = r->pages + 1;
            if (error) {
                AwsError e = error;
                if (page > 1)
                    e.message += QStringLiteral(" (on page %1)").arg(page);
                r->callback({}, e);
                return;
            }
            AwsError e;
            const auto *decoded = response.decodedAs<InspectorJsonParser::AggregationsPage>(&e);
            const InspectorJsonParser::AggregationsPage parsed = decoded ? *decoded : InspectorJsonParser::AggregationsPage();
            if (!e && !parsed.nextToken.isEmpty() && r->seenTokens.contains(parsed.nextToken))
                e = AwsError::make(AwsError::Kind::Parse,
                                   QStringLiteral("%1 returned the same nextToken twice; stopping to avoid "
                                                  "an endless loop").arg(kOperation));
            if (!e && !parsed.nextToken.isEmpty() && page >= InspectorClient::kMaxPages)
                e = AwsError::make(AwsError::Kind::Parse,
                                   QStringLiteral("%1 still had more pages after %2; giving up").arg(kOperation).arg(page));
            if (e) {
                e.operation = kOperation;
                e.httpStatus = response.httpStatus;
                e.requestId = response.requestId;
                e.attempts = response.attempts;
                if (page > 1)
                    e.message += QStringLiteral(" (on page %1)").arg(page);
                r->callback({}, e);
                return;
            }
            r->pages = page;
            r->images += parsed.images;
            if (parsed.nextToken.isEmpty()) {
                qCDebug(lcEcr).nospace() << kOperation << ": " << r->images.size() << " images in " << page << " page(s)";
                const QVector<InspectorImageCounts> all = std::move(r->images);
                r->callback(all, AwsError());
                return;
            }
            r->seenTokens.insert(parsed.nextToken);
            readPage(client, r, parsed.nextToken);
        });
}

} // namespace

InspectorClient::InspectorClient(AwsHttpClient *http, const QString &region, const QUrl &endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_region(region), m_endpoint(endpoint)
{
    Q_ASSERT(http);
}

AwsRequest InspectorClient::makeRequest(const QByteArray &body) const
{
    AwsRequest r;
    r.operation = kOperation;
    r.method = "POST";
    QUrl url = m_endpoint;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/findings/aggregation/list"));
    r.url = url;
    r.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
    r.body = body;
    r.region = m_region;
    r.service = QStringLiteral("inspector2");
    return r;
}

void InspectorClient::listEcrContainerAggregations(const QString &accountId, QObject *context,
                                                   AggregationsCallback callback)
{
    auto r = std::make_shared<AggregationsRead>();
    r->accountId = accountId;
    r->context = context ? context : this;
    r->callback = std::move(callback);
    readPage(QPointer<InspectorClient>(this), r, QString());
}
