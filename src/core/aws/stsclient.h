#pragma once

#include "awscredentials.h"
#include "awserror.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>
#include <functional>

class AwsHttpClient;

// AWS STS over its query protocol (form-encoded POST, XML replies, version 2011-06-15), the
// three calls the exporter needs (aws-for-ecr-exporter.md §c.3/§c.4):
//  - AssumeRole: signed with the http client's credentials (the source profile's keys);
//  - AssumeRoleWithWebIdentity: unsigned, the OIDC token is the proof;
//  - GetCallerIdentity: signed; who the credentials belong to (for the start-up log).
// Errors come from XmlErrorParser (ErrorResponse/Error/Code). The endpoint is explicit (the
// caller resolves it with EndpointResolver::sts(), i.e. AWS_ENDPOINT_URL_STS and friends);
// the signing region is `region`, the signing name "sts". Replies carry secrets: they are
// parsed here and never logged.
class StsClient : public QObject
{
    Q_OBJECT
public:
    struct AssumeRoleInput {
        QString roleArn;
        QString roleSessionName;   // 2-64 chars of [\w+=,.@-]
        QString externalId;        // optional
        QString serialNumber;      // optional MFA device (needs tokenCode)
        QString tokenCode;
        int durationSeconds = 0;   // 0: STS default (3600)
    };
    struct WebIdentityInput {
        QString roleArn;
        QString roleSessionName;
        QByteArray webIdentityToken;  // never logged
        int durationSeconds = 0;
    };
    struct AssumedRole {
        AwsCredentials credentials;   // source left empty: the caller labels them
        QString assumedRoleArn;       // AssumedRoleUser/Arn
        QString requestId;
    };
    struct CallerIdentity {
        QString account;
        QString arn;
        QString userId;
    };
    using AssumeRoleCallback = std::function<void(const AssumedRole &, const AwsError &)>;
    using IdentityCallback = std::function<void(const CallerIdentity &, const AwsError &)>;

    // `http` is not owned and must outlive this client; its credential provider signs
    // AssumeRole and GetCallerIdentity (it may be null if only web identity is used).
    StsClient(AwsHttpClient *http, const QString &region, const QUrl &endpoint, QObject *parent = nullptr);

    QString region() const { return m_region; }
    QUrl endpoint() const { return m_endpoint; }

    // Callbacks run later in the event loop while `context` lives.
    void assumeRole(const AssumeRoleInput &input, QObject *context, AssumeRoleCallback callback);
    void assumeRoleWithWebIdentity(const WebIdentityInput &input, QObject *context, AssumeRoleCallback callback);
    void getCallerIdentity(QObject *context, IdentityCallback callback);

    // Pure parts, public for tests.
    // application/x-www-form-urlencoded like botocore's query serializer: RFC 3986 unreserved
    // characters stay, everything else is %XX of its UTF-8 (space -> %20).
    static QByteArray formBody(const QList<QPair<QString, QString>> &parameters);
    // <Op>Response/<Op>Result/Credentials{AccessKeyId,SecretAccessKey,SessionToken,Expiration}.
    static AssumedRole parseAssumedRole(const QByteArray &xml, const QString &operation, AwsError *error);
    static CallerIdentity parseCallerIdentity(const QByteArray &xml, AwsError *error);
    // botocore's default: "botocore-session-<unix seconds>".
    static QString defaultSessionName(const QDateTime &now);
    // 2-64 characters of [A-Za-z0-9_+=,.@-].
    static bool isValidSessionName(const QString &name);
    // ISO 8601 as AWS writes it (with or without fractions/offset); naive times are UTC.
    static QDateTime parseTimestamp(const QString &text);

private:
    void sendCredentialsCall(const QString &operation, const QList<QPair<QString, QString>> &parameters,
                             bool sign, QObject *context, AssumeRoleCallback callback);

    AwsHttpClient *m_http;
    QString m_region;
    QUrl m_endpoint;
};
