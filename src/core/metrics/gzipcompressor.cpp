#include "gzipcompressor.h"

#include <zlib.h>

#include <algorithm>

QByteArray GzipCompressor::compress(QByteArrayView data, int level, QString *errorMessage)
{
    auto fail = [errorMessage](const QString &msg) {
        if (errorMessage)
            *errorMessage = msg;
        return QByteArray();
    };
    if (level < -1 || level > 9)
        return fail(QStringLiteral("gzip level must be -1 (zlib default) or 0..9, got %1").arg(level));

    z_stream zs{};
    // 15 + 16: maximum window, gzip header and trailer instead of zlib's.
    int rc = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK)
        return fail(QStringLiteral("gzip: deflateInit2 failed (zlib error %1)").arg(rc));

    QByteArray out;
    out.resize(qsizetype(deflateBound(&zs, uLong(data.size()))));

    // avail_in/avail_out are 32-bit: feed in slices so bodies of any size work. With a
    // deflateBound()-sized buffer this is a single deflate(Z_FINISH) call for normal bodies.
    constexpr qsizetype Slice = qsizetype(1) << 30;
    const Bytef *in = reinterpret_cast<const Bytef *>(data.data());
    qsizetype inLeft = data.size();
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    do {
        if (zs.avail_in == 0 && inLeft > 0) {
            const qsizetype n = std::min(inLeft, Slice);
            zs.next_in = const_cast<Bytef *>(in);
            zs.avail_in = uInt(n);
            in += n;
            inLeft -= n;
        }
        const qsizetype written = reinterpret_cast<char *>(zs.next_out) - out.data();
        zs.avail_out = uInt(std::min(out.size() - written, Slice));
        if (zs.avail_out == 0) { // cannot happen with deflateBound, but never write past the end
            out.resize(out.size() + 4096);
            zs.next_out = reinterpret_cast<Bytef *>(out.data()) + written;
            zs.avail_out = 4096;
        }
        rc = deflate(&zs, inLeft > 0 ? Z_NO_FLUSH : Z_FINISH);
    } while (rc == Z_OK || rc == Z_BUF_ERROR);
    const qsizetype total = qsizetype(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return fail(QStringLiteral("gzip: deflate failed (zlib error %1)").arg(rc));
    out.truncate(total);
    return out;
}
