#pragma once

#include "credentialprovider.h"
#include "credentialsource.h"

#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <functional>

// A CredentialProvider that walks an ordered list of CredentialSources: the first that
// finds keys wins; a source that is configured but broken stops the walk with its error; if
// none finds anything, ONE error (kind Credentials) lists every place looked and why each gave
// nothing. Owns its sources. Lives in one thread (Qt object affinity). Failures go to the
// callers (not logged here, except a tolerated background-refresh failure, which they never see).
//
// Caching and refresh (aws-for-ecr-exporter.md §c.2):
//  - Keys without expiration are cached until invalidate().
//  - Keys expiring within refreshWindow (15 min) plus a jitter drawn once per set of keys
//    (0..refreshJitter, default 60 s, so many exporters started together spread their STS
//    calls) are re-fetched. While more than
//    mandatoryWindow (10 min) remain, callers get the cached keys at once and the refresh runs
//    in the background at most once per advisoryRetryInterval (60 s); its failure is logged
//    and tolerated. Inside the mandatory window callers wait for the refresh, and its failure
//    is their error.
//  - Keys a source hands out already expired are an error, not a cache entry.
//  - Single flight: callers arriving while a fetch runs wait for that same fetch.
//  - The source that won is asked first on a refresh; if it then finds nothing, the whole
//    list is walked again.
//  - Every source gets sourceTimeout (30 s) to answer; then it is cancelled and the walk
//    stops with a Timeout error.
// Callbacks are always delivered through the context object's event queue (never inside
// credentials()), and dropped when the context is destroyed.
//
// Later sources (assume role, web identity, SSO, credential_process, container, IMDS) are
// just more CredentialSources added in DefaultCredentialChain; nothing here changes. IMDS
// "static stability" (extending stale keys during an outage) belongs in the IMDS source.
class CredentialChain : public CredentialProvider
{
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    explicit CredentialChain(QObject *parent = nullptr);
    ~CredentialChain() override;

    // Appends a source; the chain takes ownership (re-parents it).
    void addSource(CredentialSource *source);
    QList<CredentialSource *> sources() const { return m_sources; }

    void credentials(QObject *context, Callback callback) override;
    // The cached keys while they are outside the refresh window (with its jitter).
    AwsCredentials readyCredentials() const override;
    void invalidate() override;
    // Drops the cached keys only when they are `rejected` (same key id and session token):
    // after ExpiredTokenException, requests that used keys already replaced by a refresh just
    // take the new ones, so N failing requests cause one refresh (AwsHttpClient calls this).
    void invalidateIfCurrent(const AwsCredentials &rejected);
    // The winning source's label once known ("shared-credentials-file (profile dev)"), else
    // the list of sources ("chain: environment, shared credentials file ..., config file ...").
    QString describe() const override;

    // Tuning, mainly for tests.
    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setRefreshWindow(qint64 seconds) { m_refreshWindow = seconds; }
    void setMandatoryWindow(qint64 seconds) { m_mandatoryWindow = seconds; }
    void setAdvisoryRetryInterval(qint64 seconds) { m_advisoryRetryInterval = seconds; }
    void setRefreshJitter(qint64 seconds) { m_refreshJitter = seconds; }
    void setRandom(std::function<double()> random) { m_random = std::move(random); }  // [0,1)
    void setSourceTimeout(int milliseconds) { m_sourceTimeoutMs = milliseconds; }

    int fetchCount() const { return m_fetchCount; }  // walks started (for tests and stats)
    bool isFetching() const { return m_fetching; }

signals:
    // New keys were obtained (first time or refresh); `source` is their label. For logs/UI.
    void credentialsRefreshed(const QString &source);

private:
    struct Waiter {
        QPointer<QObject> context;
        Callback callback;
    };

    void startFetch();
    void trySource(int index);
    void onSourceResult(quint64 generation, int index, const CredentialSource::Result &result);
    void onSourceTimeout();
    void finish(const AwsCredentials &credentials, const AwsError &error);
    AwsError nothingFoundError() const;
    void deliver(const Waiter &waiter, const AwsCredentials &credentials, const AwsError &error);
    QDateTime now() const;

    QList<CredentialSource *> m_sources;
    Clock m_clock;
    qint64 m_refreshWindow = 15 * 60;
    qint64 m_mandatoryWindow = 10 * 60;
    qint64 m_advisoryRetryInterval = 60;
    qint64 m_refreshJitter = 60;
    std::function<double()> m_random;
    int m_sourceTimeoutMs = 30000;

    AwsCredentials m_cached;
    qint64 m_cachedJitter = 0;    // seconds added to the refresh window for m_cached
    int m_winner = -1;            // index of the source that produced m_cached
    QDateTime m_nextAdvisoryAttempt;
    QList<Waiter> m_waiters;

    // The walk in progress.
    bool m_fetching = false;
    bool m_walkingAll = false;    // false while only the previous winner is being asked
    quint64 m_generation = 0;     // answers from older walks/sources are ignored
    int m_current = -1;           // source being asked
    QStringList m_reasons;        // "environment: AWS_ACCESS_KEY_ID not set", ...
    QTimer m_timeout;
    int m_fetchCount = 0;
};
