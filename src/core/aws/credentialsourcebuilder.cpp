#include "credentialsourcebuilder.h"

#include "containercredentialsource.h"
#include "environmentcredentialsource.h"
#include "imdscredentialsource.h"
#include "processcredentialsource.h"
#include "sharedfilecredentialsource.h"
#include "ssocredentialsource.h"
#include "webidentitycredentialsource.h"

QList<CredentialSource *> CredentialSourceBuilder::profileSources(const CredentialSourceDependencies &deps,
                                                                  const QString &profile, bool useEnvironment)
{
    return {
        new WebIdentityCredentialSource(deps, profile, useEnvironment),
        new SsoCredentialSource(deps, profile),
        new SharedFileCredentialSource(AwsSharedConfig::FileKind::Credentials, deps.config, profile),
        new ProcessCredentialSource(deps, profile),
        new SharedFileCredentialSource(AwsSharedConfig::FileKind::Config, deps.config, profile),
    };
}

CredentialSource *CredentialSourceBuilder::namedSource(const CredentialSourceDependencies &deps, const QString &name,
                                                       const QString &profile, AwsError *error)
{
    if (name == QLatin1String("Environment"))
        return new EnvironmentCredentialSource(deps.env);
    if (name == QLatin1String("Ec2InstanceMetadata") && deps.imds)
        return new ImdsCredentialSource(deps.imds);
    if (name == QLatin1String("EcsContainer"))
        return new ContainerCredentialSource(deps);
    *error = AwsError::make(AwsError::Kind::Config,
        QStringLiteral("profile '%1' has credential_source = %2, which is not valid; use Environment, "
                       "Ec2InstanceMetadata or EcsContainer").arg(profile, name));
    return nullptr;
}
