#pragma once

#include "awserror.h"

#include <QProcessEnvironment>
#include <QString>

// The AWS SDK "standard" retry mode (botocore retries/standard.py): which errors are worth
// another attempt, how long to wait before it (capped exponential backoff with full jitter),
// and the per-client retry quota (token bucket) that stops retry storms. The classification
// and delay functions are pure; the quota is the only state.
class RetryPolicy
{
public:
    struct Options {
        int maxAttempts = 3;          // the first try counts (AWS_MAX_ATTEMPTS)
        int baseDelayMs = 1000;       // backoff base
        int maxDelayMs = 20000;       // backoff cap
        bool useQuota = true;         // token bucket of `quotaCapacity`
        int quotaCapacity = 500;
    };

    static constexpr int kRetryCost = 5;
    static constexpr int kTimeoutRetryCost = 10;
    static constexpr int kNoRetryIncrement = 1;
    static constexpr int kMaxAttemptsLimit = 100;

    RetryPolicy() : RetryPolicy(Options()) {}
    explicit RetryPolicy(const Options &options);

    const Options &options() const { return m_options; }

    // True for the codes botocore treats as throttling, and for HTTP 429.
    static bool isThrottling(const QString &code, int httpStatus);
    // True when botocore's standard mode would retry this failure: throttling, transient
    // codes, HTTP 500/502/503/504, network errors and timeouts.
    static bool isRetryable(const AwsError &error);
    // ExpiredTokenException and friends: refresh the credentials, then retry once.
    static bool isExpiredToken(const AwsError &error);

    // Delay before the next attempt after attempt `failedAttempt` (1-based) failed:
    // rand * min(base * 2^(failedAttempt-1), cap), rand in [0,1).
    static int backoffMs(int failedAttempt, double rand, int baseDelayMs, int maxDelayMs);
    int backoffMs(int failedAttempt, double rand) const
    {
        return backoffMs(failedAttempt, rand, m_options.baseDelayMs, m_options.maxDelayMs);
    }

    // Retry quota. acquire() takes the cost of retrying `error` and returns it, or 0 when the
    // bucket is empty (then do not retry). release() is called on success with the cost of the
    // retry that led to it (0 when the first try succeeded, which refunds 1).
    int acquireRetry(const AwsError &error);
    void releaseOnSuccess(int lastRetryCost);
    int availableQuota() const { return m_quota; }

    // Reads AWS_MAX_ATTEMPTS. Returns false and sets *error for junk (not an integer in
    // 1..kMaxAttemptsLimit); leaves *value untouched when the variable is unset or empty.
    static bool maxAttemptsFromEnvironment(const QProcessEnvironment &env, int *value, QString *error);

private:
    Options m_options;
    int m_quota;
};
