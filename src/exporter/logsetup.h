#pragma once

#include "exporterconfig.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>
#include <QtGlobal>

// Routes all Qt logging (our ecr.* categories and Qt's own) to stderr, one line per
// message, in the original exporter's JSON-lines shape or as plain text, and filters by
// level through QLoggingCategory rules (QT_LOGGING_RULES still overrides them, for
// debugging). Formatting is pure and separate from installing, so it can be tested.
//
//   json: {"time":"2026-11-27T15:00:00.123Z","level":"INFO","logger":"ecr.aws","message":"..."}
//   text: 2026-11-27T15:00:00.123Z INFO ecr.aws: ...
//
// Levels: qCDebug DEBUG, qCInfo INFO, qCWarning WARNING, qCCritical ERROR, qFatal CRITICAL.
class LogSetup
{
public:
    // Installs the message handler and the filter rules for `level`. Process-wide by
    // nature (Qt has one message handler); call once from main().
    static void install(ExporterConfig::LogLevel level, ExporterConfig::LogFormat format);

    // The QLoggingCategory::setFilterRules() text that shows `level` and above.
    static QString filterRules(ExporterConfig::LogLevel level);

    // One complete line, '\n' included. `time` is converted to UTC; `category` is the Qt
    // category name ("default" for plain qDebug()).
    static QByteArray formatLine(ExporterConfig::LogFormat format, const QDateTime &time,
                                 QtMsgType type, QByteArrayView category, const QString &message);

    static QByteArray levelName(QtMsgType type);       // "DEBUG" ... "CRITICAL"
    static QByteArray jsonString(const QString &text); // quoted and escaped JSON string
};
