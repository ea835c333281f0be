#!/usr/bin/python3
"""Generate SigV4 known-answer vectors with Debian's botocore for tests/auto/sigv4.

The expected values come from botocore's own SigV4Auth / S3SigV4Auth (an implementation
independent of ours), signing at a fixed time by patching botocore.auth.datetime.

Regenerate (Debian 12, package python3-botocore; NOT the pyenv python3 on PATH):

    /usr/bin/python3 tools/gen_sigv4_vectors.py > tests/data/sigv4/botocore-vectors.json

then review the diff and commit the script and the JSON together. Output is
deterministic (fixed times, keys and bodies), so an unchanged botocore gives no diff.

Each case records what a caller hands our signer -- method, the path and query exactly
as they go on the wire (botocore's prepared URL), the headers the caller passes (every
header botocore signed except the ones the signer adds itself: x-amz-date,
x-amz-security-token, x-amz-content-sha256), the body -- and botocore's results:
canonical request, string to sign, signed headers, signature, Authorization.
"""

import datetime
import json
import sys
from unittest import mock
from urllib.parse import urlsplit

import botocore
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+token/with=padding=="
ECR_JSON = "application/x-amz-json-1.1"
ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921."
FORM = "application/x-www-form-urlencoded; charset=utf-8"
SIGNER_OWNED = {"x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}


def ecr_headers(op):
    return {"Content-Type": ECR_JSON, "X-Amz-Target": ECR_TARGET + op}


def json_body(obj):
    # Compact, as our ECR client sends it; ensure_ascii=False keeps non-ASCII as UTF-8.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


CASES = [
    dict(name="ecr-describe-repositories", region="us-east-1", service="ecr",
         time="2026-11-27T15:04:05", method="POST",
         url="https://api.ecr.us-east-1.amazonaws.com/",
         headers=ecr_headers("DescribeRepositories"), body=json_body({"maxResults": 1000})),
    dict(name="ecr-describe-images-token", region="us-east-1", service="ecr",
         time="2026-11-27T15:04:05", method="POST", token=TOKEN,
         url="https://api.ecr.us-east-1.amazonaws.com/",
         headers=ecr_headers("DescribeImages"),
         body=json_body({"repositoryName": "team/api", "maxResults": 1000,
                         "filter": {"tagStatus": "ANY"}})),
    dict(name="ecr-describe-registry-empty-object", region="eu-west-1", service="ecr",
         time="2024-02-29T00:00:00", method="POST",
         url="https://api.ecr.eu-west-1.amazonaws.com/",
         headers=ecr_headers("DescribeRegistry"), body=b"{}"),
    dict(name="ecr-describe-images-next-token", region="ap-southeast-2", service="ecr",
         time="2025-12-31T23:59:59", method="POST", token=TOKEN,
         url="https://api.ecr.ap-southeast-2.amazonaws.com/",
         headers=ecr_headers("DescribeImages"),
         body=json_body({"repositoryName": "base/alpine", "registryId": "123456789012",
                         "nextToken": "ukD72mdD/mC8b5xV3susmJzzaTgp3hKwR9nRUW1yZZ6dmQ+q=="})),
    dict(name="ecr-local-port", region="us-west-2", service="ecr",
         time="2026-01-01T12:00:00", method="POST",
         url="http://127.0.0.1:8443/",
         headers=ecr_headers("DescribeRepositories"), body=json_body({"maxResults": 5})),
    dict(name="ecr-unicode-body", region="eu-central-1", service="ecr",
         time="2026-06-15T08:30:00", method="POST",
         url="https://api.ecr.eu-central-1.amazonaws.com/",
         headers=ecr_headers("DescribeImages"),
         body=json_body({"repositoryName": "équipe/ünïcode", "note": "日本語 ✓"})),
    dict(name="ecr-header-whitespace", region="us-east-1", service="ecr",
         time="2026-11-27T15:04:05", method="POST",
         url="https://api.ecr.us-east-1.amazonaws.com/",
         headers={"Content-Type": "  application/x-amz-json-1.1  ",
                  "X-Amz-Target": "\t" + ECR_TARGET + "DescribeRegistry ",
                  "X-Custom-Note": "a   b \t c"},
         body=b"{}"),
    dict(name="sts-get-caller-identity-form", region="eu-west-1", service="sts",
         time="2026-11-27T15:04:05", method="POST",
         url="https://sts.eu-west-1.amazonaws.com/",
         headers={"Content-Type": FORM},
         body=b"Action=GetCallerIdentity&Version=2011-06-15"),
    dict(name="sts-assume-role-token", region="us-east-1", service="sts",
         time="2026-03-08T09:10:11", method="POST", token=TOKEN,
         url="https://sts.us-east-1.amazonaws.com/",
         headers={"Content-Type": FORM},
         body=(b"Action=AssumeRole&Version=2011-06-15"
               b"&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fecr-exporter"
               b"&RoleSessionName=ecr-exporter-1700000000&DurationSeconds=3600")),
    dict(name="sts-query-get", region="us-east-1", service="sts",
         time="2026-11-27T15:04:05", method="GET",
         url="https://sts.amazonaws.com/",
         params=[("Version", "2011-06-15"), ("Action", "GetCallerIdentity")],
         headers={}, body=b""),
    dict(name="query-encoding-and-order", region="us-east-2", service="execute-api",
         time="2026-11-27T15:04:05", method="GET",
         url="https://example.execute-api.us-east-2.amazonaws.com/items",
         params=[("b", "x y"), ("a", "1/2~3"), ("A", "Z"), ("a", "0"), ("empty", ""),
                 ("ü", "snow☃man"), ("sym", "!*'();:@&=+$,?#[]")],
         headers={}, body=b""),
    dict(name="inspector2-rest-path", region="us-east-1", service="inspector2",
         time="2026-11-27T15:04:05", method="POST",
         url="https://inspector2.us-east-1.amazonaws.com/findings/aggregation/list",
         headers={"Content-Type": "application/json"},
         body=json_body({"aggregationType": "REPOSITORY", "maxResults": 100})),
    dict(name="inspector2-path-normalisation", region="ca-central-1", service="inspector2",
         time="2026-11-27T15:04:05", method="POST", token=TOKEN,
         url="https://inspector2.ca-central-1.amazonaws.com/findings/./aggregation//x/../list",
         headers={"Content-Type": "application/json"},
         body=json_body({"aggregationType": "IMAGE"})),
    dict(name="path-double-encoding", region="us-east-1", service="execute-api",
         time="2026-11-27T15:04:05", method="GET",
         url="https://example.execute-api.us-east-1.amazonaws.com/a%20b/c%2Fd/%E2%98%83",
         headers={}, body=b""),
    dict(name="s3-style-path-and-body-hash", region="us-east-1", service="s3", s3=True,
         time="2026-11-27T15:04:05", method="PUT",
         url="http://127.0.0.1:9000/bucket/dir//my%20key/../x.txt",
         headers={"Content-Type": "text/plain"}, body=b"hello world\n"),
]


class RecordingSigV4Auth(SigV4Auth):
    """botocore's signer, remembering the intermediate strings it computed."""

    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.recorded = (canonical_request, sts)
        return sts


class RecordingS3SigV4Auth(S3SigV4Auth):
    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.recorded = (canonical_request, sts)
        return sts


def sign_case(case):
    when = datetime.datetime.strptime(case["time"], "%Y-%m-%dT%H:%M:%S")
    creds = Credentials(AKID, SECRET, case.get("token"))
    auth_class = RecordingS3SigV4Auth if case.get("s3") else RecordingSigV4Auth
    auth = auth_class(creds, case["service"], case["region"])
    request = AWSRequest(method=case["method"], url=case["url"], headers=dict(case["headers"]),
                         data=case["body"], params=case.get("params"))
    with mock.patch("botocore.auth.datetime") as fake_datetime:
        fake_datetime.datetime.utcnow.return_value = when
        auth.add_auth(request)
    canonical_request, string_to_sign = auth.recorded

    authorization = request.headers["Authorization"]
    signed_headers = authorization.split("SignedHeaders=")[1].split(",")[0]
    signature = authorization.split("Signature=")[1]

    # What the caller passes: every signed header except the signer's own, with the
    # caller's original name and raw value (host as botocore derived it from the URL).
    signed = signed_headers.split(";")
    botocore_view = auth.headers_to_sign(request)
    headers = []
    for name, value in case["headers"].items():
        if name.lower() in signed and name.lower() not in SIGNER_OWNED:
            headers.append([name, value])
    if "host" not in [h[0].lower() for h in headers]:
        headers.insert(0, ["Host", botocore_view["host"]])
    passed = sorted(h[0].lower() for h in headers)
    expected_passed = sorted(n for n in signed if n not in SIGNER_OWNED)
    assert passed == expected_passed, (case["name"], passed, expected_passed)

    wire = urlsplit(request.prepare().url)
    body = case["body"]
    return {
        "name": case["name"],
        "method": case["method"],
        "path": wire.path,
        "query": wire.query,
        "headers": headers,
        "body": body.decode("utf-8"),
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "session_token": case.get("token", ""),
        "region": case["region"],
        "service": case["service"],
        "time": case["time"] + "Z",
        "normalize_path": not case.get("s3", False),
        "sign_body": bool(case.get("s3", False)),
        "expected": {
            "canonical_request": canonical_request,
            "string_to_sign": string_to_sign,
            "signed_headers": signed_headers,
            "signature": signature,
            "authorization": authorization,
        },
    }


def main():
    vectors = {
        "about": ("SigV4 vectors signed by botocore %s (SigV4Auth, S3SigV4Auth for s3) at fixed times; "
                  "regenerate with: /usr/bin/python3 tools/gen_sigv4_vectors.py > "
                  "tests/data/sigv4/botocore-vectors.json" % botocore.__version__),
        "botocore_version": botocore.__version__,
        "cases": [sign_case(c) for c in CASES],
    }
    json.dump(vectors, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
