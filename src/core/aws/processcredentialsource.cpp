#include "processcredentialsource.h"

#include "logcategories.h"
#include "stsclient.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

ProcessCredentialSource::ProcessCredentialSource(const CredentialSourceDependencies &deps, const QString &profile,
                                                 QObject *parent)
    : CredentialSource(parent), m_deps(deps), m_profile(profile)
{
}

ProcessCredentialSource::~ProcessCredentialSource()
{
    if (QProcess *p = m_process.data()) {
        p->disconnect(this);
        reap(p);
    }
}

QString ProcessCredentialSource::name() const
{
    return QStringLiteral("credential_process");
}

bool ProcessCredentialSource::splitCommand(const QString &command, QStringList *words, QString *error)
{
    words->clear();
    QString word;
    bool inWord = false;
    enum class State { Plain, Single, Double } state = State::Plain;
    for (int i = 0; i < command.size(); ++i) {
        const QChar c = command.at(i);
        switch (state) {
        case State::Plain:
            if (c.isSpace()) {
                if (inWord)
                    words->append(word);
                word.clear();
                inWord = false;
            } else if (c == QLatin1Char('\'')) {
                state = State::Single;
                inWord = true;
            } else if (c == QLatin1Char('"')) {
                state = State::Double;
                inWord = true;
            } else if (c == QLatin1Char('\\')) {
                if (i + 1 >= command.size()) {
                    *error = QStringLiteral("it ends with a lone backslash");
                    return false;
                }
                word += command.at(++i);
                inWord = true;
            } else {
                word += c;
                inWord = true;
            }
            break;
        case State::Single:
            if (c == QLatin1Char('\''))
                state = State::Plain;
            else
                word += c;
            break;
        case State::Double:
            if (c == QLatin1Char('"')) {
                state = State::Plain;
            } else if (c == QLatin1Char('\\') && i + 1 < command.size()
                       && (command.at(i + 1) == QLatin1Char('"') || command.at(i + 1) == QLatin1Char('\\'))) {
                word += command.at(++i);
            } else {
                word += c;
            }
            break;
        }
    }
    if (state != State::Plain) {
        *error = QStringLiteral("a %1 quote is not closed").arg(state == State::Single ? QStringLiteral("single") : QStringLiteral("double"));
        return false;
    }
    if (inWord)
        words->append(word);
    if (words->isEmpty()) {
        *error = QStringLiteral("it is empty");
        return false;
    }
    return true;
}

CredentialSource::Result ProcessCredentialSource::parseOutput(const QByteArray &out, const QString &what)
{
    auto fail = [&](const QString &message) {
        return Result::failed(AwsError::make(AwsError::Kind::Credentials, what + QStringLiteral(": ") + message));
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &parseError);
    if (!doc.isObject()) {
        // Never quote the output: it is meant to hold secrets.
        return fail(QStringLiteral("printed something that is not a JSON object (%1, %2 bytes); it must print "
                                   "{\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}")
                        .arg(parseError.error == QJsonParseError::NoError ? QStringLiteral("not an object") : parseError.errorString())
                        .arg(out.size()));
    }
    const QJsonObject o = doc.object();
    const QJsonValue version = o.value(QStringLiteral("Version"));
    if (!version.isDouble() || version.toDouble() != 1.0) {
        QString shown = QStringLiteral("(missing)");
        if (version.isString())
            shown = QStringLiteral("\"%1\"").arg(version.toString().left(20));
        else if (!version.isUndefined())
            shown = version.toVariant().toString().left(20);
        return fail(QStringLiteral("unsupported Version %1 in its output; only Version 1 is supported").arg(shown));
    }
    AwsCredentials c;
    c.accessKeyId = o.value(QStringLiteral("AccessKeyId")).toString();
    c.secretAccessKey = o.value(QStringLiteral("SecretAccessKey")).toString();
    c.sessionToken = o.value(QStringLiteral("SessionToken")).toString();
    if (c.accessKeyId.isEmpty() || c.secretAccessKey.isEmpty())
        return fail(QStringLiteral("its output has no %1").arg(c.accessKeyId.isEmpty() ? QStringLiteral("AccessKeyId") : QStringLiteral("SecretAccessKey")));
    const QJsonValue expiration = o.value(QStringLiteral("Expiration"));
    if (!expiration.isUndefined() && !expiration.isNull()) {
        c.expiration = StsClient::parseTimestamp(expiration.toString());
        if (!c.expiration.isValid())
            return fail(QStringLiteral("its Expiration is not an ISO 8601 time (e.g. 2026-11-27T19:00:00Z)"));
    }
    return Result::found(c);
}

