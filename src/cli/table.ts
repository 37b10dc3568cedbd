import { type OutputStyle, paint } from "./outputStyle.ts";

/** A plain text table: a dim header row, columns padded to their widest cell, no trailing spaces. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], style: OutputStyle): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [paint(style, "dim", line(header)), ...rows.map(line)].join("\n");
}
