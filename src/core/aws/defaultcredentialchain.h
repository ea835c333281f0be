#pragma once

#include "awssharedconfig.h"
#include "credentialchain.h"

#include <QProcessEnvironment>

// The exporter's standard credential chain, in botocore's order (aws-for-ecr-exporter.md §c.1).
// Today: environment keys -> static keys in the shared credentials file -> static keys in the
// config file, all for the profile selected in `config`. When the profile was given on the
// command line, environment keys are skipped (botocore does the same).
//
//   const auto env = QProcessEnvironment::systemEnvironment();
//   AwsError error;
//   const AwsSharedConfig shared = AwsSharedConfig::load(env, profileOption, &error);
//   auto *credentials = new DefaultCredentialChain(env, shared, &app);
//
// Where the next sources go (each a CredentialSource subclass built here from `env` and
// `config`, so callers never change):
//   1 environment            (here)
//   2 assume role            profile role_arn + source_profile/credential_source; its source
//                            credentials come from a nested chain for source_profile
//   3 web identity           AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or profile keys
//   4 SSO                    profile sso_session / sso_start_url (+ ~/.aws/sso/cache)
//   5 shared credentials file (here)
//   6 credential_process     profile credential_process
//   7 config file            (here)
//   8 container              AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI
//   9 IMDS                   unless AWS_EC2_METADATA_DISABLED=true
class DefaultCredentialChain : public CredentialChain
{
    Q_OBJECT
public:
    DefaultCredentialChain(const QProcessEnvironment &env, const AwsSharedConfig &config, QObject *parent = nullptr);
};
