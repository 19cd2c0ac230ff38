import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpliceBuffer, YamlEncoder, type KubeObject } from '../src/index.js';

// kubectl is installed by scripts/ensure-kubectl.mjs (run by the test command) when the machine lacks it.
// `kubectl annotate --local -f -` parses the YAML exactly as `kubectl apply -f` does, without a server.
const yaml = new YamlEncoder();
const encode = (object: KubeObject): string => {
  const sink = new SpliceBuffer();
  yaml.encode(object, sink);
  return sink.toBuffer().toString('utf8');
};
const kubectlRead = (text: string): unknown =>
  JSON.parse(execFileSync('kubectl', ['annotate', '--local', '-f', '-', 'test.apiserver-kit.io/read=true', '-o', 'json'], { input: text, encoding: 'utf8' }));
const withMarker = (object: KubeObject): unknown => {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, annotations: { ...(metadata.annotations ?? {}), 'test.apiserver-kit.io/read': 'true' } } };
};

describe('YamlEncoder and kubectl', () => {
  it('kubectl reads back exactly the object written, ambiguous strings included', () => {
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'flags', namespace: 'default', labels: { 'app.kubernetes.io/name': 'web' } },
      data: {
        yes: 'yes', no: 'no', on: 'on', off: 'off', y: 'y', n: 'n', true: 'true', null: 'null', tilde: '~', empty: '',
        octal: '0755', hex: '0x1F', float: '1.0', exp: '1e3', sexagesimal: '1:20', date: '2024-01-01', time: '2024-01-01T00:00:00Z',
        underscored: '-_0', grouped: '1_000', signed: '+_1', leadingZero: '08', binary: '-0b1_0',
        script: '#!/bin/sh\necho "hi" # not a comment\n', lead: ' x', colon: 'a: b', dash: '- x', quote: "'q'", unicode: 'é ☃',
      },
    };
    expect(kubectlRead(encode(object))).toEqual(withMarker(object));
  });

  it('strings go-yaml v2 resolve takes for numbers once `_` is removed are quoted, as keys too (found by the property below: `-_0`)', () => {
    const data = { '-_0': '', '+_1': '1_0', '.5_0': '-_.5e3' };
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'underscores' }, data };
    expect(kubectlRead(encode(object))).toEqual(withMarker(object));
  });

  it('property: random ConfigMap data round-trips through kubectl', () => {
    const key = fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme', maxLength: 30 }), { maxKeys: 8 }), (data) => {
        const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'random' }, data };
        expect(kubectlRead(encode(object))).toEqual(withMarker(object));
      }),
      { numRuns: 25 },
    );
  });
});
