#include "retrypolicy.h"

#include <QtGlobal>
#include <algorithm>
#include <cmath>

namespace {

// botocore retries/standard.py _THROTTLED_ERROR_CODES, minus LimitExceededException: for ECR
// that code means a resource quota is exhausted, which no retry will fix.
bool isThrottlingCode(const QString &code)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "RequestThrottled", "SlowDown", "EC2ThrottledException",
    };
    for (const char *c : codes) {
        if (code == QLatin1String(c))
            return true;
    }
    return false;
}

// botocore _TRANSIENT_ERROR_CODES plus STS's IDPCommunicationError.
bool isTransientCode(const QString &code)
{
    return code == QLatin1String("RequestTimeout") || code == QLatin1String("RequestTimeoutException")
        || code == QLatin1String("PriorRequestNotComplete")
        || code == QLatin1String("IDPCommunicationError");
}

} // namespace

RetryPolicy::RetryPolicy(const Options &options)
    : m_options(options), m_quota(options.quotaCapacity)
{
}

bool RetryPolicy::isThrottling(const QString &code, int httpStatus)
{
    return httpStatus == 429 || isThrottlingCode(code);
}

bool RetryPolicy::isRetryable(const AwsError &error)
{
    switch (error.kind) {
    case AwsError::Kind::Network:
    case AwsError::Kind::Timeout:
    case AwsError::Kind::Throttling:
        return true;
    case AwsError::Kind::Service:
        if (isThrottling(error.code, error.httpStatus) || isTransientCode(error.code))
            return true;
        return error.httpStatus == 500 || error.httpStatus == 502 || error.httpStatus == 503
            || error.httpStatus == 504;
    case AwsError::Kind::None:
    case AwsError::Kind::Credentials:
    case AwsError::Kind::Parse:
    case AwsError::Kind::Config:
    case AwsError::Kind::Cancelled:
        return false;
    }
    return false;
}

bool RetryPolicy::isExpiredToken(const AwsError &error)
{
    return error.code == QLatin1String("ExpiredTokenException")
        || error.code == QLatin1String("ExpiredToken");
}

int RetryPolicy::backoffMs(int failedAttempt, double rand, int baseDelayMs, int maxDelayMs)
{
    if (failedAttempt < 1)
        failedAttempt = 1;
    rand = std::clamp(rand, 0.0, 1.0);
    // 2^(i-1) overflows nothing here: the exponent is capped long before double runs out.
    const double exp = std::pow(2.0, std::min(failedAttempt - 1, 62));
    const double ceiling = std::min(double(baseDelayMs) * exp, double(maxDelayMs));
    return int(std::floor(rand * ceiling));
}

int RetryPolicy::acquireRetry(const AwsError &error)
{
    const int cost = error.kind == AwsError::Kind::Timeout ? kTimeoutRetryCost : kRetryCost;
    if (!m_options.useQuota)
        return cost;
    if (m_quota < cost)
        return 0;
    m_quota -= cost;
    return cost;
}

void RetryPolicy::releaseOnSuccess(int lastRetryCost)
{
    if (!m_options.useQuota)
        return;
    m_quota = std::min(m_options.quotaCapacity,
                       m_quota + (lastRetryCost > 0 ? lastRetryCost : kNoRetryIncrement));
}

bool RetryPolicy::maxAttemptsFromEnvironment(const QProcessEnvironment &env, int *value, QString *error)
{
    const QString raw = env.value(QStringLiteral("AWS_MAX_ATTEMPTS")).trimmed();
    if (raw.isEmpty())
        return true;
    bool ok = false;
    const int n = raw.toInt(&ok);
    if (!ok || n < 1 || n > kMaxAttemptsLimit) {
        if (error) {
            *error = QStringLiteral("AWS_MAX_ATTEMPTS=\"%1\" is not a whole number between 1 and %2 "
                                    "(it counts the first try); fix or unset it")
                         .arg(raw.left(40))
                         .arg(kMaxAttemptsLimit);
        }
        return false;
    }
    if (value)
        *value = n;
    return true;
}
