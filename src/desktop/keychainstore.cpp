#include "keychainstore.h"

#include "logcategories.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <qt6keychain/keychain.h>

KeychainStore::KeychainStore(const QString &service, const QString &key, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_key(key)
{
}

QByteArray KeychainStore::encode(const AwsCredentials &credentials)
{
    QJsonObject o;
    o.insert(QStringLiteral("accessKeyId"), credentials.accessKeyId);
    o.insert(QStringLiteral("secretAccessKey"), credentials.secretAccessKey);
    if (!credentials.sessionToken.isEmpty())
        o.insert(QStringLiteral("sessionToken"), credentials.sessionToken);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool KeychainStore::decode(const QByteArray &data, AwsCredentials *credentials)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    const QJsonObject o = doc.object();
    AwsCredentials c;
    c.accessKeyId = o.value(QStringLiteral("accessKeyId")).toString();
    c.secretAccessKey = o.value(QStringLiteral("secretAccessKey")).toString();
    c.sessionToken = o.value(QStringLiteral("sessionToken")).toString();
    c.source = QStringLiteral("keychain");
    if (!c.isValid())
        return false;
    *credentials = c;
    return true;
}

KeychainStore::Result KeychainStore::resultFor(int keychainError, const QString &errorString)
{
    Result r;
    switch (QKeychain::Error(keychainError)) {
    case QKeychain::NoError:
        return r;
    case QKeychain::EntryNotFound:
        r.status = Result::Status::NotFound;
        r.message = QStringLiteral("No access keys are stored in the keychain yet. Enter them under Sign in.");
        return r;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        r.status = Result::Status::Failed;
        r.message = QStringLiteral("The keychain refused access (%1). Unlock it and try again, or sign in with "
                                   "an AWS profile.").arg(errorString);
        return r;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
    case QKeychain::CouldNotDeleteEntry:
        break;
    }
    // QtKeychain 0.13 reports a missing D-Bus session or a locked/absent keyring as
    // OtherError (qt64-notes §4): all of these mean "no usable keychain here".
    r.status = Result::Status::Unavailable;
    r.message = QStringLiteral("The system keychain is not available (%1). Start and unlock a Secret Service "
                               "(GNOME Keyring or KWallet), or sign in with an AWS profile instead; keys are "
                               "never stored without it.").arg(errorString.isEmpty() ? QStringLiteral("no backend") : errorString);
    return r;
}

void KeychainStore::read(QObject *context, ReadCallback callback)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(m_key);
    connect(job, &QKeychain::Job::finished, context ? context : this, [callback](QKeychain::Job *j) {
        auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(j);
        Result result = resultFor(j->error(), j->errorString());
        AwsCredentials credentials;
        if (result.ok() && !decode(readJob->textData().toUtf8(), &credentials)) {
            result.status = Result::Status::Failed;
            result.message = QStringLiteral("The keychain entry for the access keys is damaged. Enter the keys "
                                            "again under Sign in.");
        }
        if (!result.ok())
            qCInfo(lcCreds).noquote() << "keychain read:" << result.message;
        callback(result, credentials);
    });
    job->start();
}

void KeychainStore::write(const AwsCredentials &credentials, QObject *context, Callback callback)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(m_key);
    job->setTextData(QString::fromUtf8(encode(credentials)));
    connect(job, &QKeychain::Job::finished, context ? context : this, [callback](QKeychain::Job *j) {
        const Result result = resultFor(j->error(), j->errorString());
        if (!result.ok())
            qCInfo(lcCreds).noquote() << "keychain write:" << result.message;
        callback(result);
    });
    job->start();
}

void KeychainStore::remove(QObject *context, Callback callback)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(m_key);
    connect(job, &QKeychain::Job::finished, context ? context : this, [callback](QKeychain::Job *j) {
        Result result = resultFor(j->error(), j->errorString());
        if (result.status == Result::Status::NotFound)
            result = Result(); // nothing stored is what the caller wanted
        callback(result);
    });
    job->start();
}
