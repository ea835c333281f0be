#pragma once

#include "fakehttpendpoint.h"

#include <QDateTime>
#include <QHash>

// A fake IAM Identity Center portal (portal.sso.<region>.amazonaws.com) on loopback:
// GET /federation/credentials?account_id=..&role_name=.. with header x-amz-sso_bearer_token
// answers {"roleCredentials": {accessKeyId, secretAccessKey, sessionToken, expiration (epoch
// ms)}} for a known token and account/role; an unknown token is 401 UnauthorizedException, an
// unknown account/role 403 ForbiddenException (restJson1 errors with x-amzn-ErrorType).
class FakeSsoPortal : public FakeHttpEndpoint
{
    Q_OBJECT
public:
    explicit FakeSsoPortal(QObject *parent = nullptr);

    void addAccess(const QByteArray &accessToken, const QString &accountId, const QString &roleName,
                   const QString &accessKeyId, const QString &secret, const QString &sessionToken, int lifetimeSeconds = 3600);

protected:
    Reply handle(const Request &request) override;

private:
    struct Access {
        QString accessKeyId, secret, sessionToken;
        int lifetimeSeconds;
    };
    static QString key(const QByteArray &token, const QString &account, const QString &role);
    QHash<QString, Access> m_access;
    QHash<QByteArray, bool> m_tokens;
};
