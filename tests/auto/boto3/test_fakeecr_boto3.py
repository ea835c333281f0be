#!/usr/bin/python3
"""Cross-check the fake ECR server (src/sim) against boto3, the real AWS SDK.

Run with Debian's /usr/bin/python3 and its python3-boto3 package:
    /usr/bin/python3 test_fakeecr_boto3.py <path to fakeecr_serve>

boto3 signs every request with its own SigV4 code and parses the replies with its own
JSON/timestamp parser, so this proves that the fake speaks the protocol the way AWS does:
the signatures verify, the paginators see every item exactly once, and the parsed values
equal the generator's ground truth (dumped by fakeecr_serve). Exit status 0 = all good.
"""

import json
import os
import select
import signal
import subprocess
import sys
import tempfile

# Keep boto3 away from the developer's ~/.aws, proxies and instance metadata. Must happen
# before botocore is imported.
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
             "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_CA_BUNDLE", "AWS_RETRY_MODE",
             "AWS_MAX_ATTEMPTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"):
    os.environ.pop(name, None)

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError as error:
    print("FAIL: boto3 cannot be imported by %s (%s). Install Debian's package: "
          "apt-get install python3-boto3" % (sys.executable, error), file=sys.stderr)
    sys.exit(1)

REGION = "ap-northeast-2"
REGISTRY_ID = "246813579024"
ACCESS_KEY = "AKIDBOTO3CROSSCHECK"
SECRET = "boto3/Secret+Key/0123456789ABCDEFGHIJ"
TEMP_ACCESS_KEY = "ASIABOTO3TEMPORARY"
TEMP_SECRET = "temporary+secret/key"
SESSION_TOKEN = "FwoGZXIvYXdzEBoaDFAKE//session+token=="
REPOSITORIES = 23
IMAGES = 9
SEED = 20240607
REPOSITORY_MEMBERS = set()  # members of the Repository shape in this botocore's model


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
    """botocore's datetime (or None) -> epoch milliseconds, like the ground truth."""
    if value is None:
        return None
    return round(value.timestamp() * 1000)


def start_server(helper, dump):
    args = [helper, "--repositories", str(REPOSITORIES), "--images", str(IMAGES), "--seed", str(SEED),
            "--registry-id", REGISTRY_ID, "--region", REGION, "--access-key", ACCESS_KEY,
            "--secret", SECRET, "--temp-access-key", TEMP_ACCESS_KEY, "--temp-secret", TEMP_SECRET,
            "--session-token", SESSION_TOKEN, "--page-cap", "1000"]
    if dump:
        args += ["--dump", dump]
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("PORT "):
        process.kill()
        raise SystemExit("FAIL: fakeecr_serve did not print 'PORT <n>' (got %r)" % line)
    return process, int(line.split()[1])


def client(port, key=ACCESS_KEY, secret=SECRET, token=None):
    return boto3.client(
        "ecr", endpoint_url="http://127.0.0.1:%d" % port, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30,
                      proxies={}))


