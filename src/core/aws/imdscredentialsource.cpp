#include "imdscredentialsource.h"

#include "imdsclient.h"
#include "logcategories.h"
#include "stsclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace {
const QString kCredentialsPath = QStringLiteral("latest/meta-data/iam/security-credentials/");
}

ImdsCredentialSource::ImdsCredentialSource(ImdsClient *imds, QObject *parent)
    : CredentialSource(parent), m_imds(imds)
{
    Q_ASSERT(imds);
}

QString ImdsCredentialSource::name() const
{
    return QStringLiteral("EC2 instance metadata");
}

QDateTime ImdsCredentialSource::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

bool ImdsCredentialSource::parseCredentials(const QByteArray &json, AwsCredentials *c, QString *reason)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        *reason = QStringLiteral("the credentials document is not JSON");
        return false;
    }
    const QJsonObject o = doc.object();
    const QString code = o.value(QStringLiteral("Code")).toString();
    if (!code.isEmpty() && code != QLatin1String("Success")) {
        *reason = QStringLiteral("instance metadata reports Code %1 (%2)")
                      .arg(code, o.value(QStringLiteral("Message")).toString().left(200));
        return false;
    }
    QStringList missing;
    for (const char *k : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) {
        if (o.value(QLatin1String(k)).toString().isEmpty())
            missing << QLatin1String(k);
    }
    if (!missing.isEmpty()) {
        *reason = QStringLiteral("the credentials document has no %1").arg(missing.join(QStringLiteral(", ")));
        return false;
    }
    c->accessKeyId = o.value(QStringLiteral("AccessKeyId")).toString();
    c->secretAccessKey = o.value(QStringLiteral("SecretAccessKey")).toString();
    c->sessionToken = o.value(QStringLiteral("Token")).toString();
    c->expiration = StsClient::parseTimestamp(o.value(QStringLiteral("Expiration")).toString());
    if (!c->expiration.isValid()) {
        *reason = QStringLiteral("the credentials' Expiration is not an ISO 8601 time");
        return false;
    }
    return true;
}

void ImdsCredentialSource::fetch(Callback done)
{
    if (m_imds->isDisabled()) {
        done(Result::notFound(QStringLiteral("disabled by AWS_EC2_METADATA_DISABLED=true")));
        return;
    }
    cancel();
    auto *context = new QObject(this);
    m_inFlight = context;
    m_imds->get(kCredentialsPath, context, [this, context, done](const ImdsClient::Reply &reply, const AwsError &error) {
        if (error) {
            context->deleteLater();
            if (error.httpStatus == 404) {
                done(Result::notFound(QStringLiteral("no IAM role is attached to this instance (%1 answered HTTP 404)")
                                          .arg(m_imds->options().endpoint.toString())));
                return;
            }
            outage(error, done);
            return;
        }
        const QString role = QString::fromUtf8(reply.body).section(QLatin1Char('\n'), 0, 0).trimmed();
        if (role.isEmpty()) {
            context->deleteLater();
            done(Result::notFound(QStringLiteral("instance metadata lists no IAM role")));
            return;
        }
        fetchRole(role, done);
    });
}

void ImdsCredentialSource::fetchRole(const QString &role, Callback done)
{
    QObject *context = m_inFlight.data();
    if (!context)
        return;
    m_imds->get(kCredentialsPath + role, context, [this, context, role, done](const ImdsClient::Reply &reply, const AwsError &error) {
        context->deleteLater();
        if (error) {
            if (error.httpStatus == 404) {
                done(Result::notFound(QStringLiteral("role %1 has no credentials in instance metadata (HTTP 404)").arg(role)));
                return;
            }
            outage(error, done);
            return;
        }
        AwsCredentials c;
        QString reason;
        if (!parseCredentials(reply.body, &c, &reason)) {
            done(Result::notFound(QStringLiteral("role %1: %2").arg(role, reason)));
            return;
        }
        c.source = QStringLiteral("ec2-instance-metadata (role %1)").arg(role);
        m_last = c;
        if (c.expiresWithin(m_refreshWindow, now())) {
            // IMDS itself is serving stale keys (it does during some outages): use them a while.
            done(keep(c, QStringLiteral("instance metadata returned credentials that expire at %1")
                             .arg(c.expiration.toString(Qt::ISODate))));
            return;
        }
        done(Result::found(c));
    });
}

void ImdsCredentialSource::outage(const AwsError &error, Callback done)
{
    if (m_last.isValid()) {
        done(keep(m_last, QStringLiteral("instance metadata is not answering (%1)").arg(error.message)));
        return;
    }
    const bool unreachable = error.kind == AwsError::Kind::Network || error.kind == AwsError::Kind::Timeout;
    done(Result::notFound((unreachable ? QStringLiteral("not reachable: ") : QStringLiteral("no credentials: ")) + error.message));
}

CredentialSource::Result ImdsCredentialSource::keep(AwsCredentials c, const QString &why)
{
    const double r = m_random ? m_random() : QRandomGenerator::global()->generateDouble();
    const qint64 jitter = 120 + qint64(r * 480);  // 2-10 min, as botocore
    const QDateTime t = now();
    if (c.expiresWithin(m_refreshWindow + jitter, t)) {
        c.expiration = t.addSecs(m_refreshWindow + jitter);
        qCWarning(lcCreds).noquote() << QStringLiteral("%1; keeping the current credentials of %2 and trying again in about %3 min")
                                            .arg(why, c.source).arg(jitter / 60);
    }
    m_last = c;
    return Result::found(c);
}

void ImdsCredentialSource::cancel()
{
    delete m_inFlight.data();
}
