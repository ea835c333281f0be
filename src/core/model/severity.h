#pragma once

#include "ecr/ecrimage.h"

#include <QMap>
#include <QString>
#include <QStringList>

// How the desktop ranks ECR basic-scan severities: one ordered scale from "no findings" to
// CRITICAL, so a repository, an image or the whole registry can be summed up by its worst
// finding. UNDEFINED (AWS could not rate the finding) ranks above "none" and below
// INFORMATIONAL: it is a finding, but not evidence of risk.
class Severity
{
public:
    enum Level { None = 0, Undefined, Informational, Low, Medium, High, Critical };

    // "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"; None -> "NONE".
    static QString name(Level level);
    // Case-insensitive; anything unknown (including "NONE" and "") -> None.
    static Level fromName(const QString &name);
    // The six AWS severity names, worst first.
    static QStringList names();
    // Highest level with a count above zero; None when there is none.
    static Level worst(const QMap<QString, int> &severityCounts);
    // Count of one level in an image's summary (0 when absent).
    static int count(const QMap<QString, int> &severityCounts, Level level);
};
