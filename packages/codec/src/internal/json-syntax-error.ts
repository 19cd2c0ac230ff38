/**
 * Finds where JSON text first goes wrong. Only called after `JSON.parse`
 * failed (V8's messages do not always carry a position), so it favours being
 * short over being fast.
 */
export interface JsonSyntaxError {
  /** UTF-16 offset of the offending character (or the end of input). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

export function locateJsonSyntaxError(text: string, maxDepth: number): JsonSyntaxError {
  let pos = 0;
  let depth = 0;

  const fail = (problem: string): never => {
    throw new Located(pos, problem);
  };
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const describe = (): string => (pos >= text.length ? 'end of input' : `${JSON.stringify(text[pos])}`);
  const expect = (literal: string): void => {
    for (let i = 0; i < literal.length; i++, pos++) {
      if (text[pos] !== literal[i]) fail(`unexpected ${describe()} in literal ${literal}`);
    }
  };
  const string = (): void => {
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        pos++;
        const e = text[pos];
        if (e === 'u') {
          for (let i = 1; i <= 4; i++) {
            if (!/[0-9a-fA-F]/.test(text[pos + i] ?? '')) {
              pos += i;
              fail('bad \\u escape in string');
            }
          }
          pos += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) pos++;
        else fail('bad escape in string');
      } else pos++;
    }
  };
  const number = (): void => {
    if (text[pos] === '-') pos++;
    if (text[pos] === '0') pos++;
    else if (/[1-9]/.test(text[pos] ?? '')) while (/[0-9]/.test(text[pos] ?? '')) pos++;
    else fail(`unexpected ${describe()} in number`);
    if (text[pos] === '.') {
      pos++;
      if (!/[0-9]/.test(text[pos] ?? '')) fail(`unexpected ${describe()} in number`);
      while (/[0-9]/.test(text[pos] ?? '')) pos++;
    }
    if (text[pos] === 'e' || text[pos] === 'E') {
      pos++;
      if (text[pos] === '+' || text[pos] === '-') pos++;
      if (!/[0-9]/.test(text[pos] ?? '')) fail(`unexpected ${describe()} in number`);
      while (/[0-9]/.test(text[pos] ?? '')) pos++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[pos];
    if (c === '{' || c === '[') {
      if (++depth > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      pos++;
      ws();
      const close = c === '{' ? '}' : ']';
      if (text[pos] === close) {
        pos++;
        depth--;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[pos] !== '"') fail(`unexpected ${describe()}, expected a property name`);
          string();
          ws();
          if (text[pos] !== ':') fail(`unexpected ${describe()}, expected ':'`);
          pos++;
        }
        value();
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === close) {
          pos++;
          depth--;
          return;
        }
        fail(`unexpected ${describe()}, expected ',' or '${close}'`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return expect('true');
    if (c === 'f') return expect('false');
    if (c === 'n') return expect('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail(`unexpected ${describe()}, expected a value`);
  };

  try {
    value();
    ws();
    if (pos < text.length) fail(`unexpected ${describe()} after the end of the value`);
    // The text is valid JSON after all: the parser failed for another reason (e.g. its own depth limit).
    return position(text, text.length, 'input could not be parsed');
  } catch (error) {
    if (error instanceof Located) return position(text, error.offset, error.problem);
    // Deep nesting that overflows this scanner's own stack.
    return position(text, pos, 'nesting too deep');
  }
}

class Located {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

function position(text: string, offset: number, problem: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, problem };
}
