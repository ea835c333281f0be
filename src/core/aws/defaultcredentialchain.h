#pragma once

#include "awssharedconfig.h"
#include "credentialchain.h"
#include "credentialsourcedependencies.h"

#include <QProcessEnvironment>

class ImdsClient;
class QNetworkAccessManager;

// The exporter's standard credential chain, in botocore's order (aws-for-ecr-exporter.md §c.1),
// for the profile selected in `config`; the first source that yields keys wins, a source that
// is configured but broken stops the walk with its error, and when nothing is found one error
// lists every source and why it gave nothing:
//   1 environment            AWS_ACCESS_KEY_ID/... (skipped when the profile came from the
//                            command line, like botocore)
//   2 assume role            the profile's role_arn + source_profile / credential_source
//   3 web identity           AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the profile's keys
//   4 IAM Identity Center    the profile's sso_* / sso_session (token from `aws sso login`)
//   5 shared credentials file static keys
//   6 credential_process
//   7 config file            static keys
//   8 container              AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI
//   9 EC2 instance metadata  unless AWS_EC2_METADATA_DISABLED=true
// STS calls go to the regional endpoint of `Options::region` (AWS_ENDPOINT_URL_STS and the
// other EndpointResolver overrides apply); STS and the SSO portal honour the proxy settings and
// AWS_CA_BUNDLE; container and IMDS endpoints never use a proxy.
//
//   const auto env = QProcessEnvironment::systemEnvironment();
//   AwsError error;
//   const AwsSharedConfig shared = AwsSharedConfig::load(env, profileOption, &error);
//   DefaultCredentialChain::Options options;
//   options.region = region;            // as resolved for ECR (flag, AWS_REGION, ..., IMDS)
//   options.imds = imds;                // optional: share the ImdsClient of the region lookup
//   auto *credentials = new DefaultCredentialChain(env, shared, options, &app);
class DefaultCredentialChain : public CredentialChain
{
    Q_OBJECT
public:
    struct Options {
        QString region;                         // empty: RegionResolver without a command-line value
        QNetworkAccessManager *nam = nullptr;   // for STS/SSO; null: the chain makes its own
        ImdsClient *imds = nullptr;             // null: the chain makes its own from env/config
        // Test hooks (production leaves them alone).
        QString ecsHost;                        // instead of 169.254.170.2
        int containerTimeoutMs = 0;             // 0: defaults of CredentialSourceDependencies
        int containerAttempts = 0;
        int containerRetryDelayMs = -1;
        int processTimeoutMs = 0;
    };

    DefaultCredentialChain(const QProcessEnvironment &env, const AwsSharedConfig &config, QObject *parent = nullptr);
    DefaultCredentialChain(const QProcessEnvironment &env, const AwsSharedConfig &config, const Options &options,
                           QObject *parent = nullptr);

    ImdsClient *imdsClient() const { return m_deps.imds; }
    const CredentialSourceDependencies &dependencies() const { return m_deps; }

private:
    CredentialSourceDependencies m_deps;
};
