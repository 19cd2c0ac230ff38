import { describe, expect, it } from 'vitest';
import { decodeContinueToken } from '../src/index.js';

const token = (json: string): string => Buffer.from(json, 'utf8').toString('base64url');
const PREFIX = 'invalid continue token: continue key is not valid: ';

// k8s.io/apiserver pkg/storage/continue.go DecodeContinue: json.Unmarshal into continueToken{ResourceVersion int64}; Go parses the number's text as an int64.
describe('decodeContinueToken — rv and rc are int64 literals, as Go decodes them', () => {
  it.each([
    ['1e3', 'rv'],
    ['1E3', 'rv'],
    ['1.0', 'rv'],
    ['1.5', 'rv'],
    ['-1e0', 'rv'],
    ['12345678901234567890', 'rv'],
  ])('rv %s → BadRequest', (literal, field) => {
    expect(() => decodeContinueToken(token(`{"v":"meta.k8s.io/v1","rv":${literal},"start":"a\\u0000"}`), '/pods/')).toThrow(
      expect.objectContaining({
        reason: 'BadRequest',
        code: 400,
        message: `${PREFIX}json: cannot unmarshal number ${literal} into Go struct field continueToken.${field} of type int64`,
      }),
    );
  });

  it('rc 2e1, and an escaped member name that Go reads as rv → BadRequest', () => {
    expect(() => decodeContinueToken(token('{"v":"meta.k8s.io/v1","rv":5,"start":"a","rc":2e1}'), '/pods/')).toThrow(
      expect.objectContaining({ message: `${PREFIX}json: cannot unmarshal number 2e1 into Go struct field continueToken.rc of type int64` }),
    );
    expect(() => decodeContinueToken(token('{"v":"meta.k8s.io/v1","\\u0072v":1e3,"start":"a"}'), '/pods/')).toThrow(
      expect.objectContaining({ message: `${PREFIX}json: cannot unmarshal number 1e3 into Go struct field continueToken.rv of type int64` }),
    );
  });

  it('+5, 05 and 0x10 are not JSON → malformed JSON', () => {
    for (const literal of ['+5', '05', '0x10']) {
      expect(() => decodeContinueToken(token(`{"v":"meta.k8s.io/v1","rv":${literal},"start":"a"}`), '/pods/')).toThrow(
        expect.objectContaining({ reason: 'BadRequest', message: `${PREFIX}malformed JSON` }),
      );
    }
  });

  it('canonical integers, and numbers in other members (Go ignores them), are accepted', () => {
    expect(decodeContinueToken(token('{"v":"meta.k8s.io/v1","rv":-1,"start":"a","x":1e3,"y":{"rv":1.5}}'), '/pods/')).toEqual({
      revision: -1,
      startKey: '/pods/a',
      remainingCount: 0,
    });
    expect(decodeContinueToken(token('{ "v" : "meta.k8s.io/v1" , "rv" : 42 , "start" : "ns/a\\u0000" , "rc" : 7 }'), '/pods/')).toEqual({
      revision: 42,
      startKey: '/pods/ns/a\u0000',
      remainingCount: 7,
    });
  });
});