def error_code(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


def check_repository(checks, got, want):
    name = want["repositoryName"]
    checks.equal(name + " arn", got["repositoryArn"], want["repositoryArn"])
    checks.equal(name + " registryId", got["registryId"], want["registryId"])
    checks.equal(name + " uri", got["repositoryUri"], want["repositoryUri"])
    checks.equal(name + " createdAt", ms(got.get("createdAt")), want["createdAtMs"])
    checks.equal(name + " mutability", got["imageTagMutability"], want["imageTagMutability"])
    if "imageTagMutabilityExclusionFilters" in REPOSITORY_MEMBERS:
        # Newer model only; older botocore (Debian 12: 1.29) drops members it does not know.
        filters = ["%s:%s" % (f["filterType"], f["filter"]) for f in got.get("imageTagMutabilityExclusionFilters", [])]
        checks.equal(name + " exclusion filters", filters, want["tagMutabilityExclusionFilters"])
    checks.equal(name + " scanOnPush", got["imageScanningConfiguration"]["scanOnPush"], want["scanOnPush"])
    encryption = got["encryptionConfiguration"]
    checks.equal(name + " encryptionType", encryption["encryptionType"], want["encryptionType"])
    checks.equal(name + " kmsKey", encryption.get("kmsKey", ""), want["kmsKey"])


def check_image(checks, repository, got, want):
    what = "%s@%s" % (repository, want["imageDigest"][:19])
    checks.equal(what + " repositoryName", got["repositoryName"], repository)
    checks.equal(what + " registryId", got["registryId"], REGISTRY_ID)
    checks.equal(what + " tags", got.get("imageTags", []), want["imageTags"])
    checks.equal(what + " size", got["imageSizeInBytes"], want["imageSizeInBytes"])
    checks.equal(what + " pushedAt", ms(got.get("imagePushedAt")), want["imagePushedAtMs"])
    status = got.get("imageScanStatus", {})
    checks.equal(what + " scan status", status.get("status", ""), want["scanStatus"])
    checks.equal(what + " scan description", status.get("description", ""), want["scanStatusDescription"])
    summary = got.get("imageScanFindingsSummary")
    checks.equal(what + " has summary", summary is not None, want["hasScanSummary"])
    if summary is not None:
        checks.equal(what + " findings", summary.get("findingSeverityCounts", {}), want["severityCounts"])
        checks.equal(what + " scan completed", ms(summary.get("imageScanCompletedAt")), want["scanCompletedAtMs"])
        checks.equal(what + " source updated", ms(summary.get("vulnerabilitySourceUpdatedAt")),
                     want["vulnerabilitySourceUpdatedAtMs"])
    checks.equal(what + " manifest type", got.get("imageManifestMediaType", ""), want["imageManifestMediaType"])
    checks.equal(what + " artifact type", got.get("artifactMediaType", ""), want["artifactMediaType"])
    checks.equal(what + " last pull", ms(got.get("lastRecordedPullTime")), want["lastRecordedPullTimeMs"])


def run(helper):
    checks = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "truth.json")
        process, port = start_server(helper, dump)
        try:
            with open(dump) as f:
                truth = json.load(f)
            ecr = client(port)
            REPOSITORY_MEMBERS.update(ecr.meta.service_model.shape_for("Repository").members)

            # DescribeRegistry
            checks.equal("DescribeRegistry registryId", ecr.describe_registry()["registryId"], REGISTRY_ID)

            # DescribeRepositories through the paginator, pages of 4.
            pages = list(ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 4}))
            repos = [r for page in pages for r in page["repositories"]]
            checks.equal("repository pages", len(pages), -(-REPOSITORIES // 4))
            checks.true("every page but the last holds 4", all(len(p["repositories"]) == 4 for p in pages[:-1]))
            checks.equal("repositories, in order, each once", [r["repositoryName"] for r in repos],
                         [r["repositoryName"] for r in truth["repositories"]])
            for got, want in zip(repos, truth["repositories"]):
                check_repository(checks, got, want)

            # DescribeImages through the paginator, pages of 3, ANY and TAGGED.
            images_paginator = ecr.get_paginator("describe_images")
            total_any = total_tagged = 0
            digests = []
            for want_repo in truth["repositories"]:
                name = want_repo["repositoryName"]
                got_any = [i for page in images_paginator.paginate(
                    repositoryName=name, PaginationConfig={"PageSize": 3}) for i in page["imageDetails"]]
                got_tagged = [i for page in images_paginator.paginate(
                    repositoryName=name, filter={"tagStatus": "TAGGED"}, PaginationConfig={"PageSize": 3})
                    for i in page["imageDetails"]]
                checks.equal(name + " digests (ANY)", [i["imageDigest"] for i in got_any],
                             [i["imageDigest"] for i in want_repo["images"]])
                checks.equal(name + " digests (TAGGED)", [i["imageDigest"] for i in got_tagged],
                             [i["imageDigest"] for i in want_repo["images"] if i["imageTags"]])
                for got, want in zip(got_any, want_repo["images"]):
                    check_image(checks, name, got, want)
                total_any += len(got_any)
                total_tagged += len(got_tagged)
                digests += [i["imageDigest"] for i in got_any]
            checks.equal("total images", total_any, truth["imageCount"])
            checks.equal("total tagged images", total_tagged, truth["taggedImageCount"])
            checks.equal("every image exactly once", len(digests), len(set(digests)))
            checks.true("the registry has untagged images", truth["taggedImageCount"] < truth["imageCount"])

            # A page of 1000 in one go equals the small pages.
            biggest = max(truth["repositories"], key=lambda r: len(r["images"]))
            one = ecr.describe_images(repositoryName=biggest["repositoryName"], maxResults=1000)
            checks.equal("one page of 1000", len(one["imageDetails"]), len(biggest["images"]))
            checks.true("no nextToken on the last page", "nextToken" not in one)

            # Temporary credentials: boto3 signs x-amz-security-token.
            temp = client(port, TEMP_ACCESS_KEY, TEMP_SECRET, SESSION_TOKEN)
            checks.equal("session-token client", temp.describe_registry()["registryId"], REGISTRY_ID)

            # Errors as botocore classifies them.
            checks.equal("wrong secret", error_code(lambda: client(port, secret="wrong").describe_registry()),
                         ("InvalidSignatureException", 403))
            checks.equal("unknown key", error_code(lambda: client(port, key="AKIDUNKNOWN").describe_registry()),
                         ("UnrecognizedClientException", 403))
            checks.equal("wrong session token",
                         error_code(lambda: client(port, TEMP_ACCESS_KEY, TEMP_SECRET, "other").describe_registry()),
                         ("UnrecognizedClientException", 403))
            checks.equal("unknown repository",
                         error_code(lambda: ecr.describe_images(repositoryName="no/such-repository")),
                         ("RepositoryNotFoundException", 400))
            checks.equal("forged nextToken",
                         error_code(lambda: ecr.describe_repositories(nextToken="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")),
                         ("InvalidParameterException", 400))
            try:
                ecr.exceptions.RepositoryNotFoundException  # modelled exception class resolves
                ecr.describe_images(repositoryName="no/such-repository")
                checks.true("modelled RepositoryNotFoundException raised", False)
            except ecr.exceptions.RepositoryNotFoundException:
                checks.true("modelled RepositoryNotFoundException raised", True)
        finally:
            # Closing stdin stops the helper.
            process.stdin.close()
            try:
                code = process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                code = "did not exit after stdin closed"
            checks.equal("fakeecr_serve exits when stdin closes", code, 0)

    # SIGTERM stops it too.
    process, _ = start_server(helper, None)
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        code = "did not exit on SIGTERM"
    checks.equal("fakeecr_serve exits on SIGTERM", code, 0)

    print("boto3 %s / botocore cross-check of the fake ECR: %d checks passed, %d failed"
          % (boto3.__version__, checks.passed, checks.failed))
    return 0 if checks.failed == 0 and checks.passed > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: %s <path to fakeecr_serve>" % sys.argv[0])
    sys.exit(run(sys.argv[1]))
