#pragma once

#include "awserror.h"
#include "awssharedconfig.h"

#include <QProcessEnvironment>
#include <QString>

// Picks the AWS region, and says where it came from for the start-up log line. Pure: the
// command-line value, the environment and the shared config are parameters.
// Order (aws-for-ecr-exporter.md §c.7): command line -> AWS_REGION -> AWS_DEFAULT_REGION ->
// the profile's `region` (config or credentials file) -> "eu-west-1". Empty values count as
// unset. The chosen value must be a syntactically valid region name, else a Config error
// naming where it came from; an unknown but well-formed region is accepted (new regions).
// An IMDS placement/region step can be added later by the caller after Origin::Default
// (it is a network call, so it does not belong in this pure function).
class RegionResolver
{
public:
    enum class Origin { CommandLine, AwsRegion, AwsDefaultRegion, Profile, Default };

    struct Result {
        QString region;
        Origin origin = Origin::Default;
        QString source;  // "command line", "AWS_REGION", "profile 'dev' (/root/.aws/config line 3)", "default"
    };

    static QString defaultRegion() { return QStringLiteral("eu-west-1"); }

    static Result resolve(const QString &commandLineRegion, const QProcessEnvironment &env,
                          const AwsSharedConfig &config, AwsError *error);

    // Lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter
    // or digit (a DNS label: the region becomes part of the endpoint host name).
    static bool isValidRegionName(const QString &region);
    // None, or a Config error "region 'X' from <source> is not valid ...; ...".
    static AwsError validate(const QString &region, const QString &source);
};
