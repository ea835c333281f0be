#pragma once

#include "awserror.h"
#include "awsresponse.h"

// Error documents of the AWS query/XML protocols (STS, IAM, EC2-style and S3-style):
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse> or
// <Error><Code/><Message/><RequestId/></Error> → typed AwsError.
class XmlErrorParser
{
public:
    // For a non-2xx response. The request id comes from the header when present, else from
    // the document. Kind is Throttling for throttling codes and 429, Service otherwise.
    static AwsError parse(const AwsResponse &response);
};
