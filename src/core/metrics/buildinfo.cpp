#include "buildinfo.h"

#include <QtGlobal>

BuildInfo BuildInfo::current()
{
    return BuildInfo{QStringLiteral(ECR_VERSION), QStringLiteral(ECR_REVISION),
                     QString::fromLatin1(qVersion())};
}
