/** The process environment as the code reads it (process.env, or a test's own): names to values, any may be unset. */
export type Env = Readonly<Record<string, string | undefined>>;
