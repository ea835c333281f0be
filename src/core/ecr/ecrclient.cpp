#include "ecrclient.h"

#include "aws/awshttpclient.h"
#include "aws/awsrequest.h"
#include "aws/jsonerrorparser.h"
#include "ecrjsonparser.h"
#include "logcategories.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <memory>

namespace {

const QByteArray kContentType = QByteArrayLiteral("application/x-amz-json-1.1");
const QByteArray kTargetPrefix = QByteArrayLiteral("AmazonEC2ContainerRegistry_V20150921.");

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// One paginated call in progress: the pages gathered so far and how to ask for the next.
template<typename Item>
struct Pagination
{
    QString operation;
    std::function<QByteArray(const QString &nextToken)> bodyFor;
    std::function<AwsError(const QByteArray &body, QVector<Item> *items, QString *nextToken)> parse;
    std::function<void(const QVector<Item> &, const AwsError &)> callback;
    QObject *context = nullptr;
    QVector<Item> items;
    QSet<QString> seenTokens;
    int pages = 0;
};

template<typename Item>
void fetchPage(QPointer<EcrClient> client, std::shared_ptr<Pagination<Item>> p, const QString &token)
{
    const AwsRequest request = client->makeRequest(p->operation, p->bodyFor(token));
    client->httpClient()->send(
        request, JsonErrorParser::parse, p->context,
        [client, p](const AwsResponse &response, const AwsError &error) {
            if (!client)
                return; // the client is gone: nobody to report to
            const int page = p->pages + 1;
            if (error) {
                AwsError e = error;
                if (page > 1)
                    e.message += QStringLiteral(" (on page %1)").arg(page);
                p->callback({}, e);
                return;
            }
            QVector<Item> items;
            QString next;
            AwsError e = p->parse(response.body, &items, &next);
            if (!e && !next.isEmpty() && p->seenTokens.contains(next)) {
                e = AwsError::make(AwsError::Kind::Parse,
                                   QStringLiteral("%1 returned the same nextToken twice; stopping to avoid "
                                                  "an endless loop").arg(p->operation));
            }
            if (!e && !next.isEmpty() && page >= EcrClient::kMaxPages) {
                e = AwsError::make(AwsError::Kind::Parse,
                                   QStringLiteral("%1 still had more pages after %2; giving up")
                                       .arg(p->operation)
                                       .arg(page));
            }
            if (e) {
                e.operation = p->operation;
                e.httpStatus = response.httpStatus;
                e.requestId = response.requestId;
                e.attempts = response.attempts;
                if (page > 1)
                    e.message += QStringLiteral(" (on page %1)").arg(page);
                p->callback({}, e);
                return;
            }
            p->pages = page;
            p->items += items;
            if (next.isEmpty()) {
                qCDebug(lcEcr).nospace() << p->operation << ": " << p->items.size() << " items in "
                                         << p->pages << " page(s)";
                const QVector<Item> all = std::move(p->items);
                p->callback(all, AwsError());
                return;
            }
            p->seenTokens.insert(next);
            fetchPage(client, p, next);
        });
}

} // namespace

