import type { DialogDriver } from "./dialog.ts";

/**
 * Windows: a small Windows Forms input box from PowerShell. The script is passed encoded (no quoting rules
 * apply to it) and reads the text and title from the environment, so nothing the user wrote is ever parsed.
 */
export const powershellDialog: DialogDriver = {
  program: "powershell.exe",
  command: (path, question) => ({
    argv: [path, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encodeCommand(inputBoxScript(question.hidden, question.timeoutSeconds))],
    env: { VEGAS_DIALOG_TEXT: question.text, VEGAS_DIALOG_TITLE: question.title },
  }),
};

function inputBoxScript(hidden: boolean, timeoutSeconds: number): string {
  return [
    "Add-Type -AssemblyName System.Windows.Forms",
    "$form = New-Object System.Windows.Forms.Form",
    "$form.Text = $env:VEGAS_DIALOG_TITLE",
    "$form.Width = 460; $form.Height = 170; $form.FormBorderStyle = 'FixedDialog'; $form.StartPosition = 'CenterScreen'",
    "$form.TopMost = $true; $form.MaximizeBox = $false; $form.MinimizeBox = $false",
    "$label = New-Object System.Windows.Forms.Label",
    "$label.Text = $env:VEGAS_DIALOG_TEXT; $label.UseMnemonic = $false; $label.Left = 12; $label.Top = 12; $label.Width = 420",
    "$box = New-Object System.Windows.Forms.TextBox",
    `$box.Left = 12; $box.Top = 40; $box.Width = 420; $box.UseSystemPasswordChar = $${hidden ? "true" : "false"}`,
    "$ok = New-Object System.Windows.Forms.Button",
    "$ok.Text = 'OK'; $ok.Left = 276; $ok.Top = 80; $ok.DialogResult = 'OK'",
    "$cancel = New-Object System.Windows.Forms.Button",
    "$cancel.Text = 'Cancel'; $cancel.Left = 357; $cancel.Top = 80; $cancel.DialogResult = 'Cancel'",
    "$form.Controls.AddRange(@($label, $box, $ok, $cancel)); $form.AcceptButton = $ok; $form.CancelButton = $cancel",
    "$timer = New-Object System.Windows.Forms.Timer",
    `$timer.Interval = ${timeoutSeconds * 1000}; $timer.Add_Tick({ $form.DialogResult = 'Cancel'; $form.Close() }); $timer.Start()`,
    "$form.Add_Shown({ $form.Activate(); $box.Focus() })",
    "if ($form.ShowDialog() -ne 'OK') { exit 1 }",
    "[Console]::Out.WriteLine($box.Text)",
  ].join("\n");
}

/** -EncodedCommand takes Base64 of UTF-16LE. */
function encodeCommand(script: string): string {
  const bytes = new Uint8Array(script.length * 2);
  for (let index = 0; index < script.length; index++) {
    const unit = script.charCodeAt(index);
    bytes[index * 2] = unit & 0xff;
    bytes[index * 2 + 1] = unit >> 8;
  }
  return Buffer.from(bytes).toString("base64");
}
