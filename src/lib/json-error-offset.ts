const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9A-Fa-f]$/;
const DIGIT = /^[0-9]$/;
const LITERALS = ['true', 'false', 'null'];

type State = 'value' | 'firstValue' | 'key' | 'firstKey' | 'colon' | 'after';

/**
 * The offset of the first character that makes `text` invalid JSON (`text.length` when it ends too
 * early), or undefined when it is valid. V8's JSON.parse leaves the position out of some messages
 * (`Unexpected token 'x', "…" is not valid JSON`); this finds it. Iterative, so any depth is fine.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  let i = 0;
  let state: State = 'value';

  /** At an opening quote: -1 when the string is well-formed (i is then past it), else the offset. */
  const scanString = (): number => {
    i++;
    while (i < n) {
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return -1;
      }
      if (c.charCodeAt(0) < 0x20) return i;
      if (c === '\\') {
        const escaped = text[i + 1];
        if (escaped === undefined) return n;
        if (escaped === 'u') {
          for (let k = 2; k < 6; k++) {
            if (i + k >= n) return n;
            if (!HEX.test(text[i + k] as string)) return i + k;
          }
          i += 6;
          continue;
        }
        if (!ESCAPES.has(escaped)) return i + 1;
        i += 2;
        continue;
      }
      i++;
    }
    return n;
  };

  const digits = (): boolean => {
    const start = i;
    while (i < n && DIGIT.test(text[i] as string)) i++;
    return i > start;
  };

  const scanNumber = (): number => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return i;
    if (text[i] === '.') {
      i++;
      if (!digits()) return i;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return i;
    }
    return -1;
  };

  for (;;) {
    while (i < n && WHITESPACE.has(text[i] as string)) i++;
    if (state === 'after') {
      const top = stack.at(-1);
      if (top === undefined) return i < n ? i : undefined;
      if (i >= n) return n;
      const c = text[i];
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        i++;
        stack.pop();
      } else {
        return i;
      }
      continue;
    }
    if (i >= n) return n;
    const c = text[i] as string;
    if ((state === 'firstKey' && c === '}') || (state === 'firstValue' && c === ']')) {
      i++;
      stack.pop();
      state = 'after';
      continue;
    }
    if (state === 'key' || state === 'firstKey') {
      if (c !== '"') return i;
      const error = scanString();
      if (error >= 0) return error;
      state = 'colon';
      continue;
    }
    if (state === 'colon') {
      if (c !== ':') return i;
      i++;
      state = 'value';
      continue;
    }
    // A value.
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      state = c === '{' ? 'firstKey' : 'firstValue';
      continue;
    }
    let error: number;
    if (c === '"') error = scanString();
    else if (c === '-' || DIGIT.test(c)) error = scanNumber();
    else {
      const literal = LITERALS.find((l) => l[0] === c);
      if (!literal) return i;
      error = -1;
      for (let k = 0; k < literal.length; k++, i++) {
        if (text[i] !== literal[k]) {
          error = i;
          break;
        }
      }
    }
    if (error >= 0) return error;
    state = 'after';
  }
}
