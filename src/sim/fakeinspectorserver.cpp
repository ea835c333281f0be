#include "fakeinspectorserver.h"

#include "fakeecrjson.h"
#include "fakeecrserver.h"
#include "logcategories.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace {

const QString kOperation = QStringLiteral("ListFindingAggregations");
const QByteArray kPath = QByteArrayLiteral("/findings/aggregation/list");
constexpr int kMaxResults = 100;

struct Entry {
    const EcrImage *image;
    qint64 all, critical, high, medium;
};

int countOf(const EcrImage &image, const char *severity)
{
    return image.severityCounts.value(QLatin1String(severity), 0);
}

// One StringFilterList: EQUALS/PREFIX filters are alternatives (any may match; none given
// means anything matches), NOT_EQUALS ones all must hold.
struct StringFilters {
    QVector<QPair<QString, QString>> list; // (comparison, value)
    bool matches(const QString &value) const
    {
        bool positive = false, matched = false;
        for (const auto &f : list) {
            if (f.first == QLatin1String("NOT_EQUALS")) {
                if (value == f.second)
                    return false;
                continue;
            }
            positive = true;
            if (f.first == QLatin1String("EQUALS") ? value == f.second : value.startsWith(f.second))
                matched = true;
        }
        return !positive || matched;
    }
};

// Reads one StringFilterList member; returns an error message or an empty string.
QString readFilters(const QJsonObject &o, const char *name, const QString &path, StringFilters *out)
{
    const QJsonValue v = o.value(QLatin1String(name));
    if (v.isUndefined() || v.isNull())
        return {};
    const QString where = path + QLatin1Char('.') + QLatin1String(name);
    if (!v.isArray() || v.toArray().isEmpty() || v.toArray().size() > 10)
        return QStringLiteral("%1 must be a list of 1 to 10 string filters").arg(where);
    for (const QJsonValue &f : v.toArray()) {
        const QString comparison = f.toObject().value(QStringLiteral("comparison")).toString();
        const QString value = f.toObject().value(QStringLiteral("value")).toString();
        if (comparison != QLatin1String("EQUALS") && comparison != QLatin1String("PREFIX")
            && comparison != QLatin1String("NOT_EQUALS"))
            return QStringLiteral("%1: comparison must be one of EQUALS, PREFIX, NOT_EQUALS").arg(where);
        if (value.isEmpty() || value.size() > 1024)
            return QStringLiteral("%1: value must be 1 to 1024 characters").arg(where);
        out->list.append({comparison, value});
    }
    return {};
}

} // namespace

FakeInspectorServer::Reply FakeInspectorServer::Reply::ok(const QByteArray &body)
{
    Reply r;
    r.body = body;
    return r;
}

FakeInspectorServer::Reply FakeInspectorServer::Reply::error(int status, const QString &code, const QString &message)
{
    Reply r;
    r.status = status;
    r.errorCode = code;
    QByteArray body = "{\"message\":";
    FakeEcrJson::appendString(body, message);
    if (code == QLatin1String("ValidationException"))
        body += ",\"reason\":\"FIELD_VALIDATION_FAILED\"";
    body += '}';
    r.body = body;
    return r;
}

FakeInspectorServer::FakeInspectorServer(const FakeEcrServer *ecr, QObject *parent)
    : QObject(parent)
    , m_ecr(ecr)
    , m_http(new QHttpServer(this))
{
    Q_ASSERT(ecr);
    m_http->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        handle(request, std::move(responder));
    });
    m_verifier.setService(QStringLiteral("inspector2"));
}

FakeInspectorServer::~FakeInspectorServer() = default;

bool FakeInspectorServer::listen(const QHostAddress &address, quint16 port)
{
    auto *tcp = new QTcpServer(m_http);
    if (!tcp->listen(address, port)) {
        qCDebug(lcSim) << "FakeInspectorServer: cannot listen on" << address << port << tcp->errorString();
        delete tcp;
        return false;
    }
    m_http->bind(tcp);
    m_port = tcp->serverPort();
    qCDebug(lcSim).noquote() << "FakeInspectorServer: listening on" << endpoint().toString();
    return true;
}

