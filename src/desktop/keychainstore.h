#pragma once

#include "aws/awscredentials.h"

#include <QObject>
#include <QString>
#include <functional>

// Access keys in the OS keychain (Secret Service / KWallet through QtKeychain), one entry
// holding key id, secret and optional session token together so they never get out of step.
// Never an insecure fallback: when there is no keychain the caller gets a clear message and
// the keys are not stored anywhere else. Asynchronous (jobs talk D-Bus); callbacks run only
// while `context` lives.
class KeychainStore : public QObject
{
    Q_OBJECT
public:
    struct Result {
        enum class Status { Ok, NotFound, Unavailable, Failed };
        Status status = Status::Ok;
        QString message;            // one line for the window; empty when Ok
        bool ok() const { return status == Status::Ok; }
    };
    using ReadCallback = std::function<void(const Result &result, const AwsCredentials &credentials)>;
    using Callback = std::function<void(const Result &result)>;

    // `service` and `key` name the entry (tests use their own).
    explicit KeychainStore(const QString &service = QStringLiteral("ecr_desktop"),
                           const QString &key = QStringLiteral("aws-access-keys"), QObject *parent = nullptr);

    void read(QObject *context, ReadCallback callback);
    void write(const AwsCredentials &credentials, QObject *context, Callback callback);
    void remove(QObject *context, Callback callback);

    QString service() const { return m_service; }
    QString key() const { return m_key; }

    // The stored form (compact JSON) and back; decode fails on anything but that form.
    static QByteArray encode(const AwsCredentials &credentials);
    static bool decode(const QByteArray &data, AwsCredentials *credentials);
    // QKeychain::Error as a Result with words for the window (`errorString` from the job).
    static Result resultFor(int keychainError, const QString &errorString);

private:
    QString m_service;
    QString m_key;
};
