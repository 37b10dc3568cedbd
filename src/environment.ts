/** The process environment as the code reads it (process.env, or a test's own): names to values, any may be unset. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `exec --server` hides the shared credentials file from its child (the SDKs would take a [default] profile's
 * keys there before asking the server) and keeps its path here, so that this tool, run again inside, finds
 * the source profile's keys as before. "" when the path was the default one.
 */
export const HIDDEN_CREDENTIALS_FILE = "VEGAS_CREDENTIALS_SHARED_CREDENTIALS_FILE";
