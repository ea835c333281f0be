#include "defaultcredentialchain.h"

#include "environmentcredentialsource.h"
#include "sharedfilecredentialsource.h"

DefaultCredentialChain::DefaultCredentialChain(const QProcessEnvironment &env, const AwsSharedConfig &config,
                                               QObject *parent)
    : CredentialChain(parent)
{
    const AwsSharedConfig::ProfileSelection &profile = config.profileSelection();
    const QString envDisabled = profile.fromCommandLine
            ? QStringLiteral("not used because profile '%1' was given on the command line").arg(profile.name)
            : QString();
    addSource(new EnvironmentCredentialSource(env, envDisabled));
    addSource(new SharedFileCredentialSource(AwsSharedConfig::FileKind::Credentials, config));
    addSource(new SharedFileCredentialSource(AwsSharedConfig::FileKind::Config, config));
}
