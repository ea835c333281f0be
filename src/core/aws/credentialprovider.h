#pragma once

#include "awscredentials.h"
#include "awserror.h"

#include <QObject>
#include <QPointer>
#include <functional>

// Source of AWS credentials for the HTTP client. Asynchronous because most real sources
// (STS, IMDS, container endpoint, SSO) are network calls. The callback runs in the
// context object's thread and is dropped if the context is destroyed first.
class CredentialProvider : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const AwsCredentials &, const AwsError &)>;

    explicit CredentialProvider(QObject *parent = nullptr) : QObject(parent) {}

    // Current credentials, refreshed first if they are missing or about to expire.
    virtual void credentials(QObject *context, Callback callback) = 0;
    // Keys that credentials() would hand out right now without fetching anything (cached and
    // not yet due for a refresh), so a caller may sign at once instead of waiting for a trip
    // through the event loop; invalid keys when credentials() must be asked. Default: none.
    virtual AwsCredentials readyCredentials() const { return {}; }
    // Drop cached credentials (e.g. after ExpiredTokenException) so the next call re-reads.
    virtual void invalidate() {}
    // A short name of where credentials come from, for logs ("environment", "profile dev", ...).
    virtual QString describe() const = 0;
};
