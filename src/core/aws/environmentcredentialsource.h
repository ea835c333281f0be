#pragma once

#include "credentialsource.h"

#include <QProcessEnvironment>

// Credentials from environment variables: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, optional
// AWS_SESSION_TOKEN (legacy alias AWS_SECURITY_TOKEN) and AWS_CREDENTIAL_EXPIRATION
// (ISO 8601). The environment is a constructor parameter, never read from the process here.
//
// Like botocore: AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY is an error; a secret without
// a key id is "not found" (with that fact in the reason); empty values count as unset. An
// unparsable AWS_CREDENTIAL_EXPIRATION is an error. Source label: "environment".
//
// The web-identity source (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) and the container
// source (AWS_CONTAINER_CREDENTIALS_*) are separate classes that also take the environment
// as a parameter; this one only handles static keys.
class EnvironmentCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    // A non-empty `disabledReason` turns the source off (e.g. because a profile was chosen on
    // the command line) while still naming it in "no credentials" messages.
    explicit EnvironmentCredentialSource(const QProcessEnvironment &env, const QString &disabledReason = {},
                                         QObject *parent = nullptr);

    QString name() const override;
    void fetch(Callback done) override;

    // The whole logic, pure, for tests and for credential_source = Environment (assume role).
    static Result read(const QProcessEnvironment &env);

private:
    QProcessEnvironment m_env;
    QString m_disabledReason;
};
