#include "staticcredentialprovider.h"

#include <QMetaObject>
#include <QPointer>

StaticCredentialProvider::StaticCredentialProvider(const AwsCredentials &credentials, QObject *parent)
    : CredentialProvider(parent), m_credentials(credentials)
{
    if (m_credentials.source.isEmpty())
        m_credentials.source = QStringLiteral("static");
}

void StaticCredentialProvider::credentials(QObject *context, Callback callback)
{
    ++m_fetches;
    AwsError error;
    if (!m_credentials.isValid()) {
        error = AwsError::make(AwsError::Kind::Credentials,
                               QStringLiteral("static credentials are incomplete: both an access key id "
                                              "and a secret access key are needed"));
    }
    // Queued, so callers never see their callback run inside credentials().
    QMetaObject::invokeMethod(
        context ? context : this,
        [creds = m_credentials, error, callback = std::move(callback)] { callback(creds, error); },
        Qt::QueuedConnection);
}

void StaticCredentialProvider::invalidate()
{
    ++m_invalidations;
}

QString StaticCredentialProvider::describe() const
{
    return m_credentials.source;
}

void StaticCredentialProvider::setCredentials(const AwsCredentials &credentials)
{
    m_credentials = credentials;
    if (m_credentials.source.isEmpty())
        m_credentials.source = QStringLiteral("static");
}
