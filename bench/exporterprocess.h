#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <QUrl>

// Runs the real ecr_exporter binary for the benchmark, as a user would: a clean environment
// that points it at the fake ECR (AWS_ENDPOINT_URL_ECR, static keys, a region, HOME in a
// temporary folder, IMDS off), an OS-chosen port, and its JSON log lines on stderr read for
// the bound port and the duration of each rendering (ecr.metrics debug lines).
class ExporterProcess : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QString program;
        QUrl endpoint;            // the fake ECR
        QUrl stsEndpoint;         // the fake STS (start-up GetCallerIdentity); empty: none
        QString region;
        QString accessKeyId;
        QString secretAccessKey;
        int maxInFlight = 8;
        QString homeDir;          // an empty temporary folder: no ~/.aws files are read
    };

    explicit ExporterProcess(QObject *parent = nullptr);
    ~ExporterProcess() override;

    void start(const Settings &settings);
    // SIGTERM, then SIGKILL when it has not exited after `graceMs`; exited() follows.
    void stop(int graceMs = 5000);

    qint64 pid() const;
    bool isRunning() const;
    quint16 port() const { return m_port; }
    QStringList problemLines() const { return m_problems; }   // WARNING and worse (first 20)
    QStringList lastLines() const { return m_lastLines; }     // the last 30 log lines

    static QProcessEnvironment environment(const Settings &settings);
    static QStringList arguments(const Settings &settings);

signals:
    void listening(quint16 port);
    // One "rendered <n> bytes (<m> gzip) in <s> s" line of MetricsPublisher.
    void rendered(qint64 plainBytes, qint64 gzipBytes, double seconds);
    // The process ended (or could not start: exitCode -1 and `error` set).
    void exited(int exitCode, bool crashed, const QString &error);

private:
    void onStderr();
    void onLine(const QByteArray &line);

    QProcess m_process;
    QTimer m_killTimer;
    QByteArray m_partial;
    quint16 m_port = 0;
    QStringList m_problems;
    QStringList m_lastLines;
    bool m_exited = false;
};
