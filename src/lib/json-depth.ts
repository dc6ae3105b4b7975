/**
 * The offset of the bracket that opens level `max + 1` of a JSON text, or undefined when the text
 * nests no deeper than `max`. Brackets inside strings do not count. A cheap scan, run before the
 * parse: V8 parses any depth, but every recursive walk after it (serialisation, validation,
 * re-dispatch of a batch subrequest) would overflow the stack on a body nested 10,000 deep.
 */
export function jsonDepthExceeded(text: string, max: number): number | undefined {
  // A text shorter than the limit cannot open that many brackets.
  if (text.length <= max) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}
