#pragma once

#include "fakehttpendpoint.h"
#include "sigv4verifier.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

// A fake AWS STS endpoint (query protocol, XML replies) on loopback for the credential tests:
//  - AssumeRole: must be SigV4-signed for service "sts" and the configured region with a
//    known key (a caller key, or keys this fake issued earlier, so role chains work);
//  - AssumeRoleWithWebIdentity: must be unsigned; the token must be one of the accepted
//    tokens, else InvalidIdentityToken;
//  - GetCallerIdentity: signed; answers with the identity of the signing key.
// Roles hand out the keys the test configures (in order, the last one repeating), valid for
// a configurable lifetime, so a test can register exactly those keys with the fake ECR.
// Errors are AWS's <ErrorResponse> documents; faults can be injected per action.
class FakeStsServer : public FakeHttpEndpoint
{
    Q_OBJECT
public:
    struct Grant {
        QString accessKeyId;
        QString secretAccessKey;
        QString sessionToken;
        int lifetimeSeconds = 3600;
    };
    struct Call {
        QString action;             // "AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity", or "" if unknown
        QString roleArn;
        QString roleSessionName;
        QString externalId;
        int durationSeconds = 0;
        QByteArray webIdentityToken;
        QByteArray signingKeyId;    // from the Authorization header; empty when unsigned
        bool hadAuthorization = false;
        QByteArray contentType;
        int status = 0;
        QString errorCode;
    };

    explicit FakeStsServer(QObject *parent = nullptr);

    void setRegion(const QString &region);  // default us-east-1
    // Keys that may sign AssumeRole / GetCallerIdentity, and whose identity they are.
    void addCaller(const QString &accessKeyId, const QString &secret, const QString &sessionToken,
                   const QString &arn);
    // What AssumeRole / AssumeRoleWithWebIdentity for `roleArn` hand out.
    void addRole(const QString &roleArn, const QList<Grant> &grants);
    void acceptWebIdentityToken(const QByteArray &token);
    // The next `count` calls of `action` ("" = any) answer with this error document.
    void injectError(const QString &action, int httpStatus, const QString &code, const QString &message, int count = 1);

    QList<Call> calls() const { return m_calls; }
    int callCount(const QString &action) const;

protected:
    Reply handle(const Request &request) override;

private:
    struct Identity {
        QString arn;
        QString account;
    };
    struct Injected {
        QString action;
        int status;
        QString code;
        QString message;
        int remaining;
    };
    Reply error(Call &call, int status, const QString &code, const QString &message, const QString &type = QStringLiteral("Sender"));
    Reply issue(Call &call, const QString &roleArn, const QString &sessionName, const QString &subject);
    static QString accountOf(const QString &arn);

    QString m_region = QStringLiteral("us-east-1");
    SigV4Verifier m_verifier;
    QHash<QByteArray, Identity> m_identities;   // access key id -> who
    QHash<QString, QList<Grant>> m_roles;
    QHash<QString, int> m_issuedCount;
    QSet<QByteArray> m_tokens;
    QList<Injected> m_injected;
    QList<Call> m_calls;
    int m_requestSerial = 0;
};
