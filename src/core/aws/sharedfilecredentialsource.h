#pragma once

#include "awssharedconfig.h"
#include "credentialsource.h"

// Static keys of the selected profile in ONE of the shared files: the credentials file
// ([NAME] sections) or the config file ([profile NAME] / [default]). Keys:
// aws_access_key_id, aws_secret_access_key, optional aws_session_token (legacy alias
// aws_security_token). The file is re-read on every fetch, because tools that rotate keys
// (saml2aws, aws-vault, scripts) rewrite it; the chain only fetches again after invalidate().
//
// "Not found" when the file is missing, the profile is not in it, or it has no
// aws_access_key_id (then a later source, e.g. assume role or SSO, may handle the profile).
// "Failed" when the file cannot be read/parsed or has a key id without its secret.
// Source labels: "shared-credentials-file (profile NAME)", "config-file (profile NAME)".
//
// Profiles with role_arn, sso_*, credential_process or web_identity_token_file are handled
// by their own sources placed before/after this one in DefaultCredentialChain; like botocore,
// static keys in the same profile win only where this source comes first in the order.
class SharedFileCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    using FileKind = AwsSharedConfig::FileKind;

    // Takes the file's path, the profile name and (for a missing path) the reason from
    // `config`; the file itself is re-read on each fetch.
    SharedFileCredentialSource(FileKind kind, const AwsSharedConfig &config, QObject *parent = nullptr);
    // The same for another profile than the selected one (an assume-role source_profile).
    SharedFileCredentialSource(FileKind kind, const AwsSharedConfig &config, const QString &profile,
                               QObject *parent = nullptr);

    QString name() const override;
    void fetch(Callback done) override;

    // The extraction logic, pure: keys of `profile` in the `kind` file of `config`.
    static Result extract(const AwsSharedConfig &config, FileKind kind, const QString &profile);

private:
    FileKind m_kind;
    QString m_path;
    QString m_profile;
    QString m_noPathReason;
};
