#pragma once

#include "aws/awserror.h"
#include "aws/credentialprovider.h"

#include <QPointer>

// Wraps the desktop's real CredentialProvider to hear what it says: the HTTP client only
// reports "credentials" as an outcome, but the window should show the source's own words
// ("profile 'dev' not found ...", "SSO token expired ..."). Forwards everything unchanged.
class ReportingCredentialProvider : public CredentialProvider
{
    Q_OBJECT
public:
    // Takes ownership of `inner`.
    explicit ReportingCredentialProvider(CredentialProvider *inner, QObject *parent = nullptr);

    void credentials(QObject *context, Callback callback) override;
    void invalidate() override;
    QString describe() const override;

    AwsError lastError() const { return m_lastError; }
    QString lastSource() const { return m_lastSource; }

signals:
    void failed(const AwsError &error);
    void succeeded(const QString &source);

private:
    CredentialProvider *m_inner;
    AwsError m_lastError;
    QString m_lastSource;
};
