#include "fakessoportal.h"

#include <QJsonDocument>
#include <QJsonObject>

FakeSsoPortal::FakeSsoPortal(QObject *parent)
    : FakeHttpEndpoint(parent)
{
}

QString FakeSsoPortal::key(const QByteArray &token, const QString &account, const QString &role)
{
    return QString::fromUtf8(token) + QLatin1Char('\n') + account + QLatin1Char('\n') + role;
}

void FakeSsoPortal::addAccess(const QByteArray &accessToken, const QString &accountId, const QString &roleName,
                              const QString &accessKeyId, const QString &secret, const QString &sessionToken,
                              int lifetimeSeconds)
{
    m_tokens.insert(accessToken, true);
    m_access.insert(key(accessToken, accountId, roleName), Access{accessKeyId, secret, sessionToken, lifetimeSeconds});
}

FakeHttpEndpoint::Reply FakeSsoPortal::handle(const Request &request)
{
    Reply r;
    auto error = [&r](int status, const char *type, const char *message) {
        r.status = status;
        r.headers = {{QByteArrayLiteral("x-amzn-ErrorType"), QByteArray(type) + ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"}};
        r.body = QJsonDocument(QJsonObject{{QStringLiteral("message"), QLatin1String(message)}}).toJson(QJsonDocument::Compact);
        return r;
    };
    if (request.method != "GET" || request.path != QLatin1String("/federation/credentials"))
        return error(404, "NotFoundException", "unknown path");
    const QByteArray token = request.header("x-amz-sso_bearer_token");
    if (token.isEmpty() || !m_tokens.contains(token))
        return error(401, "UnauthorizedException", "Session token not found or invalid");
    const QString account = request.query.queryItemValue(QStringLiteral("account_id"), QUrl::FullyDecoded);
    const QString role = request.query.queryItemValue(QStringLiteral("role_name"), QUrl::FullyDecoded);
    const auto it = m_access.constFind(key(token, account, role));
    if (it == m_access.cend())
        return error(403, "ForbiddenException", "No access");
    const qint64 expiration = QDateTime::currentDateTimeUtc().addSecs(it->lifetimeSeconds).toMSecsSinceEpoch();
    r.body = QJsonDocument(QJsonObject{{QStringLiteral("roleCredentials"),
                                        QJsonObject{{QStringLiteral("accessKeyId"), it->accessKeyId},
                                                    {QStringLiteral("secretAccessKey"), it->secret},
                                                    {QStringLiteral("sessionToken"), it->sessionToken},
                                                    {QStringLiteral("expiration"), double(expiration)}}}})
                 .toJson(QJsonDocument::Compact);
    return r;
}
