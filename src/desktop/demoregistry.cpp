#include "demoregistry.h"

FakeRegistry::Spec DemoRegistry::spec()
{
    FakeRegistry::Spec spec;
    spec.repositories = 300;
    spec.imagesPerRepository = 6;
    spec.seed = 20261127;
    spec.registryId = QStringLiteral("123456789012");
    spec.region = QStringLiteral("eu-west-1");
    return spec;
}

QString DemoRegistry::accessKeyId()
{
    return QStringLiteral("AKIDEMOECRDESKTOP001");
}

QString DemoRegistry::secretAccessKey()
{
    return QStringLiteral("demo/secret/for/the/embedded/fake/ecr/desktop");
}