void ProcessCredentialSource::fetch(Callback done)
{
    const AwsSharedConfig::Value setting = m_deps.config.value(m_profile, QStringLiteral("credential_process"));
    if (setting.value.trimmed().isEmpty()) {
        done(Result::notFound(QStringLiteral("profile '%1' has no credential_process").arg(m_profile)));
        return;
    }
    QStringList words;
    QString splitError;
    const QString where = QStringLiteral("profile '%1', %2 line %3").arg(m_profile, setting.file).arg(setting.line);
    if (!splitCommand(setting.value.trimmed(), &words, &splitError)) {
        done(Result::failed(AwsError::make(AwsError::Kind::Config,
            QStringLiteral("credential_process (%1) cannot be split into words: %2; fix its quoting").arg(where, splitError))));
        return;
    }
    const QString program = words.takeFirst();
    const QString what = QStringLiteral("credential_process `%1` (%2)").arg(QFileInfo(program).fileName(), where);

    cancel();
    auto *process = new QProcess(this);
    m_process = process;
    process->setProcessEnvironment(m_deps.env);
    process->setProgram(program);
    process->setArguments(words);
    process->setProcessChannelMode(QProcess::SeparateChannels);
    process->setStandardInputFile(QProcess::nullDevice());

    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, process, [this, process, what, done, timeoutMs = m_deps.processTimeoutMs] {
        process->disconnect(this);
        m_process.clear();
        reap(process);
        done(Result::failed(AwsError::make(AwsError::Kind::Timeout,
            QStringLiteral("%1 did not finish within %2 s and was killed; check the command").arg(what).arg(timeoutMs / 1000.0))));
    });
    connect(process, &QProcess::errorOccurred, this, [this, process, timer, what, done](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return;  // crashes and exit codes arrive through finished()
        timer->stop();
        process->disconnect(this);
        m_process.clear();
        process->deleteLater();
        done(Result::failed(AwsError::make(AwsError::Kind::Config,
            QStringLiteral("%1 cannot be started: %2; check the path and that it is executable").arg(what, process->errorString()))));
    });
    connect(process, &QProcess::finished, this, [this, process, timer, what, done](int exitCode, QProcess::ExitStatus status) {
        timer->stop();
        process->disconnect(this);
        process->deleteLater();
        m_process.clear();
        finishRun(exitCode, status == QProcess::CrashExit, process->readAllStandardOutput(),
                  process->readAllStandardError(), what, done);
    });
    // Keep stdout bounded: a runaway helper must not eat memory.
    connect(process, &QProcess::readyReadStandardOutput, this, [process] {
        if (process->bytesAvailable() > 1024 * 1024)
            process->kill();
    });
    qCDebug(lcCreds).noquote() << "running" << what;
    timer->start(qMax(1, m_deps.processTimeoutMs));
    process->start();
}

void ProcessCredentialSource::finishRun(int exitCode, bool crashed, const QByteArray &out, const QByteArray &err,
                                        const QString &what, Callback done)
{
    if (crashed || exitCode != 0) {
        QString firstLine = QString::fromUtf8(err).trimmed().section(QLatin1Char('\n'), 0, 0).left(200);
        done(Result::failed(AwsError::make(AwsError::Kind::Credentials,
            QStringLiteral("%1 %2%3; run it by hand to see why")
                .arg(what, crashed ? QStringLiteral("crashed") : QStringLiteral("exited with status %1").arg(exitCode),
                     firstLine.isEmpty() ? QString() : QStringLiteral(": ") + firstLine))));
        return;
    }
    Result result = parseOutput(out, what);
    if (result.status == Result::Status::Found)
        result.credentials.source = QStringLiteral("credential_process (profile %1)").arg(m_profile);
    done(result);
}

void ProcessCredentialSource::reap(QProcess *process)
{
    // Delete it only once it has exited: killing is asynchronous, and a QProcess deleted
    // while its child still runs would block in its destructor.
    process->setParent(nullptr);
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    process->kill();
}

void ProcessCredentialSource::cancel()
{
    if (QProcess *p = m_process.data()) {
        m_process.clear();
        p->disconnect(this);
        reap(p);
    }
}
