#pragma once

#include "awserror.h"
#include "awssharedconfig.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QProcessEnvironment>
#include <QUrl>
#include <functional>

class AwsHttpClient;
class QNetworkAccessManager;

// Client of the EC2 instance metadata service (IMDS, aws-for-ecr-exporter.md §c.6), shared by
// the IMDS credential source and the region lookup. IMDSv2: a session token from
// PUT /latest/api/token (cached until shortly before its TTL ends) is sent with every GET.
// Like the SDKs it falls back to IMDSv1 (no token) when the token request is refused
// (403/404/405), times out or cannot connect, unless v1 is disabled
// (AWS_EC2_METADATA_V1_DISABLED=true); a 400 is an error. A 401 on a GET drops the token and
// retries once with a new one.
//
// Never through a proxy (own QNetworkAccessManager without proxy), short timeouts, few
// attempts (AWS_METADATA_SERVICE_TIMEOUT, default 1 s; AWS_METADATA_SERVICE_NUM_ATTEMPTS,
// default 1). When IMDS could not be reached at all, that answer is remembered for a few
// seconds so that the region lookup and the credential chain at start-up do not each wait for
// the same dead endpoint.
class ImdsClient : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QUrl endpoint = QUrl(QStringLiteral("http://169.254.169.254/"));
        QString endpointSource = QStringLiteral("default");
        bool disabled = false;        // AWS_EC2_METADATA_DISABLED=true
        bool v1Disabled = false;      // AWS_EC2_METADATA_V1_DISABLED=true / ec2_metadata_v1_disabled
        int timeoutMs = 1000;         // per attempt (connect and whole reply)
        int attempts = 1;
        int tokenTtlSeconds = 21600;
        int unreachableMemoryMs = 10000;
    };
    // From the environment and the profile (`config` may be null). Junk values are a Config
    // error naming the variable/setting; `options` keeps its defaults for them.
    static Options optionsFrom(const QProcessEnvironment &env, const AwsSharedConfig *config, AwsError *error);

    struct Reply {
        int httpStatus = 0;
        QByteArray body;  // may carry credentials: never log it
        bool usedToken = false;
    };
    using Callback = std::function<void(const Reply &, const AwsError &)>;

    explicit ImdsClient(const Options &options, QObject *parent = nullptr);
    ~ImdsClient() override;

    const Options &options() const { return m_options; }
    bool isDisabled() const { return m_options.disabled; }
    QUrl urlFor(const QString &path) const;  // endpoint + "/" + path

    // GET `path` (e.g. "latest/meta-data/iam/security-credentials/"). Success = HTTP 200 with a
    // body; anything else is an error (httpStatus set for HTTP answers, Network/Timeout kinds
    // otherwise). Callbacks run later, while `context` lives.
    void get(const QString &path, QObject *context, Callback callback);

    // placement/region, checked to be a region name.
    void fetchRegion(QObject *context, std::function<void(const QString &region, const AwsError &error)> callback);

    int tokenRequests() const { return m_tokenRequests; }  // for tests

private:
    struct Waiter {
        QString path;
        QObject *context;
        Callback callback;
        bool retriedAfter401 = false;
    };
    void requestToken();
    void onTokenDone(int status, const QByteArray &body, const AwsError &error);
    void sendGet(const Waiter &waiter, bool useToken);
    void fail(const Waiter &waiter, const AwsError &error);
    bool rememberUnreachable(const AwsError &error);
    AwsError unreachableError() const;

    Options m_options;
    QNetworkAccessManager *m_nam;
    AwsHttpClient *m_http;
    QByteArray m_token;
    QDateTime m_tokenExpires;
    bool m_tokenInFlight = false;
    bool m_v1Fallback = false;     // the token request failed in a way that allows IMDSv1
    QList<Waiter> m_waitingForToken;
    QDateTime m_unreachableUntil;
    AwsError m_unreachable;
    int m_tokenRequests = 0;
};
