#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// "Start at login" as an XDG autostart entry ($XDG_CONFIG_HOME/autostart/ecr_desktop.desktop,
// else ~/.config/autostart/...), which GNOME, KDE, Xfce, LXQt and others read at login. The
// entry starts the app hidden in the tray.
class AutostartEntry
{
public:
    explicit AutostartEntry(const QProcessEnvironment &env);

    QString path() const { return m_path; }    // empty when neither XDG_CONFIG_HOME nor HOME is set
    bool isEnabled() const;
    // Writes or removes the entry; false with *error set (one line) on failure.
    bool setEnabled(bool enabled, const QString &executable, QString *error);

    // The file's text for `executable` (absolute path), with arguments quoted per the
    // Desktop Entry spec's Exec rules.
    static QByteArray content(const QString &executable, const QStringList &arguments = {QStringLiteral("--hidden")});
    static QString quoteExecArgument(const QString &argument);

private:
    QString m_path;
};
