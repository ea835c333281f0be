#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

// The real ecr_exporter binary run as a child process for the end-to-end tests. It gets a
// clean environment (HOME is an empty temporary folder, so no ~/.aws of the machine is read;
// no instance metadata; nothing inherited but PATH and sanitizer settings), its stderr JSON
// log lines are parsed as they arrive, and the port it bound (with port 0) is learnt from
// its "listening on 127.0.0.1:<port>" log line rather than guessed.
class ExporterProcess : public QObject
{
    Q_OBJECT
public:
    explicit ExporterProcess(QObject *parent = nullptr);
    ~ExporterProcess() override;   // kills a process still running

    static QString binary();       // the built ecr_exporter (ECR_EXPORTER_BINARY)

    // AWS_ENDPOINT_URL_ECR, AWS_REGION and static keys for the fake ECR.
    void useFakeEcr(const QUrl &endpoint, const QString &region, const QString &accessKeyId,
                    const QString &secret);
    void setEnv(const QString &name, const QString &value);
    QProcessEnvironment environment() const { return m_env; }

    void start(const QStringList &arguments);
    // Waiting helpers for tests (they spin the event loop, so an in-process fake keeps answering).
    bool waitForListening(int timeoutMs = 10000);
    bool waitForFinished(int timeoutMs = 10000);
    void terminate();              // SIGTERM

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    bool hasFinished() const { return m_finished; }
    int exitCode() const { return m_exitCode; }
    QProcess::ExitStatus exitStatus() const { return m_exitStatus; }
    quint16 port() const { return m_port; }
    QByteArray standardOutput() const { return m_stdout; }
    QByteArray standardError() const { return m_stderr; }
    QList<QJsonObject> logLines() const { return m_log; }  // stderr lines that were JSON objects
    // The first log line with this logger and level whose message contains `text` (empty if none).
    QJsonObject findLog(const QString &logger, const QString &level, const QString &text) const;
    QString describe() const;      // exit state and stderr, for failure messages

signals:
    void listening(quint16 port);
    void logLine(const QJsonObject &line);
    void finished();

private:
    void readStandardError();

    QProcess m_process;
    QProcessEnvironment m_env;
    QTemporaryDir m_home;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QByteArray m_partialLine;
    QList<QJsonObject> m_log;
    quint16 m_port = 0;
    bool m_finished = false;
    int m_exitCode = -1;
    QProcess::ExitStatus m_exitStatus = QProcess::NormalExit;
};
