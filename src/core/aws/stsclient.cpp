#include "stsclient.h"

#include "awshttpclient.h"
#include "awsrequest.h"
#include "logcategories.h"
#include "xmlerrorparser.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>
#include <QXmlStreamReader>

namespace {

const QByteArray kContentType = QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8");
const QString kVersion = QStringLiteral("2011-06-15");

// Collects the text of leaf elements by their path below the document element's child,
// e.g. "AssumeRoleResult/Credentials/AccessKeyId".
QHash<QString, QString> leafValues(const QByteArray &xml, QString *rootName, QString *parseError)
{
    QHash<QString, QString> values;
    QXmlStreamReader reader(xml);
    QStringList path;
    QString text;
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement:
            if (path.isEmpty() && rootName)
                *rootName = reader.name().toString();
            path << reader.name().toString();
            text.clear();
            break;
        case QXmlStreamReader::Characters:
            text += reader.text();
            break;
        case QXmlStreamReader::EndElement:
            if (path.size() > 1)
                values.insert(QStringList(path.mid(1)).join(QLatin1Char('/')), text.trimmed());
            if (!path.isEmpty())
                path.removeLast();
            text.clear();
            break;
        default:
            break;
        }
    }
    if (reader.hasError() && parseError)
        *parseError = reader.errorString();
    return values;
}

AwsError parseError(const QString &operation, const QString &what)
{
    AwsError e = AwsError::make(AwsError::Kind::Parse,
        QStringLiteral("the STS %1 reply %2; check AWS_ENDPOINT_URL_STS points at STS").arg(operation, what));
    e.operation = operation;
    return e;
}

} // namespace

StsClient::StsClient(AwsHttpClient *http, const QString &region, const QUrl &endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_region(region), m_endpoint(endpoint)
{
    Q_ASSERT(http);
}

QByteArray StsClient::formBody(const QList<QPair<QString, QString>> &parameters)
{
    QByteArray out;
    for (const auto &p : parameters) {
        if (!out.isEmpty())
            out += '&';
        out += p.first.toUtf8().toPercentEncoding("-_.~") + '=' + p.second.toUtf8().toPercentEncoding("-_.~");
    }
    return out;
}

QString StsClient::defaultSessionName(const QDateTime &now)
{
    return QStringLiteral("botocore-session-%1").arg(now.toSecsSinceEpoch());
}

bool StsClient::isValidSessionName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_+=,.@-]{2,64}$"));
    return re.match(name).hasMatch();
}

QDateTime StsClient::parseTimestamp(const QString &text)
{
    QDateTime t = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!t.isValid())
        return {};
    if (t.timeSpec() == Qt::LocalTime)
        t.setTimeSpec(Qt::UTC);  // AWS times without an offset are UTC
    return t.toUTC();
}

StsClient::AssumedRole StsClient::parseAssumedRole(const QByteArray &xml, const QString &operation, AwsError *error)
{
    QString root;
    QString xmlError;
    const QHash<QString, QString> v = leafValues(xml, &root, &xmlError);
    const QString base = operation + QStringLiteral("Result/");
    AssumedRole out;
    auto fail = [&](const QString &what) {
        if (error)
            *error = parseError(operation, what);
        return AssumedRole();
    };
    if (!xmlError.isEmpty())
        return fail(QStringLiteral("is not well-formed XML (%1)").arg(xmlError));
    if (root != operation + QStringLiteral("Response"))
        return fail(QStringLiteral("has root element <%1>, expected <%2Response>").arg(root.isEmpty() ? QStringLiteral("none") : root, operation));
    const QString prefix = base + QStringLiteral("Credentials/");
    out.credentials.accessKeyId = v.value(prefix + QStringLiteral("AccessKeyId"));
    out.credentials.secretAccessKey = v.value(prefix + QStringLiteral("SecretAccessKey"));
    out.credentials.sessionToken = v.value(prefix + QStringLiteral("SessionToken"));
    const QString expiration = v.value(prefix + QStringLiteral("Expiration"));
    for (const char *field : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}) {
        if (v.value(prefix + QLatin1String(field)).isEmpty())
            return fail(QStringLiteral("has no Credentials/%1").arg(QLatin1String(field)));
    }
    out.credentials.expiration = parseTimestamp(expiration);
    if (!out.credentials.expiration.isValid())
        return fail(QStringLiteral("has an Expiration that is not an ISO 8601 time"));
    out.assumedRoleArn = v.value(base + QStringLiteral("AssumedRoleUser/Arn"));
    out.requestId = v.value(QStringLiteral("ResponseMetadata/RequestId"));
    return out;
}

