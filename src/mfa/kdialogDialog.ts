import type { DialogDriver } from "./dialog.ts";

/** Linux (KDE): `kdialog --inputbox`, or `--password` for hidden input. */
export const kdialogDialog: DialogDriver = {
  program: "kdialog",
  command: (path, question) => ({
    argv: [path, "--title", question.title, question.hidden ? "--password" : "--inputbox", question.text],
  }),
};
