import { describe, expect, test } from "bun:test";
import { type Choice, drawPicker, fitWidth, matchChoices, pressKey, startPicker, visibleText } from "../../src/picker/pickerScreen.ts";
import { type Key, KeyReader } from "../../src/picker/terminalKeys.ts";

const CHOICES: Choice[] = [
  { name: "frank@concerts", detail: "SingerRole @ 222222222222" },
  { name: "dean@lounge", detail: "CrooningRole @ 333333333333" },
  { name: "sammy@sands", detail: "DancerRole @ 222222222222" },
];

describe("matchChoices", () => {
  test("every word, in the name or the role and account, case ignored; the order kept", () => {
    expect(matchChoices(CHOICES, "").map((choice) => choice.name)).toEqual(["frank@concerts", "dean@lounge", "sammy@sands"]);
    expect(matchChoices(CHOICES, "  ").map((choice) => choice.name)).toEqual(["frank@concerts", "dean@lounge", "sammy@sands"]);
    expect(matchChoices(CHOICES, "2222").map((choice) => choice.name)).toEqual(["frank@concerts", "sammy@sands"]);
    expect(matchChoices(CHOICES, "SANDS dancer").map((choice) => choice.name)).toEqual(["sammy@sands"]);
    expect(matchChoices(CHOICES, "frank dancer")).toEqual([]);
  });
});

describe("pressKey", () => {
  const press = (keys: Key[], rows = 10) => {
    let state = startPicker(CHOICES);
    for (const key of keys) {
      const step = pressKey(state, key, rows);
      if (!("state" in step)) return step;
      state = step.state;
    }
    return { state };
  };

  test("Enter picks the one under the cursor; with nothing matching it does nothing", () => {
    expect(press([{ name: "enter" }])).toEqual({ picked: "frank@concerts" });
    expect(press([{ name: "down" }, { name: "down" }, { name: "down" }, { name: "enter" }])).toEqual({ picked: "sammy@sands" });
    expect(press([{ name: "down" }, { name: "up" }, { name: "up" }, { name: "enter" }])).toEqual({ picked: "frank@concerts" });
    const none = press([{ text: "x" }, { text: "y" }, { name: "enter" }]);
    expect("state" in none && none.state.matches).toEqual([]);
  });

  test("typing filters and puts the cursor on the first match; Backspace, Ctrl-U and Ctrl-W undo it", () => {
    expect(press([{ name: "down" }, { text: "s" }, { text: "a" }, { name: "enter" }])).toEqual({ picked: "sammy@sands" });
    expect(press([{ text: "s" }, { text: "x" }, { name: "backspace" }, { text: "a" }, { name: "enter" }])).toEqual({ picked: "sammy@sands" });
    const cleared = press([{ text: "d" }, { text: "e" }, { name: "clear-line" }]);
    expect("state" in cleared && cleared.state.filter).toBe("");
    const word = press([{ text: "a" }, { text: " " }, { text: "b" }, { text: "c" }, { name: "delete-word" }]);
    expect("state" in word && word.state.filter).toBe("a ");
  });

  test("Esc, Ctrl-C, and Ctrl-D on an empty filter leave", () => {
    expect(press([{ name: "escape" }])).toEqual({ cancelled: true });
    expect(press([{ text: "f" }, { name: "interrupt" }])).toEqual({ cancelled: true });
    expect(press([{ name: "end-of-input" }])).toEqual({ cancelled: true });
    expect("state" in press([{ text: "f" }, { name: "end-of-input" }])).toBe(true);
  });

  test("the screen follows the cursor a page at a time", () => {
    const many = Array.from({ length: 50 }, (_, index) => ({ name: `p${index}`, detail: "" }));
    let state = startPicker(many);
    const step = (key: Key) => {
      const next = pressKey(state, key, 10);
      if (!("state" in next)) throw new Error("left");
      state = next.state;
    };
    step({ name: "pagedown" });
    expect([state.selected, state.top]).toEqual([10, 1]);
    step({ name: "end" });
    expect([state.selected, state.top]).toEqual([49, 40]);
    step({ name: "pageup" });
    expect([state.selected, state.top]).toEqual([39, 39]);
    step({ name: "home" });
    expect([state.selected, state.top]).toEqual([0, 0]);
    step({ name: "up" });
    expect(state.selected).toBe(0);
  });
});