QUrl FakeInspectorServer::endpoint() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

void FakeInspectorServer::setRegion(const QString &region)
{
    m_region = region;
}

QString FakeInspectorServer::effectiveRegion() const
{
    return m_region.isEmpty() ? m_ecr->registry().region : m_region;
}

void FakeInspectorServer::addCredentials(const QString &accessKeyId, const QString &secret, const QString &sessionToken)
{
    m_verifier.addKey(accessKeyId, secret, sessionToken);
}

void FakeInspectorServer::setVerifySignatures(bool on)
{
    m_verify = on;
}

void FakeInspectorServer::setPageCap(int n)
{
    m_pageCap = qBound(1, n, kMaxResults);
}

void FakeInspectorServer::injectFault(Fault fault, int count)
{
    if (count != 0)
        m_faults.append(FaultRule{fault, count});
}

void FakeInspectorServer::clearFaults()
{
    m_faults.clear();
}

void FakeInspectorServer::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    SigV4Verifier::Request input;
    input.method = request.method() == QHttpServerRequest::Method::Post ? QByteArray("POST")
                 : request.method() == QHttpServerRequest::Method::Get  ? QByteArray("GET")
                                                                        : QByteArray("OTHER");
    input.path = request.url().path(QUrl::FullyEncoded).toUtf8();
    input.query = request.url().query(QUrl::FullyEncoded).toUtf8();
    input.headers = request.headers();
    input.body = request.body();

    RecordedRequest record;
    record.method = input.method;
    record.path = input.path;
    record.body = input.body;
    const bool known = input.method == "POST" && input.path == kPath;
    record.operation = known ? kOperation : QString();

    m_verifier.setRegion(effectiveRegion());
    const SigV4Verifier::Outcome auth = m_verify ? m_verifier.verify(input, QDateTime::currentDateTimeUtc())
                                                 : SigV4Verifier::inspect(input);
    Reply reply;
    if (m_verify && !auth.ok) {
        reply = Reply::error(auth.httpStatus, auth.errorCode, auth.message);
    } else if (!known) {
        reply = Reply::error(404, QStringLiteral("UnknownOperationException"),
                             QStringLiteral("No operation at %1 %2").arg(QString::fromLatin1(input.method),
                                                                        QString::fromUtf8(input.path)));
    } else if (!m_faults.isEmpty()) {
        FaultRule &rule = m_faults.first();
        const Fault fault = rule.fault;
        if (rule.remaining > 0 && --rule.remaining == 0)
            m_faults.removeFirst();
        const QString account = m_ecr->registry().registryId;
        switch (fault) {
        case Fault::AccessDenied:
            reply = Reply::error(403, QStringLiteral("AccessDeniedException"),
                                 QStringLiteral("User: arn:aws:iam::%1:user/fake-ecr is not authorized to perform: "
                                                "inspector2:ListFindingAggregations on resource: "
                                                "arn:aws:inspector2:%2:%1:/findings/aggregation/list because no "
                                                "identity-based policy allows the inspector2:ListFindingAggregations "
                                                "action").arg(account, effectiveRegion()));
            break;
        case Fault::Throttle:
            reply = Reply::error(429, QStringLiteral("ThrottlingException"), QStringLiteral("Rate exceeded"));
            break;
        case Fault::InternalError:
            reply = Reply::error(500, QStringLiteral("InternalServerException"), QStringLiteral("Internal Server Error"));
            break;
        case Fault::MalformedJson:
            reply = Reply::ok(QByteArrayLiteral("<html><body>502 Bad Gateway</body></html>"));
            break;
        }
    } else {
        reply = listFindingAggregations(input.body);
    }

    const QByteArray requestId = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    const auto status = static_cast<QHttpServerResponder::StatusCode>(reply.status);
    if (reply.errorCode.isEmpty()) {
        responder.write(reply.body, {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                                     {QByteArrayLiteral("x-amzn-RequestId"), requestId}}, status);
    } else {
        // REST-JSON errors: the code travels in x-amzn-ErrorType (botocore drops what follows ':').
        responder.write(reply.body, {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                                     {QByteArrayLiteral("x-amzn-RequestId"), requestId},
                                     {QByteArrayLiteral("x-amzn-ErrorType"),
                                      reply.errorCode.toLatin1() + ":http://internal.amazon.com/coral/com.amazonaws.inspector2/"}},
                        status);
    }
    record.status = reply.status;
    record.errorCode = reply.errorCode;
    m_requests.append(record);
    qCDebug(lcSim).nospace().noquote() << "FakeInspectorServer: " << (known ? kOperation : QStringLiteral("?")) << " -> "
                                       << reply.status << (reply.errorCode.isEmpty() ? QString() : QLatin1Char(' ') + reply.errorCode);
}

