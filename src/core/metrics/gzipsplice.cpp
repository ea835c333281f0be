#include "gzipsplice.h"

#include <zlib.h>

namespace {

// Raw deflate (no header) of `data`; `flush` is Z_SYNC_FLUSH for the prefix, Z_FINISH for a tail.
bool rawDeflate(QByteArrayView data, int level, int flush, QByteArray *out, QString *errorMessage)
{
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        if (errorMessage)
            *errorMessage = QStringLiteral("zlib deflateInit2 failed");
        return false;
    }
    const qsizetype start = out->size();
    // deflateBound plus room for the sync-flush marker: one call always suffices.
    out->resize(start + qsizetype(deflateBound(&zs, uLong(data.size()))) + 16);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out->data() + start);
    zs.avail_out = uInt(out->size() - start);
    const int rc = deflate(&zs, flush);
    const bool ok = (flush == Z_FINISH) ? rc == Z_STREAM_END : (rc == Z_OK && zs.avail_in == 0);
    out->resize(start + qsizetype(zs.total_out));
    deflateEnd(&zs);
    if (!ok && errorMessage)
        *errorMessage = QStringLiteral("zlib deflate failed (%1)").arg(rc);
    return ok;
}

void appendLe32(QByteArray *out, quint32 v)
{
    for (int i = 0; i < 4; ++i)
        out->append(char((v >> (8 * i)) & 0xff));
}

} // namespace

GzipSplice GzipSplice::compressPrefix(QByteArrayView prefix, int level, QString *errorMessage)
{
    GzipSplice s;
    if (level < -1 || level > 9) {
        if (errorMessage)
            *errorMessage = QStringLiteral("gzip level %1 is not in -1..9").arg(level);
        return s;
    }
    // RFC 1952 header: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
    QByteArray bytes("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    if (!rawDeflate(prefix, level, Z_SYNC_FLUSH, &bytes, errorMessage))
        return s;
    s.m_prefix = bytes;
    s.m_crc = quint32(crc32(0L, reinterpret_cast<const Bytef *>(prefix.data()), uInt(prefix.size())));
    s.m_length = quint64(prefix.size());
    return s;
}

QByteArray GzipSplice::tail(QByteArrayView tailData, int level) const
{
    QByteArray out;
    if (!isValid() || !rawDeflate(tailData, level, Z_FINISH, &out, nullptr))
        return {};
    const uLong tailCrc = crc32(0L, reinterpret_cast<const Bytef *>(tailData.data()), uInt(tailData.size()));
    appendLe32(&out, quint32(crc32_combine(m_crc, tailCrc, z_off_t(tailData.size()))));
    appendLe32(&out, quint32((m_length + quint64(tailData.size())) & 0xffffffffu));
    return out;
}

QByteArray GzipSplice::complete(QByteArrayView tailData, int level) const
{
    const QByteArray t = tail(tailData, level);
    return t.isEmpty() ? QByteArray() : m_prefix + t;
}
