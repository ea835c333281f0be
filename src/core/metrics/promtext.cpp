#include "promtext.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace PromText {

namespace {

// Makes room for `extra` more bytes and returns where they start. Grows geometrically:
// QByteArray::reserve() allocates exactly what it is asked for.
char *grow(QByteArray &out, qsizetype extra)
{
    const qsizetype start = out.size();
    const qsizetype needed = start + extra;
    if (needed > out.capacity())
        out.reserve(qMax(needed, out.capacity() * 2));
    out.resize(needed);
    return out.data() + start;
}

void finish(QByteArray &out, const char *end)
{
    out.truncate(end - out.constData());
}

// Escapes one byte of UTF-8 text; `quotes` adds the label-value rule for '"'.
inline char *putEscaped(char *p, char c, bool quotes)
{
    switch (c) {
    case '\\': *p++ = '\\'; *p++ = '\\'; break;
    case '\n': *p++ = '\\'; *p++ = 'n'; break;
    case '"':
        if (quotes)
            *p++ = '\\';
        *p++ = '"';
        break;
    default: *p++ = c; break;
    }
    return p;
}

void appendEscapedUtf8(QByteArray &out, QByteArrayView in, bool quotes)
{
    char *p = grow(out, in.size() * 2);
    for (char c : in)
        p = putEscaped(p, c, quotes);
    finish(out, p);
}

void appendEscapedUtf16(QByteArray &out, QStringView in, bool quotes)
{
    // Worst case 3 bytes per UTF-16 unit (BMP non-ASCII); escapes take 2, pairs 4 per 2 units.
    char *p = grow(out, in.size() * 3);
    const char16_t *s = in.utf16();
    const qsizetype n = in.size();
    for (qsizetype i = 0; i < n; ++i) {
        char32_t c = s[i];
        if (c < 0x80) {
            p = putEscaped(p, char(c), quotes);
            continue;
        }
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            ++i;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD; // lone surrogate: not representable in UTF-8
        }
        if (c < 0x800) {
            *p++ = char(0xC0 | (c >> 6));
            *p++ = char(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *p++ = char(0xE0 | (c >> 12));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
            *p++ = char(0x80 | (c & 0x3F));
        } else {
            *p++ = char(0xF0 | (c >> 18));
            *p++ = char(0x80 | ((c >> 12) & 0x3F));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
            *p++ = char(0x80 | (c & 0x3F));
        }
    }
    finish(out, p);
}

} // namespace

char *writeValue(char *p, double v)
{
    // The special cases client_golang's writeFloat hard-codes (note -0 == 0 prints "0").
    auto put = [p](const char *s, size_t n) {
        std::memcpy(p, s, n);
        return p + n;
    };
    if (v == 0)
        return put("0", 1);
    if (v == 1)
        return put("1", 1);
    if (v == -1)
        return put("-1", 2);
    if (std::isnan(v))
        return put("NaN", 3);
    if (std::isinf(v))
        return put(v > 0 ? "+Inf" : "-Inf", 4);

    // Shortest round-trip digits, in scientific form so digits and exponent are easy to
    // take apart: [-]d[.ddd]e±dd[d].
    char sci[40];
    const auto res = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
    const char *end = res.ptr;
    const char *s = sci;
    const bool neg = *s == '-';
    if (neg)
        ++s;
    char digits[24];
    int nd = 0;
    for (; s < end && *s != 'e'; ++s) {
        if (*s != '.')
            digits[nd++] = *s;
    }
    int exp = 0;
    std::from_chars(s + 1 + (s[1] == '+' ? 1 : 0), end, exp);

    // Go strconv formatDigits for 'g' with shortest precision: %e when exp < -4 || exp >= 6.
    if (neg)
        *p++ = '-';
    if (exp < -4 || exp >= 6) {
        *p++ = digits[0];
        if (nd > 1) {
            *p++ = '.';
            std::memcpy(p, digits + 1, size_t(nd - 1));
            p += nd - 1;
        }
        *p++ = 'e';
        *p++ = exp < 0 ? '-' : '+';
        const int a = exp < 0 ? -exp : exp;
        if (a < 10) {
            *p++ = '0';
            *p++ = char('0' + a);
        } else if (a < 100) {
            *p++ = char('0' + a / 10);
            *p++ = char('0' + a % 10);
        } else {
            *p++ = char('0' + a / 100);
            *p++ = char('0' + (a / 10) % 10);
            *p++ = char('0' + a % 10);
        }
    } else {
        const int dp = exp + 1; // digits before the decimal point
        if (dp > 0) {
            for (int i = 0; i < dp; ++i)
                *p++ = i < nd ? digits[i] : '0';
        } else {
            *p++ = '0';
        }
        const int frac = nd - dp;
        if (frac > 0) {
            *p++ = '.';
            for (int i = 0; i < frac; ++i) {
                const int j = dp + i;
                *p++ = j >= 0 ? digits[j] : '0';
            }
        }
    }
    return p;
}

void appendValue(QByteArray &out, double v)
{
    char *p = grow(out, MaxValueLength);
    finish(out, writeValue(p, v));
}

QByteArray formatValue(double v)
{
    QByteArray out;
    appendValue(out, v);
    return out;
}

char *beginAppend(QByteArray &out, qsizetype maxBytes)
{
    return grow(out, maxBytes);
}

void endAppend(QByteArray &out, const char *end)
{
    finish(out, end);
}

void appendLabelValue(QByteArray &out, QStringView value)
{
    appendEscapedUtf16(out, value, true);
}

void appendLabelValue(QByteArray &out, QByteArrayView utf8Value)
{
    appendEscapedUtf8(out, utf8Value, true);
}

QByteArray escapeLabelValue(QStringView value)
{
    QByteArray out;
    appendLabelValue(out, value);
    return out;
}

void appendHelp(QByteArray &out, QByteArrayView utf8Help)
{
    appendEscapedUtf8(out, utf8Help, false);
}

QByteArray escapeHelp(QStringView help)
{
    QByteArray out;
    appendEscapedUtf16(out, help, false);
    return out;
}

void appendLabel(QByteArray &out, QByteArrayView name, QStringView value)
{
    out.append(name.data(), name.size());
    out.append("=\"", 2);
    appendLabelValue(out, value);
    out.append('"');
}

} // namespace PromText
