#include "sigv4signer.h"

#include <QCryptographicHash>
#include <QMap>
#include <QMessageAuthenticationCode>

#include <algorithm>

namespace {

const QByteArray kAlgorithm = QByteArrayLiteral("AWS4-HMAC-SHA256");

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~';
}

// Bytes RFC 3986 allows literally in a path (pchar plus '/'), '%' included: a path made of
// these is already in wire form and must not be encoded again in the S3-style rule.
bool isPathLegal(char c)
{
    static const QByteArray extra = QByteArrayLiteral("!$&'()*+,;=:@/%");
    return isUnreserved(c) || extra.contains(c);
}

void appendPercent(QByteArray &out, char c)
{
    static const char hex[] = "0123456789ABCDEF";
    const auto b = static_cast<unsigned char>(c);
    out += '%';
    out += hex[b >> 4];
    out += hex[b & 0xF];
}

// RFC 3986 encoding with upper-case hex; only the unreserved set (and '/' when asked) stays.
QByteArray uriEncode(const QByteArray &in, bool keepSlash)
{
    QByteArray out;
    out.reserve(in.size() * 3);
    for (const char c : in) {
        if (isUnreserved(c) || (keepSlash && c == '/'))
            out += c;
        else
            appendPercent(out, c);
    }
    return out;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Form-style decoding as AWS services read a query: %XY escapes and '+' as space. A '%'
// without two hex digits stays literal (and is then encoded as %25).
QByteArray queryDecode(const QByteArray &in)
{
    QByteArray out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < in.size() && hexValue(in.at(i + 1)) >= 0
                   && hexValue(in.at(i + 2)) >= 0) {
            out += static_cast<char>(hexValue(in.at(i + 1)) * 16 + hexValue(in.at(i + 2)));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// botocore's remove_dot_segments: drop '.', resolve '..', collapse empty segments; keep the
// leading '/' and a trailing '/' when something is left.
QByteArray removeDotSegments(const QByteArray &path)
{
    if (path.isEmpty())
        return {};
    QList<QByteArray> kept;
    for (const QByteArray &segment : path.split('/')) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!kept.isEmpty())
                kept.removeLast();
        } else {
            kept.append(segment);
        }
    }
    QByteArray out = path.startsWith('/') ? QByteArrayLiteral("/") : QByteArray();
    out += kept.join('/');
    if (path.endsWith('/') && !kept.isEmpty())
        out += '/';
    return out;
}

// Trim, and collapse every run of spaces/tabs into one space (also inside quotes).
QByteArray trimAll(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size());
    bool pendingSpace = false;
    for (const char c : value) {
        if (c == ' ' || c == '\t') {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (pendingSpace)
            out += ' ';
        pendingSpace = false;
        out += c;
    }
    return out;
}

QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

SigV4Signer::Result failure(AwsError::Kind kind, const QString &message)
{
    SigV4Signer::Result result;
    result.error = AwsError::make(kind, QStringLiteral("SigV4 signing: ") + message);
    return result;
}

bool hasLineBreak(const QByteArray &s)
{
    return s.contains('\r') || s.contains('\n');
}

} // namespace

QByteArray SigV4Signer::amzDate(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    const QDateTime utc = time.toUTC();
    const QDate d = utc.date();
    const QTime t = utc.time();
    return QString::asprintf("%04d%02d%02dT%02d%02d%02dZ", d.year(), d.month(), d.day(), t.hour(),
                             t.minute(), t.second())
        .toLatin1();
}

QByteArray SigV4Signer::canonicalUri(const QByteArray &path, bool normalize)
{
    if (path.isEmpty())
        return QByteArrayLiteral("/");
    if (normalize) {
        // Encoding the (already encoded) path once more is what AWS expects for every
        // service but S3: a literal '%' becomes %25.
        const QByteArray normalized = removeDotSegments(path);
        return uriEncode(normalized.isEmpty() ? QByteArrayLiteral("/") : normalized, true);
    }
    // S3 style: the path exactly as on the wire. Only bytes that cannot be sent literally
    // (space, non-ASCII, controls) are encoded, as the HTTP client will do when sending.
    QByteArray out;
    out.reserve(path.size());
    for (const char c : path) {
        if (isPathLegal(c))
            out += c;
        else
            appendPercent(out, c);
    }
    return out;
}

QByteArray SigV4Signer::canonicalQuery(const QByteArray &query)
{
    QList<QPair<QByteArray, QByteArray>> pairs;
    for (const QByteArray &piece : query.split('&')) {
        if (piece.isEmpty())
            continue; // "a=1&&b=2": an empty piece is no parameter
        const qsizetype eq = piece.indexOf('=');
        const QByteArray name = eq < 0 ? piece : piece.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : piece.mid(eq + 1);
        pairs.append({uriEncode(queryDecode(name), false), uriEncode(queryDecode(value), false)});
    }
    // Byte order on the encoded forms: by name, then by value for repeated names.
    std::sort(pairs.begin(), pairs.end());
    QByteArray out;
    for (const auto &pair : std::as_const(pairs)) {
        if (!out.isEmpty())
            out += '&';
        out += pair.first + '=' + pair.second;
    }
    return out;
}

