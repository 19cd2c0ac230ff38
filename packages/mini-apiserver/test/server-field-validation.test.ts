/**
 * `fieldValidation` over HTTP, for the fields the server knows: top-level
 * fields of each kind and ObjectMeta's. Upstream: `createHandler` /
 * `UpdateResource` decode with the strict serializer for Strict and Warn and
 * word failures with `transformDecodeError`; `addStrictDecodingWarnings` sends
 * a `Warning: 299` per field; the `jsonPatcher` / `smpPatcher` refuse a
 * patched result with `NewInvalid(GroupKind{}, "", patch: …)`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/server.js';
import { call, pod } from './server-helpers.js';

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ flowControl: false });
});
afterAll(async () => {
  await server.close();
});

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

describe('fieldValidation on create (POST)', () => {
  it('Strict: an unknown top-level field → BadRequest 400 with the strict decoding error of transformDecodeError', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', { body: { ...pod('strict-0'), spek: {} } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
      message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spek"',
    });
    expect((await call(server.url, 'GET', '/api/v1/namespaces/default/pods/strict-0')).status).toBe(404);
  });

  it('Strict: unknown metadata fields are named with their path, every one, in document order', async () => {
    const body = { metadata: { name: 'strict-1', labelz: { a: 'b' }, annotation: {} }, data: { a: 'b' }, extra: 1 };
    const answer = await call(server.url, 'POST', `${CONFIGMAPS}?fieldValidation=Strict`, { body });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.labelz", unknown field "metadata.annotation", unknown field "extra"',
    );
  });

  it('Strict: every known field of ConfigMap and ObjectMeta passes', async () => {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'strict-ok', generateName: 'x-', labels: { a: 'b' }, annotations: { c: 'd' }, finalizers: [], ownerReferences: [] },
      data: { a: 'b' },
      binaryData: { bin: 'aGVsbG8=' },
      immutable: false,
    };
    const answer = await call(server.url, 'POST', `${CONFIGMAPS}?fieldValidation=Strict`, { body });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('warning')).toBeNull();
  });

  it('Warn: 201, one Warning: 299 header per unknown field, and the fields dropped as typed decoding drops them', async () => {
    const body = { metadata: { name: 'warn-0', labelz: { a: 'b' } }, data: { a: 'b' }, spec: { x: 1 } };
    const answer = await call(server.url, 'POST', `${CONFIGMAPS}?fieldValidation=Warn`, { body });
    expect(answer.status).toBe(201);
    // fetch joins repeated headers with ", ".
    expect(answer.headers.get('warning')).toBe('299 - "unknown field \\"metadata.labelz\\"", 299 - "unknown field \\"spec\\""');
    expect(answer.body.metadata.labelz).toBeUndefined();
    expect(answer.body.spec).toBeUndefined();
    expect(answer.body.data).toEqual({ a: 'b' });
  });

  it('absent: the server default is Warn (the apiserver\'s fieldValidation helper)', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/nodes', { body: { metadata: { name: 'warn-node' }, specs: {} } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('warning')).toBe('299 - "unknown field \\"specs\\""');
  });

  it('Ignore: 201, no warning, unknown fields dropped', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces?fieldValidation=Ignore', { body: { metadata: { name: 'ignored', colour: 'red' }, extra: true } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('warning')).toBeNull();
    expect(answer.body.extra).toBeUndefined();
    expect(answer.body.metadata.colour).toBeUndefined();
  });

  it('ConfigMap data, binaryData and immutable of the wrong type → 400 whatever the directive (typed decoding fails first)', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ data: { a: 1 } }, 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string'],
      [{ data: { a: true } }, 'json: cannot unmarshal bool into Go struct field ConfigMap.data of type string'],
      [{ data: ['a'] }, 'json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string'],
      [{ binaryData: { a: 2 } }, 'json: cannot unmarshal number into Go struct field ConfigMap.binaryData of type []uint8'],
      [{ binaryData: { a: 'no!' } }, 'illegal base64 data at input byte 2'],
      [{ immutable: 'yes' }, 'json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool'],
    ];
    for (const directive of ['Ignore', 'Strict']) {
      for (const [fields, detail] of cases) {
        const answer = await call(server.url, 'POST', `${CONFIGMAPS}?fieldValidation=${directive}`, { body: { metadata: { name: 'typed' }, unknown: 1, ...fields } });
        expect(answer.status, JSON.stringify(fields)).toBe(400);
        expect(answer.body).toMatchObject({ reason: 'BadRequest', message: `ConfigMap in version "v1" cannot be handled as a ConfigMap: ${detail}` });
      }
    }
  });
});

describe('fieldValidation on update (PUT) and patch (PATCH)', () => {
  it('PUT: Strict refuses an unknown field (400); Warn updates with a warning', async () => {
    const created = await call(server.url, 'POST', CONFIGMAPS, { body: { metadata: { name: 'upd' }, data: { a: 'b' } } });
    expect(created.status).toBe(201);
    const strict = await call(server.url, 'PUT', `${CONFIGMAPS}/upd?fieldValidation=Strict`, { body: { ...created.body, dat: {} } });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dat"');
    const warn = await call(server.url, 'PUT', `${CONFIGMAPS}/upd?fieldValidation=Warn`, { body: { ...created.body, data: { a: 'c' }, dat: {} } });
    expect(warn.status).toBe(200);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"dat\\""');
    expect(warn.body.data).toEqual({ a: 'c' });
    const typed = await call(server.url, 'PUT', `${CONFIGMAPS}/upd`, { body: { ...warn.body, data: { a: 2 } } });
    expect(typed.status).toBe(400);
  });

  it('PATCH: the patched result is checked; Strict → Invalid 422 on the field "patch" (jsonPatcher), Warn → 200 + Warning, Ignore → 200 silent', async () => {
    expect((await call(server.url, 'POST', CONFIGMAPS, { body: { metadata: { name: 'pat' }, data: { a: 'b' } } })).status).toBe(201);
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    const strict = await call(server.url, 'PATCH', `${CONFIGMAPS}/pat?fieldValidation=Strict`, { body: JSON.stringify({ metadata: { labelz: { a: 'b' } } }), headers: merge });
    expect(strict.status).toBe(422);
    expect(strict.body).toMatchObject({ reason: 'Invalid', code: 422 });
    expect(strict.body.message).toMatch(/^ "" is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "metadata.labelz"$/);
    expect(strict.body.details.causes).toEqual([expect.objectContaining({ field: 'patch', reason: 'FieldValueInvalid' })]);

    const warn = await call(server.url, 'PATCH', `${CONFIGMAPS}/pat?fieldValidation=Warn`, { body: JSON.stringify({ data: { a: 'c' }, spec: 1 }), headers: merge });
    expect(warn.status).toBe(200);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec\\""');
    expect(warn.body.spec).toBeUndefined();
    expect(warn.body.data).toEqual({ a: 'c' });

    const ignore = await call(server.url, 'PATCH', `${CONFIGMAPS}/pat?fieldValidation=Ignore`, { body: JSON.stringify({ spec: 1 }), headers: merge });
    expect(ignore.status).toBe(200);
    expect(ignore.headers.get('warning')).toBeNull();

    const typed = await call(server.url, 'PATCH', `${CONFIGMAPS}/pat?fieldValidation=Ignore`, { body: JSON.stringify({ data: { a: 1 } }), headers: merge });
    expect(typed.status).toBe(422);
    expect(typed.body.message).toContain('json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
  });
});
