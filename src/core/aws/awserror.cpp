#include "awserror.h"

QString AwsError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::Service: return QStringLiteral("service");
    case Kind::Throttling: return QStringLiteral("throttling");
    case Kind::Network: return QStringLiteral("network");
    case Kind::Timeout: return QStringLiteral("timeout");
    case Kind::Credentials: return QStringLiteral("credentials");
    case Kind::Parse: return QStringLiteral("parse");
    case Kind::Config: return QStringLiteral("config");
    case Kind::Cancelled: return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

QString AwsError::toString() const
{
    if (!isError())
        return QStringLiteral("no error");
    QString s;
    if (!operation.isEmpty())
        s += operation + QStringLiteral(": ");
    s += code.isEmpty() ? kindName(kind) : code;
    if (httpStatus > 0)
        s += QStringLiteral(" (HTTP %1)").arg(httpStatus);
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    if (attempts > 1)
        s += QStringLiteral(" after %1 attempts").arg(attempts);
    if (!requestId.isEmpty())
        s += QStringLiteral(" [request id %1]").arg(requestId);
    return s;
}
