#include "regionresolver.h"

#include <QRegularExpression>

bool RegionResolver::isValidRegionName(const QString &region)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"));
    return pattern.match(region).hasMatch();
}

AwsError RegionResolver::validate(const QString &region, const QString &source)
{
    if (isValidRegionName(region))
        return {};
    const QString shown = region.isEmpty() ? QStringLiteral("''") : QLatin1Char('\'') + region.left(70) + QLatin1Char('\'');
    return AwsError::make(AwsError::Kind::Config,
        QStringLiteral("region %1 from %2 is not a valid AWS region name; "
                       "use lower-case letters, digits and '-', e.g. eu-west-1").arg(shown, source));
}

RegionResolver::Result RegionResolver::resolve(const QString &commandLineRegion, const QProcessEnvironment &env,
                                               const AwsSharedConfig &config, AwsError *error)
{
    Result result;
    if (!commandLineRegion.isEmpty()) {
        result = {commandLineRegion, Origin::CommandLine, QStringLiteral("command line")};
    } else if (const QString v = env.value(QStringLiteral("AWS_REGION")); !v.isEmpty()) {
        result = {v, Origin::AwsRegion, QStringLiteral("AWS_REGION")};
    } else if (const QString v = env.value(QStringLiteral("AWS_DEFAULT_REGION")); !v.isEmpty()) {
        result = {v, Origin::AwsDefaultRegion, QStringLiteral("AWS_DEFAULT_REGION")};
    } else if (const AwsSharedConfig::Value v = config.value(QStringLiteral("region")); v.isSet() && !v.value.isEmpty()) {
        result = {v.value, Origin::Profile,
                  QStringLiteral("profile '%1' (%2 line %3)").arg(config.profileName(), v.file).arg(v.line)};
    } else {
        result = {defaultRegion(), Origin::Default, QStringLiteral("default")};
    }
    const AwsError invalid = validate(result.region, result.source);
    if (error)
        *error = invalid;
    if (invalid)
        return {};
    return result;
}
