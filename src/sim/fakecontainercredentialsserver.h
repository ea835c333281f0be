#pragma once

#include "fakehttpendpoint.h"

#include <QDateTime>

// A fake ECS task-role / EKS Pod Identity credentials endpoint on loopback: answers GET
// <path> with {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn} when the
// Authorization header matches (if one is required), else 401/403 with a JSON error like the
// EKS Pod Identity agent. Can fail the next N requests with 500 or never answer.
class FakeContainerCredentialsServer : public FakeHttpEndpoint
{
    Q_OBJECT
public:
    explicit FakeContainerCredentialsServer(QObject *parent = nullptr);

    void setPath(const QString &path) { m_path = path; }  // default /v1/credentials
    void setCredentials(const QString &accessKeyId, const QString &secret, const QString &token,
                        const QDateTime &expiration);
    void setRequiredAuthorization(const QByteArray &value) { m_authorization = value; }  // empty: none required
    void failNext(int count, int status = 500) { m_failures = count; m_failureStatus = status; }
    void setMalformed(bool on) { m_malformed = on; }      // 200 with a body that lacks the keys

    QList<QByteArray> authorizationsSeen() const;        // per request, for tests (fake tokens only)

protected:
    Reply handle(const Request &request) override;

private:
    QString m_path = QStringLiteral("/v1/credentials");
    QString m_keyId, m_secret, m_token;
    QDateTime m_expiration;
    QByteArray m_authorization;
    int m_failures = 0;
    int m_failureStatus = 500;
    bool m_malformed = false;
};
