#include "pagetokencodec.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QtEndian>

#include <limits>

namespace {
constexpr int kOffsetBytes = 4;
constexpr int kMacBytes = 24;
} // namespace

PageTokenCodec::PageTokenCodec()
{
    m_key.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_key.data()), m_key.size() / 4);
}

PageTokenCodec::PageTokenCodec(const QByteArray &key)
    : m_key(key)
{
}

QByteArray PageTokenCodec::mac(const QByteArray &payload, const QByteArray &context) const
{
    QMessageAuthenticationCode code(QCryptographicHash::Sha256, m_key);
    code.addData(payload);
    code.addData("\n", 1);
    code.addData(context);
    return code.result().left(kMacBytes);
}

QString PageTokenCodec::encode(int offset, const QByteArray &context) const
{
    QByteArray payload(kOffsetBytes, Qt::Uninitialized);
    qToBigEndian<quint32>(quint32(offset), payload.data());
    return QString::fromLatin1((payload + mac(payload, context)).toBase64());
}

std::optional<int> PageTokenCodec::decode(const QString &token, const QByteArray &context) const
{
    const auto decoded = QByteArray::fromBase64Encoding(token.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != kOffsetBytes + kMacBytes)
        return std::nullopt;
    const QByteArray payload = decoded.decoded.left(kOffsetBytes);
    const QByteArray expected = mac(payload, context);
    const QByteArray given = decoded.decoded.mid(kOffsetBytes);
    // Constant time: compare every byte whatever the first mismatch.
    unsigned char diff = 0;
    for (int i = 0; i < kMacBytes; ++i)
        diff |= static_cast<unsigned char>(expected.at(i) ^ given.at(i));
    if (diff != 0)
        return std::nullopt;
    const quint32 offset = qFromBigEndian<quint32>(payload.constData());
    if (offset > quint32(std::numeric_limits<int>::max()))
        return std::nullopt;
    return int(offset);
}
