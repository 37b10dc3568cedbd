import { expect, test } from "bun:test";
import { isUserError, UserError } from "../src/userError.ts";

test("isUserError knows a UserError from any copy of the class, and nothing else", () => {
  expect(isUserError(new UserError("fix this"))).toBe(true);
  // build.ts gives each lazily loaded module its own copy of the class: only the shared brand tells.
  const fromOtherBundle = Object.assign(new Error("fix that"), { [Symbol.for("vegas-credentials.UserError")]: true });
  expect(isUserError(fromOtherBundle)).toBe(true);
  for (const other of [new Error("bug"), { name: "UserError", message: "look-alike" }, "text", undefined, null]) {
    expect(isUserError(other)).toBe(false);
  }
});
