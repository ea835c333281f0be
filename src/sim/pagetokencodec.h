#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// Opaque pagination tokens for the fake servers. A token carries the offset of the next page
// and an HMAC over (offset, context) with a per-server random key, so a client can neither
// forge one nor reuse it for a different query (the context names the query it continues).
class PageTokenCodec
{
public:
    PageTokenCodec();                                  // random key
    explicit PageTokenCodec(const QByteArray &key);

    QString encode(int offset, const QByteArray &context) const;
    // The offset, or nothing when the token is malformed, forged or belongs to another query.
    std::optional<int> decode(const QString &token, const QByteArray &context) const;

private:
    QByteArray mac(const QByteArray &payload, const QByteArray &context) const;

    QByteArray m_key;
};
