#!/usr/bin/python3
"""Cross-check the credential fakes (src/sim) against botocore, the real AWS SDK.

    /usr/bin/python3 test_credfakes_botocore.py <path to credfakes_serve>

botocore signs AssumeRole/GetCallerIdentity with its own SigV4 code (the fake STS verifies
them), sends AssumeRoleWithWebIdentity and GetRoleCredentials unsigned, parses the fakes' XML
and JSON with its own parsers, and runs its own IMDSv2 and container-credential fetchers. The
expected values are the fixed data in credfakes_serve.cpp. Exit status 0 = all good.
"""

import os
import subprocess
import sys

os.environ.update({"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                   "NO_PROXY": "*", "no_proxy": "*", "AWS_EC2_METADATA_DISABLED": "false"})
for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "AWS_PROFILE", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE",
             "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_EC2_METADATA_V1_DISABLED"):
    os.environ.pop(name, None)

try:
    import botocore.session
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import ClientError
    from botocore.utils import ContainerMetadataFetcher, InstanceMetadataFetcher, InstanceMetadataRegionFetcher
except ImportError as error:
    print("FAIL: botocore cannot be imported by %s (%s); apt-get install python3-botocore" % (sys.executable, error),
          file=sys.stderr)
    sys.exit(1)

failures = []


def check(what, actual, expected):
    if actual != expected:
        failures.append("%s: got %r, expected %r" % (what, actual, expected))


def main():
    server = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        line = server.stdout.readline().decode().split()
        if not line or line[0] != "PORTS":
            print("FAIL: credfakes_serve did not start", file=sys.stderr)
            return 1
        sts_port, imds_port, container_port, sso_port = (int(p) for p in line[1:5])
        session = botocore.session.get_session()
        retries = Config(retries={"max_attempts": 1})

        # STS, signed by botocore with the caller keys.
        sts = session.create_client("sts", region_name="eu-west-1", endpoint_url="http://127.0.0.1:%d" % sts_port,
                                    aws_access_key_id="AKIDBOTOCORECALLER01",
                                    aws_secret_access_key="caller/secret+key", config=retries)
        who = sts.get_caller_identity()
        check("GetCallerIdentity Account", who["Account"], "111122223333")
        check("GetCallerIdentity Arn", who["Arn"], "arn:aws:iam::111122223333:user/botocore")
        role = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/reader", RoleSessionName="botocore-check",
                               DurationSeconds=900)
        creds = role["Credentials"]
        check("AssumeRole AccessKeyId", creds["AccessKeyId"], "ASIABOTOCOREROLE0001")
        check("AssumeRole SecretAccessKey", creds["SecretAccessKey"], "role/secret")
        check("AssumeRole SessionToken", creds["SessionToken"], "role-token")
        check("AssumeRole Arn", role["AssumedRoleUser"]["Arn"],
              "arn:aws:sts::111122223333:assumed-role/reader/botocore-check")
        # The issued keys may now sign (chained roles): botocore signs with the session token.
        chained = session.create_client("sts", region_name="eu-west-1", endpoint_url="http://127.0.0.1:%d" % sts_port,
                                        aws_access_key_id=creds["AccessKeyId"],
                                        aws_secret_access_key=creds["SecretAccessKey"],
                                        aws_session_token=creds["SessionToken"], config=retries)
        check("GetCallerIdentity as the role", chained.get_caller_identity()["Arn"],
              "arn:aws:sts::111122223333:assumed-role/reader/botocore-check")
        wrong = session.create_client("sts", region_name="eu-west-1", endpoint_url="http://127.0.0.1:%d" % sts_port,
                                      aws_access_key_id="AKIDBOTOCORECALLER01", aws_secret_access_key="wrong",
                                      config=retries)
        try:
            wrong.get_caller_identity()
            failures.append("a wrong secret was accepted")
        except ClientError as e:
            check("wrong secret error code", e.response["Error"]["Code"], "SignatureDoesNotMatch")

        # AssumeRoleWithWebIdentity, unsigned as botocore's provider sends it.
        anonymous = session.create_client("sts", region_name="eu-west-1", endpoint_url="http://127.0.0.1:%d" % sts_port,
                                          config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
        web = anonymous.assume_role_with_web_identity(RoleArn="arn:aws:iam::111122223333:role/reader",
                                                      RoleSessionName="irsa", WebIdentityToken="eyJ.botocore.token")
        check("AssumeRoleWithWebIdentity AccessKeyId", web["Credentials"]["AccessKeyId"], "ASIABOTOCOREROLE0001")
        try:
            anonymous.assume_role_with_web_identity(RoleArn="arn:aws:iam::111122223333:role/reader",
                                                    RoleSessionName="irsa", WebIdentityToken="not-accepted")
            failures.append("an unknown web identity token was accepted")
        except ClientError as e:
            check("bad token error code", e.response["Error"]["Code"], "InvalidIdentityToken")

        # IMDSv2 through botocore's own fetcher (the fake refuses IMDSv1).
        fetcher = InstanceMetadataFetcher(timeout=2, num_attempts=1, base_url="http://127.0.0.1:%d/" % imds_port)
        imds = fetcher.retrieve_iam_role_credentials()
        check("IMDS access_key", imds.get("access_key"), "ASIABOTOCOREIMDS0001")
        check("IMDS secret_key", imds.get("secret_key"), "imds/secret")
        check("IMDS token", imds.get("token"), "imds-token")
        check("IMDS role_name", imds.get("role_name"), "instance-role")
        check("IMDS expiry_time", imds.get("expiry_time"), "2099-01-02T03:04:05Z")
        region = InstanceMetadataRegionFetcher(timeout=2, num_attempts=1,
                                               base_url="http://127.0.0.1:%d/" % imds_port).retrieve_region()
        check("IMDS region", region, "ap-southeast-2")

        # Container credentials (EKS Pod Identity style: full URI + Authorization).
        container = ContainerMetadataFetcher().retrieve_full_uri(
            "http://127.0.0.1:%d/v1/credentials" % container_port, headers={"Authorization": "Bearer botocore-pod"})
        check("container AccessKeyId", container.get("AccessKeyId"), "ASIABOTOCORECONT0001")
        check("container Token", container.get("Token"), "cont-token")
        check("container Expiration", container.get("Expiration"), "2099-01-02T03:04:05Z")

        # The SSO portal, unsigned, as botocore's SSO provider calls it.
        sso = session.create_client("sso", region_name="us-east-1", endpoint_url="http://127.0.0.1:%d" % sso_port,
                                    config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
        got = sso.get_role_credentials(roleName="ReadOnly", accountId="111122223333", accessToken="sso-access-token")
        rc = got["roleCredentials"]
        check("SSO accessKeyId", rc["accessKeyId"], "ASIABOTOCORESSO00001")
        check("SSO sessionToken", rc["sessionToken"], "sso-token")
        if not isinstance(rc["expiration"], int) or rc["expiration"] < 10 ** 12:
            failures.append("SSO expiration is not epoch milliseconds: %r" % rc["expiration"])
        try:
            sso.get_role_credentials(roleName="ReadOnly", accountId="111122223333", accessToken="revoked")
            failures.append("a revoked SSO token was accepted")
        except ClientError as e:
            check("SSO bad token error", e.response["Error"]["Code"], "UnauthorizedException")
    finally:
        server.stdin.close()
        server.wait(timeout=10)

    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    if failures:
        return 1
    print("OK: botocore accepts the STS, IMDS, container and SSO fakes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
