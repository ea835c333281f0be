#include "fakecontainercredentialsserver.h"

#include <QJsonDocument>
#include <QJsonObject>

FakeContainerCredentialsServer::FakeContainerCredentialsServer(QObject *parent)
    : FakeHttpEndpoint(parent)
{
}

void FakeContainerCredentialsServer::setCredentials(const QString &accessKeyId, const QString &secret,
                                                    const QString &token, const QDateTime &expiration)
{
    m_keyId = accessKeyId;
    m_secret = secret;
    m_token = token;
    m_expiration = expiration;
}

QList<QByteArray> FakeContainerCredentialsServer::authorizationsSeen() const
{
    QList<QByteArray> out;
    for (const Request &r : requests())
        out << r.header("authorization");
    return out;
}

FakeHttpEndpoint::Reply FakeContainerCredentialsServer::handle(const Request &request)
{
    Reply r;
    auto jsonError = [&r](int status, const char *code, const char *message) {
        r.status = status;
        r.body = QJsonDocument(QJsonObject{{QStringLiteral("code"), QLatin1String(code)},
                                           {QStringLiteral("message"), QLatin1String(message)}}).toJson(QJsonDocument::Compact);
        return r;
    };
    if (m_failures > 0) {
        --m_failures;
        return jsonError(m_failureStatus, "InternalServerError", "agent unavailable");
    }
    if (request.method != "GET")
        return jsonError(405, "MethodNotAllowed", "use GET");
    if (request.path != m_path)
        return jsonError(404, "NotFound", "no credentials at this path");
    if (!m_authorization.isEmpty()) {
        if (!request.hasHeader("authorization"))
            return jsonError(401, "AccessDeniedException", "Authorization header is missing");
        if (request.header("authorization") != m_authorization)
            return jsonError(403, "AccessDeniedException", "Authorization token is not valid");
    }
    if (m_malformed) {
        r.body = "{\"RoleArn\":\"arn:aws:iam::111122223333:role/task\"}";
        return r;
    }
    r.body = QJsonDocument(QJsonObject{{QStringLiteral("AccessKeyId"), m_keyId},
                                       {QStringLiteral("SecretAccessKey"), m_secret},
                                       {QStringLiteral("Token"), m_token},
                                       {QStringLiteral("Expiration"), m_expiration.toUTC().toString(Qt::ISODate)},
                                       {QStringLiteral("RoleArn"), QStringLiteral("arn:aws:iam::111122223333:role/task")},
                                       {QStringLiteral("AccountId"), QStringLiteral("111122223333")}})
                 .toJson(QJsonDocument::Compact);
    return r;
}
