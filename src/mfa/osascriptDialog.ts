import type { DialogDriver } from "./dialog.ts";

/**
 * macOS: AppleScript's `display dialog` with a text field. The text and title arrive as `argv` of the script,
 * never inside its source, so no profile name can break out of an AppleScript string.
 */
export const osascriptDialog: DialogDriver = {
  program: "osascript",
  command: (path, question) => ({
    argv: [
      path,
      "-e",
      "on run argv",
      "-e",
      `set answer to display dialog (item 1 of argv) with title (item 2 of argv) default answer ""${question.hidden ? " with hidden answer" : ""} buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel" giving up after ${question.timeoutSeconds}`,
      "-e",
      "if gave up of answer then error number -128",
      "-e",
      "return text returned of answer",
      "-e",
      "end run",
      question.text,
      question.title,
    ],
  }),
};
