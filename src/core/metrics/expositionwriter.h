#pragma once

#include "metrics/expositioninput.h"

#include <QByteArray>

// Renders the Prometheus text exposition (format 0.0.4) for a registry snapshot plus the
// exporter's own health, build and process metrics. Pure: same input, same bytes.
// Families are sorted by name and series by their label text, so output is deterministic.
// Meant to be called once per refresh; the result is served as-is (or gzipped) per scrape.
class ExpositionWriter
{
public:
    // Content-Type of the body render() produces.
    static constexpr char ContentType[] = "text/plain; version=0.0.4; charset=utf-8";

    static QByteArray render(const ExpositionInput &input);

    // Only the process_* families. They sort after every aws_* family, so a server may append
    // a fresh reading to a cached body rendered without one (ExpositionInput::process empty).
    static void appendProcessMetrics(QByteArray &out, const ProcessMetrics::Sample &sample);
};
