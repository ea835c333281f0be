#pragma once

#include "awserror.h"
#include "awssharedconfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

// Finds the endpoint URL of one AWS service in one region. Pure: everything is a parameter.
//
// Default: https://<endpointPrefix>.<region>.<dnsSuffix>, with the DNS suffix of the region's
// partition (botocore endpoints.json; aws-us-gov and the ISO ones are tested before aws):
//   aws-us-gov ^us-gov-\w+-\d+$ amazonaws.com      aws-iso   ^us-iso-\w+-\d+$  c2s.ic.gov
//   aws-iso-b  ^us-isob-\w+-\d+$ sc2s.sgov.gov     aws-cn    ^cn-\w+-\d+$      amazonaws.com.cn
//   aws        ^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$ amazonaws.com
// A well-formed region matching none of them (a new region) gets the aws partition, like the
// SDKs; a malformed one (empty, spaces, upper case, '/', ...) is a Config error.
//
// Overrides, first wins (botocore ConfiguredEndpointProvider, aws-for-ecr-exporter.md §c.8):
//   command-line URL -> AWS_ENDPOINT_URL_<SERVICE> -> AWS_ENDPOINT_URL ->
//   [services NAME] entry of the profile's `services = NAME` -> the profile's endpoint_url.
// All but the command line are ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the
// profile's ignore_configured_endpoint_urls) is true. <SERVICE> is the serviceId upper-cased
// with spaces and '-' turned into '_' (ECR -> AWS_ENDPOINT_URL_ECR); the [services] key is
// the same lower-cased (ecr). A URL must be http(s)://host[:port][/path] (no user, query or
// fragment), else a Config error naming where it came from.
// FIPS and dual-stack endpoints are not generated: AWS_USE_FIPS_ENDPOINT /
// AWS_USE_DUALSTACK_ENDPOINT = true without an explicit endpoint is a Config error that says
// to set AWS_ENDPOINT_URL_<SERVICE> (e.g. https://ecr-fips.us-east-1.amazonaws.com). With a
// custom endpoint the signing region and service stay unchanged (the caller's business).
class EndpointResolver
{
public:
    struct Service {
        QString serviceId;       // as in the service model: "ECR", "STS", "Inspector2"
        QString endpointPrefix;  // host prefix: "api.ecr", "sts", "inspector2"
    };
    static Service ecr() { return {QStringLiteral("ECR"), QStringLiteral("api.ecr")}; }
    static Service sts() { return {QStringLiteral("STS"), QStringLiteral("sts")}; }
    static Service inspector2() { return {QStringLiteral("Inspector2"), QStringLiteral("inspector2")}; }

    struct Partition {
        QString name;       // "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"
        QString dnsSuffix;  // "amazonaws.com", ...
    };

    enum class Origin { CommandLine, ServiceEnvironment, GlobalEnvironment, ServicesSection, Profile, Default };

    struct Result {
        QUrl url;
        Origin origin = Origin::Default;
        QString source;       // "AWS_ENDPOINT_URL_ECR", "[services local] (/root/.aws/config line 5)", "default"
        Partition partition;  // of the region, also for custom endpoints
        bool isCustom() const { return origin != Origin::Default; }
    };

    // `config` may be null (no shared files). `commandLineUrl` empty = not given.
    static Result resolve(const Service &service, const QString &region, const QProcessEnvironment &env,
                          const AwsSharedConfig *config, const QString &commandLineUrl, AwsError *error);

    // Partition of a region (assumed well-formed); unknown shapes -> aws.
    static Partition partitionForRegion(const QString &region);
    static QString environmentVariable(const QString &serviceId);  // "AWS_ENDPOINT_URL_ECR"
    static QString servicesKey(const QString &serviceId);          // "ecr"
    // Parses and checks an endpoint URL; on failure a Config error naming `source`.
    static QUrl parseUrl(const QString &text, const QString &source, AwsError *error);
};
