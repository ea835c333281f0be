#pragma once

#include "credentialprovider.h"

// A CredentialProvider that always hands out the same fixed keys: for tests, the demo mode
// and explicitly configured keys. Answers asynchronously like every real provider.
class StaticCredentialProvider : public CredentialProvider
{
    Q_OBJECT
public:
    explicit StaticCredentialProvider(const AwsCredentials &credentials, QObject *parent = nullptr);

    void credentials(QObject *context, Callback callback) override;
    void invalidate() override;
    QString describe() const override;

    // Replace the keys (e.g. a test simulating a rotation after ExpiredTokenException).
    void setCredentials(const AwsCredentials &credentials);
    int fetchCount() const { return m_fetches; }
    int invalidateCount() const { return m_invalidations; }

private:
    AwsCredentials m_credentials;
    int m_fetches = 0;
    int m_invalidations = 0;
};
