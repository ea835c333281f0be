#include "fakeecrserver.h"

#include "deadlinetimer.h"
#include "fakeecrjson.h"
#include "logcategories.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace {

const QString kTargetPrefix = QStringLiteral("AmazonEC2ContainerRegistry_V20150921.");
const QString kDescribeRegistry = QStringLiteral("DescribeRegistry");
const QString kDescribeRepositories = QStringLiteral("DescribeRepositories");
const QString kDescribeImages = QStringLiteral("DescribeImages");
const QString kGetScanningConfiguration = QStringLiteral("GetRegistryScanningConfiguration");
const QString kDescribeImageScanFindings = QStringLiteral("DescribeImageScanFindings");
const QString kInvalidParameter = QStringLiteral("InvalidParameterException");
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

QByteArray httpDate(const QDateTime &utc)
{
    return QLocale::c().toString(utc, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

// Which replies print timestamps in exponent form: a fixed pattern over positions, so every
// reply of a realistic size mixes both forms and the choice never depends on the request.
FakeEcrJson::TimeStyle repositoryTimeStyle(int position)
{
    return position % 2 == 1 ? FakeEcrJson::TimeStyle::Exponent : FakeEcrJson::TimeStyle::Plain;
}

FakeEcrJson::TimeStyle imageTimeStyle(int index)
{
    return index % 3 == 2 ? FakeEcrJson::TimeStyle::Exponent : FakeEcrJson::TimeStyle::Plain;
}

} // namespace

struct FakeEcrServer::Reply
{
    int status = 200;
    QByteArray body;
    QString errorCode;
    bool drop = false;           // abort the connection instead of answering
    int extraDelayMs = 0;

    static Reply ok(const QByteArray &body)
    {
        Reply r;
        r.body = body;
        return r;
    }
    static Reply error(int status, const QString &code, const QString &message)
    {
        Reply r;
        r.status = status;
        r.errorCode = code;
        r.body = FakeEcrJson::error(code, message);
        return r;
    }
};

// One request between arrival and answer. QHttpServerResponder is move-only and must
// outlive the handler when the answer is delayed, hence the shared_ptr around this.
struct FakeEcrServer::Pending
{
    explicit Pending(QHttpServerResponder &&r)
        : responder(std::move(r))
    {
    }
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;     // the server deletes it when the client goes away
    qint64 serial = 0;
    QString operation;
    QByteArray requestId;
    QElapsedTimer clock;
    Reply reply; // set before handle() returns
};

FakeEcrServer::FakeEcrServer(QObject *parent)
    : QObject(parent)
    , m_deadlines(new DeadlineTimer(this))
    , m_http(new QHttpServer(this))
{
    // No routes: every request, whatever its path or method, comes here like on AWS.
    m_http->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        handle(request, std::move(responder));
    });
    m_verifier.setService(QStringLiteral("ecr"));
}

FakeEcrServer::~FakeEcrServer() = default;

bool FakeEcrServer::listen(const QHostAddress &address, quint16 port)
{
    auto *tcp = new QTcpServer(m_http);
    if (!tcp->listen(address, port)) {
        qCDebug(lcSim) << "FakeEcrServer: cannot listen on" << address << port << tcp->errorString();
        delete tcp;
        return false;
    }
    m_http->bind(tcp);
    m_address = address;
    m_port = tcp->serverPort();
    qCDebug(lcSim).noquote() << "FakeEcrServer: listening on" << endpoint().toString();
    return true;
}

quint16 FakeEcrServer::port() const
{
    return m_port;
}

QUrl FakeEcrServer::endpoint() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    if (m_address.isNull() || m_address == QHostAddress(QHostAddress::LocalHost) || m_address == QHostAddress(QHostAddress::Any)
        || m_address == QHostAddress(QHostAddress::AnyIPv4))
        url.setHost(QStringLiteral("127.0.0.1"));
    else
        url.setHost(m_address.toString());
    url.setPort(m_port);
    return url;
}

void FakeEcrServer::setRegistry(const FakeRegistry &registry)
{
    m_registry = registry;
    m_index.clear();
    m_index.reserve(m_registry.repositories.size());
    for (int p = 0; p < m_registry.repositories.size(); ++p) {
        const QString &name = m_registry.repositories.at(p).repositoryName;
        RepositoryIndex index;
        index.position = p;
        const QVector<EcrImage> images = m_registry.images.value(name);
        for (int i = 0; i < images.size(); ++i)
            (images.at(i).imageTags.isEmpty() ? index.untagged : index.tagged).append(i);
        m_index.insert(name, index);
    }
    updateVerifierRegion();
}

