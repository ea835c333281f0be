#pragma once

#include "awserror.h"
#include "awssharedconfig.h"

#include <QList>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QString>

// The trusted root certificates for AWS calls over https, when the user replaces the system
// store (aws-for-ecr-exporter.md §c.9): AWS_CA_BUNDLE, else the profile's `ca_bundle`. A PEM
// file with one or more certificates; like botocore it replaces, not extends, the system
// roots (typical use: a TLS-inspecting corporate proxy). Feed the result to
// AwsHttpClient::Options::caCertificates.
class CaBundle
{
public:
    struct Result {
        QList<QSslCertificate> certificates;  // empty: use the system store
        QString path;                         // the file read, empty when none is configured
        QString source;                       // "AWS_CA_BUNDLE", "profile 'dev' ca_bundle"
    };

    // Reads the configured bundle. A configured file that is missing, unreadable, or holds no
    // PEM certificate is a Config error naming the file and where it was configured.
    // `config` may be null.
    static Result load(const QProcessEnvironment &env, const AwsSharedConfig *config, AwsError *error);
    // Just the file part, for tests.
    static QList<QSslCertificate> readPem(const QString &path, const QString &source, AwsError *error);
};
