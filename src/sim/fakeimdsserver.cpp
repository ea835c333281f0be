#include "fakeimdsserver.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {
const QString kCredentials = QStringLiteral("/latest/meta-data/iam/security-credentials/");
}

FakeImdsServer::FakeImdsServer(QObject *parent)
    : FakeHttpEndpoint(parent)
{
}

void FakeImdsServer::setRole(const QString &roleName, const QString &accessKeyId, const QString &secret,
                             const QString &token, const QDateTime &expiration)
{
    m_role = roleName;
    m_keyId = accessKeyId;
    m_secret = secret;
    m_token = token;
    m_expiration = expiration;
}

void FakeImdsServer::setOutage(Outage outage)
{
    m_outage = outage;
    setHang(outage == Outage::Hang);
}

FakeHttpEndpoint::Reply FakeImdsServer::text(int status, const QByteArray &body)
{
    Reply r;
    r.status = status;
    r.body = body;
    r.contentType = "text/plain";
    return r;
}

FakeHttpEndpoint::Reply FakeImdsServer::handle(const Request &request)
{
    if (m_outage == Outage::ServerError)
        return text(500, "Internal Server Error");

    if (request.path == QLatin1String("/latest/api/token")) {
        if (request.method != "PUT")
            return text(405, "Method Not Allowed");
        ++m_tokenRequests;
        if (m_tokenStatus != 200)
            return text(m_tokenStatus, "token endpoint unavailable");
        bool ok = false;
        const int ttl = request.header("x-aws-ec2-metadata-token-ttl-seconds").toInt(&ok);
        if (!ok || ttl < 1 || ttl > 21600)
            return text(400, "Bad Request");
        const QByteArray token = "FAKEIMDSTOKEN-" + QByteArray::number(++m_serial) + "-AQAEAHk";
        m_tokens.insert(token, QDateTime::currentDateTimeUtc().addSecs(ttl));
        Reply r = text(200, token);
        r.headers = {{QByteArrayLiteral("X-aws-ec2-metadata-token-ttl-seconds"), QByteArray::number(ttl)}};
        return r;
    }
    if (request.method != "GET")
        return text(405, "Method Not Allowed");

    if (request.hasHeader("x-aws-ec2-metadata-token")) {
        ++m_getsWithToken;
        const QByteArray token = request.header("x-aws-ec2-metadata-token");
        const auto it = m_tokens.constFind(token);
        if (it == m_tokens.cend() || it.value() <= QDateTime::currentDateTimeUtc())
            return text(401, "Unauthorized");
    } else {
        ++m_getsWithoutToken;
        if (m_requireToken)
            return text(401, "Unauthorized");
    }

    if (request.path == QLatin1String("/latest/meta-data/placement/region"))
        return m_region.isEmpty() ? text(404, "Not Found") : text(200, m_region.toUtf8());
    // botocore asks for the zone (with a trailing slash) and drops its letter.
    if (request.path == QLatin1String("/latest/meta-data/placement/availability-zone")
        || request.path == QLatin1String("/latest/meta-data/placement/availability-zone/"))
        return m_region.isEmpty() ? text(404, "Not Found") : text(200, m_region.toUtf8() + 'a');
    if (request.path == kCredentials)
        return m_role.isEmpty() ? text(404, "Not Found") : text(200, m_role.toUtf8());
    if (request.path.startsWith(kCredentials) && !m_role.isEmpty() && request.path.mid(kCredentials.size()) == m_role) {
        ++m_credentialRequests;
        QJsonObject o{{QStringLiteral("Code"), m_code},
                      {QStringLiteral("LastUpdated"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
        if (m_code == QLatin1String("Success")) {
            o.insert(QStringLiteral("Type"), QStringLiteral("AWS-HMAC"));
            o.insert(QStringLiteral("AccessKeyId"), m_keyId);
            o.insert(QStringLiteral("SecretAccessKey"), m_secret);
            o.insert(QStringLiteral("Token"), m_token);
            o.insert(QStringLiteral("Expiration"), m_expiration.toUTC().toString(Qt::ISODate));
        } else {
            o.insert(QStringLiteral("Message"), QStringLiteral("The instance profile could not be loaded"));
        }
        return text(200, QJsonDocument(o).toJson());
    }
    return text(404, "Not Found");
}
