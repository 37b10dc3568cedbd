"""boto3 as an application uses it: `python3 botoIdentity.py PROFILE CALLS ENDPOINT`.
Prints the caller ARN of each call, one per line; on failure, the exception on stderr, exit 1."""
import sys

import boto3

profile, calls, endpoint = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    sts = boto3.Session(profile_name=profile).client("sts", region_name="us-east-1", endpoint_url=endpoint)
    for _ in range(calls):
        print(sts.get_caller_identity()["Arn"], flush=True)
except Exception as error:  # noqa: BLE001 - the test reads whatever boto3 raised
    print(f"{type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(1)
