import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContinueToken, encodeContinueToken, StatusError } from '../src/index.js';
import { IssuedContinueTokens } from '../src/continue-token.js';

/** What decoding `text` gives: the token, or the error's message. */
function outcome(decode: () => unknown): unknown {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    return `${error.reason}: ${error.message}`;
  }
}

describe('continue tokens', () => {
  it('encode writes the bytes JSON.stringify of the token object would, fields in Kubernetes’ order', () => {
    const text = encodeContinueToken('/pods/ns/a"b\\c', '/pods/', 12, 34);
    expect(Buffer.from(text, 'base64url').toString('utf8')).toBe(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 12, start: 'ns/a"b\\c\u0000', rc: 34 }));
    expect(Buffer.from(encodeContinueToken('/pods/a', '/pods/', 3), 'base64url').toString('utf8')).toBe('{"v":"meta.k8s.io/v1","rv":3,"start":"a\\u0000"}');
  });

  it('encode equals base64url of JSON.stringify of the token for any key, ASCII or not (property)', () => {
    const reference = (tail: string, revision: number, remaining: number): string =>
      Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: `${tail}\u0000`, ...(remaining > 0 ? { rc: remaining } : {}) }), 'utf8').toString('base64url');
    const tail = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '/', '"', '\\', '\u0000', '\u001f', '\u007f', 'é', '€', '\ud83d\ude00', '+', '?', '~'), minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    );
    fc.assert(
      fc.property(tail, fc.integer({ min: -1, max: 2 ** 40 }), fc.integer({ min: -1, max: 1_000_000 }), (key, revision, remaining) => {
        const text = encodeContinueToken(`/pods/${key}`, '/pods/', revision, remaining);
        expect(text).toBe(reference(key, revision, remaining));
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
      { numRuns: 3_000 },
    );
  });

  it('decode accepts non-ASCII keys (strict UTF-8) as well as ASCII ones', () => {
    const text = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: 'ns/ä€😀' })).toString('base64url');
    expect(decodeContinueToken(text, '/cm/')).toEqual({ revision: 5, startKey: '/cm/ns/ä€😀', remainingCount: 0 });
  });

  it('a start key is accepted exactly when Go’s path.Clean leaves it unchanged (property, against a split-based model)', () => {
    const clean = (key: string): boolean => key === '/' || key.split('/').slice(1).every((segment) => segment !== '' && segment !== '.' && segment !== '..');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '/'), minLength: 1, maxLength: 8 }), (start) => {
        const text = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start })).toString('base64url');
        const key = start.startsWith('/') ? start : `/${start}`;
        const accepted = outcome(() => decodeContinueToken(text, '/pods/'));
        if (clean(key)) expect(accepted).toEqual({ revision: 5, startKey: `/pods/${key.slice(1)}`, remainingCount: 0 });
        else expect(accepted).toBe(`BadRequest: invalid continue token: continue key is not valid: ${start}`);
      }),
      { numRuns: 3_000 },
    );
  });

  it('IssuedContinueTokens answers exactly as decodeContinueToken for any key, prefix and revision, latest or remembered, first ask or retry (property)', () => {
    const segment = fc.constantFrom('a', 'b', '', '.', '..', '...', 'a.', '.a', 'ä', 'x y', '"', '\\', '\u0000');
    fc.assert(
      fc.property(
        fc.constantFrom('/pods/', '/pods', '/pods/default/', '/'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.integer({ min: -2, max: 1_000_000 }), fc.constant(2 ** 60)),
        fc.oneof(fc.integer({ min: -1, max: 1_000 }), fc.constant(1.5)),
        fc.constantFrom('/pods/', '/pods', '/other/'),
        fc.nat(3),
        (prefix, segments, revision, remaining, decodePrefix, issuedAfter) => {
          const lastKey = prefix + segments.join('/');
          if (lastKey.length === prefix.length) return;
          const issued = new IssuedContinueTokens(2);
          const text = issued.encode(`${lastKey}\u0000`, prefix, revision, remaining);
          expect(text).toBe(encodeContinueToken(lastKey, prefix, revision, remaining));
          // Later tokens move this one from the latest place into the maps (and out of them, past the capacity).
          for (let i = 0; i < issuedAfter; i++) issued.encode(`/pods/x${i}\u0000`, '/pods/', 7);
          const expected = outcome(() => decodeContinueToken(text, decodePrefix));
          expect(outcome(() => issued.decode(text, decodePrefix))).toEqual(expected);
          expect(outcome(() => issued.decode(text, decodePrefix))).toEqual(expected);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('IssuedContinueTokens decodes its own token to the next key it was given, and refuses a next key without NUL or outside the prefix', () => {
    const issued = new IssuedContinueTokens();
    const nextKey = ['/pods/ns/', 'a\u0000'].join('');
    expect(issued.decode(issued.encode(nextKey, '/pods/', 5, 3), '/pods/')).toEqual({ revision: 5, startKey: nextKey, remainingCount: 3 });
    expect(() => issued.encode('/pods/ns/a', '/pods/', 5)).toThrow(RangeError);
    expect(() => issued.encode('/other/a\u0000', '/pods/', 5)).toThrow(RangeError);
  });

  it('IssuedContinueTokens decodes every token, remembered or not (capacity 2, three issued), and rejects foreign garbage', () => {
    const issued = new IssuedContinueTokens(2);
    const texts = ['a', 'b', 'c'].map((name, i) => issued.encode(`/pods/ns/${name}\u0000`, '/pods/', 10 + i));
    expect(texts.map((text) => issued.decode(text, '/pods/').startKey)).toEqual(['/pods/ns/a\u0000', '/pods/ns/b\u0000', '/pods/ns/c\u0000']);
    expect(() => issued.decode('%%', '/pods/')).toThrow(StatusError);
  });
});
