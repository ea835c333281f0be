#include "errorwording.h"

#include <QStringList>

QString ErrorWording::forOutcome(const QString &operation, const QString &outcome)
{
    const QString action = operation.isEmpty() ? QStringLiteral("the ECR API") : QStringLiteral("ecr:") + operation;
    static const QStringList badKeys = {
        QStringLiteral("UnrecognizedClientException"), QStringLiteral("InvalidSignatureException"),
        QStringLiteral("SignatureDoesNotMatch"), QStringLiteral("InvalidClientTokenId"),
        QStringLiteral("IncompleteSignature"), QStringLiteral("MissingAuthenticationToken"),
    };
    if (outcome == QLatin1String("AccessDeniedException") || outcome == QLatin1String("AccessDenied"))
        return QStringLiteral("Access denied: the signed-in identity may not call %1. Ask for it in the IAM policy, "
                              "or sign in as someone who may.").arg(action);
    if (badKeys.contains(outcome))
        return QStringLiteral("AWS does not accept these credentials (%1). Check the access key and secret, "
                              "or sign in again.").arg(outcome);
    if (outcome == QLatin1String("ExpiredTokenException") || outcome == QLatin1String("ExpiredToken")
        || outcome == QLatin1String("RequestExpired"))
        return QStringLiteral("The AWS session has expired. Sign in again (for an SSO profile: aws sso login).");
    if (outcome == QLatin1String("ThrottlingException") || outcome == QLatin1String("throttling")
        || outcome == QLatin1String("TooManyRequestsException"))
        return QStringLiteral("AWS is throttling the requests. The next refresh tries again; a longer refresh "
                              "interval helps.");
    if (outcome == QLatin1String("RepositoryNotFoundException"))
        return QStringLiteral("A repository disappeared during the refresh. The next refresh will not see it.");
    if (outcome == QLatin1String("InvalidParameterException"))
        return QStringLiteral("AWS rejected a request parameter (%1). Check the registry id in Settings.").arg(action);
    if (outcome == QLatin1String("timeout"))
        return QStringLiteral("AWS did not answer in time. Check the network connection or proxy.");
    if (outcome == QLatin1String("network"))
        return QStringLiteral("Cannot reach AWS. Check the network connection, the proxy and the region.");
    if (outcome == QLatin1String("credentials"))
        return QStringLiteral("No usable AWS credentials. Sign in with a profile or with access keys.");
    if (outcome == QLatin1String("config"))
        return QStringLiteral("The AWS configuration is not valid. Check the region and the profile.");
    if (outcome == QLatin1String("parse"))
        return QStringLiteral("AWS sent a reply that could not be read. The next refresh tries again.");
    if (outcome == QLatin1String("ServerException") || outcome == QLatin1String("ServiceUnavailable")
        || outcome == QLatin1String("InternalFailure") || outcome == QLatin1String("service"))
        return QStringLiteral("AWS had an internal error. The next refresh tries again.");
    if (outcome.isEmpty() || outcome == QLatin1String("success"))
        return QString();
    return QStringLiteral("%1 failed: %2.").arg(action, outcome);
}

QString ErrorWording::forStaleRepositories(int failedRepositories, const QString &cause)
{
    if (failedRepositories <= 0)
        return QString();
    QString text = failedRepositories == 1
        ? QStringLiteral("The images of 1 repository could not be read; it shows the images of an earlier refresh.")
        : QStringLiteral("The images of %1 repositories could not be read; they show the images of an earlier refresh.")
              .arg(failedRepositories);
    if (!cause.isEmpty())
        text += QLatin1Char(' ') + cause;
    return text;
}
