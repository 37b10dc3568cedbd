/** Marks a UserError across bundles: build.ts compiles lazily loaded modules with their own copy of this class. */
const USER_ERROR = Symbol.for("vegas-credentials.UserError");

/** A problem the user must fix: `message` is the one line shown to them (the AWS CLI prints it verbatim). */
export class UserError extends Error {
  override readonly name = "UserError";
  readonly [USER_ERROR] = true;
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** True for a UserError from any bundle of the binary (instanceof sees only this bundle's class). */
export function isUserError(error: unknown): error is UserError {
  return typeof error === "object" && error !== null && (error as { [USER_ERROR]?: unknown })[USER_ERROR] === true;
}