EcrClient::EcrClient(AwsHttpClient *http, const QString &region, const QUrl &endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_region(region), m_endpoint(endpoint)
{
    Q_ASSERT(http);
}

void EcrClient::setPageSize(int pageSize)
{
    m_pageSize = std::clamp(pageSize, 1, kMaxPageSize);
}

QString EcrClient::tagStatusName(TagStatus status)
{
    switch (status) {
    case TagStatus::Tagged: return QStringLiteral("TAGGED");
    case TagStatus::Untagged: return QStringLiteral("UNTAGGED");
    case TagStatus::Any: return QStringLiteral("ANY");
    }
    return QStringLiteral("ANY");
}

QByteArray EcrClient::describeRepositoriesBody(const QString &registryId, int maxResults, const QString &nextToken)
{
    QJsonObject o;
    if (!registryId.isEmpty())
        o.insert(QLatin1String("registryId"), registryId);
    o.insert(QLatin1String("maxResults"), maxResults);
    if (!nextToken.isEmpty())
        o.insert(QLatin1String("nextToken"), nextToken);
    return compact(o);
}

QByteArray EcrClient::describeImagesBody(const QString &registryId, const QString &repositoryName,
                                         TagStatus tagStatus, int maxResults, const QString &nextToken)
{
    QJsonObject o;
    if (!registryId.isEmpty())
        o.insert(QLatin1String("registryId"), registryId);
    o.insert(QLatin1String("repositoryName"), repositoryName);
    o.insert(QLatin1String("maxResults"), maxResults);
    o.insert(QLatin1String("filter"), QJsonObject{ { QLatin1String("tagStatus"), tagStatusName(tagStatus) } });
    if (!nextToken.isEmpty())
        o.insert(QLatin1String("nextToken"), nextToken);
    return compact(o);
}

AwsRequest EcrClient::makeRequest(const QString &operation, const QByteArray &body) const
{
    AwsRequest r = AwsRequest::json(operation, m_endpoint, kContentType, kTargetPrefix + operation.toLatin1(),
                                    body, m_region, QStringLiteral("ecr"));
    r.validateBody = JsonErrorParser::requireJsonObject;
    return r;
}

void EcrClient::describeRegistry(QObject *context, RegistryCallback callback)
{
    QPointer<EcrClient> self(this);
    m_http->send(makeRequest(QStringLiteral("DescribeRegistry"), QByteArrayLiteral("{}")), JsonErrorParser::parse,
                 context ? context : this,
                 [self, callback](const AwsResponse &response, const AwsError &error) {
                     if (!self)
                         return;
                     if (error) {
                         callback(QString(), error);
                         return;
                     }
                     QString registryId;
                     AwsError e = EcrJsonParser::parseDescribeRegistry(response.body, &registryId);
                     if (e) {
                         e.httpStatus = response.httpStatus;
                         e.requestId = response.requestId;
                         e.attempts = response.attempts;
                     }
                     callback(registryId, e);
                 });
}

void EcrClient::describeRepositories(const QString &registryId, QObject *context, RepositoriesCallback callback)
{
    auto p = std::make_shared<Pagination<EcrRepository>>();
    p->operation = QStringLiteral("DescribeRepositories");
    p->bodyFor = [registryId, pageSize = m_pageSize](const QString &token) {
        return describeRepositoriesBody(registryId, pageSize, token);
    };
    p->parse = [](const QByteArray &body, QVector<EcrRepository> *items, QString *next) {
        EcrJsonParser::RepositoriesPage page;
        const AwsError e = EcrJsonParser::parseDescribeRepositories(body, &page);
        *items = std::move(page.repositories);
        *next = page.nextToken;
        return e;
    };
    p->callback = std::move(callback);
    p->context = context ? context : this;
    fetchPage(QPointer<EcrClient>(this), p, QString());
}

void EcrClient::describeImages(const QString &registryId, const QString &repositoryName, TagStatus tagStatus,
                               QObject *context, ImagesCallback callback)
{
    QObject *ctx = context ? context : this;
    if (repositoryName.isEmpty()) {
        AwsError e = AwsError::make(AwsError::Kind::Config,
                                    QStringLiteral("DescribeImages needs a repository name"));
        e.operation = QStringLiteral("DescribeImages");
        QTimer::singleShot(0, ctx, [callback, e] { callback({}, e); });
        return;
    }
    auto p = std::make_shared<Pagination<EcrImage>>();
    p->operation = QStringLiteral("DescribeImages");
    p->bodyFor = [registryId, repositoryName, tagStatus, pageSize = m_pageSize](const QString &token) {
        return describeImagesBody(registryId, repositoryName, tagStatus, pageSize, token);
    };
    p->parse = [](const QByteArray &body, QVector<EcrImage> *items, QString *next) {
        EcrJsonParser::ImagesPage page;
        const AwsError e = EcrJsonParser::parseDescribeImages(body, &page);
        *items = std::move(page.images);
        *next = page.nextToken;
        return e;
    };
    p->callback = std::move(callback);
    p->context = ctx;
    fetchPage(QPointer<EcrClient>(this), p, QString());
}
