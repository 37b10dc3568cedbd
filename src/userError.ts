/** Marks a UserError across bundles: build.ts compiles lazily loaded modules with their own copy of this class. */
const USER_ERROR = Symbol.for("vegas-credentials.UserError");

/** A problem the user must fix: `message` is the one line shown to them (the AWS CLI prints it verbatim). */
export class UserError extends Error {
  override readonly name = "UserError";
  readonly [USER_ERROR] = true;
  constructor(
    message: string,
    readonly exitCode = 1,
    /** False for a failure of this moment alone (this machine's clock): runs waiting for it try for themselves. */
    readonly remembered = true,
  ) {
    super(message);
  }
}

/** The one line for a failure: a UserError's own, else only what kind of bug it was (its message may hold anything). */
export function failureLine(error: unknown): string {
  return isUserError(error) ? error.message : `unexpected ${error instanceof Error ? error.name : "error"}`;
}

/** True for a UserError from any bundle of the binary (instanceof sees only this bundle's class). */
export function isUserError(error: unknown): error is UserError {
  return typeof error === "object" && error !== null && (error as { [USER_ERROR]?: unknown })[USER_ERROR] === true;
}
