#pragma once

#include "awserror.h"
#include "stsclient.h"

#include <QObject>
#include <QUrl>

class AwsHttpClient;

// Says at start-up, in the log, which credential source is in use and whose identity it is:
// gets the credentials through the client's provider (so the chain has picked its source),
// then calls STS GetCallerIdentity (signed with them) and logs
//   "AWS credentials from <source>: account <id>, ARN <arn>"
// at info level. No secret is ever logged. When no credentials can be found, the chain's
// one-line error (every source and why) is logged as critical; when only STS fails (denied
// by a policy, no network path to STS) it is a warning and the exporter carries on.
class CallerIdentityLogger : public QObject
{
    Q_OBJECT
public:
    // `http` is not owned; its credential provider is the chain to report on. `stsEndpoint`
    // from EndpointResolver::resolve(EndpointResolver::sts(), region, ...).
    CallerIdentityLogger(AwsHttpClient *http, const QString &region, const QUrl &stsEndpoint, QObject *parent = nullptr);

    void start();

    // The line logged for a success, for tests.
    static QString successLine(const QString &source, const StsClient::CallerIdentity &identity);

signals:
    // credentialsFound false: no credentials (error says why); true with an error: only the
    // STS call failed; true without error: identity known.
    void finished(bool credentialsFound, const StsClient::CallerIdentity &identity, const AwsError &error);

private:
    AwsHttpClient *m_http;
    StsClient *m_sts;
};
