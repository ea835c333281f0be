#include "sigv4verifier.h"

namespace {

const QByteArray kAlgorithm = QByteArrayLiteral("AWS4-HMAC-SHA256");
const QString kIncomplete = QStringLiteral("IncompleteSignatureException");
const QString kInvalid = QStringLiteral("InvalidSignatureException");
const QString kUnrecognized = QStringLiteral("UnrecognizedClientException");
const QString kBadToken = QStringLiteral("The security token included in the request is invalid.");
const QString kMismatch = QStringLiteral(
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.");

struct ParsedAuthorization {
    QByteArray credential;
    QByteArray signedHeaders;
    QByteArray signature;
    QString error;              // IncompleteSignatureException message when malformed
    bool present = false;
};

ParsedAuthorization parseAuthorization(const HttpHeaderList &headers)
{
    ParsedAuthorization parsed;
    const QByteArrayList values = SigV4Verifier::headerValues(headers, "authorization");
    if (values.isEmpty() || values.constFirst().trimmed().isEmpty())
        return parsed;
    parsed.present = true;
    const QByteArray value = values.constFirst().trimmed();
    const int space = value.indexOf(' ');
    if (space < 0 || value.left(space) != kAlgorithm) {
        parsed.error = QStringLiteral("Unsupported AWS 'algorithm': the Authorization header must start with "
                                      "'AWS4-HMAC-SHA256 '.");
        return parsed;
    }
    bool garbled = false;
    const QByteArrayList parts = value.mid(space + 1).split(',');
    for (const QByteArray &rawPart : parts) {
        const QByteArray part = rawPart.trimmed();
        const int eq = part.indexOf('=');
        if (eq <= 0) {
            garbled = true;
            continue;
        }
        const QByteArray name = part.left(eq).trimmed();
        const QByteArray content = part.mid(eq + 1).trimmed();
        if (name == "Credential")
            parsed.credential = content;
        else if (name == "SignedHeaders")
            parsed.signedHeaders = content;
        else if (name == "Signature")
            parsed.signature = content;
    }
    QStringList problems;
    if (garbled)
        problems << QStringLiteral("A part of the Authorization header is not a valid key=value pair (missing equal-sign).");
    if (parsed.credential.isEmpty())
        problems << QStringLiteral("Authorization header requires 'Credential' parameter.");
    if (parsed.signedHeaders.isEmpty())
        problems << QStringLiteral("Authorization header requires 'SignedHeaders' parameter.");
    if (parsed.signature.isEmpty())
        problems << QStringLiteral("Authorization header requires 'Signature' parameter.");
    parsed.error = problems.join(QLatin1Char(' '));
    return parsed;
}

QDateTime parseAmzDate(const QByteArray &text)
{
    if (text.size() != 16 || text.at(8) != 'T' || text.at(15) != 'Z')
        return {};
    QDateTime time = QDateTime::fromString(QString::fromLatin1(text), QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    if (!time.isValid())
        return {};
    time.setTimeSpec(Qt::UTC);
    return time;
}

QString skewText(int seconds)
{
    if (seconds % 60 == 0)
        return QStringLiteral("%1 min.").arg(seconds / 60);
    return QStringLiteral("%1 sec.").arg(seconds);
}

SigV4Verifier::Outcome fail(SigV4Verifier::Outcome outcome, const QString &code, const QString &message)
{
    outcome.ok = false;
    outcome.httpStatus = 403;
    outcome.errorCode = code;
    outcome.message = message;
    return outcome;
}

} // namespace

void SigV4Verifier::addKey(const QString &accessKeyId, const QString &secret, const QString &sessionToken)
{
    m_keys.insert(accessKeyId.toUtf8(), Key{secret, sessionToken});
}

QByteArrayList SigV4Verifier::headerValues(const HttpHeaderList &headers, const QByteArray &name)
{
    QByteArrayList values;
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            values.append(header.second);
    }
    return values;
}

bool SigV4Verifier::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (int i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

SigV4Verifier::Outcome SigV4Verifier::inspect(const Request &request)
{
    Outcome outcome;
    const ParsedAuthorization auth = parseAuthorization(request.headers);
    outcome.accessKeyId = auth.credential.left(auth.credential.indexOf('/'));
    outcome.signature = auth.signature;
    const QByteArrayList dates = headerValues(request.headers, "x-amz-date");
    if (!dates.isEmpty())
        outcome.amzDate = dates.constFirst().trimmed();
    return outcome;
}

SigV4Verifier::Outcome SigV4Verifier::verify(const Request &request, const QDateTime &now) const
{
    Outcome outcome = inspect(request);
    const ParsedAuthorization auth = parseAuthorization(request.headers);
    if (!auth.present)
        return fail(outcome, QStringLiteral("MissingAuthenticationTokenException"), QStringLiteral("Missing Authentication Token"));
    if (!auth.error.isEmpty())
        return fail(outcome, kIncomplete, auth.error);

    if (outcome.amzDate.isEmpty()) {
        return fail(outcome, kIncomplete,
                    QStringLiteral("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));
    }
    const QDateTime signedAt = parseAmzDate(outcome.amzDate);
    if (!signedAt.isValid()) {
        return fail(outcome, kIncomplete,
                    QStringLiteral("Date must be in ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z'). Got '%1'.")
                        .arg(QString::fromLatin1(outcome.amzDate)));
    }

    const QList<QByteArray> scope = auth.credential.split('/');
    if (scope.size() != 5) {
        return fail(outcome, kIncomplete,
                    QStringLiteral("Credential must have exactly 5 slash-delimited elements, "
                                   "e.g. keyid/date/region/service/term, got %1.").arg(scope.size()));
    }
    if (scope.at(4) != "aws4_request") {
        return fail(outcome, kInvalid, QStringLiteral("Credential should be scoped with a valid terminator: "
                                                      "'aws4_request', not '%1'.").arg(QString::fromUtf8(scope.at(4))));
    }
    if (scope.at(1) != outcome.amzDate.left(8)) {
        return fail(outcome, kInvalid,
                    QStringLiteral("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                                   "from HTTP: '%1' != '%2', from '%3'.")
                        .arg(QString::fromUtf8(scope.at(1)), QString::fromLatin1(outcome.amzDate.left(8)),
                             QString::fromLatin1(outcome.amzDate)));
    }
    if (QString::fromUtf8(scope.at(2)) != m_region) {
        return fail(outcome, kInvalid, QStringLiteral("Credential should be scoped to a valid region, not '%1'.")
                                           .arg(QString::fromUtf8(scope.at(2))));
    }
    if (QString::fromUtf8(scope.at(3)) != m_service) {
        return fail(outcome, kInvalid,
                    QStringLiteral("Credential should be scoped to correct service: '%1'.").arg(m_service));
    }

    const QDateTime nowUtc = now.toUTC();
    const qint64 age = signedAt.secsTo(nowUtc);
    const QByteArray nowText = SigV4Signer::amzDate(nowUtc);
    if (age > m_skewSeconds) {
        return fail(outcome, kInvalid,
                    QStringLiteral("Signature expired: %1 is now earlier than %2 (%3 - %4)")
                        .arg(QString::fromLatin1(outcome.amzDate),
                             QString::fromLatin1(SigV4Signer::amzDate(nowUtc.addSecs(-m_skewSeconds))),
                             QString::fromLatin1(nowText), skewText(m_skewSeconds)));
    }
    if (-age > m_skewSeconds) {
        return fail(outcome, kInvalid,
                    QStringLiteral("Signature not yet current: %1 is still later than %2 (%3 + %4)")
                        .arg(QString::fromLatin1(outcome.amzDate),
                             QString::fromLatin1(SigV4Signer::amzDate(nowUtc.addSecs(m_skewSeconds))),
                             QString::fromLatin1(nowText), skewText(m_skewSeconds)));
    }

    const auto key = m_keys.constFind(outcome.accessKeyId);
    if (key == m_keys.constEnd())
        return fail(outcome, kUnrecognized, kBadToken);
    const QByteArrayList tokens = headerValues(request.headers, "x-amz-security-token");
    const QByteArray token = tokens.isEmpty() ? QByteArray() : tokens.constFirst().trimmed();
    if (!constantTimeEquals(token, key->sessionToken.toUtf8()))
        return fail(outcome, kUnrecognized, kBadToken);

    const QByteArrayList signedNames = auth.signedHeaders.split(';');
    if (!signedNames.contains("host")) {
        return fail(outcome, kInvalid,
                    QStringLiteral("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
    }

    // Rebuild the request from the signed headers only. The signer adds x-amz-date, the
    // session token and x-amz-content-sha256 itself, from the options below.
    SigV4Signer::Request rebuilt;
    rebuilt.method = request.method;
    rebuilt.path = request.path.isEmpty() ? QByteArray("/") : request.path;
    rebuilt.query = request.query;
    rebuilt.body = request.body;
    for (const QByteArray &name : signedNames) {
        if (name == "x-amz-date" || name == "x-amz-security-token" || name == "x-amz-content-sha256")
            continue;
        const QByteArrayList values = headerValues(request.headers, name);
        if (values.isEmpty())
            rebuilt.headers.append({name, QByteArray()});
        for (const QByteArray &v : values)
            rebuilt.headers.append({name, v});
    }
    SigV4Signer::Options options;
    options.region = m_region;
    options.service = m_service;
    options.time = signedAt;
    options.signBody = signedNames.contains("x-amz-content-sha256");
    options.omitSessionToken = !token.isEmpty() && !signedNames.contains("x-amz-security-token");
    AwsCredentials credentials;
    credentials.accessKeyId = QString::fromUtf8(outcome.accessKeyId);
    credentials.secretAccessKey = key->secret;
    credentials.sessionToken = QString::fromUtf8(token);

    const SigV4Signer::Result expected = SigV4Signer::sign(rebuilt, credentials, options);
    if (!expected.ok())
        return fail(outcome, kInvalid, QStringLiteral("The request cannot be verified: %1").arg(expected.error.message));
    // A different header set (e.g. x-amz-date not signed) can never produce the same signature.
    if (expected.signedHeaders != auth.signedHeaders || !constantTimeEquals(expected.signature, auth.signature))
        return fail(outcome, kInvalid, kMismatch);

    outcome.ok = true;
    outcome.httpStatus = 200;
    return outcome;
}
