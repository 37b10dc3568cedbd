/** A set of temporary AWS credentials as STS hands them out. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export type CredentialsProvider = () => Promise<TemporaryCredentials>;

/** botocore refreshes 15 minutes before expiry: handing out less makes it call us on every request. */
export const REFRESH_WINDOW_MS = 15 * 60 * 1000;

export function isFresh(credentials: TemporaryCredentials, now: Date): boolean {
  return credentials.expiration.getTime() - now.getTime() >= REFRESH_WINDOW_MS;
}
