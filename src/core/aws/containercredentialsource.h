#pragma once

#include "credentialsource.h"
#include "credentialsourcedependencies.h"

#include <QPointer>
#include <QUrl>

class AwsHttpClient;
class QNetworkAccessManager;

// Container credentials (aws-for-ecr-exporter.md §c.5): ECS task roles and EKS Pod Identity.
//  - AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: GET http://169.254.170.2<relative> (wins when
//    both are set; the host is a dependency only so tests can inject a fake);
//  - AWS_CONTAINER_CREDENTIALS_FULL_URI: GET that URL; http only to loopback, localhost,
//    169.254.170.2, 169.254.170.23 or fd00:ec2::23, https to any host.
// Authorization header: the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read on
// each fetch; wins) else AWS_CONTAINER_AUTHORIZATION_TOKEN; CR/LF in it is refused.
// Reply JSON: AccessKeyId, SecretAccessKey, Token, Expiration. Never through a proxy (own
// QNetworkAccessManager); 2 s timeout, 3 attempts about 1 s apart (botocore).
//
// Not found: neither variable set. Failed: a bad URL/host/token, or the endpoint not
// answering with credentials. Labels: "container (ECS task role)", "container (EKS Pod
// Identity)", "container (<url>)".
class ContainerCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    explicit ContainerCredentialSource(const CredentialSourceDependencies &deps, QObject *parent = nullptr);
    ~ContainerCredentialSource() override;

    QString name() const override;
    void fetch(Callback done) override;
    void cancel() override;

    // Where to go, from the environment; *error for a bad URL or a disallowed host.
    // Empty URL and no error: not configured.
    static QUrl endpointFrom(const QProcessEnvironment &env, const QString &ecsHost, AwsError *error);
    static bool isAllowedHost(const QString &host);
    // The JSON reply -> credentials (Failed result on anything missing).
    static Result parseReply(const QByteArray &json, const QString &label);

private:
    CredentialSourceDependencies m_deps;
    QNetworkAccessManager *m_nam;
    AwsHttpClient *m_http;
    QPointer<QObject> m_inFlight;
};
