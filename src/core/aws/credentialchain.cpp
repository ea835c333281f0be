#include "credentialchain.h"

#include "logcategories.h"

#include <QMetaObject>
#include <QRandomGenerator>

CredentialChain::CredentialChain(QObject *parent)
    : CredentialProvider(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &CredentialChain::onSourceTimeout);
}

CredentialChain::~CredentialChain()
{
    // Delete the sources while our members still exist: a source that answers from its
    // destructor must find a consistent (and now ignoring) chain.
    ++m_generation;
    m_fetching = false;
    const QList<CredentialSource *> sources = std::exchange(m_sources, {});
    qDeleteAll(sources);
}

void CredentialChain::addSource(CredentialSource *source)
{
    Q_ASSERT(source);
    source->setParent(this);
    m_sources.append(source);
}

QDateTime CredentialChain::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

void CredentialChain::credentials(QObject *context, Callback callback)
{
    const Waiter waiter{context ? context : this, std::move(callback)};
    const QDateTime t = now();
    if (m_cached.isValid() && !m_cached.expiresWithin(m_refreshWindow + m_cachedJitter, t)) {
        deliver(waiter, m_cached, {});
        return;
    }
    if (m_cached.isValid() && !m_cached.expiresWithin(m_mandatoryWindow, t)) {
        // Advisory refresh: the current keys are still good for a while, so nobody waits.
        deliver(waiter, m_cached, {});
        if (!m_fetching && (!m_nextAdvisoryAttempt.isValid() || t >= m_nextAdvisoryAttempt)) {
            m_nextAdvisoryAttempt = t.addSecs(m_advisoryRetryInterval);
            qCDebug(lcCreds) << "credentials from" << m_cached.source << "expire at"
                             << m_cached.expiration.toString(Qt::ISODate) << "- refreshing in the background";
            startFetch();
        }
        return;
    }
    m_waiters.append(waiter);
    if (!m_fetching)
        startFetch();
}

AwsCredentials CredentialChain::readyCredentials() const
{
    if (m_cached.isValid() && !m_cached.expiresWithin(m_refreshWindow + m_cachedJitter, now()))
        return m_cached;
    return {};
}

void CredentialChain::invalidate()
{
    qCDebug(lcCreds) << "credentials invalidated; the next request fetches new ones";
    m_cached = AwsCredentials();
    m_nextAdvisoryAttempt = QDateTime();
}

void CredentialChain::invalidateIfCurrent(const AwsCredentials &rejected)
{
    if (!m_cached.isValid() || m_cached.accessKeyId != rejected.accessKeyId
        || m_cached.sessionToken != rejected.sessionToken) {
        qCDebug(lcCreds) << "rejected credentials were already replaced; not refreshing again";
        return;
    }
    invalidate();
}

QString CredentialChain::describe() const
{
    if (m_cached.isValid())
        return m_cached.source;
    if (m_winner >= 0 && m_winner < m_sources.size())
        return m_sources.at(m_winner)->name();
    QStringList names;
    for (const CredentialSource *source : m_sources)
        names << source->name();
    return QStringLiteral("chain: ") + names.join(QStringLiteral(", "));
}

void CredentialChain::startFetch()
{
    m_fetching = true;
    ++m_fetchCount;
    m_reasons.clear();
    m_walkingAll = !(m_winner >= 0 && m_winner < m_sources.size());
    trySource(m_walkingAll ? 0 : m_winner);
}

void CredentialChain::trySource(int index)
{
    if (index >= m_sources.size()) {
        finish({}, nothingFoundError());
        return;
    }
    m_current = index;
    const quint64 generation = ++m_generation;
    m_timeout.start(m_sourceTimeoutMs);
    const QPointer<CredentialChain> self(this);
    m_sources.at(index)->fetch([self, generation, index](const CredentialSource::Result &result) {
        if (self)
            self->onSourceResult(generation, index, result);
    });
}

