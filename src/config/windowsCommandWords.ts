/**
 * A command line split into words as Windows programs split theirs (CommandLineToArgvW, and the C runtime
 * since 2008): words end at spaces and tabs outside double quotes; backslashes are literal except before a
 * double quote, where 2n of them give n and the quote opens or closes, and 2n+1 give n and a literal quote;
 * inside quotes, "" is a literal quote. The first word, the program, takes no escapes (as CreateProcess reads
 * it: a path's backslashes are never escapes). Single quotes are plain characters on Windows. undefined for an
 * unclosed quote, which Windows would silently run to the end of the line.
 */
export function windowsCommandWords(text: string): string[] | undefined {
  const words: string[] = [];
  let index = skipSpaces(text, 0);
  if (index >= text.length) return words;
  let program = "";
  let quoted = false;
  for (; index < text.length; index++) {
    const char = text[index] ?? "";
    if (char === '"') quoted = !quoted;
    else if (!quoted && isSpace(char)) break;
    else program += char;
  }
  if (quoted) return undefined;
  words.push(program);
  for (index = skipSpaces(text, index); index < text.length; index = skipSpaces(text, index)) {
    let word = "";
    quoted = false;
    while (index < text.length) {
      const char = text[index] ?? "";
      if (char === "\\") {
        const end = skipWhile(text, index, "\\");
        const count = end - index;
        index = end;
        if (text[index] !== '"') word += "\\".repeat(count);
        else {
          word += "\\".repeat(Math.floor(count / 2));
          // An odd count escapes the quote; an even one leaves it to open or close.
          if (count % 2 === 1) {
            word += '"';
            index++;
          }
        }
      } else if (char === '"') {
        if (quoted && text[index + 1] === '"') {
          word += '"';
          index += 2;
        } else {
          quoted = !quoted;
          index++;
        }
      } else if (!quoted && isSpace(char)) {
        break;
      } else {
        word += char;
        index++;
      }
    }
    if (quoted) return undefined;
    words.push(word);
  }
  return words;
}

function isSpace(char: string): boolean {
  return char === " " || char === "\t";
}

function skipSpaces(text: string, index: number): number {
  let at = index;
  while (at < text.length && isSpace(text[at] ?? "")) at++;
  return at;
}

function skipWhile(text: string, index: number, char: string): number {
  let at = index;
  while (text[at] === char) at++;
  return at;
}