const FakeRegistry &FakeEcrServer::registry() const
{
    return m_registry;
}

void FakeEcrServer::setRegion(const QString &region)
{
    m_region = region;
    updateVerifierRegion();
}

QString FakeEcrServer::effectiveRegion() const
{
    return m_region.isEmpty() ? m_registry.region : m_region;
}

void FakeEcrServer::updateVerifierRegion()
{
    m_verifier.setRegion(effectiveRegion());
}

void FakeEcrServer::addCredentials(const QString &accessKeyId, const QString &secret, const QString &sessionToken)
{
    m_verifier.addKey(accessKeyId, secret, sessionToken);
}

void FakeEcrServer::setVerifySignatures(bool on)
{
    m_verify = on;
}

void FakeEcrServer::setLatency(int ms)
{
    m_latencyMs = qMax(0, ms);
}

void FakeEcrServer::setSlowDelay(int ms)
{
    m_slowMs = qMax(0, ms);
}

void FakeEcrServer::setPageCap(int n)
{
    m_pageCap = qBound(1, n, kMaxPageSize);
}

void FakeEcrServer::setClockSkewLimit(int seconds)
{
    m_verifier.setClockSkewLimit(seconds);
}

void FakeEcrServer::setSeverityCountsPolicy(SeverityCountsPolicy policy)
{
    m_severityCounts = policy;
}

void FakeEcrServer::injectFault(const QString &operation, Fault fault, int count)
{
    if (count != 0)
        m_faults.append(FaultRule{operation, fault, count});
}

void FakeEcrServer::injectRepositoryFault(const QString &repositoryName, Fault fault, int count)
{
    if (count == 0)
        m_repositoryFaults.remove(repositoryName);
    else
        m_repositoryFaults.insert(repositoryName, FaultRule{kDescribeImages, fault, count});
}

void FakeEcrServer::clearFaults()
{
    m_faults.clear();
    m_repositoryFaults.clear();
}

QVector<FakeEcrServer::RecordedRequest> FakeEcrServer::requests() const
{
    return m_requests;
}

int FakeEcrServer::requestCount(const QString &operation) const
{
    if (operation.isEmpty())
        return m_requests.size();
    return int(std::count_if(m_requests.cbegin(), m_requests.cend(),
                             [&](const RecordedRequest &r) { return r.operation == operation; }));
}

int FakeEcrServer::peakConcurrentRequests() const
{
    return m_peakInFlight;
}

void FakeEcrServer::resetCounters()
{
    m_requests.clear();
    m_firstSerial = m_nextSerial;
    m_peakInFlight = m_inFlight;
}

