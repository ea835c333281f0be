#!/usr/bin/python3
"""Cross-check the scan parts of the fakes (src/sim) against boto3, the real AWS SDK.

Run with Debian's /usr/bin/python3 and its python3-boto3 package:
    /usr/bin/python3 test_fakescan_boto3.py <path to fakescan_serve>

boto3 signs with its own SigV4 (service "ecr" for ECR, "inspector2" for Inspector's
REST-JSON POST /findings/aggregation/list), serializes the requests from its service models
and parses the replies with its own parsers. The parsed values must equal the generator's
ground truth (dumped by fakescan_serve) in each scan mode:
  GetRegistryScanningConfiguration   scan type and rules
  DescribeImageScanFindings          status, times, findingSeverityCounts when present, and the
                                     findings / enhancedFindings of every page counted by severity
  ListFindingAggregations            CRITICAL/HIGH/MEDIUM/all of every ACTIVE image with findings,
                                     in the requested sort order, filtered, paged
and denied calls give AccessDeniedException as botocore reads it. Exit status 0 = all good.
"""

import json
import os
import select
import subprocess
import sys
import tempfile

os.environ.update({
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_PROXY": "*",
    "no_proxy": "*",
})
for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
             "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
             "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
             "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_INSPECTOR2", "AWS_CA_BUNDLE",
             "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"):
    os.environ.pop(name, None)

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError as error:
    print("FAIL: boto3 cannot be imported by %s (%s). Install Debian's package: "
          "apt-get install python3-boto3" % (sys.executable, error), file=sys.stderr)
    sys.exit(1)

REGION = "ca-central-1"
REGISTRY_ID = "135792468024"
ACCESS_KEY = "AKIDBOTO3SCANCHECK"
SECRET = "boto3/scan+Secret/0123456789abcdefgh"
SEVERITIES = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL", "UNDEFINED")


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def equal(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s: got %r, want %r" % (what, got, want), file=sys.stderr)

    def true(self, what, condition):
        self.equal(what, bool(condition), True)


def ms(value):
    if value is None:
        return None
    return round(value.timestamp() * 1000)


def start_server(helper, mode, dump=None, extra=()):
    args = [helper, "--mode", mode, "--repositories", "9", "--images", "6", "--seed", "909",
            "--registry-id", REGISTRY_ID, "--region", REGION, "--access-key", ACCESS_KEY,
            "--secret", SECRET, "--page-cap", "7"] + list(extra)
    if dump:
        args += ["--dump", dump]
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("PORT "):
        process.kill()
        raise SystemExit("FAIL: fakescan_serve did not print 'PORT <ecr> <inspector>' (got %r)" % line)
    _, ecr_port, inspector_port = line.split()
    return process, int(ecr_port), int(inspector_port)


def stop(process):
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def client(service, port):
    return boto3.client(
        service, endpoint_url="http://127.0.0.1:%d" % port, region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30, proxies={}))


