#pragma once

#include "fakehttpendpoint.h"

#include <QDateTime>
#include <QHash>

// A fake EC2 instance metadata service on loopback: IMDSv2 tokens (PUT /latest/api/token
// with the TTL header; a missing/invalid TTL is 400 like IMDS), the instance profile role
// and its credentials, placement/region and placement/availability-zone. Modes for the tests: tokens required (IMDSv1
// refused with 401), the token endpoint forbidden (403, a proxy or an old IMDS), token TTL
// expiry, an outage (500s or never answering), and an error Code in the credentials document.
class FakeImdsServer : public FakeHttpEndpoint
{
    Q_OBJECT
public:
    enum class Outage { None, ServerError, Hang };

    explicit FakeImdsServer(QObject *parent = nullptr);

    // The attached role and what it hands out; an empty role name = no instance profile (404).
    void setRole(const QString &roleName, const QString &accessKeyId, const QString &secret, const QString &token,
                 const QDateTime &expiration);
    void setCredentialsCode(const QString &code) { m_code = code; }  // default "Success"
    void setRegion(const QString &region) { m_region = region; }     // empty: 404
    void setRequireToken(bool on) { m_requireToken = on; }           // IMDSv2 only (v1 GETs get 401)
    void setTokenStatus(int status) { m_tokenStatus = status; }      // 200 (default), or e.g. 403/404/405/400
    void setOutage(Outage outage);
    void invalidateTokens() { m_tokens.clear(); }                    // as after an IMDS restart

    int tokenRequests() const { return m_tokenRequests; }
    int getsWithToken() const { return m_getsWithToken; }
    int getsWithoutToken() const { return m_getsWithoutToken; }
    int credentialRequests() const { return m_credentialRequests; }

protected:
    Reply handle(const Request &request) override;

private:
    static Reply text(int status, const QByteArray &body);

    QString m_role;
    QString m_keyId, m_secret, m_token;
    QDateTime m_expiration;
    QString m_code = QStringLiteral("Success");
    QString m_region;
    bool m_requireToken = false;
    int m_tokenStatus = 200;
    Outage m_outage = Outage::None;
    QHash<QByteArray, QDateTime> m_tokens;  // token -> expiry
    int m_tokenRequests = 0;
    int m_getsWithToken = 0;
    int m_getsWithoutToken = 0;
    int m_credentialRequests = 0;
    int m_serial = 0;
};
