import { printableLine } from "./printableText.ts";
import { type OutputStyle, paint } from "./outputStyle.ts";

/** A cell this program painted itself from its own words: shown as is, `width` being what it takes on screen. */
export interface PaintedCell {
  readonly painted: string;
  readonly width: number;
}

/** Plain cells hold text from outside (the config, the cache): made printable before they are shown. */
export type Cell = string | PaintedCell;

const MAX_CELL = 200;

/** A plain text table: a dim header row, columns padded to their widest cell, no trailing spaces. */
export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[], style: OutputStyle): string {
  const shown = rows.map((row) => row.map(shownCell));
  const widths = header.map((title, column) => Math.max(title.length, ...shown.map((row) => row[column]?.width ?? 0)));
  const line = (cells: readonly PaintedCell[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell.painted : cell.painted + " ".repeat(Math.max(0, (widths[column] ?? 0) - cell.width))))
      .join("  ")
      .trimEnd();
  return [paint(style, "dim", line(header.map(shownCell))), ...shown.map(line)].join("\n");
}

function shownCell(cell: Cell): PaintedCell {
  if (typeof cell !== "string") return cell;
  const text = printableLine(cell, MAX_CELL);
  return { painted: text, width: text.length };
}
