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

// `request` with its 2xx body parsed once, by `parse`, on AwsHttpClient's worker threads (a
// 1000-image DescribeImages page is about 1 MB of JSON); the callback finds the value in
// AwsResponse::decoded. A body that does not parse fails the request (kind Parse).
template<typename T>
AwsRequest decodedBy(AwsRequest request, AwsError (*parse)(const QByteArray &, T *))
{
    request.decodeWith(parse);
    return request;
}

template<typename Item>
struct PageOf
{
    QVector<Item> items;
    QString nextToken;
};

// One paginated call in progress: the pages gathered so far and how to ask for the next.
template<typename Item>
struct Pagination
{
    QString operation;
    std::function<QByteArray(const QString &nextToken)> bodyFor;
    AwsError (*parse)(const QByteArray &body, PageOf<Item> *page) = nullptr; // thread-safe
    std::function<void(const QVector<Item> &, const AwsError &)> callback;
    QObject *context = nullptr;
    QVector<Item> items;
    QSet<QString> seenTokens;
    int pages = 0;
};

template<typename Item>
void fetchPage(QPointer<EcrClient> client, std::shared_ptr<Pagination<Item>> p, const QString &token)
{
    const AwsRequest request = decodedBy(client->makeRequest(p->operation, p->bodyFor(token)), p->parse);
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
            AwsError e;
            const PageOf<Item> *decoded = response.decodedAs<PageOf<Item>>(&e);
            const QString next = decoded ? decoded->nextToken : QString();
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
            // The first page shares the decoded array (no copy of each item); only a second
            // page appends.
            if (p->items.isEmpty())
                p->items = decoded->items;
            else
                p->items += decoded->items;
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
    return r;
}

void EcrClient::describeRegistry(QObject *context, RegistryCallback callback)
{
    QPointer<EcrClient> self(this);
    m_http->send(decodedBy(makeRequest(QStringLiteral("DescribeRegistry"), QByteArrayLiteral("{}")),
                           &EcrJsonParser::parseDescribeRegistry),
                 JsonErrorParser::parse, context ? context : this,
                 [self, callback](const AwsResponse &response, const AwsError &error) {
                     if (!self)
                         return;
                     if (error) {
                         callback(QString(), error);
                         return;
                     }
                     AwsError e;
                     const QString *registryId = response.decodedAs<QString>(&e);
                     callback(registryId ? *registryId : QString(), e);
                 });
}