QByteArray SigV4Signer::signingKey(const QString &secret, const QByteArray &dateStamp,
                                   const QString &region, const QString &service)
{
    const QByteArray kDate = hmac("AWS4" + secret.toUtf8(), dateStamp);
    const QByteArray kRegion = hmac(kDate, region.toUtf8());
    const QByteArray kService = hmac(kRegion, service.toUtf8());
    return hmac(kService, QByteArrayLiteral("aws4_request"));
}

QByteArray SigV4Signer::sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

SigV4Signer::Result SigV4Signer::sign(const Request &request, const AwsCredentials &credentials,
                                      const Options &options)
{
    if (!credentials.isValid())
        return failure(AwsError::Kind::Credentials,
                       QStringLiteral("the access key id or secret key is empty; configure AWS credentials"));
    if (!options.time.isValid())
        return failure(AwsError::Kind::Config, QStringLiteral("the request time is invalid; pass the current UTC time"));
    if (options.region.isEmpty() || options.service.isEmpty())
        return failure(AwsError::Kind::Config,
                       QStringLiteral("the region or signing service name is empty; set both (e.g. us-east-1 / ecr)"));
    if (request.method.isEmpty())
        return failure(AwsError::Kind::Config, QStringLiteral("the HTTP method is empty"));

    const bool withToken = !credentials.sessionToken.isEmpty();
    const QByteArray token = credentials.sessionToken.toUtf8();
    const QByteArray date = amzDate(options.time);
    const QByteArray dateStamp = date.left(8);
    const QByteArray payloadHash = sha256Hex(request.body);

    // Lower-case name -> values in arrival order; QMap keeps the names in byte order.
    QMap<QByteArray, QList<QByteArray>> headers;
    for (const auto &[rawName, rawValue] : request.headers) {
        const QByteArray name = rawName.trimmed().toLower();
        if (name.isEmpty() || name.contains(':') || name.contains(' ') || name.contains('\t')
            || hasLineBreak(name))
            return failure(AwsError::Kind::Config,
                           QStringLiteral("invalid header name \"%1\"; use a plain token such as content-type")
                               .arg(QString::fromUtf8(rawName.left(64)).simplified()));
        if (hasLineBreak(rawValue))
            return failure(AwsError::Kind::Config,
                           QStringLiteral("the value of header \"%1\" contains a line break; unfold it into one line")
                               .arg(QString::fromLatin1(name)));
        // Headers the signer owns: a stale copy from a previous attempt must not be signed.
        if (name == "authorization" || name == "x-amz-date"
            || (withToken && name == "x-amz-security-token")
            || (options.signBody && name == "x-amz-content-sha256"))
            continue;
        headers[name].append(trimAll(rawValue));
    }
    if (!headers.contains("host"))
        return failure(AwsError::Kind::Config,
                       QStringLiteral("the request has no Host header; pass the host as sent (with :port when not the default)"));

    headers["x-amz-date"] = {date};
    if (withToken && !options.omitSessionToken)
        headers["x-amz-security-token"] = {token};
    if (options.signBody)
        headers["x-amz-content-sha256"] = {payloadHash};

    QByteArray canonicalHeaders;
    QByteArrayList names;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        canonicalHeaders += it.key() + ':' + it.value().join(',') + '\n';
        names.append(it.key());
    }

    Result result;
    result.signedHeaders = names.join(';');
    result.canonicalRequest = request.method.toUpper() + '\n'
        + canonicalUri(request.path, options.normalizePath) + '\n'
        + canonicalQuery(request.query) + '\n'
        + canonicalHeaders + '\n'
        + result.signedHeaders + '\n'
        + payloadHash;

    const QByteArray scope = dateStamp + '/' + options.region.toUtf8() + '/' + options.service.toUtf8()
        + QByteArrayLiteral("/aws4_request");
    result.stringToSign = kAlgorithm + '\n' + date + '\n' + scope + '\n' + sha256Hex(result.canonicalRequest);
    result.signature = hmac(signingKey(credentials.secretAccessKey, dateStamp, options.region, options.service),
                            result.stringToSign)
                           .toHex();
    result.authorization = kAlgorithm + " Credential=" + credentials.accessKeyId.toUtf8() + '/' + scope
        + ", SignedHeaders=" + result.signedHeaders + ", Signature=" + result.signature;

    result.headersToAdd.append({QByteArrayLiteral("X-Amz-Date"), date});
    if (withToken)
        result.headersToAdd.append({QByteArrayLiteral("X-Amz-Security-Token"), token});
    if (options.signBody)
        result.headersToAdd.append({QByteArrayLiteral("X-Amz-Content-Sha256"), payloadHash});
    result.headersToAdd.append({QByteArrayLiteral("Authorization"), result.authorization});
    return result;
}
