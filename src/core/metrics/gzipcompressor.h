#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// Compresses a whole response body into a gzip (RFC 1952) member for
// `Content-Encoding: gzip`. Qt has no public gzip (qCompress is zlib format with a length
// prefix), so this uses zlib's deflate with a gzip wrapper (window bits 15 + 16).
class GzipCompressor
{
public:
    static constexpr int DefaultLevel = 6;

    // Returns the gzip data, or an empty array with *errorMessage set when level is not
    // -1..9 or zlib fails (valid gzip output is never empty, even for empty input).
    static QByteArray compress(QByteArrayView data, int level = DefaultLevel,
                               QString *errorMessage = nullptr);
};