void EcrClient::describeRepositories(const QString &registryId, QObject *context, RepositoriesCallback callback)
{
    auto p = std::make_shared<Pagination<EcrRepository>>();
    p->operation = QStringLiteral("DescribeRepositories");
    p->bodyFor = [registryId, pageSize = m_pageSize](const QString &token) {
        return describeRepositoriesBody(registryId, pageSize, token);
    };
    p->parse = [](const QByteArray &body, PageOf<EcrRepository> *out) {
        EcrJsonParser::RepositoriesPage page;
        const AwsError e = EcrJsonParser::parseDescribeRepositories(body, &page);
        out->items = std::move(page.repositories);
        out->nextToken = page.nextToken;
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
    p->parse = [](const QByteArray &body, PageOf<EcrImage> *out) {
        EcrJsonParser::ImagesPage page;
        const AwsError e = EcrJsonParser::parseDescribeImages(body, &page);
        out->items = std::move(page.images);
        out->nextToken = page.nextToken;
        return e;
    };
    p->callback = std::move(callback);
    p->context = ctx;
    fetchPage(QPointer<EcrClient>(this), p, QString());
}

QByteArray EcrClient::describeImageScanFindingsBody(const QString &registryId, const QString &repositoryName,
                                                    const QString &imageDigest, int maxResults,
                                                    const QString &nextToken)
{
    QJsonObject o;
    if (!registryId.isEmpty())
        o.insert(QLatin1String("registryId"), registryId);
    o.insert(QLatin1String("repositoryName"), repositoryName);
    o.insert(QLatin1String("imageId"), QJsonObject{ { QLatin1String("imageDigest"), imageDigest } });
    o.insert(QLatin1String("maxResults"), maxResults);
    if (!nextToken.isEmpty())
        o.insert(QLatin1String("nextToken"), nextToken);
    return compact(o);
}

void EcrClient::getRegistryScanningConfiguration(QObject *context, ScanningConfigurationCallback callback)
{
    QPointer<EcrClient> self(this);
    m_http->send(decodedBy(makeRequest(QStringLiteral("GetRegistryScanningConfiguration"), QByteArrayLiteral("{}")),
                           &EcrJsonParser::parseGetRegistryScanningConfiguration),
                 JsonErrorParser::parse, context ? context : this,
                 [self, callback](const AwsResponse &response, const AwsError &error) {
                     if (!self)
                         return;
                     if (error) {
                         callback({}, error);
                         return;
                     }
                     AwsError e;
                     const auto *configuration = response.decodedAs<EcrScanningConfiguration>(&e);
                     callback(configuration ? *configuration : EcrScanningConfiguration(), e);
                 });
}

namespace {

// One image's DescribeImageScanFindings in progress.
struct FindingsRead
{
    QString registryId;
    QString repositoryName;
    QString imageDigest;
    QObject *context = nullptr;
    EcrClient::ScanFindingsCallback callback;
    EcrImageScanFindings result;
    int pageSize = EcrClient::kFindingsProbePageSize;
    bool counting = false;        // reading every page and counting (not the probe)
    int pages = 0;                // pages of the current pass
    QSet<QString> seenTokens;
};

void readFindingsPage(QPointer<EcrClient> client, std::shared_ptr<FindingsRead> r, const QString &token)
{
    const QString operation = QStringLiteral("DescribeImageScanFindings");
    const AwsRequest request = decodedBy(
        client->makeRequest(operation,
                            EcrClient::describeImageScanFindingsBody(r->registryId, r->repositoryName,
                                                                     r->imageDigest, r->pageSize, token)),
        &EcrJsonParser::parseDescribeImageScanFindings);
    ++r->result.requests;
    client->httpClient()->send(request, JsonErrorParser::parse, r->context,
        [client, r, operation](const AwsResponse &response, const AwsError &error) {
            if (!client)
                return;
            auto fail = [&](AwsError e) {
                if (r->pages > 0)
                    e.message += QStringLiteral(" (on page %1)").arg(r->pages + 1);
                EcrImageScanFindings empty;
                empty.requests = r->result.requests;
                r->callback(empty, e);
            };
            if (error) {
                fail(error);
                return;
            }
            AwsError e;
            const auto *decoded = response.decodedAs<EcrJsonParser::ImageScanFindingsPage>(&e);
            if (e) {
                fail(e);
                return;
            }
            const EcrJsonParser::ImageScanFindingsPage &page = *decoded;
            if (!e && !page.nextToken.isEmpty() && r->seenTokens.contains(page.nextToken))
                e = AwsError::make(AwsError::Kind::Parse,
                                   QStringLiteral("%1 returned the same nextToken twice; stopping to avoid "
                                                  "an endless loop").arg(operation));
            if (!e && !page.nextToken.isEmpty() && r->pages + 1 >= EcrClient::kMaxPages)
                e = AwsError::make(AwsError::Kind::Parse,
                                   QStringLiteral("%1 still had more pages after %2; giving up")
                                       .arg(operation)
                                       .arg(r->pages + 1));
            if (e) {
                e.operation = operation;
                e.httpStatus = response.httpStatus;
                e.requestId = response.requestId;
                e.attempts = response.attempts;
                fail(e);
                return;
            }
            ++r->pages;
            EcrImageScanFindings &out = r->result;
            if (r->pages == 1) {
                // Status and times are the same on every page: take them from the first.
                out.scanStatus = page.scanStatus;
                out.scanStatusDescription = page.scanStatusDescription;
                out.imageScanCompletedAt = page.imageScanCompletedAt;
                out.vulnerabilitySourceUpdatedAt = page.vulnerabilitySourceUpdatedAt;
            }
            if (!r->counting && page.hasSeverityCounts) {
                // As AWS states them (a zero is kept, like the original exporter kept the summary's).
                out.countsFromSummary = true;
                out.severityCounts = page.severityCounts;
                r->callback(out, AwsError());
                return;
            }
            if (!r->counting && !page.nextToken.isEmpty()) {
                // No totals in the reply and more findings than the probe page: count them
                // all, from the start, in pages as large as ECR allows.
                r->counting = true;
                r->pages = 0;
                r->pageSize = client->pageSize();
                r->seenTokens.clear();
                readFindingsPage(client, r, QString());
                return;
            }
            for (auto it = page.countedSeverities.cbegin(); it != page.countedSeverities.cend(); ++it)
                out.severityCounts[it.key()] += it.value();
            out.findingsCounted += page.findingCount;
            if (page.nextToken.isEmpty()) {
                qCDebug(lcEcr).nospace() << operation << ": " << out.findingsCounted << " findings counted in "
                                         << r->pages << " page(s)";
                r->callback(out, AwsError());
                return;
            }
            r->seenTokens.insert(page.nextToken);
            readFindingsPage(client, r, page.nextToken);
        });
}

} // namespace

void EcrClient::describeImageScanFindings(const QString &registryId, const QString &repositoryName,
                                          const QString &imageDigest, QObject *context,
                                          ScanFindingsCallback callback)
{
    QObject *ctx = context ? context : this;
    if (repositoryName.isEmpty() || imageDigest.isEmpty()) {
        AwsError e = AwsError::make(AwsError::Kind::Config,
                                    QStringLiteral("DescribeImageScanFindings needs a repository name and an image digest"));
        e.operation = QStringLiteral("DescribeImageScanFindings");
        QTimer::singleShot(0, ctx, [callback, e] { callback({}, e); });
        return;
    }
    auto r = std::make_shared<FindingsRead>();
    r->registryId = registryId;
    r->repositoryName = repositoryName;
    r->imageDigest = imageDigest;
    r->context = ctx;
    r->callback = std::move(callback);
    readFindingsPage(QPointer<EcrClient>(this), r, QString());
}
