#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QTcpServer>

#include <zlib.h>

namespace TestSupport {

bool writeFile(const QString &path, const QByteArray &content, bool executable)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const bool ok = f.write(content) == content.size();
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFile::ExeOwner | QFile::ReadOwner);
    return ok;
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when `probe` goes
}

QByteArray gunzip(const QByteArray &gz, bool *ok)
{
    if (ok)
        *ok = false;
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) // gzip wrapper only
        return {};
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.constData()));
    zs.avail_in = uInt(gz.size());
    QByteArray out;
    char chunk[65536];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef *>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk, qsizetype(sizeof chunk - zs.avail_out));
    }
    const bool whole = rc == Z_STREAM_END && zs.avail_in == 0; // one member, nothing after it
    inflateEnd(&zs);
    if (ok)
        *ok = whole;
    return whole ? out : QByteArray();
}

} // namespace TestSupport