void FakeEcrServer::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    auto pending = std::make_shared<Pending>(std::move(responder));
    pending->clock.start();
    // The latency counts from the arrival, with DeadlineTimer's sub-millisecond precision.
    const qint64 arrivalNs = DeadlineTimer::nowNs();
    pending->socket = pending->responder.socket();
    // Replies go out as two writes (headers, body); with Nagle's algorithm the body would wait
    // for the client's delayed ACK of the headers (up to 40 ms), which AWS does not do.
    if (pending->socket)
        pending->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    pending->serial = m_nextSerial++;
    pending->requestId = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    m_peakInFlight = qMax(m_peakInFlight, ++m_inFlight);

    SigV4Verifier::Request input;
    input.method = methodName(request.method());
    input.path = request.url().path(QUrl::FullyEncoded).toUtf8();
    input.query = request.url().query(QUrl::FullyEncoded).toUtf8();
    input.headers = request.headers();
    input.body = request.body();

    const QByteArrayList targets = SigV4Verifier::headerValues(input.headers, "x-amz-target");
    const QString target = targets.isEmpty() ? QString() : QString::fromLatin1(targets.constFirst().trimmed());
    QString operation;
    if (target.startsWith(kTargetPrefix)) {
        const QString name = target.mid(kTargetPrefix.size());
        if (name == kDescribeRegistry || name == kDescribeRepositories || name == kDescribeImages
            || name == kGetScanningConfiguration || name == kDescribeImageScanFindings)
            operation = name;
    }
    pending->operation = operation;

    const SigV4Verifier::Outcome auth =
        m_verify ? m_verifier.verify(input, QDateTime::currentDateTimeUtc()) : SigV4Verifier::inspect(input);
    RecordedRequest record;
    record.operation = operation;
    record.amzDate = auth.amzDate;
    record.signature = auth.signature;
    record.accessKeyId = auth.accessKeyId;
    record.body = input.body;
    m_requests.append(record);

    Reply reply;
    if (m_verify && !auth.ok) {
        reply = Reply::error(auth.httpStatus, auth.errorCode, auth.message);
    } else if (operation.isEmpty()) {
        reply = Reply::error(400, QStringLiteral("UnknownOperationException"),
                             target.isEmpty() ? QStringLiteral("Missing X-Amz-Target header.")
                                              : QStringLiteral("Unknown operation %1").arg(target));
    } else {
        reply = respond(operation, input.body);
    }

    pending->reply = reply;
    const qint64 delayMs = qint64(m_latencyMs) + qMax(0, reply.extraDelayMs);
    if (delayMs <= 0 && !reply.drop) {
        finish(pending, reply);
        return;
    }
    // Aborting inside the handler would pull the socket from under QHttpServer: always defer.
    m_deadlines->callAt(arrivalNs + delayMs * 1000000, [this, pending] { finish(pending, pending->reply); });
}

void FakeEcrServer::finish(const std::shared_ptr<Pending> &pending, const Reply &reply)
{
    const int status = reply.drop ? 0 : reply.status;
    QTcpSocket *socket = pending->socket.data();
    if (reply.drop) {
        if (socket)
            socket->abort();
    } else if (socket && socket->state() == QAbstractSocket::ConnectedState) {
        pending->responder.write(reply.body,
                                 {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-amz-json-1.1")},
                                  {QByteArrayLiteral("x-amzn-RequestId"), pending->requestId},
                                  {QByteArrayLiteral("Date"), httpDate(QDateTime::currentDateTimeUtc())}},
                                 static_cast<QHttpServerResponder::StatusCode>(status));
    } else {
        qCDebug(lcSim) << "FakeEcrServer: client went away before the answer to" << pending->operation;
    }

    const qint64 slot = pending->serial - m_firstSerial;
    if (slot >= 0 && slot < m_requests.size()) {
        m_requests[slot].status = status;
        m_requests[slot].errorCode = reply.errorCode;
        m_requests[slot].heldMs = pending->clock.nsecsElapsed() / 1e6;
    }
    --m_inFlight;
    qCDebug(lcSim).nospace().noquote() << "FakeEcrServer: " << (pending->operation.isEmpty() ? QStringLiteral("?") : pending->operation)
                             << " -> " << status << (reply.errorCode.isEmpty() ? QString() : QLatin1Char(' ') + reply.errorCode)
                             << " in " << pending->clock.elapsed() << " ms";
    emit requestHandled(pending->operation, status);
}

bool FakeEcrServer::takeFault(const QString &operation, const QByteArray &body, Fault *fault)
{
    for (int i = 0; i < m_faults.size(); ++i) {
        FaultRule &rule = m_faults[i];
        if (!rule.operation.isEmpty() && rule.operation != operation)
            continue;
        *fault = rule.fault;
        if (rule.remaining > 0 && --rule.remaining == 0)
            m_faults.removeAt(i);
        return true;
    }
    if (operation != kDescribeImages || m_repositoryFaults.isEmpty())
        return false;
    const QString name = QJsonDocument::fromJson(body).object().value(QStringLiteral("repositoryName")).toString();
    auto it = m_repositoryFaults.find(name);
    if (it == m_repositoryFaults.end())
        return false;
    *fault = it->fault;
    if (it->remaining > 0 && --it->remaining == 0)
        m_repositoryFaults.erase(it);
    return true;
}

