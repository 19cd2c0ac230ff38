import { describe, expect, it } from 'vitest';
import { initialPodStatus, podQosClass } from '../src/pod-status.js';

const container = (resources?: { requests?: Record<string, string>; limits?: Record<string, string> }) => ({ name: 'c', image: 'x', ...(resources === undefined ? {} : { resources }) });

describe('initialPodStatus() — podStrategy.PrepareForCreate', () => {
  it('a new pod is Pending with its QoS class', () => {
    expect(initialPodStatus({ containers: [container()] })).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe('podQosClass() — qos.GetPodQOS', () => {
  it('BestEffort: no cpu or memory request or limit (other resources and zero quantities do not count)', () => {
    expect(podQosClass({ containers: [container(), container({ limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '0' } })] })).toBe('BestEffort');
    expect(podQosClass(undefined)).toBe('BestEffort');
  });

  it('Guaranteed: every container limits cpu and memory, requests equal (or default to) the limits, across units', () => {
    expect(podQosClass({ containers: [container({ limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0.5', memory: '134217728' } })] })).toBe('Guaranteed');
    expect(podQosClass({ containers: [container({ limits: { cpu: '1', memory: '1Gi' } })], initContainers: [container({ limits: { cpu: '100m', memory: '64Mi' } })] })).toBe('Guaranteed');
  });

  it('Burstable: some request or limit, but not Guaranteed', () => {
    expect(podQosClass({ containers: [container({ requests: { memory: '100Mi' }, limits: { memory: '200Mi' } })] })).toBe('Burstable');
    expect(podQosClass({ containers: [container({ limits: { cpu: '1', memory: '1Gi' } }), container()] })).toBe('Burstable');
    expect(podQosClass({ containers: [container({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } })] })).toBe('Burstable');
    expect(podQosClass({ containers: [container({ limits: { cpu: 'lots', memory: '1Gi' } })] })).toBe('Burstable');
  });
});
