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
    // Drop cached credentials (e.g. after ExpiredTokenException) so the next call re-reads.
    virtual void invalidate() {}
    // A short name of where credentials come from, for logs ("environment", "profile dev", ...).
    virtual QString describe() const = 0;
};
