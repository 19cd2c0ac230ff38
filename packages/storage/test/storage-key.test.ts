import { describe, expect, it } from 'vitest';
import { checkPrefix, formatKey, isStatusError, keyConflict, keyExists, keyNotFound, parseKey, preconditionFailed, resumeRevision, StatusError, watchOverflow } from '../src/index.js';

const badRequestMessage = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return isStatusError(error, 'BadRequest') ? error.message : String(error);
  }
  return undefined;
};

describe('storage keys', () => {
  it('parseKey() — namespaced and cluster-scoped keys → their parts', () => {
    expect(parseKey('/pods/default/web-0')).toEqual({ resource: 'pods', namespace: 'default', name: 'web-0' });
    expect(parseKey('/nodes/n1')).toEqual({ resource: 'nodes', namespace: undefined, name: 'n1' });
    expect(formatKey('deployments.apps', 'ns', 'web')).toBe('/deployments.apps/ns/web');
    expect(formatKey('nodes', undefined, 'n1')).toBe('/nodes/n1');
  });

  it('parseKey() — malformed keys → BadRequest naming the offending part; not a string → TypeError', () => {
    expect(badRequestMessage(() => parseKey('/pods/ns/a/b'))).toBe('invalid key "/pods/ns/a/b": expected /<resource>/<namespace>/<name> or /<resource>/<name>, got 4 segments');
    expect(badRequestMessage(() => formatKey('pods', 'ns', 'a/b'))).toBe('invalid key "/pods/ns/a/b": expected /<resource>/<namespace>/<name> or /<resource>/<name>, got 4 segments');
    expect(badRequestMessage(() => parseKey('/pods/ns/\u{1F600}'))).toBe('invalid key "/pods/ns/\u{1F600}": character "\u{1F600}" at index 9 is not printable ASCII');
    expect(badRequestMessage(() => parseKey('/pods/ns/a\n'))).toBe('invalid key "/pods/ns/a\\n": character "\\n" at index 10 is not printable ASCII');
    expect(badRequestMessage(() => checkPrefix(''))).toBe('invalid prefix "": must start with "/"');
    expect(() => parseKey(5 as never)).toThrow(new TypeError('Expected `key` to be a string, got `5` (number)'));
    expect(() => checkPrefix(undefined as never)).toThrow(new TypeError('Expected `prefix` to be a string, got `undefined` (undefined)'));
  });
});

describe('storage errors', () => {
  it('keyNotFound()/keyExists()/keyConflict() — Kubernetes messages, reasons, codes and details', () => {
    const cases: [StatusError, string, number, string][] = [
      [keyNotFound('/pods/ns/a'), 'NotFound', 404, 'pods "a" not found'],
      [keyNotFound('/deployments.apps/ns/web'), 'NotFound', 404, 'deployments.apps "web" not found'],
      [keyExists('/nodes/n1'), 'AlreadyExists', 409, 'nodes "n1" already exists'],
      [keyConflict('/pods/ns/a'), 'Conflict', 409, 'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again'],
      [preconditionFailed('/pods/ns/a', 'UID', 'x', undefined), 'Conflict', 409, 'Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: x, UID in object meta: '],
      [watchOverflow(42, 8), 'Gone', 410, 'watch ended: the consumer fell 8 events behind; resume from resource version 42'],
    ];
    for (const [error, reason, code, message] of cases) expect({ reason: error.reason, code: error.code, message: error.message }).toEqual({ reason, code, message });
    expect(keyNotFound('/deployments.apps/ns/web').details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
  });

  it('resumeRevision() — a watch overflow → its revision; anything else → undefined', () => {
    expect(resumeRevision(watchOverflow(42, 8))).toBe(42);
    expect(resumeRevision(new StatusError('Gone', 'other'))).toBeUndefined();
    expect(resumeRevision(new Error('x'))).toBeUndefined();
  });
});
