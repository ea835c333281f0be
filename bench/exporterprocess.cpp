#include "exporterprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

ExporterProcess::ExporterProcess(QObject *parent)
    : QObject(parent)
{
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, &m_process, &QProcess::kill);
    connect(&m_process, &QProcess::readyReadStandardError, this, &ExporterProcess::onStderr);
    connect(&m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        onStderr();
        m_killTimer.stop();
        m_exited = true;
        emit exited(exitCode, status == QProcess::CrashExit, QString());
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // crashes are reported by finished()
        m_exited = true;
        emit exited(-1, false, QStringLiteral("cannot start %1: %2").arg(m_process.program(), m_process.errorString()));
    });
}

ExporterProcess::~ExporterProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(2000); // only ever on the way out of the program
    }
}

QProcessEnvironment ExporterProcess::environment(const Settings &s)
{
    // Start from nothing, so the caller's AWS_PROFILE, proxies or Qt settings cannot change
    // what is measured.
    QProcessEnvironment env;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const char *keep : {"PATH", "LD_LIBRARY_PATH", "LANG", "TZ"}) {
        if (system.contains(QLatin1String(keep)))
            env.insert(QLatin1String(keep), system.value(QLatin1String(keep)));
    }
    env.insert(QStringLiteral("HOME"), s.homeDir);
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), s.accessKeyId);
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), s.secretAccessKey);
    env.insert(QStringLiteral("AWS_REGION"), s.region);
    env.insert(QStringLiteral("AWS_ENDPOINT_URL_ECR"), s.endpoint.toString());
    if (!s.stsEndpoint.isEmpty())
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_STS"), s.stsEndpoint.toString());
    env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
    // Only the rendering's duration line is wanted from the debug level.
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("ecr.metrics.debug=true"));
    return env;
}

QStringList ExporterProcess::arguments(const Settings &s)
{
    return {QStringLiteral("--web.listen-address=127.0.0.1:0"),
            QStringLiteral("--max-in-flight=%1").arg(s.maxInFlight),
            // Only the first refresh is measured: no second one may start during the run.
            QStringLiteral("--refresh-interval=1d"),
            QStringLiteral("--log.format=json")};
}

void ExporterProcess::start(const Settings &settings)
{
    m_process.setProcessEnvironment(environment(settings));
    m_process.setWorkingDirectory(settings.homeDir);
    m_process.start(settings.program, arguments(settings));
}

void ExporterProcess::stop(int graceMs)
{
    if (m_exited || m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    m_killTimer.start(graceMs);
}

qint64 ExporterProcess::pid() const
{
    return m_process.processId();
}

bool ExporterProcess::isRunning() const
{
    return m_process.state() == QProcess::Running;
}

void ExporterProcess::onStderr()
{
    m_partial += m_process.readAllStandardError();
    qsizetype start = 0;
    for (qsizetype nl = m_partial.indexOf('\n'); nl >= 0; nl = m_partial.indexOf('\n', start)) {
        onLine(m_partial.mid(start, nl - start));
        start = nl + 1;
    }
    m_partial.remove(0, start);
}

void ExporterProcess::onLine(const QByteArray &line)
{
    m_lastLines.append(QString::fromUtf8(line));
    if (m_lastLines.size() > 30)
        m_lastLines.removeFirst();

    const QJsonObject o = QJsonDocument::fromJson(line).object();
    const QString level = o.value(QLatin1String("level")).toString();
    const QString logger = o.value(QLatin1String("logger")).toString();
    const QString message = o.value(QLatin1String("message")).toString(QString::fromUtf8(line));
    if ((o.isEmpty() || (level != QLatin1String("DEBUG") && level != QLatin1String("INFO"))) && m_problems.size() < 20)
        m_problems.append(QString::fromUtf8(line));

    static const QRegularExpression listeningRe(QStringLiteral("^listening on (\\S+):(\\d+)\\b"));
    static const QRegularExpression renderedRe(QStringLiteral("^rendered (\\d+) bytes \\((\\d+) gzip\\) in ([0-9.]+) s"));
    if (logger == QLatin1String("ecr.http") && m_port == 0) {
        const QRegularExpressionMatch m = listeningRe.match(message);
        if (m.hasMatch()) {
            m_port = quint16(m.captured(2).toUInt());
            emit listening(m_port);
        }
    } else if (logger == QLatin1String("ecr.metrics")) {
        const QRegularExpressionMatch m = renderedRe.match(message);
        if (m.hasMatch())
            emit rendered(m.captured(1).toLongLong(), m.captured(2).toLongLong(), m.captured(3).toDouble());
    }
}