describe("drawPicker", () => {
  const lines = (screen: string) =>
    screen
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the screen's own sequences are taken out to read it.
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
      .split("\r\n");

  test("no line reaches the last column, however narrow; the cursor ends after the filter", () => {
    const state = startPicker([{ name: "x".repeat(100), detail: "y".repeat(100) }, ...CHOICES]);
    for (const columns of [10, 20, 40, 80]) {
      const screen = drawPicker(state, { columns, rows: 8, color: false, title: "Role profile" });
      for (const line of lines(screen)) expect(Bun.stringWidth(line)).toBeLessThan(columns);
    }
    expect(drawPicker(state, { columns: 80, rows: 8, color: false, title: "Role profile" }).endsWith("\x1b[1;15H")).toBe(true);
  });

  test("as many choices as the rows allow below the filter and the count", () => {
    const screen = lines(drawPicker(startPicker(CHOICES), { columns: 80, rows: 4, color: true, title: "Role profile" }));
    expect(screen).toHaveLength(4);
    expect(screen[2]).toBe("> frank@concerts  SingerRole @ 222222222222");
    expect(screen[3]).toBe("  dean@lounge     CrooningRole @ 333333333333");
  });

  test("a long filter keeps its end in view", () => {
    const state = { ...startPicker(CHOICES), filter: `${"a".repeat(50)}END` };
    expect(lines(drawPicker(state, { columns: 30, rows: 5, color: false, title: "Role profile" }))[0]).toMatch(/^Role profile: …a+END$/);
  });
});

describe("visibleText and fitWidth", () => {
  test("control characters and reordering marks are shown, not obeyed", () => {
    expect(visibleText("evil\x1b[31mred\x07")).toBe("evil␛[31mred␇");
    expect(visibleText("a\u202eb\x7f\x9b")).toBe("a<U+202E>b␡<U+009B>");
    expect(visibleText("frank@concerts")).toBe("frank@concerts");
  });

  test("cut to terminal columns: wide characters count twice", () => {
    expect(fitWidth("abcdef", 4)).toBe("abc…");
    expect(fitWidth("abcd", 4)).toBe("abcd");
    expect(fitWidth("日本語のプロファイル", 7)).toBe("日本語…");
  });
});

describe("KeyReader", () => {
  const read = (...chunks: string[]) => {
    const keys: Key[] = [];
    const reader = new KeyReader((key) => keys.push(key));
    for (const chunk of chunks) {
      reader.feed(chunk);
      reader.flush();
    }
    return keys;
  };

  test("arrow keys in either form, Page Up/Down, Home and End", () => {
    expect(read("\x1b[A\x1b[B\x1bOA\x1bOB\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[1~\x1b[4~")).toEqual(
      ["up", "down", "up", "down", "pageup", "pagedown", "home", "end", "home", "end"].map((name) => ({ name }) as Key),
    );
  });

  test("a lone ESC when nothing more could be read is the Escape key; a sequence split across reads is joined", () => {
    expect(read("\x1b")).toEqual([{ name: "escape" }]);
    expect(read("\x1b\x1b[A")).toEqual([{ name: "escape" }, { name: "up" }]);
    const keys: Key[] = [];
    const reader = new KeyReader((key) => keys.push(key));
    reader.feed("\x1b[");
    reader.feed("B");
    reader.flush();
    expect(keys).toEqual([{ name: "down" }]);
  });

  test("sequences it does not know are dropped whole; text and controls come through", () => {
    expect(read("\x1b[1;5Cab\x1b[200~é\r\x7f\x03\x15")).toEqual([
      { text: "a" },
      { text: "b" },
      { text: "é" },
      { name: "enter" },
      { name: "backspace" },
      { name: "interrupt" },
      { name: "clear-line" },
    ]);
    expect(read("\x00\x9b\x01")).toEqual([]);
  });
});
