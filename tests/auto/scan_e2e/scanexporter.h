#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QUrl>

// The ecr_exporter binary as a child process for the scan end-to-end tests: a clean
// environment (empty HOME, no instance metadata, UTC), JSON log lines parsed from stderr, the
// port learnt from its "listening on" line, and /metrics scraped over HTTP and parsed here
// (independently of the exporter's writer) into series keyed by name and sorted labels.
class ScanExporter : public QObject
{
    Q_OBJECT
public:
    ScanExporter();
    ~ScanExporter() override;

    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }
    void unsetEnv(const QString &name) { m_env.remove(name); }
    void start(const QStringList &arguments);
    bool waitForListening(int timeoutMs = 15000);
    bool waitForFinished(int timeoutMs = 30000);
    bool finished() const { return m_finished; }
    int exitCode() const { return m_exitCode; }
    quint16 port() const { return m_port; }
    QByteArray standardOutput() const { return m_stdout; }
    QList<QJsonObject> logLines() const { return m_log; }
    QString describe() const;

    // GET /metrics; empty on failure. Spins the event loop (tests only).
    QByteArray scrape();

    // A parsed exposition: key "name{a=\"raw\",b=\"raw\"}" (labels sorted, values unescaped).
    using Series = QMap<QString, double>;
    static bool parse(const QByteArray &body, Series *series, QString *error);
    static QString key(const QString &name, const QMap<QString, QString> &labels);
    // Only the series of these metric names.
    static Series only(const Series &all, const QStringList &names);
    // The value of name{labels}, NaN when absent.
    static double value(const Series &all, const QString &name, const QMap<QString, QString> &labels = {});

private:
    void readStandardError();

    QProcess m_process;
    QProcessEnvironment m_env;
    QTemporaryDir m_home;
    QByteArray m_stdout, m_stderr, m_partial;
    QList<QJsonObject> m_log;
    quint16 m_port = 0;
    bool m_finished = false;
    int m_exitCode = -1;
};
