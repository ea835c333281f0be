#pragma once

#include "fakeregistry.h"

// The simulated registry behind `ecr_desktop --demo`: the same shape as the exporter's demo
// (300 repositories, about 6 images each, fixed seed), so screenshots and tests are
// reproducible. Tests regenerate it from spec() to get the ground truth.
class DemoRegistry
{
public:
    static FakeRegistry::Spec spec();
    // Keys the embedded fake ECR accepts (they sign real SigV4 requests on loopback only).
    static QString accessKeyId();
    static QString secretAccessKey();
};