StsClient::CallerIdentity StsClient::parseCallerIdentity(const QByteArray &xml, AwsError *error)
{
    QString root;
    QString xmlError;
    const QHash<QString, QString> v = leafValues(xml, &root, &xmlError);
    const QString op = QStringLiteral("GetCallerIdentity");
    if (!xmlError.isEmpty()) {
        if (error)
            *error = parseError(op, QStringLiteral("is not well-formed XML (%1)").arg(xmlError));
        return {};
    }
    CallerIdentity id;
    id.account = v.value(QStringLiteral("GetCallerIdentityResult/Account"));
    id.arn = v.value(QStringLiteral("GetCallerIdentityResult/Arn"));
    id.userId = v.value(QStringLiteral("GetCallerIdentityResult/UserId"));
    if (root != QLatin1String("GetCallerIdentityResponse") || id.account.isEmpty() || id.arn.isEmpty()) {
        if (error)
            *error = parseError(op, QStringLiteral("has no GetCallerIdentityResult/Account and Arn"));
        return {};
    }
    return id;
}

void StsClient::assumeRole(const AssumeRoleInput &input, QObject *context, AssumeRoleCallback callback)
{
    QList<QPair<QString, QString>> p{{QStringLiteral("Action"), QStringLiteral("AssumeRole")},
                                     {QStringLiteral("Version"), kVersion},
                                     {QStringLiteral("RoleArn"), input.roleArn},
                                     {QStringLiteral("RoleSessionName"), input.roleSessionName}};
    if (input.durationSeconds > 0)
        p.append({QStringLiteral("DurationSeconds"), QString::number(input.durationSeconds)});
    if (!input.externalId.isEmpty())
        p.append({QStringLiteral("ExternalId"), input.externalId});
    if (!input.serialNumber.isEmpty()) {
        p.append({QStringLiteral("SerialNumber"), input.serialNumber});
        p.append({QStringLiteral("TokenCode"), input.tokenCode});
    }
    sendCredentialsCall(QStringLiteral("AssumeRole"), p, true, context, std::move(callback));
}

void StsClient::assumeRoleWithWebIdentity(const WebIdentityInput &input, QObject *context, AssumeRoleCallback callback)
{
    QList<QPair<QString, QString>> p{{QStringLiteral("Action"), QStringLiteral("AssumeRoleWithWebIdentity")},
                                     {QStringLiteral("Version"), kVersion},
                                     {QStringLiteral("RoleArn"), input.roleArn},
                                     {QStringLiteral("RoleSessionName"), input.roleSessionName},
                                     {QStringLiteral("WebIdentityToken"), QString::fromUtf8(input.webIdentityToken)}};
    if (input.durationSeconds > 0)
        p.append({QStringLiteral("DurationSeconds"), QString::number(input.durationSeconds)});
    sendCredentialsCall(QStringLiteral("AssumeRoleWithWebIdentity"), p, false, context, std::move(callback));
}

void StsClient::sendCredentialsCall(const QString &operation, const QList<QPair<QString, QString>> &parameters,
                                    bool sign, QObject *context, AssumeRoleCallback callback)
{
    AwsRequest r;
    r.operation = operation;
    r.method = "POST";
    r.url = m_endpoint;
    r.headers = {{QByteArrayLiteral("Content-Type"), kContentType}};
    r.body = formBody(parameters);
    r.sign = sign;
    r.region = m_region;
    r.service = QStringLiteral("sts");
    m_http->send(r, &XmlErrorParser::parse, context ? context : this,
                 [operation, callback = std::move(callback)](const AwsResponse &response, const AwsError &error) {
                     if (error) {
                         callback({}, error);
                         return;
                     }
                     AwsError parseFailure;
                     AssumedRole role = parseAssumedRole(response.body, operation, &parseFailure);
                     if (parseFailure) {
                         parseFailure.requestId = response.requestId;
                         callback({}, parseFailure);
                         return;
                     }
                     if (role.requestId.isEmpty())
                         role.requestId = response.requestId;
                     callback(role, {});
                 });
}

void StsClient::getCallerIdentity(QObject *context, IdentityCallback callback)
{
    AwsRequest r;
    r.operation = QStringLiteral("GetCallerIdentity");
    r.method = "POST";
    r.url = m_endpoint;
    r.headers = {{QByteArrayLiteral("Content-Type"), kContentType}};
    r.body = formBody({{QStringLiteral("Action"), QStringLiteral("GetCallerIdentity")},
                       {QStringLiteral("Version"), kVersion}});
    r.region = m_region;
    r.service = QStringLiteral("sts");
    m_http->send(r, &XmlErrorParser::parse, context ? context : this,
                 [callback = std::move(callback)](const AwsResponse &response, const AwsError &error) {
                     if (error) {
                         callback({}, error);
                         return;
                     }
                     AwsError parseFailure;
                     const CallerIdentity id = parseCallerIdentity(response.body, &parseFailure);
                     callback(id, parseFailure);
                 });
}
