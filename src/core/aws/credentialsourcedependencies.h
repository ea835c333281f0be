#pragma once

#include "awserror.h"
#include "awshttpclient.h"
#include "awssharedconfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

class ImdsClient;
class QNetworkAccessManager;

// What the credential sources of one DefaultCredentialChain share: the inputs (environment,
// shared config, region) and the network plumbing the chain owns. Plain value; the pointers
// are not owned and outlive every source (the chain owns them and its sources).
struct CredentialSourceDependencies
{
    QProcessEnvironment env;
    AwsSharedConfig config;
    QString region;                          // STS signing region and regional endpoint

    QNetworkAccessManager *nam = nullptr;    // STS and the SSO portal (proxy settings apply)
    AwsHttpClient *unsignedHttp = nullptr;   // web identity and SSO portal calls
    AwsHttpClient::Options httpOptions;      // for the signed STS clients of assume-role sources
    ImdsClient *imds = nullptr;              // IMDS credentials (credential_source too)

    QUrl stsEndpoint;
    QString stsEndpointSource;               // "AWS_ENDPOINT_URL_STS", "default", ...
    // A problem found while setting up (bad AWS_ENDPOINT_URL_STS, unreadable AWS_CA_BUNDLE):
    // reported by the sources that need the network, when they are configured.
    AwsError setupError;

    // Container credentials: the ECS host is fixed in production; tests inject a fake.
    QString ecsHost = QStringLiteral("169.254.170.2");
    int containerTimeoutMs = 2000;           // botocore: 2 s, 3 attempts, ~1 s apart
    int containerAttempts = 3;
    int containerRetryDelayMs = 1000;

    int processTimeoutMs = 30000;            // credential_process
};
