/** A problem the user must fix: `message` is the one line shown to them (the AWS CLI prints it verbatim). */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