FakeInspectorServer::Reply FakeInspectorServer::listFindingAggregations(const QByteArray &body)
{
    const QString validation = QStringLiteral("ValidationException");
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.trimmed().isEmpty() ? QByteArray("{}") : body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Reply::error(400, validation, QStringLiteral("The request body is not a JSON object"));
    QJsonObject input = document.object();

    const QString type = input.value(QStringLiteral("aggregationType")).toString();
    if (type.isEmpty())
        return Reply::error(400, validation, QStringLiteral("aggregationType is required"));
    if (type != QLatin1String("AWS_ECR_CONTAINER"))
        return Reply::error(400, validation, QStringLiteral("This fake only aggregates AWS_ECR_CONTAINER, not %1").arg(type));

    int pageSize = kMaxResults;
    const QJsonValue max = input.value(QStringLiteral("maxResults"));
    if (!max.isUndefined() && !max.isNull()) {
        const double v = max.toDouble(std::nan(""));
        if (!max.isDouble() || std::floor(v) != v || v < 1 || v > kMaxResults)
            return Reply::error(400, validation, QStringLiteral("maxResults must be an integer from 1 to 100"));
        pageSize = int(v);
    }
    StringFilters accounts, repositories, shas, tags;
    QString error = readFilters(input, "accountIds", QStringLiteral("request"), &accounts);
    const QJsonValue requestValue = input.value(QStringLiteral("aggregationRequest"));
    QJsonObject aggregation;
    QString sortBy = QStringLiteral("ALL"), sortOrder = QStringLiteral("DESC");
    if (error.isEmpty() && !requestValue.isUndefined() && !requestValue.isNull()) {
        const QJsonObject request = requestValue.toObject();
        if (!requestValue.isObject() || request.size() != 1 || !request.contains(QStringLiteral("awsEcrContainerAggregation")))
            return Reply::error(400, validation, QStringLiteral("aggregationRequest must hold exactly awsEcrContainerAggregation "
                                                                "for aggregationType AWS_ECR_CONTAINER"));
        aggregation = request.value(QStringLiteral("awsEcrContainerAggregation")).toObject();
        const QString path = QStringLiteral("aggregationRequest.awsEcrContainerAggregation");
        error = readFilters(aggregation, "repositories", path, &repositories);
        if (error.isEmpty())
            error = readFilters(aggregation, "imageShas", path, &shas);
        if (error.isEmpty())
            error = readFilters(aggregation, "imageTags", path, &tags);
        if (aggregation.contains(QStringLiteral("sortBy")))
            sortBy = aggregation.value(QStringLiteral("sortBy")).toString();
        if (aggregation.contains(QStringLiteral("sortOrder")))
            sortOrder = aggregation.value(QStringLiteral("sortOrder")).toString();
        if (error.isEmpty() && sortBy != QLatin1String("CRITICAL") && sortBy != QLatin1String("HIGH") && sortBy != QLatin1String("ALL"))
            error = QStringLiteral("sortBy must be one of CRITICAL, HIGH, ALL");
        if (error.isEmpty() && sortOrder != QLatin1String("ASC") && sortOrder != QLatin1String("DESC"))
            error = QStringLiteral("sortOrder must be ASC or DESC");
    }
    if (!error.isEmpty())
        return Reply::error(400, validation, error);

    // The token continues exactly this query.
    QJsonObject query = input;
    query.remove(QStringLiteral("nextToken"));
    query.remove(QStringLiteral("maxResults"));
    const QByteArray context = kOperation.toLatin1() + '\n' + QJsonDocument(query).toJson(QJsonDocument::Compact);
    int offset = 0;
    const QJsonValue token = input.value(QStringLiteral("nextToken"));
    if (!token.isUndefined() && !token.isNull()) {
        const std::optional<int> decoded = token.isString() ? m_tokens.decode(token.toString(), context) : std::nullopt;
        if (!decoded)
            return Reply::error(400, validation, QStringLiteral("The nextToken is invalid or does not belong to this request"));
        offset = *decoded;
    }

    const FakeRegistry &registry = m_ecr->registry();
    QVector<Entry> entries;
    if (registry.scanMode == FakeRegistry::ScanMode::Enhanced && accounts.matches(registry.registryId)) {
        for (const EcrRepository &repository : registry.repositories) {
            if (!repositories.matches(repository.repositoryName))
                continue;
            const auto images = registry.images.constFind(repository.repositoryName);
            if (images == registry.images.cend())
                continue;
            for (const EcrImage &image : *images) { // by reference: entries point into the registry
                if (image.scanStatus != QLatin1String("ACTIVE") || !shas.matches(image.imageDigest))
                    continue;
                if (!tags.list.isEmpty() && std::none_of(image.imageTags.cbegin(), image.imageTags.cend(),
                                                         [&](const QString &t) { return tags.matches(t); }))
                    continue;
                qint64 all = 0;
                for (int n : image.severityCounts)
                    all += n;
                if (all == 0)
                    continue; // an aggregation of findings: an image without any is not listed
                entries.append({&image, all, countOf(image, "CRITICAL"), countOf(image, "HIGH"), countOf(image, "MEDIUM")});
            }
        }
    }
    auto keyOf = [&sortBy](const Entry &e) {
        return sortBy == QLatin1String("CRITICAL") ? e.critical : sortBy == QLatin1String("HIGH") ? e.high : e.all;
    };
    const bool descending = sortOrder == QLatin1String("DESC");
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry &a, const Entry &b) {
        if (keyOf(a) != keyOf(b))
            return descending ? keyOf(a) > keyOf(b) : keyOf(a) < keyOf(b);
        if (a.image->repositoryName != b.image->repositoryName)
            return a.image->repositoryName < b.image->repositoryName;
        return a.image->imageDigest < b.image->imageDigest;
    });

    const int total = int(entries.size());
    const int begin = qMin(offset, total);
    const int end = qMin(total, begin + qMin(pageSize, m_pageCap));
    QByteArray out = "{\"aggregationType\":\"AWS_ECR_CONTAINER\",\"responses\":[";
    for (int k = begin; k < end; ++k) {
        const Entry &e = entries.at(k);
        if (k > begin)
            out += ',';
        out += "{\"awsEcrContainerAggregation\":{\"accountId\":";
        FakeEcrJson::appendString(out, registry.registryId);
        out += ",\"architecture\":\"amd64\",\"imageSha\":";
        FakeEcrJson::appendString(out, e.image->imageDigest);
        out += ",\"imageTags\":[";
        for (int t = 0; t < e.image->imageTags.size(); ++t) {
            if (t > 0)
                out += ',';
            FakeEcrJson::appendString(out, e.image->imageTags.at(t));
        }
        out += "],\"repository\":";
        FakeEcrJson::appendString(out, e.image->repositoryName);
        out += ",\"resourceId\":";
        FakeEcrJson::appendString(out, QStringLiteral("arn:aws:ecr:%1:%2:repository/%3/%4")
                                           .arg(effectiveRegion(), registry.registryId, e.image->repositoryName,
                                                e.image->imageDigest));
        out += ",\"severityCounts\":{\"all\":" + QByteArray::number(e.all) + ",\"critical\":"
            + QByteArray::number(e.critical) + ",\"high\":" + QByteArray::number(e.high) + ",\"medium\":"
            + QByteArray::number(e.medium) + "}}}";
    }
    out += ']';
    if (end < total) {
        out += ",\"nextToken\":";
        FakeEcrJson::appendString(out, m_tokens.encode(end, context));
    }
    out += '}';
    return Reply::ok(out);
}
