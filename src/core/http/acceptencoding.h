#pragma once

#include <QByteArrayView>

// Content negotiation for the Accept-Encoding request header (RFC 9110 §12.5.3), limited
// to the two codings the metrics endpoint can serve: identity and gzip. Pure functions.
class AcceptEncoding
{
public:
    // True when gzip should be sent: the client accepts gzip (explicitly, as x-gzip, or
    // through "*") with a q-value above 0, and does not rate identity higher. "gzip;q=0"
    // means no; an absent or empty header means identity only. Identity that the header
    // does not mention stays acceptable but is only the fallback: "deflate, gzip;q=0.5"
    // gets gzip.
    static bool prefersGzip(QByteArrayView headerValue);

    // The q-value (in thousandths, 0..1000) the header gives `coding`, explicitly or through
    // "*"; -1 when it mentions neither. A malformed q-value counts as 0 so a broken header
    // never gets a coding the client may not be able to read.
    static int qualityOf(QByteArrayView headerValue, QByteArrayView coding);

    // Parses an RFC 9110 qvalue ("0", "0.5", "1.000"); returns thousandths, or -1 if invalid.
    static int parseQValue(QByteArrayView text);
};