def error_of(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


def has_results(image):
    return image["scanStatus"] in ("COMPLETE", "ACTIVE")


def check_findings(checks, ecr, mode, truth):
    paginator = ecr.get_paginator("describe_image_scan_findings")
    list_key = "enhancedFindings" if mode == "enhanced" else "findings"
    other_key = "findings" if mode == "enhanced" else "enhancedFindings"
    counted_images = with_counts = without_counts = multi_page = 0
    for repo in truth["repositories"]:
        for want in repo["images"]:
            what = "%s@%s" % (repo["repositoryName"], want["imageDigest"][:19])
            call = lambda: list(paginator.paginate(  # noqa: E731
                repositoryName=repo["repositoryName"], imageId={"imageDigest": want["imageDigest"]},
                PaginationConfig={"PageSize": 5}))
            if not want["scanStatus"]:
                checks.equal(what + " no scan", error_of(call), ("ScanNotFoundException", 400))
                continue
            pages = call()
            checks.equal(what + " status", pages[0]["imageScanStatus"]["status"], want["scanStatus"])
            checks.equal(what + " description", pages[0]["imageScanStatus"].get("description", ""),
                         want["scanStatusDescription"])
            checks.equal(what + " imageId", pages[0]["imageId"]["imageDigest"], want["imageDigest"])
            if not has_results(want):
                checks.true(what + " no findings without results", "imageScanFindings" not in pages[0])
                continue
            counted_images += 1
            multi_page += len(pages) > 1
            findings = pages[0]["imageScanFindings"]
            checks.equal(what + " completed", ms(findings.get("imageScanCompletedAt")), want["scanCompletedAtMs"])
            checks.equal(what + " source updated", ms(findings.get("vulnerabilitySourceUpdatedAt")),
                         want["vulnerabilitySourceUpdatedAtMs"])
            if "findingSeverityCounts" in findings:
                with_counts += 1
                checks.equal(what + " findingSeverityCounts", findings["findingSeverityCounts"], want["severityCounts"])
            else:
                without_counts += 1
            counted = {}
            for page in pages:
                checks.true(what + " only " + list_key, other_key not in page["imageScanFindings"])
                for finding in page["imageScanFindings"].get(list_key, []):
                    counted[finding["severity"]] = counted.get(finding["severity"], 0) + 1
                    if mode == "enhanced":
                        resource = finding["resources"][0]["details"]["awsEcrContainerImage"]
                        checks.equal(what + " finding image", resource["imageHash"], want["imageDigest"])
                        checks.true(what + " finding score", finding["score"] >= 0)
                    else:
                        checks.true(what + " finding name", finding["name"].startswith("CVE-"))
                        checks.true(what + " finding severity", finding["severity"] in SEVERITIES)
            checks.equal(what + " counted findings", counted, want["severityCounts"])
    checks.true(mode + ": images with results", counted_images > 10)
    checks.true(mode + ": replies with and without findingSeverityCounts", with_counts > 0 and without_counts > 0)
    checks.true(mode + ": findings over several pages", multi_page > 0)


def check_inspector(checks, inspector, mode, truth):
    expected = {}
    for repo in truth["repositories"]:
        for image in repo["images"]:
            counts = image["severityCounts"]
            total = sum(counts.values())
            if mode == "enhanced" and image["scanStatus"] == "ACTIVE" and total > 0:
                expected[(repo["repositoryName"], image["imageDigest"])] = {
                    "all": total, "critical": counts.get("CRITICAL", 0), "high": counts.get("HIGH", 0),
                    "medium": counts.get("MEDIUM", 0)}
    paginator = inspector.get_paginator("list_finding_aggregations")
    pages = list(paginator.paginate(
        aggregationType="AWS_ECR_CONTAINER",
        accountIds=[{"comparison": "EQUALS", "value": REGISTRY_ID}],
        aggregationRequest={"awsEcrContainerAggregation": {"sortBy": "CRITICAL", "sortOrder": "DESC"}},
        PaginationConfig={"PageSize": 3}))
    got = {}
    order = []
    for page in pages:
        checks.equal(mode + " aggregationType", page["aggregationType"], "AWS_ECR_CONTAINER")
        for response in page["responses"]:
            a = response["awsEcrContainerAggregation"]
            checks.equal(mode + " accountId", a["accountId"], REGISTRY_ID)
            checks.true(mode + " resourceId", a["resourceId"].endswith("/" + a["imageSha"]))
            got[(a["repository"], a["imageSha"])] = dict(a["severityCounts"])
            order.append(a["severityCounts"]["critical"])
    checks.equal(mode + " Inspector counts", got, expected)
    checks.equal(mode + " sorted by CRITICAL, descending", order, sorted(order, reverse=True))
    checks.equal(mode + " Inspector pages", len(pages), max(1, -(-len(expected) // 3)))
    if expected:
        # A repository filter narrows the answer to that repository.
        name = sorted(expected)[0][0]
        filtered = [r["awsEcrContainerAggregation"]["repository"] for page in paginator.paginate(
            aggregationType="AWS_ECR_CONTAINER",
            aggregationRequest={"awsEcrContainerAggregation": {"repositories": [{"comparison": "EQUALS", "value": name}]}})
            for r in page["responses"]]
        checks.equal(mode + " repository filter", filtered, [name] * sum(1 for k in expected if k[0] == name))
        # Other accounts have nothing here.
        other = [r for page in paginator.paginate(
            aggregationType="AWS_ECR_CONTAINER", accountIds=[{"comparison": "EQUALS", "value": "999999999999"}])
            for r in page["responses"]]
        checks.equal(mode + " other account", other, [])


def run(helper):
    checks = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("legacy", "current", "enhanced"):
            dump = os.path.join(tmp, mode + ".json")
            process, ecr_port, inspector_port = start_server(helper, mode, dump)
            try:
                with open(dump) as f:
                    truth = json.load(f)
                ecr = client("ecr", ecr_port)
                config = ecr.get_registry_scanning_configuration()
                checks.equal(mode + " registryId", config["registryId"], REGISTRY_ID)
                checks.equal(mode + " scanType", config["scanningConfiguration"]["scanType"], truth["scanType"])
                rules = [{"scanFrequency": r["scanFrequency"],
                          "repositoryFilters": ["%s:%s" % (f["filterType"], f["filter"]) for f in r["repositoryFilters"]]}
                         for r in config["scanningConfiguration"]["rules"]]
                checks.equal(mode + " rules", rules, truth["rules"])
                check_findings(checks, ecr, mode, truth)
                # DescribeImages shows summaries only in the legacy mode.
                summaries = 0
                for repo in truth["repositories"]:
                    details = ecr.describe_images(repositoryName=repo["repositoryName"])["imageDetails"]
                    summaries += sum(1 for d in details if "imageScanFindingsSummary" in d)
                checks.equal(mode + " summaries in DescribeImages", summaries > 0, mode == "legacy")
                check_inspector(checks, client("inspector2", inspector_port), mode, truth)
            finally:
                stop(process)

        # Denied calls, as botocore reads them (JSON 1.1 __type for ECR, x-amzn-ErrorType for Inspector).
        process, ecr_port, inspector_port = start_server(
            helper, "enhanced", None, ["--deny", "GetRegistryScanningConfiguration", "--deny", "DescribeImageScanFindings",
                                       "--deny", "ListFindingAggregations"])
        try:
            ecr = client("ecr", ecr_port)
            checks.equal("denied GetRegistryScanningConfiguration", error_of(ecr.get_registry_scanning_configuration),
                         ("AccessDeniedException", 400))
            checks.equal("denied DescribeImageScanFindings", error_of(lambda: ecr.describe_image_scan_findings(
                repositoryName="any", imageId={"imageDigest": "sha256:00"})), ("AccessDeniedException", 400))
            inspector = client("inspector2", inspector_port)
            checks.equal("denied ListFindingAggregations", error_of(lambda: inspector.list_finding_aggregations(
                aggregationType="AWS_ECR_CONTAINER")), ("AccessDeniedException", 403))
        finally:
            stop(process)
        process, ecr_port, inspector_port = start_server(helper, "enhanced")
        try:
            inspector = client("inspector2", inspector_port)
            checks.equal("other aggregation types", error_of(lambda: inspector.list_finding_aggregations(
                aggregationType="REPOSITORY")), ("ValidationException", 400))
        finally:
            stop(process)

    print("%d checks passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 and checks.passed > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: test_fakescan_boto3.py <fakescan_serve>", file=sys.stderr)
        sys.exit(2)
    sys.exit(run(sys.argv[1]))
