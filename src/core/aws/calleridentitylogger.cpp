#include "calleridentitylogger.h"

#include "awshttpclient.h"
#include "credentialprovider.h"
#include "logcategories.h"

CallerIdentityLogger::CallerIdentityLogger(AwsHttpClient *http, const QString &region, const QUrl &stsEndpoint,
                                           QObject *parent)
    : QObject(parent), m_http(http), m_sts(new StsClient(http, region, stsEndpoint, this))
{
}

QString CallerIdentityLogger::successLine(const QString &source, const StsClient::CallerIdentity &identity)
{
    return QStringLiteral("AWS credentials from %1: account %2, ARN %3").arg(source, identity.account, identity.arn);
}

void CallerIdentityLogger::start()
{
    CredentialProvider *provider = m_http->credentialProvider();
    if (!provider) {
        const AwsError e = AwsError::make(AwsError::Kind::Credentials, QStringLiteral("no credential provider is configured"));
        qCCritical(lcCreds).noquote() << e.message;
        emit finished(false, {}, e);
        return;
    }
    provider->credentials(this, [this, provider](const AwsCredentials &credentials, const AwsError &error) {
        if (error || !credentials.isValid()) {
            const AwsError e = error ? error : AwsError::make(AwsError::Kind::Credentials, QStringLiteral("the credential provider returned no keys"));
            qCCritical(lcCreds).noquote() << e.message;
            emit finished(false, {}, e);
            return;
        }
        const QString source = credentials.source.isEmpty() ? provider->describe() : credentials.source;
        m_sts->getCallerIdentity(this, [this, source](const StsClient::CallerIdentity &identity, const AwsError &error) {
            if (error) {
                qCWarning(lcCreds).noquote() << QStringLiteral("AWS credentials from %1; STS GetCallerIdentity at %2 could not "
                                                               "confirm the identity (%3); carrying on")
                                                    .arg(source, m_sts->endpoint().host(), error.toString());
                emit finished(true, {}, error);
                return;
            }
            qCInfo(lcCreds).noquote() << successLine(source, identity);
            emit finished(true, identity, {});
        });
    });
}
