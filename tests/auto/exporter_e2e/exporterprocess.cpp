#include "exporterprocess.h"

#include "testsupport.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

ExporterProcess::ExporterProcess(QObject *parent)
    : QObject(parent)
{
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    // Only what a process needs to run (and sanitizer settings for ECR_SANITIZE builds):
    // no AWS_PROFILE, proxies, QT_LOGGING_RULES or TZ of whoever runs the tests.
    for (const QString &name : {QStringLiteral("PATH"), QStringLiteral("LD_LIBRARY_PATH"),
                                QStringLiteral("ASAN_OPTIONS"), QStringLiteral("UBSAN_OPTIONS"),
                                QStringLiteral("LSAN_OPTIONS")}) {
        if (system.contains(name))
            m_env.insert(name, system.value(name));
    }
    m_env.insert(QStringLiteral("HOME"), m_home.path());
    m_env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
    // The start-up GetCallerIdentity must never reach the real STS: a closed loopback port.
    m_env.insert(QStringLiteral("AWS_ENDPOINT_URL_STS"), QStringLiteral("http://127.0.0.1:%1").arg(TestSupport::closedPort()));
    m_env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));

    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { m_stdout += m_process.readAllStandardOutput(); });
    connect(&m_process, &QProcess::readyReadStandardError, this, &ExporterProcess::readStandardError);
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        m_stdout += m_process.readAllStandardOutput();
        readStandardError();
        m_exitCode = code;
        m_exitStatus = status;
        m_finished = true;
        emit finished();
    });
}

ExporterProcess::~ExporterProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString ExporterProcess::binary()
{
    return QStringLiteral(ECR_EXPORTER_BINARY);
}

void ExporterProcess::useFakeEcr(const QUrl &endpoint, const QString &region, const QString &accessKeyId,
                                 const QString &secret)
{
    m_env.insert(QStringLiteral("AWS_ENDPOINT_URL_ECR"), endpoint.toString());
    m_env.insert(QStringLiteral("AWS_REGION"), region);
    m_env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), accessKeyId);
    m_env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), secret);
}

void ExporterProcess::setEnv(const QString &name, const QString &value)
{
    m_env.insert(name, value);
}

void ExporterProcess::start(const QStringList &arguments)
{
    m_process.setProcessEnvironment(m_env);
    m_process.setProgram(binary());
    m_process.setArguments(arguments);
    m_process.start();
}

bool ExporterProcess::waitForListening(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_port != 0 || m_finished; }, timeoutMs) && m_port != 0;
}

bool ExporterProcess::waitForFinished(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_finished; }, timeoutMs);
}

void ExporterProcess::terminate()
{
    m_process.terminate();
}

void ExporterProcess::readStandardError()
{
    const QByteArray chunk = m_process.readAllStandardError();
    m_stderr += chunk;
    m_partialLine += chunk;
    static const QRegularExpression listeningLine(QStringLiteral("^listening on \\S+:(\\d+)\\b"));
    qsizetype newline;
    while ((newline = m_partialLine.indexOf('\n')) >= 0) {
        const QByteArray line = m_partialLine.left(newline);
        m_partialLine.remove(0, newline + 1);
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (!document.isObject())
            continue;
        const QJsonObject object = document.object();
        m_log.append(object);
        emit logLine(object);
        if (m_port == 0 && object.value(QStringLiteral("logger")).toString() == QLatin1String("ecr.http")) {
            const QRegularExpressionMatch match = listeningLine.match(object.value(QStringLiteral("message")).toString());
            if (match.hasMatch()) {
                m_port = quint16(match.captured(1).toUInt());
                emit listening(m_port);
            }
        }
    }
}

QJsonObject ExporterProcess::findLog(const QString &logger, const QString &level, const QString &text) const
{
    for (const QJsonObject &line : m_log) {
        if (line.value(QStringLiteral("logger")).toString() == logger
            && line.value(QStringLiteral("level")).toString() == level
            && line.value(QStringLiteral("message")).toString().contains(text))
            return line;
    }
    return {};
}

QString ExporterProcess::describe() const
{
    QString state = m_finished ? QStringLiteral("exited with %1%2")
                                     .arg(m_exitCode)
                                     .arg(m_exitStatus == QProcess::CrashExit ? QStringLiteral(" (crashed)") : QString())
                               : QStringLiteral("still running");
    return QStringLiteral("ecr_exporter %1; stderr:\n%2").arg(state, QString::fromUtf8(m_stderr.right(4000)));
}
