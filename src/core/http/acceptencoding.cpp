#include "acceptencoding.h"

#include <QByteArray>
#include <QList>

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// One "coding;param=value;..." element of the list: its lower-case name and q-value.
struct Element
{
    QByteArray coding;
    int quality = 1000;
};

Element parseElement(QByteArrayView element)
{
    Element result;
    const QList<QByteArray> parts = element.toByteArray().split(';');
    result.coding = parts.first().trimmed().toLower();
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray param = parts.at(i).trimmed();
        const qsizetype eq = param.indexOf('=');
        if (eq < 0)
            continue;
        if (param.left(eq).trimmed().toLower() != "q")
            continue; // other parameters do not affect the choice
        const int q = AcceptEncoding::parseQValue(param.mid(eq + 1).trimmed());
        result.quality = q < 0 ? 0 : q; // malformed: treat as "not acceptable"
    }
    return result;
}

bool sameCoding(const QByteArray &listed, QByteArrayView wanted)
{
    if (listed == wanted)
        return true;
    // RFC 9110 §8.4.1.3: recipients should treat x-gzip as gzip.
    return wanted == "gzip" && listed == "x-gzip";
}

} // namespace

int AcceptEncoding::parseQValue(QByteArrayView text)
{
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (text.isEmpty() || text.size() > 5)
        return -1;
    const char lead = text.at(0);
    if (lead != '0' && lead != '1')
        return -1;
    if (text.size() == 1)
        return lead == '1' ? 1000 : 0;
    if (text.at(1) != '.')
        return -1;
    int fraction = 0;
    int scale = 100;
    for (qsizetype i = 2; i < text.size(); ++i) {
        const char c = text.at(i);
        if (!isDigit(c))
            return -1;
        fraction += (c - '0') * scale;
        scale /= 10;
    }
    if (lead == '1')
        return fraction == 0 ? 1000 : -1;
    return fraction;
}

int AcceptEncoding::qualityOf(QByteArrayView headerValue, QByteArrayView coding)
{
    int explicitQuality = -1;
    int starQuality = -1;
    const QList<QByteArray> elements = headerValue.toByteArray().split(',');
    for (const QByteArray &raw : elements) {
        if (raw.trimmed().isEmpty())
            continue; // "gzip, , br" and a trailing comma are allowed
        const Element element = parseElement(raw);
        if (element.coding == "*")
            starQuality = qMax(starQuality, element.quality);
        else if (sameCoding(element.coding, coding))
            explicitQuality = qMax(explicitQuality, element.quality);
    }
    return explicitQuality >= 0 ? explicitQuality : starQuality;
}

bool AcceptEncoding::prefersGzip(QByteArrayView headerValue)
{
    const int gzip = qualityOf(headerValue, "gzip");
    if (gzip <= 0)
        return false;
    // Unmentioned identity (-1) is the fallback, never preferred over a listed coding.
    // On a tie gzip wins: the client asked for it and it is far smaller.
    return gzip >= qualityOf(headerValue, "identity");
}
