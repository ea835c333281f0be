#include "defaultcredentialchain.h"

#include "assumerolecredentialsource.h"
#include "cabundle.h"
#include "containercredentialsource.h"
#include "credentialsourcebuilder.h"
#include "endpointresolver.h"
#include "environmentcredentialsource.h"
#include "imdsclient.h"
#include "imdscredentialsource.h"
#include "logcategories.h"
#include "regionresolver.h"

#include <QNetworkAccessManager>

DefaultCredentialChain::DefaultCredentialChain(const QProcessEnvironment &env, const AwsSharedConfig &config,
                                               QObject *parent)
    : DefaultCredentialChain(env, config, Options(), parent)
{
}

DefaultCredentialChain::DefaultCredentialChain(const QProcessEnvironment &env, const AwsSharedConfig &config,
                                               const Options &options, QObject *parent)
    : CredentialChain(parent)
{
    // Room for an assume-role source whose own source chain and STS call each take a while.
    setSourceTimeout(60000);

    m_deps.env = env;
    m_deps.config = config;
    m_deps.region = options.region;
    if (m_deps.region.isEmpty()) {
        AwsError ignored;  // the caller validated the region it uses for ECR already
        m_deps.region = RegionResolver::resolve(QString(), env, config, &ignored).region;
        if (ignored || m_deps.region.isEmpty())
            m_deps.region = RegionResolver::defaultRegion();
    }
    if (!options.ecsHost.isEmpty())
        m_deps.ecsHost = options.ecsHost;
    if (options.containerTimeoutMs > 0)
        m_deps.containerTimeoutMs = options.containerTimeoutMs;
    if (options.containerAttempts > 0)
        m_deps.containerAttempts = options.containerAttempts;
    if (options.containerRetryDelayMs >= 0)
        m_deps.containerRetryDelayMs = options.containerRetryDelayMs;
    if (options.processTimeoutMs > 0)
        m_deps.processTimeoutMs = options.processTimeoutMs;

    m_deps.nam = options.nam ? options.nam : new QNetworkAccessManager(this);

    // Problems with the STS endpoint or the CA bundle only matter to sources that call out.
    AwsError error;
    const CaBundle::Result bundle = CaBundle::load(env, &config, &error);
    m_deps.httpOptions.caCertificates = bundle.certificates;
    const EndpointResolver::Result sts = EndpointResolver::resolve(EndpointResolver::sts(), m_deps.region, env,
                                                                   &config, QString(), error ? nullptr : &error);
    m_deps.stsEndpoint = sts.url;
    m_deps.stsEndpointSource = sts.source;
    m_deps.setupError = error;
    m_deps.unsignedHttp = new AwsHttpClient(m_deps.nam, nullptr, m_deps.httpOptions, this);

    if (options.imds) {
        m_deps.imds = options.imds;
    } else {
        AwsError imdsError;
        const ImdsClient::Options imdsOptions = ImdsClient::optionsFrom(env, &config, &imdsError);
        if (imdsError)
            qCWarning(lcCreds).noquote() << imdsError.message << "- using the default for it";
        m_deps.imds = new ImdsClient(imdsOptions, this);
    }

    const AwsSharedConfig::ProfileSelection &profile = config.profileSelection();
    const QString envDisabled = profile.fromCommandLine
            ? QStringLiteral("not used because profile '%1' was given on the command line").arg(profile.name)
            : QString();
    addSource(new EnvironmentCredentialSource(env, envDisabled));
    addSource(new AssumeRoleCredentialSource(m_deps, profile.name));
    for (CredentialSource *source : CredentialSourceBuilder::profileSources(m_deps, profile.name, !profile.fromCommandLine))
        addSource(source);
    addSource(new ContainerCredentialSource(m_deps));
    auto *imds = new ImdsCredentialSource(m_deps.imds);
    addSource(imds);
}
