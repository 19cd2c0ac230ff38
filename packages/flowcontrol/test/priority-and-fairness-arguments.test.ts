/**
 * new PriorityAndFairness(options) from plain JavaScript: malformed flow
 * schemas and priority levels fail in the constructor with the blocks'
 * argument template naming the field, not later from deep in compileMatch.
 * The rules follow Kubernetes' `ValidateFlowSchemaSpec` (priority level,
 * rules, matchingPrecedence in [1, 10000], distinguisher ByUser/ByNamespace).
 */
import { describe, expect, it } from 'vitest';
import { type FlowSchema, PriorityAndFairness, type PriorityAndFairnessOptions } from '../src/index.js';

const LEVELS = [{ name: 'workload', queues: 4, handSize: 2 }];

function withSchema(schema: unknown): () => PriorityAndFairness {
  return () => new PriorityAndFairness({ priorityLevels: LEVELS, flowSchemas: [schema as FlowSchema] });
}

describe('new PriorityAndFairness() — option shapes', () => {
  it('a flow schema without `match` → TypeError naming flowSchemas[].match (was: Cannot read properties of undefined (reading \'verb\'))', () => {
    expect(withSchema({ name: 'apps', priorityLevel: 'workload' })).toThrow(new TypeError('Expected `flowSchemas[].match` to be an object or an array of objects, got `undefined` (undefined)'));
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match: null })).toThrow(new TypeError('Expected `flowSchemas[].match` to be an object or an array of objects, got `null` (null)'));
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match: 'get' })).toThrow(new TypeError('Expected `flowSchemas[].match` to be an object or an array of objects, got `"get"` (string)'));
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match: [{ verb: 'get' }, 3] })).toThrow(
      new TypeError('Expected `flowSchemas[].match` to be an object or an array of objects, got `[{"verb":"get"},3]` (object)'),
    );
  });

  it('well-formed schemas still work: one match, a list of matches, an empty list (matches nothing)', () => {
    const apf = new PriorityAndFairness({
      priorityLevels: LEVELS,
      flowSchemas: [
        { name: 'one', priorityLevel: 'workload', matchingPrecedence: 1, match: { verb: 'get' } },
        { name: 'many', priorityLevel: 'workload', matchingPrecedence: 10_000, match: [{ verb: 'list' }, { verb: 'watch' }], distinguisher: 'ByNamespace' },
        { name: 'none', priorityLevel: 'workload', match: [] },
      ],
    });
    expect(apf.classify({ verb: 'get' })).toEqual({ flowSchema: 'one', priorityLevel: 'workload' });
    expect(apf.classify({ verb: 'watch' })).toEqual({ flowSchema: 'many', priorityLevel: 'workload' });
    expect(apf.classify({ verb: 'delete' })).toEqual({ flowSchema: 'catch-all', priorityLevel: 'catch-all' });
  });

  it('flow schema fields of the wrong type or range → TypeError / RangeError naming the field', () => {
    const match = { verb: 'get' };
    expect(withSchema(undefined)).toThrow(new TypeError('Expected `flowSchemas[]` to be an object, got `undefined` (undefined)'));
    expect(withSchema({ priorityLevel: 'workload', match })).toThrow(new TypeError('Expected `flowSchemas[].name` to be a string, got `undefined` (undefined)'));
    expect(withSchema({ name: 'apps', match })).toThrow(new TypeError('Expected `flowSchemas[].priorityLevel` to be a string, got `undefined` (undefined)'));
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match, matchingPrecedence: '5' })).toThrow(
      new TypeError('Expected `flowSchemas[].matchingPrecedence` to be an integer from 1 to 10000, got `"5"` (string)'),
    );
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match, matchingPrecedence: 0 })).toThrow(
      new RangeError('Expected `flowSchemas[].matchingPrecedence` to be an integer from 1 to 10000, got `0` (number)'),
    );
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match, matchingPrecedence: 10_001 })).toThrow(RangeError);
    expect(withSchema({ name: 'apps', priorityLevel: 'workload', match, distinguisher: 'byUser' })).toThrow(
      new TypeError('Expected `flowSchemas[].distinguisher` to be "ByUser", "ByNamespace" or undefined, got `"byUser"` (string)'),
    );
    expect(() => new PriorityAndFairness({ flowSchemas: { name: 'apps' } as unknown as PriorityAndFairnessOptions['flowSchemas'] })).toThrow(
      new TypeError('Expected `flowSchemas` to be an array, got `{"name":"apps"}` (object)'),
    );
  });

  it('priority levels of the wrong shape → TypeError naming the field', () => {
    const levels = (value: unknown) => () => new PriorityAndFairness({ priorityLevels: value as PriorityAndFairnessOptions['priorityLevels'] });
    expect(levels('workload')).toThrow(new TypeError('Expected `priorityLevels` to be an array, got `"workload"` (string)'));
    expect(levels([null])).toThrow(new TypeError('Expected `priorityLevels[]` to be an object, got `null` (null)'));
    expect(levels([{ name: 'workload', exempt: 'yes' }])).toThrow(new TypeError('Expected `priorityLevels[].exempt` to be a boolean, got `"yes"` (string)'));
    expect(levels([{ exempt: true }])).toThrow(new TypeError('Expected `priorityLevels[].name` to be a string, got `undefined` (undefined)'));
  });
});
