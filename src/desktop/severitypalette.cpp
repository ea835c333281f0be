#include "severitypalette.h"

#include <QFont>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

QColor SeverityPalette::color(Severity::Level level, bool dark)
{
    switch (level) {
    case Severity::Critical: return dark ? QColor(0xef, 0x53, 0x50) : QColor(0xc6, 0x28, 0x28);
    case Severity::High: return dark ? QColor(0xff, 0x98, 0x3d) : QColor(0xe6, 0x5c, 0x00);
    case Severity::Medium: return dark ? QColor(0xff, 0xd5, 0x4f) : QColor(0xf9, 0xa8, 0x25);
    case Severity::Low: return dark ? QColor(0x64, 0xb5, 0xf6) : QColor(0x15, 0x65, 0xc0);
    case Severity::Informational: return dark ? QColor(0x90, 0xa4, 0xae) : QColor(0x54, 0x6e, 0x7a);
    case Severity::Undefined: return dark ? QColor(0xbd, 0xbd, 0xbd) : QColor(0x75, 0x75, 0x75);
    case Severity::None: return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
    }
    return neutral(dark);
}

QColor SeverityPalette::neutral(bool dark)
{
    return dark ? QColor(0x9e, 0x9e, 0x9e) : QColor(0x9e, 0x9e, 0x9e);
}

QColor SeverityPalette::textOn(Severity::Level level, bool dark)
{
    // Amber and the light dark-theme variants need dark text; the rest read in white.
    if (level == Severity::Medium || dark)
        return QColor(0x21, 0x21, 0x21);
    return QColor(Qt::white);
}

QImage SeverityPalette::trayImage(Severity::Level level, bool neutral, int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor fill = neutral ? SeverityPalette::neutral() : color(level);
    const QColor ink = neutral ? QColor(Qt::white) : textOn(level);
    const qreal margin = size / 16.0;
    const QRectF box(margin, margin, size - 2 * margin, size - 2 * margin);
    p.setPen(QPen(fill.darker(130), qMax(1.0, size / 22.0)));
    p.setBrush(fill);
    p.drawRoundedRect(box, size / 5.0, size / 5.0);

    p.setPen(QPen(ink, qMax(1.5, size / 9.0), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    if (neutral) {
        // Three dots: "waiting" — loading, or the data cannot be trusted (error).
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        const qreal r = size / 14.0;
        for (int i = -1; i <= 1; ++i)
            p.drawEllipse(box.center() + QPointF(i * size / 4.5, 0), r, r);
    } else if (level == Severity::None) {
        QPainterPath check;
        check.moveTo(box.left() + box.width() * 0.25, box.top() + box.height() * 0.52);
        check.lineTo(box.left() + box.width() * 0.43, box.top() + box.height() * 0.70);
        check.lineTo(box.left() + box.width() * 0.76, box.top() + box.height() * 0.32);
        p.drawPath(check);
    } else {
        QFont font;
        font.setBold(true);
        font.setPixelSize(qMax(8, int(size * 0.62)));
        p.setFont(font);
        p.setPen(ink);
        p.drawText(box, Qt::AlignCenter, Severity::name(level).left(1));
    }
    p.end();
    return image;
}

QIcon SeverityPalette::trayIcon(Severity::Level level, bool neutral)
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64})
        icon.addPixmap(QPixmap::fromImage(trayImage(level, neutral, size)));
    return icon;
}

QIcon SeverityPalette::appIcon()
{
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128}) {
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 64.0, size / 64.0); // drawn in the SVG's 64x64 units
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x09, 0x69, 0xda));
        p.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
        const qreal opacity[] = {1.0, 0.85, 0.7};
        for (int i = 0; i < 3; ++i) {
            QColor white(Qt::white);
            white.setAlphaF(opacity[i]);
            p.setBrush(white);
            p.drawRoundedRect(QRectF(12, 14 + 13 * i, 40, 10), 3, 3);
        }
        p.setBrush(color(Severity::Critical));
        p.drawEllipse(QPointF(46, 19), 3.5, 3.5);
        p.end();
        icon.addPixmap(QPixmap::fromImage(image));
    }
    return icon;
}
