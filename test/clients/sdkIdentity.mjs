// The JS SDK v3 as an application uses it: `node sdkIdentity.mjs fromIni|fromProcess|default PROFILE CALLS ENDPOINT`.
// Prints the caller ARN of each call, one per line; on failure, the SDK's error message on stderr, exit 1.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromIni } from "@aws-sdk/credential-provider-ini";
import { fromProcess } from "@aws-sdk/credential-provider-process";

const [mode, profile, calls, endpoint] = process.argv.slice(2);
const credentials = mode === "fromIni" ? fromIni({ profile }) : mode === "fromProcess" ? fromProcess({ profile }) : undefined;
// "default": no credentials given, so the client's default provider chain finds AWS_PROFILE's credential_process.
const client = new STSClient({ region: "us-east-1", endpoint, maxAttempts: 1, ...(credentials === undefined ? {} : { credentials }) });
try {
  for (let call = 0; call < Number(calls); call++) {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    console.log(identity.Arn);
  }
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
