#include "buildinfo.h"

#include "ecrrevision.h" // generated at build time (cmake/ecrrevision.cmake)

#include <QtGlobal>

BuildInfo BuildInfo::current()
{
    return BuildInfo{QStringLiteral(ECR_VERSION), QStringLiteral(ECR_REVISION),
                     QString::fromLatin1(qVersion())};
}
