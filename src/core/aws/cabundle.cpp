#include "cabundle.h"

#include <QDir>
#include <QFile>

CaBundle::Result CaBundle::load(const QProcessEnvironment &env, const AwsSharedConfig *config, AwsError *error)
{
    Result result;
    QString path = env.value(QStringLiteral("AWS_CA_BUNDLE")).trimmed();
    if (!path.isEmpty()) {
        result.source = QStringLiteral("AWS_CA_BUNDLE");
    } else if (config) {
        const AwsSharedConfig::Value v = config->value(QStringLiteral("ca_bundle"));
        if (!v.value.trimmed().isEmpty()) {
            path = v.value.trimmed();
            result.source = QStringLiteral("profile '%1' ca_bundle (%2 line %3)")
                                .arg(config->profileName(), v.file).arg(v.line);
        }
    }
    if (path.isEmpty())
        return result;
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/"))) {
        const QString home = env.value(QStringLiteral("HOME"));
        if (!home.isEmpty())
            path = home + path.mid(1);
    }
    result.path = path;
    result.certificates = readPem(path, result.source, error);
    return result;
}

QList<QSslCertificate> CaBundle::readPem(const QString &path, const QString &source, AwsError *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) {
            *error = AwsError::make(AwsError::Kind::Config,
                QStringLiteral("CA bundle %1 (from %2) cannot be read: %3; point it at a PEM file or unset it")
                    .arg(QDir::toNativeSeparators(path), source, file.errorString()));
        }
        return {};
    }
    const QByteArray pem = file.read(16 * 1024 * 1024);
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certificates.isEmpty() && error) {
        *error = AwsError::make(AwsError::Kind::Config,
            QStringLiteral("CA bundle %1 (from %2) contains no PEM certificate (-----BEGIN CERTIFICATE-----); "
                           "point it at a PEM file or unset it")
                .arg(QDir::toNativeSeparators(path), source));
    }
    return certificates;
}
