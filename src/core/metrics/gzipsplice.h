#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// One gzip member built from a large prefix compressed once and a small tail compressed per
// request: the registry metrics change once per refresh, the process_* metrics at every
// scrape. The prefix is a gzip header plus raw deflate blocks ending in a sync flush (byte
// aligned, not final); tail() appends an independent final deflate stream for the tail and
// the gzip trailer (CRC-32 combined over both parts, total length). pigz builds its
// parallel streams the same way, and every gzip reader sees a single ordinary member.
class GzipSplice
{
public:
    GzipSplice() = default;

    // Compresses `prefix`. Returns an invalid splice and sets *errorMessage on zlib failure.
    static GzipSplice compressPrefix(QByteArrayView prefix, int level = 6, QString *errorMessage = nullptr);

    bool isValid() const { return !m_prefix.isEmpty(); }
    // Header and deflate blocks of the prefix: the bytes every response starts with (shared).
    const QByteArray &prefixBytes() const { return m_prefix; }
    // The bytes that complete the member after prefixBytes(): deflate(tail) and the trailer.
    QByteArray tail(QByteArrayView tailData, int level = 6) const;
    // Convenience: prefixBytes() + tail(tailData), a complete gzip member.
    QByteArray complete(QByteArrayView tailData, int level = 6) const;

private:
    QByteArray m_prefix;
    quint32 m_crc = 0;       // CRC-32 of the uncompressed prefix
    quint64 m_length = 0;    // uncompressed prefix length
};
