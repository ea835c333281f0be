#pragma once

#include "awserror.h"
#include "credentialsourcedependencies.h"

#include <QList>
#include <QString>

class CredentialSource;

// Builds the credential sources botocore groups per profile, for DefaultCredentialChain and
// for the source profile of an assume-role profile (aws-for-ecr-exporter.md §c.1/§c.3).
// Sources are returned unparented; the caller adds them to a CredentialChain.
class CredentialSourceBuilder
{
public:
    // botocore's "profile providers", in order: web identity (profile keys, and the
    // AWS_WEB_IDENTITY_* variables when `useEnvironment`), IAM Identity Center, static keys in
    // the shared credentials file, credential_process, static keys in the config file.
    static QList<CredentialSource *> profileSources(const CredentialSourceDependencies &deps, const QString &profile,
                                                    bool useEnvironment);

    // The source for an assume-role profile's credential_source: Environment,
    // Ec2InstanceMetadata or EcsContainer (exact spelling, as botocore). nullptr and a Config
    // error for anything else.
    static CredentialSource *namedSource(const CredentialSourceDependencies &deps, const QString &name,
                                         const QString &profile, AwsError *error);
};