FakeEcrServer::Reply FakeEcrServer::respond(const QString &operation, const QByteArray &body)
{
    Fault fault;
    if (!takeFault(operation, body, &fault))
        return dispatch(operation, body);

    const QString arn = QStringLiteral("arn:aws:iam::%1:user/fake-ecr").arg(m_registry.registryId);
    switch (fault) {
    case Fault::Throttle:
        return Reply::error(400, QStringLiteral("ThrottlingException"), QStringLiteral("Rate exceeded"));
    case Fault::TooManyRequests:
        return Reply::error(429, QStringLiteral("ThrottlingException"), QStringLiteral("Too Many Requests"));
    case Fault::InternalError:
        return Reply::error(500, QStringLiteral("ServerException"), QStringLiteral("Internal Server Error"));
    case Fault::ServiceUnavailable:
        return Reply::error(503, QStringLiteral("ServiceUnavailable"), QStringLiteral("Service Unavailable"));
    case Fault::Slow: {
        Reply reply = dispatch(operation, body);
        reply.extraDelayMs = m_slowMs;
        return reply;
    }
    case Fault::MalformedJson:
        // What a proxy in front of the service might send back.
        return Reply::ok(QByteArrayLiteral("<html><body>upstream connect error or disconnect/reset before headers"
                                           "</body></html>"));
    case Fault::TruncatedJson: {
        Reply reply = dispatch(operation, body);
        reply.body.truncate(reply.body.size() / 2);
        return reply;
    }
    case Fault::DropConnection: {
        Reply reply;
        reply.drop = true;
        return reply;
    }
    case Fault::AccessDenied:
        return Reply::error(400, QStringLiteral("AccessDeniedException"),
                            QStringLiteral("User: %1 is not authorized to perform: ecr:%2 on resource: "
                                           "arn:aws:ecr:%3:%4:repository/* because no identity-based policy "
                                           "allows the ecr:%2 action")
                                .arg(arn, operation, effectiveRegion(), m_registry.registryId));
    case Fault::ExpiredToken:
        return Reply::error(400, QStringLiteral("ExpiredTokenException"),
                            QStringLiteral("The security token included in the request is expired"));
    }
    return dispatch(operation, body);
}

FakeEcrServer::Reply FakeEcrServer::dispatch(const QString &operation, const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body.trimmed().isEmpty() ? QByteArray("{}") : body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return Reply::error(400, QStringLiteral("SerializationException"),
                            QStringLiteral("The request body is not a JSON object: %1")
                                .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                             : QStringLiteral("not an object")));
    }
    const QJsonObject input = document.object();
    if (operation == kDescribeRegistry)
        return describeRegistry(input);
    if (operation == kDescribeRepositories)
        return describeRepositories(input);
    if (operation == kGetScanningConfiguration)
        return getRegistryScanningConfiguration(input);
    if (operation == kDescribeImageScanFindings)
        return describeImageScanFindings(input);
    return describeImages(input);
}

FakeEcrServer::Reply FakeEcrServer::foreignRegistry(const QJsonObject &input, const QString &operation) const
{
    const QJsonValue id = input.value(QStringLiteral("registryId"));
    if (id.isUndefined() || id.isNull() || id.toString() == m_registry.registryId)
        return Reply::ok({});
    if (!id.isString()) {
        return Reply::error(400, kInvalidParameter,
                            QStringLiteral("Invalid parameter at 'registryId' failed to satisfy constraint: "
                                           "'must be a string of 12 digits'"));
    }
    return Reply::error(400, QStringLiteral("AccessDeniedException"),
                        QStringLiteral("User: arn:aws:iam::%1:user/fake-ecr is not authorized to perform: ecr:%2 on "
                                       "resource: arn:aws:ecr:%3:%4:repository/* because no resource-based policy "
                                       "allows the ecr:%2 action")
                            .arg(m_registry.registryId, operation, effectiveRegion(), id.toString()));
}

