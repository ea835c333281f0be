#pragma once

#include "credentialsource.h"
#include "credentialsourcedependencies.h"

#include <QDateTime>
#include <QPointer>

// IAM Identity Center (SSO) profiles (aws-for-ecr-exporter.md §c.1 item 4): a profile with
// sso_account_id / sso_role_name, plus sso_start_url and sso_region either in the profile
// (legacy) or in the [sso-session NAME] it names with sso_session. Reads the access token
// that `aws sso login` cached in $HOME/.aws/sso/cache/<sha1 of session name or start URL>.json,
// then calls the portal's GetRoleCredentials (GET /federation/credentials, unsigned, header
// x-amz-sso_bearer_token) at portal.sso.<sso_region>.amazonaws.com (AWS_ENDPOINT_URL_SSO
// overrides). The cache file is read on every fetch (a new login replaces it). An expired
// or rejected token says to run `aws sso login --profile NAME`. Token refresh through SSO OIDC
// is not done (the CLI does it at login).
//
// Not found: the profile has neither sso_account_id nor sso_role_name. Failed: anything else
// that goes wrong. Label: "sso (account A, role R)".
class SsoCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    SsoCredentialSource(const CredentialSourceDependencies &deps, const QString &profile, QObject *parent = nullptr);

    QString name() const override;
    void fetch(Callback done) override;
    void cancel() override;

    struct Settings {
        QString startUrl, region, accountId, roleName, sessionName;
    };
    // The profile's SSO settings merged with its sso-session; a Config error when they are
    // incomplete or contradict each other. *configured is false when the profile is no SSO profile.
    static Settings resolve(const AwsSharedConfig &config, const QString &profile, bool *configured, AwsError *error);
    // The token cache file name botocore and the CLI use: sha1 hex of the session name (or
    // of the start URL for legacy profiles) + ".json".
    static QString cacheFileName(const Settings &settings);
    // Reads accessToken and expiresAt from a cache file's JSON; a Credentials error naming the
    // file and the fix otherwise.
    static QByteArray readToken(const QString &path, const QString &profile, const QDateTime &now,
                                QDateTime *expiresAt, AwsError *error);
    // roleCredentials{accessKeyId, secretAccessKey, sessionToken, expiration (epoch ms)}.
    static AwsCredentials parseRoleCredentials(const QByteArray &json, AwsError *error);

private:
    CredentialSourceDependencies m_deps;
    QString m_profile;
    QPointer<QObject> m_inFlight;
};
