#include "logsetup.h"

#include <QLoggingCategory>

#include <cstdio>

namespace {

void writeLine(ExporterConfig::LogFormat format, QtMsgType type, const QMessageLogContext &context,
               const QString &message)
{
    const QByteArray line = LogSetup::formatLine(format, QDateTime::currentDateTimeUtc(), type,
                                                 context.category ? context.category : "default",
                                                 message);
    // One fwrite per line: stdio locks the stream, so lines from threads do not interleave.
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

// Qt's handler is a plain function pointer: one per format instead of global state.
void jsonHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    writeLine(ExporterConfig::LogFormat::Json, type, context, message);
}

void textHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    writeLine(ExporterConfig::LogFormat::Text, type, context, message);
}

} // namespace

void LogSetup::install(ExporterConfig::LogLevel level, ExporterConfig::LogFormat format)
{
    qInstallMessageHandler(format == ExporterConfig::LogFormat::Json ? jsonHandler : textHandler);
    QLoggingCategory::setFilterRules(filterRules(level));
}

QString LogSetup::filterRules(ExporterConfig::LogLevel level)
{
    using L = ExporterConfig::LogLevel;
    switch (level) {
    case L::Debug:
        // Only our categories: Qt's own debug output (qt.*) would drown everything.
        return QStringLiteral("ecr.*.debug=true");
    case L::Info:
        return QStringLiteral("*.debug=false");
    case L::Warning:
        return QStringLiteral("*.debug=false\n*.info=false");
    case L::Error:
        return QStringLiteral("*.debug=false\n*.info=false\n*.warning=false");
    case L::Critical:
        // qFatal cannot be filtered; qCCritical is ERROR and goes too.
        return QStringLiteral("*.debug=false\n*.info=false\n*.warning=false\n*.critical=false");
    }
    return QString();
}

QByteArray LogSetup::levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return QByteArrayLiteral("DEBUG");
    case QtInfoMsg: return QByteArrayLiteral("INFO");
    case QtWarningMsg: return QByteArrayLiteral("WARNING");
    case QtCriticalMsg: return QByteArrayLiteral("ERROR");
    case QtFatalMsg: return QByteArrayLiteral("CRITICAL");
    }
    return QByteArrayLiteral("INFO");
}

QByteArray LogSetup::jsonString(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += QLatin1Char('"');
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '"': out += QLatin1String("\\\""); break;
        case '\\': out += QLatin1String("\\\\"); break;
        case '\b': out += QLatin1String("\\b"); break;
        case '\f': out += QLatin1String("\\f"); break;
        case '\n': out += QLatin1String("\\n"); break;
        case '\r': out += QLatin1String("\\r"); break;
        case '\t': out += QLatin1String("\\t"); break;
        default:
            if (c.unicode() < 0x20)
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += QLatin1Char('"');
    return out.toUtf8();
}

QByteArray LogSetup::formatLine(ExporterConfig::LogFormat format, const QDateTime &time,
                                QtMsgType type, QByteArrayView category, const QString &message)
{
    const QByteArray timestamp = time.toUTC().toString(Qt::ISODateWithMs).toLatin1();
    const QByteArray level = levelName(type);
    QByteArray line;
    if (format == ExporterConfig::LogFormat::Json) {
        line = "{\"time\":\"" + timestamp + "\",\"level\":\"" + level + "\",\"logger\":"
                + jsonString(QString::fromUtf8(category)) + ",\"message\":" + jsonString(message)
                + "}\n";
    } else {
        // One line per message: embedded line breaks are shown escaped.
        QString flat = message;
        flat.replace(QLatin1Char('\n'), QLatin1String("\\n")).replace(QLatin1Char('\r'), QLatin1String("\\r"));
        line = timestamp + ' ' + level + ' ' + category.toByteArray() + ": " + flat.toUtf8() + '\n';
    }
    return line;
}
