#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

// Low-level helpers for the Prometheus text exposition format 0.0.4: value formatting
// exactly like Prometheus' Go writer, and the two escaping rules (label values, HELP).
// They append into a caller-owned QByteArray so whole expositions are built without
// per-line temporaries.
namespace PromText {

// Appends v the way client_golang's expfmt writes sample values: "0" for ±0, "1", "-1",
// "NaN", "+Inf", "-Inf", otherwise Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest
// digits that read back exactly; exponent form (e±dd, at least two exponent digits) when
// the decimal exponent is < -4 or >= 6 (strconv's 'g' uses precision 6 for that decision in
// shortest mode; the ">= 21" rule belongs to fmt's %v, which Prometheus does not use).
void appendValue(QByteArray &out, double v);
QByteArray formatValue(double v);

// The same into a raw buffer with room for MaxValueLength bytes; returns the end.
// ("-1.7976931348623157e+308" is the longest possible value.)
constexpr int MaxValueLength = 24;
char *writeValue(char *p, double v);

// Appends a label value escaped per the format (\ -> \\, " -> \", newline -> \n), UTF-8.
void appendLabelValue(QByteArray &out, QStringView value);
void appendLabelValue(QByteArray &out, QByteArrayView utf8Value);
QByteArray escapeLabelValue(QStringView value);

// Appends HELP text escaped per the format (\ -> \\, newline -> \n), UTF-8.
void appendHelp(QByteArray &out, QByteArrayView utf8Help);
QByteArray escapeHelp(QStringView help);

// Raw appending for hot loops: makes room for maxBytes more (growing geometrically), the
// caller writes through the returned pointer, then endAppend() trims to what was written.
char *beginAppend(QByteArray &out, qsizetype maxBytes);
void endAppend(QByteArray &out, const char *end);

// Appends `name="<escaped value>"`.
void appendLabel(QByteArray &out, QByteArrayView name, QStringView value);

} // namespace PromText
