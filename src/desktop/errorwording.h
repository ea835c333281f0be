#pragma once

#include <QString>

// Turns what went wrong with AWS into plain words for the window's header and the tray
// tooltip: what happened and what the user can do, without codes unless they help a search.
class ErrorWording
{
public:
    // `operation` as AwsHttpClient reports it ("DescribeImages"), `outcome` an AWS error code
    // ("AccessDeniedException") or an error kind name ("network", "timeout", "credentials").
    static QString forOutcome(const QString &operation, const QString &outcome);
    // For a refresh that kept (some) data from before: "Images of 3 repositories could not be read ..."
    static QString forStaleRepositories(int failedRepositories, const QString &cause);
};
