#include "endpointresolver.h"

#include "regionresolver.h"

#include <QRegularExpression>

namespace {

struct PartitionRule {
    const char *name;
    const char *pattern;
    const char *dnsSuffix;
};

// Order matters: the more specific us-gov / us-iso patterns first.
const PartitionRule partitionRules[] = {
    {"aws-us-gov", "^us-gov-\\w+-\\d+$", "amazonaws.com"},
    {"aws-iso", "^us-iso-\\w+-\\d+$", "c2s.ic.gov"},
    {"aws-iso-b", "^us-isob-\\w+-\\d+$", "sc2s.sgov.gov"},
    {"aws-cn", "^cn-\\w+-\\d+$", "amazonaws.com.cn"},
    {"aws", "^(us|eu|ap|sa|ca|me|af|il|mx)-\\w+-\\d+$", "amazonaws.com"},
};

QString shownUrl(const QString &text)
{
    if (text.contains(QLatin1Char('@')))
        return QStringLiteral("(not shown: it contains '@')");  // may carry user:password
    return QLatin1Char('\'') + text.left(100) + QLatin1Char('\'');
}

// "true"/"false" in any case; anything else is an error naming the setting.
bool parseBool(const QString &text, const QString &source, bool *value, AwsError *error)
{
    const QString lower = text.trimmed().toLower();
    if (lower == QLatin1String("true")) {
        *value = true;
        return true;
    }
    if (lower == QLatin1String("false")) {
        *value = false;
        return true;
    }
    *error = AwsError::make(AwsError::Kind::Config,
        QStringLiteral("%1 is '%2'; it must be true or false").arg(source, text.left(40)));
    return false;
}

// A boolean from the environment, else the profile; unset = false.
bool readFlag(const QProcessEnvironment &env, const QString &variable, const AwsSharedConfig *config,
              const QString &key, bool *value, AwsError *error)
{
    *value = false;
    const QString fromEnv = env.value(variable);
    if (!fromEnv.isEmpty())
        return parseBool(fromEnv, variable, value, error);
    if (config) {
        const AwsSharedConfig::Value v = config->value(key);
        if (v.isSet() && !v.value.isEmpty()) {
            return parseBool(v.value, QStringLiteral("%1 in profile '%2' (%3 line %4)")
                                          .arg(key, config->profileName(), v.file).arg(v.line),
                             value, error);
        }
    }
    return true;
}

} // namespace

EndpointResolver::Partition EndpointResolver::partitionForRegion(const QString &region)
{
    for (const PartitionRule &rule : partitionRules) {
        const QRegularExpression re(QString::fromLatin1(rule.pattern));
        if (re.match(region).hasMatch())
            return {QString::fromLatin1(rule.name), QString::fromLatin1(rule.dnsSuffix)};
    }
    return {QStringLiteral("aws"), QStringLiteral("amazonaws.com")};
}

QString EndpointResolver::environmentVariable(const QString &serviceId)
{
    QString id = serviceId.toUpper();
    id.replace(QLatin1Char(' '), QLatin1Char('_')).replace(QLatin1Char('-'), QLatin1Char('_'));
    return QStringLiteral("AWS_ENDPOINT_URL_") + id;
}

QString EndpointResolver::servicesKey(const QString &serviceId)
{
    QString id = serviceId.toLower();
    id.replace(QLatin1Char(' '), QLatin1Char('_')).replace(QLatin1Char('-'), QLatin1Char('_'));
    return id;
}

QUrl EndpointResolver::parseUrl(const QString &text, const QString &source, AwsError *error)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    QString problem;
    if (!url.isValid() || url.scheme().isEmpty())
        problem = QStringLiteral("it is not a URL");
    else if (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        problem = QStringLiteral("the scheme must be http or https");
    else if (url.host().isEmpty())
        problem = QStringLiteral("it has no host");
    else if (!url.userInfo().isEmpty())
        problem = QStringLiteral("it must not contain a user name or password");
    else if (url.hasQuery() || url.hasFragment())
        problem = QStringLiteral("it must not have a '?query' or '#fragment'");
    if (!problem.isEmpty()) {
        if (error) {
            *error = AwsError::make(AwsError::Kind::Config,
                QStringLiteral("endpoint URL %1 from %2 is not valid (%3); use e.g. https://host or http://127.0.0.1:4566")
                    .arg(shownUrl(text), source, problem));
        }
        return {};
    }
    if (error)
        *error = AwsError();
    return url;
}

