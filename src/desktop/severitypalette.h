#pragma once

#include "model/severity.h"

#include <QColor>
#include <QIcon>

// The one place severity colours are defined, for the QML window (through ThemeController)
// and the tray icon: red CRITICAL, orange HIGH, amber MEDIUM, blue LOW, grey-blue
// INFORMATIONAL, grey UNDEFINED, green for "scanned, nothing found", neutral grey for
// "don't know yet". Dark variants are lighter so they stand out on dark backgrounds.
class SeverityPalette
{
public:
    static QColor color(Severity::Level level, bool dark = false);
    static QColor neutral(bool dark = false);
    // Text colour that reads on color(level, dark).
    static QColor textOn(Severity::Level level, bool dark = false);

    // The tray icon: a rounded badge in the severity's colour with its initial (C, H, M,
    // L, I, U), a check mark for None, or "…" in neutral grey when `neutral` (loading or
    // error). Drawn with QPainter at the usual tray sizes.
    static QIcon trayIcon(Severity::Level level, bool neutral);
    // The application's window icon, the same drawing as resources/ecr_desktop.svg (Qt here
    // has no SVG image plugin, so it is painted).
    static QIcon appIcon();
    static QImage trayImage(Severity::Level level, bool neutral, int size);
};
