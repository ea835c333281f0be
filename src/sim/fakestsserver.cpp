#include "fakestsserver.h"

#include "logcategories.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace {

const QString kNs = QStringLiteral("https://sts.amazonaws.com/doc/2011-06-15/");

QString xmlEscape(const QString &s)
{
    return s.toHtmlEscaped();
}

QString formValue(const QUrlQuery &form, const QString &name)
{
    return form.queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace

FakeStsServer::FakeStsServer(QObject *parent)
    : FakeHttpEndpoint(parent)
{
    m_verifier.setService(QStringLiteral("sts"));
    m_verifier.setRegion(m_region);
}

void FakeStsServer::setRegion(const QString &region)
{
    m_region = region;
    m_verifier.setRegion(region);
}

QString FakeStsServer::accountOf(const QString &arn)
{
    return arn.section(QLatin1Char(':'), 4, 4);
}

void FakeStsServer::addCaller(const QString &accessKeyId, const QString &secret, const QString &sessionToken,
                              const QString &arn)
{
    m_verifier.addKey(accessKeyId, secret, sessionToken);
    m_identities.insert(accessKeyId.toLatin1(), Identity{arn, accountOf(arn)});
}

void FakeStsServer::addRole(const QString &roleArn, const QList<Grant> &grants)
{
    m_roles.insert(roleArn, grants);
}

void FakeStsServer::acceptWebIdentityToken(const QByteArray &token)
{
    m_tokens.insert(token);
}

void FakeStsServer::injectError(const QString &action, int httpStatus, const QString &code, const QString &message, int count)
{
    m_injected.append(Injected{action, httpStatus, code, message, count});
}

int FakeStsServer::callCount(const QString &action) const
{
    return int(std::count_if(m_calls.cbegin(), m_calls.cend(), [&](const Call &c) { return c.action == action; }));
}

FakeHttpEndpoint::Reply FakeStsServer::error(Call &call, int status, const QString &code, const QString &message,
                                             const QString &type)
{
    call.status = status;
    call.errorCode = code;
    Reply r;
    r.status = status;
    r.contentType = "text/xml";
    const QByteArray requestId = QByteArray::number(++m_requestSerial).rightJustified(8, '0') + "-e";
    r.headers = {{QByteArrayLiteral("x-amzn-RequestId"), requestId}};
    r.body = QStringLiteral("<ErrorResponse xmlns=\"%1\">\n  <Error>\n    <Type>%2</Type>\n    <Code>%3</Code>\n"
                            "    <Message>%4</Message>\n  </Error>\n  <RequestId>%5</RequestId>\n</ErrorResponse>\n")
                 .arg(kNs, type, code, xmlEscape(message), QString::fromLatin1(requestId)).toUtf8();
    m_calls.append(call);
    return r;
}

FakeHttpEndpoint::Reply FakeStsServer::issue(Call &call, const QString &roleArn, const QString &sessionName,
                                             const QString &subject)
{
    const QList<Grant> grants = m_roles.value(roleArn);
    if (grants.isEmpty()) {
        return error(call, 403, QStringLiteral("AccessDenied"),
                     QStringLiteral("Not authorized to perform sts:%1 on %2").arg(call.action, roleArn));
    }
    const int n = m_issuedCount.value(roleArn);
    m_issuedCount.insert(roleArn, n + 1);
    const Grant g = grants.at(qMin(n, int(grants.size()) - 1));
    const int lifetime = call.durationSeconds > 0 ? qMin(call.durationSeconds, g.lifetimeSeconds) : g.lifetimeSeconds;
    const QDateTime expiration = QDateTime::currentDateTimeUtc().addSecs(lifetime);
    const QString roleName = roleArn.section(QLatin1Char('/'), -1);
    const QString assumedArn = QStringLiteral("arn:aws:sts::%1:assumed-role/%2/%3").arg(accountOf(roleArn), roleName, sessionName);
    // Issued keys may sign later calls (chained roles, GetCallerIdentity).
    m_verifier.addKey(g.accessKeyId, g.secretAccessKey, g.sessionToken);
    m_identities.insert(g.accessKeyId.toLatin1(), Identity{assumedArn, accountOf(roleArn)});

    const QString result = call.action + QStringLiteral("Result");
    QString extra;
    if (call.action == QLatin1String("AssumeRoleWithWebIdentity")) {
        extra = QStringLiteral("    <SubjectFromWebIdentityToken>%1</SubjectFromWebIdentityToken>\n"
                               "    <Audience>sts.amazonaws.com</Audience>\n"
                               "    <Provider>arn:aws:iam::%2:oidc-provider/oidc.eks.example</Provider>\n")
                    .arg(xmlEscape(subject), accountOf(roleArn));
    }
    Reply r;
    r.contentType = "text/xml";
    const QByteArray requestId = QByteArray::number(++m_requestSerial).rightJustified(8, '0') + "-ok";
    r.headers = {{QByteArrayLiteral("x-amzn-RequestId"), requestId}};
    r.body = QStringLiteral("<%1Response xmlns=\"%2\">\n  <%3>\n%4"
                            "    <AssumedRoleUser>\n      <AssumedRoleId>AROAFAKE%5:%6</AssumedRoleId>\n"
                            "      <Arn>%7</Arn>\n    </AssumedRoleUser>\n"
                            "    <Credentials>\n      <AccessKeyId>%8</AccessKeyId>\n"
                            "      <SecretAccessKey>%9</SecretAccessKey>\n      <SessionToken>%10</SessionToken>\n"
                            "      <Expiration>%11</Expiration>\n    </Credentials>\n  </%3>\n"
                            "  <ResponseMetadata>\n    <RequestId>%12</RequestId>\n  </ResponseMetadata>\n</%1Response>\n")
                 .arg(call.action, kNs, result, extra, QString::number(n), xmlEscape(sessionName), xmlEscape(assumedArn),
                      g.accessKeyId, xmlEscape(g.secretAccessKey))
                 .arg(xmlEscape(g.sessionToken), expiration.toString(Qt::ISODate), QString::fromLatin1(requestId))
                 .toUtf8();
    call.status = 200;
    m_calls.append(call);
    qCDebug(lcSim).noquote() << "FakeStsServer:" << call.action << roleArn << "->" << g.accessKeyId;
    return r;
}

FakeHttpEndpoint::Reply FakeStsServer::handle(const Request &request)
{
    Call call;
    const QUrlQuery form(QString::fromUtf8(request.body));
    call.action = formValue(form, QStringLiteral("Action"));
    call.roleArn = formValue(form, QStringLiteral("RoleArn"));
    call.roleSessionName = formValue(form, QStringLiteral("RoleSessionName"));
    call.externalId = formValue(form, QStringLiteral("ExternalId"));
    call.durationSeconds = formValue(form, QStringLiteral("DurationSeconds")).toInt();
    call.webIdentityToken = formValue(form, QStringLiteral("WebIdentityToken")).toUtf8();
    call.hadAuthorization = request.hasHeader("authorization");
    call.contentType = request.header("content-type");

    SigV4Verifier::Request input;
    input.method = request.method;
    input.path = QUrl(request.path).path(QUrl::FullyEncoded).toUtf8();
    if (input.path.isEmpty())
        input.path = "/";
    input.query = request.query.toString(QUrl::FullyEncoded).toUtf8();
    input.headers = request.headers;
    input.body = request.body;
    call.signingKeyId = SigV4Verifier::inspect(input).accessKeyId;

    if (request.method != "POST")
        return error(call, 400, QStringLiteral("InvalidAction"), QStringLiteral("STS takes POST requests"));
    if (formValue(form, QStringLiteral("Version")) != QLatin1String("2011-06-15"))
        return error(call, 400, QStringLiteral("InvalidParameterValue"), QStringLiteral("Version must be 2011-06-15"));

    for (int i = 0; i < m_injected.size(); ++i) {
        Injected &inj = m_injected[i];
        if (!inj.action.isEmpty() && inj.action != call.action)
            continue;
        const Injected copy = inj;
        if (inj.remaining > 0 && --inj.remaining == 0)
            m_injected.removeAt(i);
        return error(call, copy.status, copy.code, copy.message, copy.status >= 500 ? QStringLiteral("Receiver") : QStringLiteral("Sender"));
    }

    static const QRegularExpression sessionName(QStringLiteral("^[\\w+=,.@-]{2,64}$"));
    if (call.action == QLatin1String("AssumeRoleWithWebIdentity")) {
        if (call.hadAuthorization)
            return error(call, 400, QStringLiteral("InvalidRequest"), QStringLiteral("AssumeRoleWithWebIdentity must not be signed"));
        if (!sessionName.match(call.roleSessionName).hasMatch())
            return error(call, 400, QStringLiteral("ValidationError"), QStringLiteral("RoleSessionName is not valid"));
        if (!m_tokens.contains(call.webIdentityToken))
            return error(call, 400, QStringLiteral("InvalidIdentityToken"), QStringLiteral("The web identity token is not valid"));
        return issue(call, call.roleArn, call.roleSessionName, QStringLiteral("system:serviceaccount:monitoring:ecr-exporter"));
    }
    if (call.action != QLatin1String("AssumeRole") && call.action != QLatin1String("GetCallerIdentity"))
        return error(call, 400, QStringLiteral("InvalidAction"), QStringLiteral("Could not find operation %1").arg(call.action));

    const SigV4Verifier::Outcome auth = m_verifier.verify(input, QDateTime::currentDateTimeUtc());
    if (!auth.ok) {
        // STS names these failures differently from the JSON services.
        QString code = auth.errorCode;
        if (code == QLatin1String("UnrecognizedClientException"))
            code = QStringLiteral("InvalidClientTokenId");
        else if (code == QLatin1String("InvalidSignatureException"))
            code = QStringLiteral("SignatureDoesNotMatch");
        return error(call, auth.httpStatus ? auth.httpStatus : 403, code, auth.message);
    }
    if (call.action == QLatin1String("GetCallerIdentity")) {
        const Identity who = m_identities.value(auth.accessKeyId);
        Reply r;
        r.contentType = "text/xml";
        const QByteArray requestId = QByteArray::number(++m_requestSerial).rightJustified(8, '0') + "-id";
        r.headers = {{QByteArrayLiteral("x-amzn-RequestId"), requestId}};
        r.body = QStringLiteral("<GetCallerIdentityResponse xmlns=\"%1\">\n  <GetCallerIdentityResult>\n"
                                "    <Arn>%2</Arn>\n    <UserId>AIDAFAKEUSER:%3</UserId>\n    <Account>%4</Account>\n"
                                "  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>%5</RequestId>\n"
                                "  </ResponseMetadata>\n</GetCallerIdentityResponse>\n")
                     .arg(kNs, xmlEscape(who.arn), QString::fromLatin1(auth.accessKeyId), who.account, QString::fromLatin1(requestId))
                     .toUtf8();
        call.status = 200;
        m_calls.append(call);
        return r;
    }
    if (!sessionName.match(call.roleSessionName).hasMatch())
        return error(call, 400, QStringLiteral("ValidationError"), QStringLiteral("RoleSessionName is not valid"));
    return issue(call, call.roleArn, call.roleSessionName, QString());
}