EndpointResolver::Result EndpointResolver::resolve(const Service &service, const QString &region,
                                                   const QProcessEnvironment &env, const AwsSharedConfig *config,
                                                   const QString &commandLineUrl, AwsError *error)
{
    AwsError failure;
    auto fail = [&](const AwsError &e) {
        if (error)
            *error = e;
        return Result();
    };

    // The region is part of the host and of the signature even with a custom endpoint.
    failure = RegionResolver::validate(region, QStringLiteral("the %1 endpoint request").arg(service.serviceId));
    if (failure)
        return fail(failure);

    Result result;
    result.partition = partitionForRegion(region);

    auto take = [&](const QString &text, Origin origin, const QString &source) {
        AwsError urlError;
        result.url = parseUrl(text, source, &urlError);
        result.origin = origin;
        result.source = source;
        if (urlError)
            return fail(urlError);
        if (error)
            *error = AwsError();
        return result;
    };

    if (!commandLineUrl.isEmpty())
        return take(commandLineUrl, Origin::CommandLine, QStringLiteral("command line"));

    bool ignoreConfigured = false;
    if (!readFlag(env, QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), config,
                  QStringLiteral("ignore_configured_endpoint_urls"), &ignoreConfigured, &failure)) {
        return fail(failure);
    }

    if (!ignoreConfigured) {
        const QString serviceVariable = environmentVariable(service.serviceId);
        if (const QString v = env.value(serviceVariable); !v.isEmpty())
            return take(v, Origin::ServiceEnvironment, serviceVariable);
        if (const QString v = env.value(QStringLiteral("AWS_ENDPOINT_URL")); !v.isEmpty())
            return take(v, Origin::GlobalEnvironment, QStringLiteral("AWS_ENDPOINT_URL"));

        if (config) {
            const QString profile = config->profileName();
            const AwsSharedConfig::Value servicesName = config->value(QStringLiteral("services"));
            if (servicesName.isSet() && !servicesName.value.isEmpty()) {
                const AwsSharedConfig::Block section = config->servicesSection(servicesName.value);
                if (!section.exists()) {
                    return fail(AwsError::make(AwsError::Kind::Config,
                        QStringLiteral("profile '%1' says services = %2 (%3 line %4), but there is no [services %2] "
                                       "section in %5; add it or remove the 'services' line")
                            .arg(profile, servicesName.value, servicesName.file).arg(servicesName.line)
                            .arg(config->filePath(AwsSharedConfig::FileKind::Config))));
                }
                const QString key = servicesKey(service.serviceId);
                const AwsSharedConfig::Value entry = section.values.value(key);
                if (entry.isSet()) {
                    const QString where = QStringLiteral("[services %1] (%2 line %3)")
                                              .arg(servicesName.value, entry.file).arg(entry.line);
                    // A block's value is "" or "\nsub = v..."; a plain value means `ecr = URL`.
                    if (!entry.value.isEmpty() && !entry.value.startsWith(QLatin1Char('\n'))) {
                        return fail(AwsError::make(AwsError::Kind::Config,
                            QStringLiteral("'%1 = %2' in %3 must be a block: write '%1 =' and on the next line, "
                                           "indented, 'endpoint_url = URL'").arg(key, entry.value.left(60), where)));
                    }
                    const QString url = entry.subProperties.value(QStringLiteral("endpoint_url"));
                    if (!url.isEmpty())
                        return take(url, Origin::ServicesSection, where);
                }
            }
            const AwsSharedConfig::Value global = config->value(QStringLiteral("endpoint_url"));
            if (global.isSet() && !global.value.isEmpty()) {
                return take(global.value, Origin::Profile,
                            QStringLiteral("endpoint_url in profile '%1' (%2 line %3)").arg(profile, global.file).arg(global.line));
            }
        }
    }

    // No custom endpoint: FIPS / dual-stack requests cannot be honoured by the simple rule.
    for (const auto &[variable, key] : {std::pair{QStringLiteral("AWS_USE_FIPS_ENDPOINT"), QStringLiteral("use_fips_endpoint")},
                                        std::pair{QStringLiteral("AWS_USE_DUALSTACK_ENDPOINT"), QStringLiteral("use_dualstack_endpoint")}}) {
        bool wanted = false;
        if (!readFlag(env, variable, config, key, &wanted, &failure))
            return fail(failure);
        if (wanted) {
            return fail(AwsError::make(AwsError::Kind::Config,
                QStringLiteral("%1/%2 is not supported for %3; set %4 to the endpoint you need instead "
                               "(for ECR e.g. https://ecr-fips.us-east-1.amazonaws.com)")
                    .arg(variable, key, service.serviceId, environmentVariable(service.serviceId))));
        }
    }

    result.url = QUrl(QStringLiteral("https://%1.%2.%3").arg(service.endpointPrefix, region, result.partition.dnsSuffix));
    result.origin = Origin::Default;
    result.source = QStringLiteral("default");
    if (error)
        *error = AwsError();
    return result;
}
