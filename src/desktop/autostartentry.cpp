#include "autostartentry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

AutostartEntry::AutostartEntry(const QProcessEnvironment &env)
{
    QString base = env.value(QStringLiteral("XDG_CONFIG_HOME"));
    // The XDG spec: a relative value is invalid and must be ignored.
    if (base.isEmpty() || !QDir::isAbsolutePath(base)) {
        const QString home = env.value(QStringLiteral("HOME"));
        if (!home.isEmpty())
            base = home + QStringLiteral("/.config");
        else
            base.clear();
    }
    if (!base.isEmpty())
        m_path = base + QStringLiteral("/autostart/ecr_desktop.desktop");
}

bool AutostartEntry::isEnabled() const
{
    return !m_path.isEmpty() && QFileInfo::exists(m_path);
}

bool AutostartEntry::setEnabled(bool enabled, const QString &executable, QString *error)
{
    if (m_path.isEmpty()) {
        *error = QStringLiteral("cannot find the autostart folder: neither XDG_CONFIG_HOME nor HOME is set");
        return false;
    }
    if (!enabled) {
        if (QFileInfo::exists(m_path) && !QFile::remove(m_path)) {
            *error = QStringLiteral("cannot remove %1; delete it by hand to stop starting at login").arg(m_path);
            return false;
        }
        return true;
    }
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        *error = QStringLiteral("cannot create %1; check the permissions of your config folder")
                     .arg(QFileInfo(m_path).absolutePath());
        return false;
    }
    QSaveFile file(m_path);
    const QByteArray text = content(executable);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

QString AutostartEntry::quoteExecArgument(const QString &argument)
{
    static const QString reserved = QStringLiteral(" \t\n\"'\\><~|&;$*?#()`=%");
    bool needsQuotes = argument.isEmpty();
    for (const QChar c : argument) {
        if (reserved.contains(c)) {
            needsQuotes = true;
            break;
        }
    }
    QString out = argument;
    out.replace(QLatin1String("%"), QLatin1String("%%")); // field codes
    if (!needsQuotes)
        return out;
    QString quoted;
    for (const QChar c : std::as_const(out)) {
        // Inside double quotes, '"', '`', '$' and '\' are escaped with a backslash.
        if (c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('$') || c == QLatin1Char('\\'))
            quoted += QLatin1Char('\\');
        quoted += c;
    }
    // The file format then escapes every backslash once more (string values).
    quoted.replace(QLatin1String("\\"), QLatin1String("\\\\"));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray AutostartEntry::content(const QString &executable, const QStringList &arguments)
{
    QStringList exec{quoteExecArgument(executable)};
    for (const QString &argument : arguments)
        exec.append(quoteExecArgument(argument));
    const QString text = QStringLiteral("[Desktop Entry]\n"
                                        "Type=Application\n"
                                        "Name=ECR Desktop\n"
                                        "Comment=AWS ECR registry browser with live metrics in the tray\n"
                                        "Exec=%1\n"
                                        "Icon=ecr_desktop\n"
                                        "Terminal=false\n"
                                        "Categories=Development;\n"
                                        "X-GNOME-Autostart-enabled=true\n")
                             .arg(exec.join(QLatin1Char(' ')));
    return text.toUtf8();
}
