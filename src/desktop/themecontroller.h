#pragma once

#include <QColor>
#include <QObject>
#include <QString>

// Light or dark for the QML window. Qt 6.4 has no colour-scheme API, so "system" follows the
// lightness of the application palette's window colour (and follows it when the desktop
// changes palette); "light" and "dark" are the manual switch. QML knows it as `theme`.
class ThemeController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString mode READ mode WRITE setMode NOTIFY modeChanged)   // system, light, dark
    Q_PROPERTY(bool dark READ isDark NOTIFY darkChanged)                   // what to draw
    Q_PROPERTY(bool systemDark READ isSystemDark NOTIFY darkChanged)
public:
    explicit ThemeController(QObject *parent = nullptr);

    QString mode() const { return m_mode; }
    void setMode(const QString &mode);         // anything else than the three is ignored
    bool isDark() const;
    bool isSystemDark() const { return m_systemDark; }

    // Severity colours for QML (SeverityPalette): "CRITICAL" ... "UNDEFINED", "NONE";
    // anything else is the neutral grey.
    Q_INVOKABLE QColor severityColor(const QString &severity, bool dark) const;
    Q_INVOKABLE QColor severityTextColor(const QString &severity, bool dark) const;

    // Dark when the window colour's HSL lightness is below the middle (pure, for tests).
    static bool isDarkWindowColor(int lightness) { return lightness < 128; }

    // Re-reads the application palette (called on palette change events).
    void updateFromPalette();

signals:
    void modeChanged();
    void darkChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QString m_mode = QStringLiteral("system");
    bool m_systemDark = false;
};
