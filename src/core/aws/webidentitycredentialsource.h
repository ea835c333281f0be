#pragma once

#include "credentialsource.h"
#include "credentialsourcedependencies.h"

#include <QPointer>

class StsClient;

// EKS IRSA and other OIDC federation (aws-for-ecr-exporter.md §c.4): the token file named by
// AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN (optional AWS_ROLE_SESSION_NAME), or the
// profile's web_identity_token_file / role_arn / role_session_name; each setting from the
// environment first, then the profile (botocore). Exchanges the token for keys with STS
// AssumeRoleWithWebIdentity, unsigned, at the regional STS endpoint (AWS_ENDPOINT_URL_STS
// overrides). The token file is re-read on every fetch, because Kubernetes rotates it.
//
// Not found: no token file configured. Failed: token file set but no role ARN, the file is not
// readable or empty, or STS refused (InvalidIdentityToken, AccessDenied, ...). Label:
// "web-identity (role ARN)".
class WebIdentityCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    // `useEnvironment` false: only the profile's keys (a profile was given on the command
    // line, or this is an assume-role source profile).
    WebIdentityCredentialSource(const CredentialSourceDependencies &deps, const QString &profile,
                                bool useEnvironment, QObject *parent = nullptr);

    QString name() const override;
    void fetch(Callback done) override;
    void cancel() override;

private:
    struct Settings {
        QString tokenFile, tokenFileFrom;
        QString roleArn;
        QString sessionName;
    };
    Settings settings() const;

    CredentialSourceDependencies m_deps;
    QString m_profile;
    bool m_useEnvironment;
    StsClient *m_sts = nullptr;
    QPointer<QObject> m_inFlight;  // context of the running STS call; deleted to cancel
};
