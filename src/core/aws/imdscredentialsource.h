#pragma once

#include "credentialsource.h"

#include <QDateTime>
#include <QPointer>
#include <functional>

class ImdsClient;

// The EC2 instance profile role through instance metadata (aws-for-ecr-exporter.md §c.6):
// GET iam/security-credentials/ -> role name, then GET .../<role> -> JSON with Code
// "Success", AccessKeyId, SecretAccessKey, Token, Expiration. Uses a shared ImdsClient
// (IMDSv2 token, v1 fallback, no proxy, short timeouts).
//
// "Static stability" like the SDKs: credentials that IMDS hands out already (nearly) expired,
// and — during an IMDS outage — the last good credentials, are kept with their expiry pushed
// forward locally by the refresh window plus 2-10 min of jitter, with a warning; the next
// refresh tries IMDS again.
//
// Not found: IMDS disabled, unreachable (and nothing kept), no role attached, or an error Code.
// It never fails the chain (botocore treats every IMDS problem as "no credentials").
// Label: "ec2-instance-metadata (role NAME)".
class ImdsCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    // `imds` is not owned and must outlive the source.
    explicit ImdsCredentialSource(ImdsClient *imds, QObject *parent = nullptr);

    QString name() const override;
    void fetch(Callback done) override;
    void cancel() override;

    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setRandom(std::function<double()> random) { m_random = std::move(random); }
    // Seconds before expiry from which keys count as stale (the chain's refresh window).
    void setRefreshWindow(qint64 seconds) { m_refreshWindow = seconds; }

    // The credentials JSON -> keys; *reason says why not (for "not found").
    static bool parseCredentials(const QByteArray &json, AwsCredentials *credentials, QString *reason);

private:
    void fetchRole(const QString &role, Callback done);
    void outage(const AwsError &error, Callback done);
    Result keep(AwsCredentials credentials, const QString &why);
    QDateTime now() const;

    ImdsClient *m_imds;
    QPointer<QObject> m_inFlight;
    AwsCredentials m_last;          // last good keys, for outages
    Clock m_clock;
    std::function<double()> m_random;
    qint64 m_refreshWindow = 15 * 60;
};
