#include "scanexporter.h"

#include "testsupport.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTest>

#include <cmath>

ScanExporter::ScanExporter()
{
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &name : {QStringLiteral("PATH"), QStringLiteral("LD_LIBRARY_PATH"), QStringLiteral("ASAN_OPTIONS"),
                                QStringLiteral("UBSAN_OPTIONS"), QStringLiteral("LSAN_OPTIONS")}) {
        if (system.contains(name))
            m_env.insert(name, system.value(name));
    }
    m_env.insert(QStringLiteral("HOME"), m_home.path());
    m_env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));
    // The start-up GetCallerIdentity must never reach the real STS: a closed loopback port.
    m_env.insert(QStringLiteral("AWS_ENDPOINT_URL_STS"), QStringLiteral("http://127.0.0.1:%1").arg(TestSupport::closedPort()));
    m_env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    m_env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("*"));

    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] { m_stdout += m_process.readAllStandardOutput(); });
    connect(&m_process, &QProcess::readyReadStandardError, this, &ScanExporter::readStandardError);
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        m_stdout += m_process.readAllStandardOutput();
        readStandardError();
        m_exitCode = code;
        m_finished = true;
    });
}

ScanExporter::~ScanExporter()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
}

void ScanExporter::start(const QStringList &arguments)
{
    m_process.setProcessEnvironment(m_env);
    m_process.setProgram(QStringLiteral(ECR_EXPORTER_BINARY));
    m_process.setArguments(arguments);
    m_process.start();
}

bool ScanExporter::waitForListening(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_port != 0 || m_finished; }, timeoutMs) && m_port != 0;
}

bool ScanExporter::waitForFinished(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_finished; }, timeoutMs);
}

void ScanExporter::readStandardError()
{
    const QByteArray chunk = m_process.readAllStandardError();
    m_stderr += chunk;
    m_partial += chunk;
    static const QRegularExpression listening(QStringLiteral("^listening on \\S+:(\\d+)\\b"));
    qsizetype newline;
    while ((newline = m_partial.indexOf('\n')) >= 0) {
        const QJsonObject line = QJsonDocument::fromJson(m_partial.left(newline)).object();
        m_partial.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        m_log.append(line);
        const QRegularExpressionMatch m = listening.match(line.value(QStringLiteral("message")).toString());
        if (m_port == 0 && m.hasMatch())
            m_port = quint16(m.captured(1).toUInt());
    }
}

QString ScanExporter::describe() const
{
    return QStringLiteral("ecr_exporter %1; stderr:\n%2")
        .arg(m_finished ? QStringLiteral("exited with %1").arg(m_exitCode) : QStringLiteral("running"),
             QString::fromUtf8(m_stderr.right(4000)));
}

QByteArray ScanExporter::scrape()
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_port)));
    QNetworkReply *reply = nam.get(request);
    const bool done = QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000);
    QByteArray body;
    if (done && reply->error() == QNetworkReply::NoError)
        body = reply->readAll();
    reply->deleteLater();
    return body;
}

QString ScanExporter::key(const QString &name, const QMap<QString, QString> &labels)
{
    if (labels.isEmpty())
        return name;
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts << it.key() + QStringLiteral("=\"") + it.value() + QLatin1Char('"');
    return name + QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

bool ScanExporter::parse(const QByteArray &body, Series *series, QString *error)
{
    const QList<QByteArray> lines = body.split('\n');
    for (int n = 0; n < lines.size(); ++n) {
        const QString line = QString::fromUtf8(lines.at(n));
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        auto fail = [&](const char *why) {
            *error = QStringLiteral("line %1: %2: %3").arg(n + 1).arg(QLatin1String(why), line);
            return false;
        };
        qsizetype i = 0;
        while (i < line.size() && line.at(i) != QLatin1Char('{') && line.at(i) != QLatin1Char(' '))
            ++i;
        const QString name = line.left(i);
        QMap<QString, QString> labels;
        if (i < line.size() && line.at(i) == QLatin1Char('{')) {
            ++i;
            while (i < line.size() && line.at(i) != QLatin1Char('}')) {
                const qsizetype eq = line.indexOf(QLatin1Char('='), i);
                if (eq < 0 || eq + 1 >= line.size() || line.at(eq + 1) != QLatin1Char('"'))
                    return fail("bad label");
                const QString label = line.mid(i, eq - i);
                QString value;
                qsizetype k = eq + 2;
                for (; k < line.size() && line.at(k) != QLatin1Char('"'); ++k) {
                    if (line.at(k) == QLatin1Char('\\') && k + 1 < line.size()) {
                        const QChar c = line.at(++k);
                        value += c == QLatin1Char('n') ? QLatin1Char('\n') : c;
                    } else {
                        value += line.at(k);
                    }
                }
                if (k >= line.size())
                    return fail("unterminated label value");
                labels.insert(label, value);
                i = k + 1;
                if (i < line.size() && line.at(i) == QLatin1Char(','))
                    ++i;
            }
            if (i >= line.size())
                return fail("unterminated labels");
            ++i;
        }
        if (i >= line.size() || line.at(i) != QLatin1Char(' '))
            return fail("no value");
        bool ok = false;
        const double v = line.mid(i + 1).toDouble(&ok);
        if (!ok)
            return fail("bad value");
        const QString k = key(name, labels);
        if (series->contains(k))
            return fail("duplicate series");
        series->insert(k, v);
    }
    return true;
}

ScanExporter::Series ScanExporter::only(const Series &all, const QStringList &names)
{
    Series out;
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        const qsizetype brace = it.key().indexOf(QLatin1Char('{'));
        if (names.contains(brace < 0 ? it.key() : it.key().left(brace)))
            out.insert(it.key(), it.value());
    }
    return out;
}

double ScanExporter::value(const Series &all, const QString &name, const QMap<QString, QString> &labels)
{
    return all.value(key(name, labels), std::nan(""));
}
