/** A set of temporary AWS credentials as STS hands them out. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** An expiration as the AWS tools read it: RFC 3339 in UTC, whole seconds, with a Z. */
export function expirationText(expiration: Date): string {
  return expiration.toISOString().replace(/\.\d{3}Z$/, "Z");
}
