import type { DialogDriver } from "./dialog.ts";

/** Linux (GNOME and most desktops): `zenity --entry`. Its text is Pango markup, so <, > and & are escaped. */
export const zenityDialog: DialogDriver = {
  program: "zenity",
  command: (path, question) => ({
    argv: [path, "--entry", `--title=${question.title}`, `--text=${escapeMarkup(question.text)}`, `--timeout=${question.timeoutSeconds}`, ...(question.hidden ? ["--hide-text"] : [])],
  }),
};

function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
