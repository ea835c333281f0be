#include "themecontroller.h"

#include <QEvent>
#include <QGuiApplication>
#include <QPalette>

#include "severitypalette.h"

ThemeController::ThemeController(QObject *parent)
    : QObject(parent)
{
    updateFromPalette();
    if (qApp)
        qApp->installEventFilter(this);
}

void ThemeController::setMode(const QString &mode)
{
    if (mode == m_mode
        || (mode != QLatin1String("system") && mode != QLatin1String("light") && mode != QLatin1String("dark")))
        return;
    const bool wasDark = isDark();
    m_mode = mode;
    emit modeChanged();
    if (wasDark != isDark())
        emit darkChanged();
}

bool ThemeController::isDark() const
{
    if (m_mode == QLatin1String("dark"))
        return true;
    if (m_mode == QLatin1String("light"))
        return false;
    return m_systemDark;
}

void ThemeController::updateFromPalette()
{
    const bool wasDark = isDark();
    const bool wasSystemDark = m_systemDark;
    m_systemDark = isDarkWindowColor(QGuiApplication::palette().color(QPalette::Window).lightness());
    if (wasDark != isDark() || wasSystemDark != m_systemDark)
        emit darkChanged();
}

bool ThemeController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange)
        updateFromPalette();
    return QObject::eventFilter(watched, event);
}

QColor ThemeController::severityColor(const QString &severity, bool dark) const
{
    if (severity.compare(QLatin1String("NONE"), Qt::CaseInsensitive) == 0)
        return SeverityPalette::color(Severity::None, dark);
    const Severity::Level level = Severity::fromName(severity);
    return level == Severity::None ? SeverityPalette::neutral(dark) : SeverityPalette::color(level, dark);
}

QColor ThemeController::severityTextColor(const QString &severity, bool dark) const
{
    return SeverityPalette::textOn(Severity::fromName(severity), dark);
}
