/**
 * The label selector lexer: the same token stream as Kubernetes'
 * `labels.Lexer`, quirks included, so that error messages name the same
 * tokens. Two quirks a reader may not expect:
 *
 * - a NUL character ends the token it interrupts and is swallowed; when the
 *   lexer meets one while skipping whitespace, the input ends there;
 * - operators are matched greedily from the symbol set `= ! ( ) , > <`, so
 *   `a===b` lexes as `a`, `==`, `=`, `b`.
 */

/** Token kinds (numbers: compared in the parser's hot loop, never allocated). */
export const Tok = {
  Error: 0,
  EndOfString: 1,
  ClosedPar: 2,
  Comma: 3,
  DoesNotExist: 4,
  DoubleEquals: 5,
  Equals: 6,
  GreaterThan: 7,
  Identifier: 8,
  In: 9,
  LessThan: 10,
  NotEquals: 11,
  NotIn: 12,
  OpenPar: 13,
} as const;

/** One token kind. */
export type TokenKind = (typeof Tok)[keyof typeof Tok];

/** The scanned input: parallel arrays of kinds and literals, ending with EndOfString. */
export interface TokenStream {
  readonly kinds: TokenKind[];
  readonly literals: string[];
}

function symbolToken(symbol: string): TokenKind | undefined {
  switch (symbol) {
    case ')': return Tok.ClosedPar;
    case ',': return Tok.Comma;
    case '!': return Tok.DoesNotExist;
    case '==': return Tok.DoubleEquals;
    case '=': return Tok.Equals;
    case '>': return Tok.GreaterThan;
    case '<': return Tok.LessThan;
    case '!=': return Tok.NotEquals;
    case '(': return Tok.OpenPar;
    default: return undefined;
  }
}

function isWhitespace(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0a;
}

function isSpecialSymbol(ch: number): boolean {
  // = ! ( ) , > <
  return ch === 0x3d || ch === 0x21 || ch === 0x28 || ch === 0x29 || ch === 0x2c || ch === 0x3e || ch === 0x3c;
}

/** Scans the whole selector into tokens, as Kubernetes does before parsing. */
export function scanSelector(text: string): TokenStream {
  const kinds: TokenKind[] = [];
  const literals: string[] = [];
  let pos = 0;
  // Kubernetes' read(): 0 at the end (without advancing) and for a NUL byte.
  const read = (): number => (pos < text.length ? text.charCodeAt(pos++) : 0);

  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === 0) {
      kinds.push(Tok.EndOfString);
      literals.push('');
      return { kinds, literals };
    }
    pos--;
    if (isSpecialSymbol(ch)) {
      let buffer = '';
      let lastKind: TokenKind = Tok.Error;
      let lastLiteral = '';
      for (;;) {
        const c = read();
        if (c === 0) break;
        if (!isSpecialSymbol(c)) {
          pos--;
          break;
        }
        buffer += String.fromCharCode(c);
        const kind = symbolToken(buffer);
        if (kind !== undefined) {
          lastKind = kind;
          lastLiteral = buffer;
        } else if (lastKind !== Tok.Error) {
          pos--;
          break;
        }
      }
      kinds.push(lastKind);
      literals.push(lastKind === Tok.Error ? `error expected: keyword found '${buffer}'` : lastLiteral);
    } else {
      const start = pos;
      let end = pos;
      for (;;) {
        const c = read();
        if (c === 0) break;
        if (isSpecialSymbol(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        end = pos;
      }
      const literal = text.slice(start, end);
      kinds.push(literal === 'in' ? Tok.In : literal === 'notin' ? Tok.NotIn : Tok.Identifier);
      literals.push(literal);
    }
  }
}