namespace {

// maxResults (1..1000, default 100) and nextToken shared by both paginated operations.
struct PageRequest {
    int size = kDefaultPageSize;
    int offset = 0;
    QString error;               // InvalidParameterException message
};

PageRequest readPage(const QJsonObject &input, const PageTokenCodec &tokens, const QByteArray &context)
{
    PageRequest page;
    const QJsonValue max = input.value(QStringLiteral("maxResults"));
    if (!max.isUndefined() && !max.isNull()) {
        const double value = max.toDouble(std::nan(""));
        if (!max.isDouble() || std::floor(value) != value) {
            page.error = QStringLiteral("Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                        "'Member must be an integer'");
            return page;
        }
        if (value < 1 || value > kMaxPageSize) {
            page.error = QStringLiteral("Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                        "'Member must have value %1'")
                             .arg(value < 1 ? QStringLiteral("greater than or equal to 1")
                                            : QStringLiteral("less than or equal to 1000"));
            return page;
        }
        page.size = int(value);
    }
    const QJsonValue token = input.value(QStringLiteral("nextToken"));
    if (!token.isUndefined() && !token.isNull()) {
        const std::optional<int> offset = token.isString() ? tokens.decode(token.toString(), context) : std::nullopt;
        if (!offset) {
            page.error = QStringLiteral("Invalid parameter at 'nextToken' failed to satisfy constraint: "
                                        "'The nextToken is invalid or has expired'");
            return page;
        }
        page.offset = *offset;
    }
    return page;
}

// {"<member>":[item,...],"nextToken":"..."} built in one buffer: pages of 1000 images are
// the hot path of the benchmarks.
template<typename AppendItem>
QByteArray listReply(const char *member, int count, AppendItem appendItem, const QString &nextToken)
{
    QByteArray out;
    out.reserve(64 + qsizetype(count) * 1024);
    out += "{\"";
    out += member;
    out += "\":[";
    for (int k = 0; k < count; ++k) {
        if (k > 0)
            out += ',';
        appendItem(out, k);
    }
    out += ']';
    if (!nextToken.isEmpty()) {
        out += ",\"nextToken\":";
        FakeEcrJson::appendString(out, nextToken);
    }
    out += '}';
    return out;
}

} // namespace

FakeEcrServer::Reply FakeEcrServer::describeRegistry(const QJsonObject &input)
{
    const Reply foreign = foreignRegistry(input, kDescribeRegistry);
    if (!foreign.errorCode.isEmpty())
        return foreign;
    QByteArray out = "{\"registryId\":";
    out += FakeEcrJson::string(m_registry.registryId);
    out += ",\"replicationConfiguration\":{\"rules\":[]}}";
    return Reply::ok(out);
}

FakeEcrServer::Reply FakeEcrServer::describeRepositories(const QJsonObject &input)
{
    const Reply foreign = foreignRegistry(input, kDescribeRepositories);
    if (!foreign.errorCode.isEmpty())
        return foreign;

    const QJsonValue names = input.value(QStringLiteral("repositoryNames"));
    if (!names.isUndefined() && !names.isNull()) {
        const QJsonArray list = names.toArray();
        if (!names.isArray() || list.isEmpty() || list.size() > 100) {
            return Reply::error(400, kInvalidParameter,
                                QStringLiteral("Invalid parameter at 'repositoryNames' failed to satisfy constraint: "
                                               "'Member must have length between 1 and 100'"));
        }
        if (input.contains(QStringLiteral("nextToken")) || input.contains(QStringLiteral("maxResults"))) {
            return Reply::error(400, kInvalidParameter,
                                QStringLiteral("repositoryNames cannot be combined with nextToken or maxResults"));
        }
        QVector<int> positions;
        for (const QJsonValue &value : list) {
            const QString name = value.toString();
            const auto it = m_index.constFind(name);
            if (it == m_index.constEnd()) {
                return Reply::error(400, QStringLiteral("RepositoryNotFoundException"),
                                    QStringLiteral("The repository with name '%1' does not exist in the registry "
                                                   "with id '%2'").arg(name, m_registry.registryId));
            }
            positions.append(it->position);
        }
        return Reply::ok(listReply("repositories", int(positions.size()), [&](QByteArray &out, int k) {
            const int p = positions.at(k);
            FakeEcrJson::appendRepository(out, m_registry.repositories.at(p), repositoryTimeStyle(p));
        }, {}));
    }

    const PageRequest page = readPage(input, m_tokens, kDescribeRepositories.toLatin1());
    if (!page.error.isEmpty())
        return Reply::error(400, kInvalidParameter, page.error);
    const int total = m_registry.repositories.size();
    const int begin = qMin(page.offset, total);
    const int end = qMin(total, begin + qMin(page.size, m_pageCap));
    const QString next = end < total ? m_tokens.encode(end, kDescribeRepositories.toLatin1()) : QString();
    return Reply::ok(listReply("repositories", end - begin, [&](QByteArray &out, int k) {
        const int p = begin + k;
        FakeEcrJson::appendRepository(out, m_registry.repositories.at(p), repositoryTimeStyle(p));
    }, next));
}

FakeEcrServer::Reply FakeEcrServer::describeImages(const QJsonObject &input)
{
    const QJsonValue nameValue = input.value(QStringLiteral("repositoryName"));
    if (!nameValue.isString() || nameValue.toString().isEmpty()) {
        return Reply::error(400, kInvalidParameter,
                            QStringLiteral("Invalid parameter at 'repositoryName' failed to satisfy constraint: "
                                           "'Member must not be null'"));
    }
    const Reply foreign = foreignRegistry(input, kDescribeImages);
    if (!foreign.errorCode.isEmpty())
        return foreign;
    const QString name = nameValue.toString();
    const auto it = m_index.constFind(name);
    if (it == m_index.constEnd()) {
        return Reply::error(400, QStringLiteral("RepositoryNotFoundException"),
                            QStringLiteral("The repository with name '%1' does not exist in the registry with id '%2'")
                                .arg(name, m_registry.registryId));
    }
    const RepositoryIndex &index = *it;
    const auto imagesIt = m_registry.images.constFind(name);
    static const QVector<EcrImage> kNoImages;
    const QVector<EcrImage> &images = imagesIt == m_registry.images.constEnd() ? kNoImages : *imagesIt;

    const QJsonValue ids = input.value(QStringLiteral("imageIds"));
    if (!ids.isUndefined() && !ids.isNull()) {
        const QJsonArray list = ids.toArray();
        if (!ids.isArray() || list.isEmpty() || list.size() > 100) {
            return Reply::error(400, kInvalidParameter,
                                QStringLiteral("Invalid parameter at 'imageIds' failed to satisfy constraint: "
                                               "'Member must have length between 1 and 100'"));
        }
        if (input.contains(QStringLiteral("nextToken")) || input.contains(QStringLiteral("maxResults"))) {
            return Reply::error(400, kInvalidParameter,
                                QStringLiteral("imageIds cannot be combined with nextToken or maxResults"));
        }
        QVector<int> seen;
        for (const QJsonValue &value : list) {
            const QString digest = value.toObject().value(QStringLiteral("imageDigest")).toString();
            const QString tag = value.toObject().value(QStringLiteral("imageTag")).toString();
            int found = -1;
            if (!digest.isEmpty() || !tag.isEmpty()) {
                for (int i = 0; i < images.size() && found < 0; ++i) {
                    if ((digest.isEmpty() || images.at(i).imageDigest == digest)
                        && (tag.isEmpty() || images.at(i).imageTags.contains(tag)))
                        found = i;
                }
            }
            if (found < 0) {
                auto quoted = [](const QString &s) { return s.isEmpty() ? QStringLiteral("null") : QLatin1Char('\'') + s + QLatin1Char('\''); };
                return Reply::error(400, QStringLiteral("ImageNotFoundException"),
                                    QStringLiteral("The image with imageId {imageDigest:%1, imageTag:%2} does not exist "
                                                   "within the repository with name '%3' in the registry with id '%4'")
                                        .arg(quoted(digest), quoted(tag), name, m_registry.registryId));
            }
            if (!seen.contains(found))
                seen.append(found);
        }
        return Reply::ok(listReply("imageDetails", int(seen.size()), [&](QByteArray &out, int k) {
            const int i = seen.at(k);
            FakeEcrJson::appendImage(out, images.at(i), imageTimeStyle(i), i % 2 == 0);
        }, {}));
    }

    QString tagStatus = QStringLiteral("ANY");
    const QJsonValue filter = input.value(QStringLiteral("filter"));
    if (!filter.isUndefined() && !filter.isNull()) {
        const QJsonValue status = filter.toObject().value(QStringLiteral("tagStatus"));
        if (!filter.isObject() || (!status.isUndefined() && !status.isString())) {
            return Reply::error(400, kInvalidParameter,
                                QStringLiteral("Invalid parameter at 'filter' failed to satisfy constraint: "
                                               "'Member must be an object with tagStatus TAGGED, UNTAGGED or ANY'"));
        }
        if (status.isString())
            tagStatus = status.toString();
        if (tagStatus != QLatin1String("TAGGED") && tagStatus != QLatin1String("UNTAGGED") && tagStatus != QLatin1String("ANY")) {
            return Reply::error(400, kInvalidParameter,
                                QStringLiteral("Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: "
                                               "'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'"));
        }
    }

    const QByteArray context = kDescribeImages.toLatin1() + '\n' + name.toUtf8() + '\n' + tagStatus.toLatin1();
    const PageRequest page = readPage(input, m_tokens, context);
    if (!page.error.isEmpty())
        return Reply::error(400, kInvalidParameter, page.error);

    const QVector<int> *selection = nullptr;
    if (tagStatus == QLatin1String("TAGGED"))
        selection = &index.tagged;
    else if (tagStatus == QLatin1String("UNTAGGED"))
        selection = &index.untagged;
    const int total = selection ? selection->size() : images.size();
    const int begin = qMin(page.offset, total);
    const int end = qMin(total, begin + qMin(page.size, m_pageCap));
    const QString next = end < total ? m_tokens.encode(end, context) : QString();
    return Reply::ok(listReply("imageDetails", end - begin, [&](QByteArray &out, int k) {
        const int i = selection ? selection->at(begin + k) : begin + k;
        // Position-based choices: half the scanned-clean images say "findingSeverityCounts":{}.
        FakeEcrJson::appendImage(out, images.at(i), imageTimeStyle(i), i % 2 == 0);
    }, next));
}

FakeEcrServer::Reply FakeEcrServer::getRegistryScanningConfiguration(const QJsonObject &)
{
    // No input members: it always describes the caller's own registry.
    return Reply::ok(FakeEcrJson::scanningConfiguration(m_registry.registryId,
                                                        FakeRegistry::scanTypeName(m_registry.scanMode),
                                                        m_registry.scanningRules));
}

FakeEcrServer::Reply FakeEcrServer::describeImageScanFindings(const QJsonObject &input)
{
    const QJsonValue nameValue = input.value(QStringLiteral("repositoryName"));
    if (!nameValue.isString() || nameValue.toString().isEmpty()) {
        return Reply::error(400, kInvalidParameter,
                            QStringLiteral("Invalid parameter at 'repositoryName' failed to satisfy constraint: "
                                           "'Member must not be null'"));
    }
    const QJsonValue idValue = input.value(QStringLiteral("imageId"));
    const QString digest = idValue.toObject().value(QStringLiteral("imageDigest")).toString();
    const QString tag = idValue.toObject().value(QStringLiteral("imageTag")).toString();
    if (!idValue.isObject() || (digest.isEmpty() && tag.isEmpty())) {
        return Reply::error(400, kInvalidParameter,
                            QStringLiteral("Invalid parameter at 'imageId' failed to satisfy constraint: "
                                           "'Member must have an imageDigest or an imageTag'"));
    }
    const Reply foreign = foreignRegistry(input, kDescribeImageScanFindings);
    if (!foreign.errorCode.isEmpty())
        return foreign;
    const QString name = nameValue.toString();
    if (!m_index.contains(name)) {
        return Reply::error(400, QStringLiteral("RepositoryNotFoundException"),
                            QStringLiteral("The repository with name '%1' does not exist in the registry with id '%2'")
                                .arg(name, m_registry.registryId));
    }
    const QVector<EcrImage> images = m_registry.images.value(name);
    int position = -1;
    for (int i = 0; i < images.size() && position < 0; ++i) {
        if ((digest.isEmpty() || images.at(i).imageDigest == digest) && (tag.isEmpty() || images.at(i).imageTags.contains(tag)))
            position = i;
    }
    auto quoted = [](const QString &s) { return s.isEmpty() ? QStringLiteral("null") : QLatin1Char('\'') + s + QLatin1Char('\''); };
    if (position < 0) {
        return Reply::error(400, QStringLiteral("ImageNotFoundException"),
                            QStringLiteral("The image with imageId {imageDigest:%1, imageTag:%2} does not exist within "
                                           "the repository with name '%3' in the registry with id '%4'")
                                .arg(quoted(digest), quoted(tag), name, m_registry.registryId));
    }
    const EcrImage &image = images.at(position);
    if (image.scanStatus.isEmpty()) {
        return Reply::error(400, QStringLiteral("ScanNotFoundException"),
                            QStringLiteral("Image scan does not exist for the image with '{imageDigest:%1, imageTag:%2}' "
                                           "in the repository with name '%3' in the registry with id '%4'")
                                .arg(quoted(digest), quoted(tag), name, m_registry.registryId));
    }

    const QByteArray context = kDescribeImageScanFindings.toLatin1() + '\n' + name.toUtf8() + '\n'
        + image.imageDigest.toLatin1();
    const PageRequest page = readPage(input, m_tokens, context);
    if (!page.error.isEmpty())
        return Reply::error(400, kInvalidParameter, page.error);

    // One severity per finding, interleaved (CRITICAL, HIGH, ..., CRITICAL, ...) so that every
    // page mixes severities and a client must read them all to count.
    QVector<const QString *> severities;      // point into `left`'s keys
    QMap<QString, int> left = image.severityCounts;
    const bool withResults = image.scanStatus == QLatin1String("COMPLETE") || image.scanStatus == QLatin1String("ACTIVE");
    if (withResults) {
        bool more = true;
        while (more) {
            more = false;
            for (auto it = left.begin(); it != left.end(); ++it) {
                if (it.value() > 0) {
                    severities.append(&it.key());
                    --it.value();
                    more = true;
                }
            }
        }
    }
    const int total = int(severities.size());
    const int begin = qMin(page.offset, total);
    const int end = qMin(total, begin + qMin(page.size, m_pageCap));
    const QString next = end < total ? m_tokens.encode(end, context) : QString();
    const FakeEcrJson::TimeStyle style = imageTimeStyle(position);

    QByteArray out;
    out.reserve(512 + qsizetype(end - begin) * (m_registry.scanMode == FakeRegistry::ScanMode::Enhanced ? 2048 : 400));
    out += "{\"registryId\":";
    FakeEcrJson::appendString(out, m_registry.registryId);
    out += ",\"repositoryName\":";
    FakeEcrJson::appendString(out, name);
    out += ",\"imageId\":{\"imageDigest\":";
    FakeEcrJson::appendString(out, image.imageDigest);
    if (!tag.isEmpty()) {
        out += ",\"imageTag\":";
        FakeEcrJson::appendString(out, tag);
    }
    out += "},\"imageScanStatus\":{\"status\":";
    FakeEcrJson::appendString(out, image.scanStatus);
    if (!image.scanStatusDescription.isEmpty()) {
        out += ",\"description\":";
        FakeEcrJson::appendString(out, image.scanStatusDescription);
    }
    out += '}';
    if (withResults) {
        out += ",\"imageScanFindings\":{";
        bool first = true;
        auto time = [&](const char *member, const QDateTime &t) {
            if (!t.isValid())
                return;
            if (!first)
                out += ',';
            first = false;
            out += '"';
            out += member;
            out += "\":";
            out += FakeEcrJson::timestamp(t, style);
        };
        time("imageScanCompletedAt", image.scanCompletedAt);
        time("vulnerabilitySourceUpdatedAt", image.vulnerabilitySourceUpdatedAt);
        const bool counts = m_severityCounts == SeverityCountsPolicy::Always
            || (m_severityCounts == SeverityCountsPolicy::Alternate && position % 2 == 0);
        if (counts) {
            out += first ? "" : ",";
            first = false;
            out += "\"findingSeverityCounts\":{";
            bool firstCount = true;
            for (auto it = image.severityCounts.cbegin(); it != image.severityCounts.cend(); ++it) {
                if (!firstCount)
                    out += ',';
                firstCount = false;
                FakeEcrJson::appendString(out, it.key());
                out += ':';
                out += QByteArray::number(it.value());
            }
            out += '}';
        }
        const bool enhanced = m_registry.scanMode == FakeRegistry::ScanMode::Enhanced;
        out += first ? "" : ",";
        out += enhanced ? "\"enhancedFindings\":[" : "\"findings\":[";
        for (int k = begin; k < end; ++k) {
            if (k > begin)
                out += ',';
            if (enhanced)
                FakeEcrJson::appendEnhancedFinding(out, image, *severities.at(k), k, effectiveRegion(), style);
            else
                FakeEcrJson::appendBasicFinding(out, image, *severities.at(k), k);
        }
        out += "]}";
    }
    if (!next.isEmpty()) {
        out += ",\"nextToken\":";
        FakeEcrJson::appendString(out, next);
    }
    out += '}';
    return Reply::ok(out);
}
