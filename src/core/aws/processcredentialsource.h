#pragma once

#include "credentialsource.h"
#include "credentialsourcedependencies.h"

#include <QPointer>
#include <QStringList>

class QProcess;

// credential_process in the profile (aws-for-ecr-exporter.md §c.1 item 7): runs the command,
// split into words like a POSIX shell (quotes and backslashes) but WITHOUT a shell, and reads
// JSON from its stdout: {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
// "Expiration"? (ISO 8601)}; without Expiration the keys never expire. The command runs with
// the exporter's environment, is killed after a timeout, and its stdout is never logged.
//
// Not found: the profile has no credential_process. Failed: the command cannot be split or
// started, exits non-zero (the first line of its stderr is quoted), prints something that is
// not that JSON, or takes too long; messages name the command and where it was configured.
// Label: "credential_process (profile P)".
class ProcessCredentialSource : public CredentialSource
{
    Q_OBJECT
public:
    ProcessCredentialSource(const CredentialSourceDependencies &deps, const QString &profile, QObject *parent = nullptr);
    ~ProcessCredentialSource() override;

    QString name() const override;
    void fetch(Callback done) override;
    void cancel() override;

    // POSIX shell word splitting as Python's shlex.split: whitespace separates, '...' is
    // literal, "..." honours \" and \\, a backslash outside quotes escapes the next character.
    // Returns false with *error on an unclosed quote or a trailing backslash.
    static bool splitCommand(const QString &command, QStringList *words, QString *error);
    // The JSON v1 document; `what` names the command for messages.
    static Result parseOutput(const QByteArray &stdoutBytes, const QString &what);

private:
    static void reap(QProcess *process);
    void finishRun(int exitCode, bool crashed, const QByteArray &out, const QByteArray &err, const QString &what,
                   Callback done);

    CredentialSourceDependencies m_deps;
    QString m_profile;
    QPointer<QProcess> m_process;
};
