#include "reportingcredentialprovider.h"

ReportingCredentialProvider::ReportingCredentialProvider(CredentialProvider *inner, QObject *parent)
    : CredentialProvider(parent)
    , m_inner(inner)
{
    m_inner->setParent(this);
}

void ReportingCredentialProvider::credentials(QObject *context, Callback callback)
{
    const QPointer<ReportingCredentialProvider> self(this);
    m_inner->credentials(context, [self, callback](const AwsCredentials &credentials, const AwsError &error) {
        if (self) {
            if (error) {
                self->m_lastError = error;
                emit self->failed(error);
            } else if (credentials.source != self->m_lastSource || self->m_lastError) {
                self->m_lastError = AwsError();
                self->m_lastSource = credentials.source;
                emit self->succeeded(credentials.source);
            }
        }
        callback(credentials, error);
    });
}

void ReportingCredentialProvider::invalidate()
{
    m_inner->invalidate();
}

QString ReportingCredentialProvider::describe() const
{
    return m_inner->describe();
}
