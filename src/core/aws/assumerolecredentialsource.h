#pragma once

#include "credentialsource.h"
#include "credentialsourcedependencies.h"

#include <QPointer>
#include <QStringList>

class AwsHttpClient;
class CredentialChain;
class StsClient;

// A profile that assumes a role (aws-for-ecr-exporter.md §c.3): role_arn plus exactly one of
// source_profile (another profile, which may itself assume a role: chains are allowed, loops
// are a configuration error) or credential_source (Environment, Ec2InstanceMetadata,
// EcsContainer). Optional role_session_name (default botocore-session-<unix time>),
// external_id, duration_seconds (900-43200). STS AssumeRole is signed with the source
// credentials, which come from a nested CredentialChain built like botocore does:
//  - credential_source: that one source;
//  - source_profile with static keys, or without role_arn: the source profile's "profile
//    sources" (web identity, SSO, credentials file, credential_process, config file; never
//    environment keys);
//  - source_profile with role_arn and no keys: another AssumeRoleCredentialSource.
// A profile with web_identity_token_file is left to the web identity source. mfa_serial is
// refused (an exporter cannot prompt for a code).
//
// Not found: the profile has no role_arn. Failed: the configuration is wrong (named exactly),
// the source credentials are missing, or STS refused. Label:
// "assume-role (profile P, role ARN)".
class AssumeRoleCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    // `visited` is the chain of profiles that led here (for loop detection); empty at the top.
    AssumeRoleCredentialSource(const CredentialSourceDependencies &deps, const QString &profile,
                               const QStringList &visited = {}, QObject *parent = nullptr);
    ~AssumeRoleCredentialSource() override;

    QString name() const override;
    void fetch(Callback done) override;
    void cancel() override;

    // What the nested chain is made of, for tests and messages: "source profile 'base'",
    // "credential_source Environment", "assume-role of profile 'mid'".
    QString sourceDescription() const { return m_sourceDescription; }
    CredentialChain *sourceChain() const { return m_sourceChain; }

private:
    void configure(const QStringList &visited);

    CredentialSourceDependencies m_deps;
    QString m_profile;
    bool m_active = false;           // the profile has role_arn (and no web_identity_token_file)
    AwsError m_configError;
    QString m_roleArn;
    QString m_sessionName;
    QString m_externalId;
    int m_durationSeconds = 0;
    QString m_sourceDescription;
    CredentialChain *m_sourceChain = nullptr;
    AwsHttpClient *m_http = nullptr;
    StsClient *m_sts = nullptr;
    QPointer<QObject> m_inFlight;
};
