#pragma once

#include "awscredentials.h"
#include "awserror.h"

#include <QObject>
#include <functional>

// One place credentials may come from (environment, a file, later STS/SSO/IMDS...), as a
// member of a CredentialChain. Asynchronous so network sources fit: fetch() reports exactly
// once through the callback, either before it returns (cheap local sources) or later from
// the event loop. A source is a QObject so it can own its network replies and timers; the
// chain owns its sources.
//
// Three outcomes, because the chain treats them differently:
//  - Found:    keys; the chain stops and caches them.
//  - NotFound: nothing configured here; `reason` says why in a few words ("AWS_ACCESS_KEY_ID
//              not set") and the chain moves on. All reasons end up in one "no credentials"
//              error that lists every place looked.
//  - Failed:   this source IS configured but broken (half the keys, unreadable file, STS said
//              AccessDenied, timeout). The chain stops with this error: silently falling
//              through to another identity would be worse than failing (botocore does the same).
//
// Plugging in later sources: subclass, implement name()/fetch(), and insert the source at
// its place in DefaultCredentialChain (order in aws-for-ecr-exporter.md §c.1). A network
// source keeps its own per-request timeout, re-reads rotating inputs (web identity token
// file, container token file) on every fetch, sets AwsCredentials::expiration so the chain
// refreshes in time, and implements cancel() to abort an in-flight request. It never
// receives or logs other sources' secrets, except assume-role, which gets a CredentialChain
// (or CredentialProvider) for its source profile to sign the STS call.
class CredentialSource : public QObject
{
    Q_OBJECT
public:
    struct Result {
        enum class Status { Found, NotFound, Failed };
        Status status = Status::NotFound;
        AwsCredentials credentials;  // Found
        QString reason;              // NotFound: why nothing here (no secrets)
        AwsError error;              // Failed: the message names the source/file itself

        static Result found(const AwsCredentials &credentials)
        {
            Result r;
            r.status = Status::Found;
            r.credentials = credentials;
            return r;
        }
        static Result notFound(const QString &reason)
        {
            Result r;
            r.reason = reason;
            return r;
        }
        static Result failed(const AwsError &error)
        {
            Result r;
            r.status = Status::Failed;
            r.error = error;
            return r;
        }
    };
    using Callback = std::function<void(const Result &)>;

    explicit CredentialSource(QObject *parent = nullptr) : QObject(parent) {}

    // Short name for messages and logs, with the file when there is one:
    // "environment", "shared credentials file /root/.aws/credentials".
    virtual QString name() const = 0;
    // Look for credentials; call `done` exactly once (possibly before returning).
    virtual void fetch(Callback done) = 0;
    // Abandon an in-flight fetch (the chain gave up waiting). `done` may still be called;
    // the chain ignores late answers.
    virtual void cancel() {}
};
