import { describe, expect, it } from 'vitest';
import {
  KUBERNETES_SELECTABLE_FIELDS,
  LabelSelector,
  parseFieldSelector,
  parseLabelSelector,
  SelectableFieldsRegistry,
  SelectionPredicate,
} from '../src/index.js';

const registry = new SelectableFieldsRegistry();

describe('SelectableFields.compute() — Kubernetes field sets', () => {
  it('pods: every field, booleans as true/false, the first pod IP', () => {
    const pod = {
      metadata: { name: 'web-0', namespace: 'shop' },
      spec: {
        nodeName: 'n1',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'web',
        hostNetwork: true,
      },
      status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], nominatedNodeName: 'n2' },
    };
    const fields = registry.get('pods').compute(pod);
    expect(fields).toEqual({
      'metadata.name': 'web-0',
      'metadata.namespace': 'shop',
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'web',
      'spec.hostNetwork': 'true',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.1',
      'status.nominatedNodeName': 'n2',
    });
    expect(Object.isFrozen(fields)).toBe(true);
    expect(Object.keys(fields)).toEqual(registry.get('pods').fields);
  });

  it('pods: missing values are "" and hostNetwork defaults to false', () => {
    const fields = registry.get('pods').compute({ metadata: { name: 'p' } });
    expect(fields['spec.nodeName']).toBe('');
    expect(fields['metadata.namespace']).toBe('');
    expect(fields['spec.hostNetwork']).toBe('false');
    expect(fields['status.podIP']).toBe('');
  });

  it('pods: status.podIP when podIPs is absent', () => {
    expect(registry.get('pods').compute({ status: { podIP: '10.1.1.1' } })['status.podIP']).toBe('10.1.1.1');
  });

  it('nodes: metadata.name and spec.unschedulable, no namespace', () => {
    const nodes = registry.get('nodes');
    expect(nodes.compute({ metadata: { name: 'n1' }, spec: { unschedulable: true } })).toEqual({
      'metadata.name': 'n1',
      'spec.unschedulable': 'true',
    });
    expect(nodes.compute({ metadata: { name: 'n1' } })['spec.unschedulable']).toBe('false');
  });

  it('namespaces: metadata.name and status.phase', () => {
    expect(registry.get('namespaces').compute({ metadata: { name: 'shop' }, status: { phase: 'Active' } })).toEqual({
      'metadata.name': 'shop',
      'status.phase': 'Active',
    });
  });

  it('events: involvedObject.*, and source falls back to reportingComponent', () => {
    const fields = registry.get('events').compute({
      metadata: { name: 'e', namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'shop', uid: 'u1' },
      reason: 'Started',
      type: 'Normal',
      reportingComponent: 'kubelet',
    });
    expect(fields['involvedObject.kind']).toBe('Pod');
    expect(fields['involvedObject.name']).toBe('web-0');
    expect(fields['involvedObject.uid']).toBe('u1');
    expect(fields['source']).toBe('kubelet');
    expect(fields['reportingComponent']).toBe('kubelet');
    expect(fields['involvedObject.fieldPath']).toBe('');
  });

  it('replicationcontrollers: status.replicas in decimal, 0 when absent', () => {
    const rcs = registry.get('replicationcontrollers');
    expect(rcs.compute({ status: { replicas: 3 } })['status.replicas']).toBe('3');
    expect(rcs.compute({})['status.replicas']).toBe('0');
  });

  it('secrets and services', () => {
    expect(registry.get('secrets').compute({ type: 'Opaque' })['type']).toBe('Opaque');
    expect(registry.get('services').compute({ spec: { clusterIP: 'None', type: 'ClusterIP' } })).toMatchObject({
      'spec.clusterIP': 'None',
      'spec.type': 'ClusterIP',
    });
  });

  it('every built-in computes exactly its declared fields, in order', () => {
    for (const resource of Object.keys(KUBERNETES_SELECTABLE_FIELDS)) {
      const fields = registry.get(resource);
      expect(Object.keys(fields.compute({}))).toEqual(fields.fields);
    }
  });
});

describe('SelectableFieldsRegistry', () => {
  it('.get() — unknown resources get the metadata fields', () => {
    const widgets = registry.get('widgets.example.com');
    expect(widgets.fields).toEqual(['metadata.name', 'metadata.namespace']);
    expect(widgets.compute({ metadata: { name: 'w', namespace: 'ns' } })).toEqual({
      'metadata.name': 'w',
      'metadata.namespace': 'ns',
    });
    expect(registry.get('widgets.example.com')).toBe(widgets);
    expect(registry.has('widgets.example.com')).toBe(false);
    expect(registry.has('pods')).toBe(true);
  });

  it('.register() — a custom resource with its own fields and alias', () => {
    const own = new SelectableFieldsRegistry({ kubernetesDefaults: false });
    expect(own.has('pods')).toBe(false);
    const widgets = own.register('widgets', {
      fields: ['metadata.name', 'spec.color'],
      aliases: { colour: 'spec.color' },
      compute: (o) => ({ 'metadata.name': o.metadata?.name ?? '', 'spec.color': String((o['spec'] as { color?: string } | undefined)?.color ?? '') }),
    });
    expect(own.get('widgets')).toBe(widgets);
    const selector = parseFieldSelector('colour=red', widgets);
    expect(selector.toString()).toBe('spec.color=red');
    expect(selector.matches(widgets.compute({ spec: { color: 'red' } }))).toBe(true);
  });

  it('.register() — an alias to an undeclared field is a TypeError', () => {
    expect(() =>
      new SelectableFieldsRegistry({ kubernetesDefaults: false }).register('w', {
        fields: ['metadata.name'],
        aliases: { a: 'spec.b' },
        compute: () => ({}),
      }),
    ).toThrow(new TypeError('Expected alias `a` to name one of the fields of `w`, got `spec.b` (string)'));
  });
});

describe('SelectionPredicate', () => {
  const pods = registry.get('pods');
  const pod = { metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } }, spec: { nodeName: 'n1' } };
  const attributes = { labels: pod.metadata.labels, fields: pods.compute(pod) };

  it('.matches() — the AND of the label and the field selector', () => {
    expect(new SelectionPredicate(parseLabelSelector('app=web'), parseFieldSelector('spec.nodeName=n1', pods)).matches(attributes)).toBe(true);
    expect(new SelectionPredicate(parseLabelSelector('app=db'), parseFieldSelector('spec.nodeName=n1', pods)).matches(attributes)).toBe(false);
    expect(new SelectionPredicate(LabelSelector.everything, parseFieldSelector('spec.nodeName=n2', pods)).matchesLabelsAndFields(attributes.labels, attributes.fields)).toBe(false);
  });

  it('.isEverything — reads no attributes', () => {
    const untouchable = new Proxy({} as never, {
      get() {
        throw new Error('read');
      },
    });
    expect(SelectionPredicate.everything.isEverything).toBe(true);
    expect(new SelectionPredicate(parseLabelSelector(''), parseFieldSelector('')).matches(untouchable)).toBe(true);
    expect(new SelectionPredicate(parseLabelSelector('a')).isEverything).toBe(false);
    expect(new SelectionPredicate(parseLabelSelector('a'), parseFieldSelector('b=c')).toString()).toBe('labels: a; fields: b=c');
  });
});