void CredentialChain::onSourceResult(quint64 generation, int index, const CredentialSource::Result &result)
{
    if (generation != m_generation || !m_fetching)
        return;  // a late or repeated answer from a walk we already left
    ++m_generation;
    m_timeout.stop();
    CredentialSource *source = m_sources.at(index);

    switch (result.status) {
    case CredentialSource::Result::Status::Found: {
        AwsCredentials credentials = result.credentials;
        if (credentials.source.isEmpty())
            credentials.source = source->name();
        if (!credentials.isValid()) {
            finish({}, AwsError::make(AwsError::Kind::Credentials,
                QStringLiteral("%1 returned an empty access key id or secret; check its configuration").arg(source->name())));
            return;
        }
        m_winner = index;
        finish(credentials, {});
        return;
    }
    case CredentialSource::Result::Status::NotFound:
        if (!m_walkingAll) {
            // The previous winner has nothing now (file edited, variable gone): look everywhere.
            qCInfo(lcCreds).noquote() << QStringLiteral("%1 no longer has credentials (%2); trying all sources again")
                                             .arg(source->name(), result.reason);
            m_walkingAll = true;
            m_winner = -1;
            m_reasons.clear();
            trySource(0);
            return;
        }
        m_reasons << source->name() + QStringLiteral(": ") + result.reason;
        trySource(index + 1);
        return;
    case CredentialSource::Result::Status::Failed: {
        AwsError error = result.error;
        if (error.kind == AwsError::Kind::None)
            error.kind = AwsError::Kind::Credentials;
        if (error.message.isEmpty())
            error.message = source->name() + QStringLiteral(" failed without saying why");
        finish({}, error);
        return;
    }
    }
}

void CredentialChain::onSourceTimeout()
{
    if (!m_fetching || m_current < 0 || m_current >= m_sources.size())
        return;
    CredentialSource *source = m_sources.at(m_current);
    ++m_generation;  // ignore its answer if it still comes
    source->cancel();
    finish({}, AwsError::make(AwsError::Kind::Timeout,
        QStringLiteral("%1 did not answer within %2 ms; check that it is reachable")
            .arg(source->name()).arg(m_sourceTimeoutMs)));
}

AwsError CredentialChain::nothingFoundError() const
{
    if (m_sources.isEmpty())
        return AwsError::make(AwsError::Kind::Credentials, QStringLiteral("no credential sources are configured"));
    return AwsError::make(AwsError::Kind::Credentials,
        QStringLiteral("no AWS credentials found (%1); provide them in one of these places")
            .arg(m_reasons.join(QStringLiteral("; "))));
}

void CredentialChain::finish(const AwsCredentials &credentials, const AwsError &error)
{
    m_fetching = false;
    m_current = -1;
    m_timeout.stop();

    const QDateTime t = now();
    AwsCredentials result = credentials;
    AwsError failure = error;
    if (!failure && result.canExpire() && result.expiration <= t) {
        failure = AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("credentials from %1 expired at %2; renew them")
                .arg(result.source, result.expiration.toUTC().toString(Qt::ISODate)));
        result = AwsCredentials();
    }

    if (!failure) {
        if (result.source != m_cached.source || !m_cached.isValid()) {
            qCInfo(lcCreds).noquote() << "using AWS credentials from" << result.source
                                      << (result.canExpire() ? QStringLiteral("(expire %1)").arg(result.expiration.toUTC().toString(Qt::ISODate))
                                                             : QStringLiteral("(no expiry)"));
        } else {
            qCDebug(lcCreds).noquote() << "refreshed AWS credentials from" << result.source;
        }
        m_cached = result;
        const double r = m_random ? m_random() : QRandomGenerator::global()->generateDouble();
        m_cachedJitter = qint64(r * double(qMax<qint64>(0, m_refreshJitter)));
        emit credentialsRefreshed(result.source);
    } else if (m_cached.isValid() && !m_cached.expiresWithin(m_mandatoryWindow, t)) {
        // A failed advisory refresh: keep using the current keys (botocore does the same).
        qCWarning(lcCreds).noquote() << "refreshing AWS credentials failed, keeping the current ones until"
                                     << m_cached.expiration.toUTC().toString(Qt::ISODate) << ":" << failure.toString();
        result = m_cached;
        failure = AwsError();
    } else {
        // The callers get this error and report it; logging it here too would double it.
        qCDebug(lcCreds).noquote() << "credential lookup failed:" << failure.toString();
    }

    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &waiter : waiters)
        deliver(waiter, result, failure);
}

void CredentialChain::deliver(const Waiter &waiter, const AwsCredentials &credentials, const AwsError &error)
{
    if (!waiter.context)
        return;  // the caller went away
    QMetaObject::invokeMethod(
        waiter.context.data(),
        [callback = waiter.callback, credentials, error]() { callback(credentials, error); },
        Qt::QueuedConnection);
}
