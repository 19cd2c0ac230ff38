import { describe, expect, it } from 'vitest';
import { LabelSelector, labelRequirement, labelSelectorFromSet, parseLabelSelector } from '../src/index.js';

describe('parseLabelSelector() — valid selectors and their canonical form', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['   \t\n ', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['z=c,x=a,y=b', 'x=a,y=b,z=c'],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['x', 'x'],
    ['!x', '!x'],
    ['! x', '!x'],
    ['x>1', 'x>1'],
    ['x<5,x>1', 'x<5,x>1'], // same key: stable, input order kept
    ['x>1,z<5', 'x>1,z<5'],
    ['x in (b,a,a)', 'x in (a,b)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['x in (,)', 'x in ()'],
    ['x in (,,a)', 'x in (,a)'],
    ['x in ()', 'x in ()'],
    ['x notin ()', 'x notin ()'],
    ['x in (a),y notin (b,c)', 'x in (a),y notin (b,c)'],
    ['  x  in  ( a , b ) ,  y  ', 'x in (a,b),y'],
    ['x\tin\n(a)\r', 'x in (a)'],
    ['in in (in,notin)', 'in in (in,notin)'],
    ['notin notin (x)', 'notin notin (x)'],
    ['example.com/tier=web', 'example.com/tier=web'],
    ['app.kubernetes.io/name in (api,web),!example.com/canary', 'app.kubernetes.io/name in (api,web),!example.com/canary'], // sorted by key, not by text
    ['x=A.b-c_d', 'x=A.b-c_d'],
    ['x>0000000000000000000000000000000000000000000000000000000000001', 'x>0000000000000000000000000000000000000000000000000000000000001'],
    // a NUL ends the input when met between tokens, as in Kubernetes' lexer
    ['a \0 !!junk', 'a'],
    // and ends (and is swallowed by) the token it interrupts
    ['a=\0b', 'a=b'],
  ];
  for (const [text, canonical] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(canonical)}`, () => {
      expect(parseLabelSelector(text).toString()).toBe(canonical);
    });
  }

  it('the empty selector is LabelSelector.everything', () => {
    expect(parseLabelSelector('')).toBe(LabelSelector.everything);
    expect(parseLabelSelector('').isEmpty).toBe(true);
    expect(parseLabelSelector('x').isEmpty).toBe(false);
  });

  it('.requirements — key, operator and sorted unique values', () => {
    const selector = parseLabelSelector('x in (b,a,b),!y,z>3');
    expect(selector.requirements.map((r) => [r.key, r.operator, r.values])).toEqual([
      ['x', 'in', ['a', 'b']],
      ['y', '!', []],
      ['z', 'gt', ['3']],
    ]);
    expect(Object.isFrozen(selector.requirements)).toBe(true);
    expect(Object.isFrozen(selector.requirements[0]?.values)).toBe(true);
  });
});

describe('LabelSelector.matches()', () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', undefined, true],
    ['x=a', { x: 'a' }, true],
    ['x=a', { x: 'b' }, false],
    ['x=a', {}, false],
    ['x=a', undefined, false],
    ['x==a', { x: 'a' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x!=a', {}, true],
    ['x!=a', { x: 'a' }, false],
    ['x!=a', { x: 'b' }, true],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x in (a,b)', {}, false],
    ['x in ()', { x: '' }, true],
    ['x notin (a,b)', {}, true],
    ['x notin (a,b)', { x: 'a' }, false],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x', { x: '' }, true],
    ['x', { y: 'a' }, false],
    ['!x', { x: '' }, false],
    ['!x', {}, true],
    ['!x', undefined, true],
    ['x>1', { x: '2' }, true],
    ['x>1', { x: '1' }, false],
    ['x>1', { x: '+2' }, true],
    ['x>1', { x: 'a' }, false],
    ['x>1', { x: '' }, false],
    ['x>1', {}, false],
    ['x<1', { x: '-5' }, true],
    ['x<1', { x: '1' }, false],
    ['x>9223372036854775806', { x: '9223372036854775807' }, true],
    ['x>9223372036854775806', { x: '9223372036854775808' }, false], // not an int64
    ['x<10', { x: '-9223372036854775808' }, true],
    ['x<10', { x: '-9223372036854775809' }, false],
    ['x>1234567890123456', { x: '1234567890123457' }, true],
    ['x>1234567890123456', { x: '1234567890123456' }, false],
    ['x=a,y=b', { x: 'a', y: 'b', z: 'c' }, true],
    ['x=a,y=b', { x: 'a' }, false],
    ['x in (a,b,c,d,e,f,g,h,i,j)', { x: 'j' }, true], // large sets use a Set
    ['x in (a,b,c,d,e,f,g,h,i,j)', { x: 'k' }, false],
    // inherited members of Object.prototype are not labels
    ['constructor', {}, false],
    ['!toString', {}, true],
    ['hasOwnProperty in (a)', {}, false],
  ];
  for (const [text, labels, expected] of cases) {
    it(`${JSON.stringify(text)} on ${JSON.stringify(labels)} → ${expected}`, () => {
      expect(parseLabelSelector(text).matches(labels)).toBe(expected);
    });
  }

  it('the empty selector never reads the labels', () => {
    const untouchable = new Proxy(
      {},
      {
        get() {
          throw new Error('read');
        },
        has() {
          throw new Error('read');
        },
      },
    );
    expect(LabelSelector.everything.matches(untouchable)).toBe(true);
    expect(parseLabelSelector(' ').matches(untouchable)).toBe(true);
  });

  it('LabelSelector.nothing matches nothing, is not empty and renders as ""', () => {
    expect(LabelSelector.nothing.matches({})).toBe(false);
    expect(LabelSelector.nothing.isEmpty).toBe(false);
    expect(LabelSelector.nothing.toString()).toBe('');
  });
});

describe('planner introspection', () => {
  it('.requiresExactMatch() — =, == and a one-value in pin a key', () => {
    const selector = parseLabelSelector('a=1,b==2,c in (3),d in (4,5),e!=6,f,g>7');
    expect(selector.requiresExactMatch('a')).toBe('1');
    expect(selector.requiresExactMatch('b')).toBe('2');
    expect(selector.requiresExactMatch('c')).toBe('3');
    for (const key of ['d', 'e', 'f', 'g', 'h']) expect(selector.requiresExactMatch(key)).toBeUndefined();
  });

  it('.requiresExactMatch() — any requirement on the key counts, not only the first', () => {
    expect(parseLabelSelector('a!=1,a=2').requiresExactMatch('a')).toBe('2');
  });

  it('.pinnedValues() — the smallest =/==/in set on the key', () => {
    const selector = parseLabelSelector('d in (4,5,6),d in (5,6),e notin (1),f');
    expect(selector.pinnedValues('d')).toEqual(['5', '6']);
    expect(selector.pinnedValues('e')).toBeUndefined();
    expect(selector.pinnedValues('f')).toBeUndefined();
    expect(selector.pinnedValues('zz')).toBeUndefined();
    expect(parseLabelSelector('x in ()').pinnedValues('x')).toEqual(['']);
  });
});

describe('building selectors', () => {
  it('labelRequirement() + LabelSelector.fromRequirements() sort by key and values', () => {
    const selector = LabelSelector.fromRequirements([
      labelRequirement('z', 'exists'),
      labelRequirement('a', 'notin', ['y', 'x']),
    ]);
    expect(selector.toString()).toBe('a notin (x,y),z');
    expect(selector.add(labelRequirement('m', 'lt', ['3'])).toString()).toBe('a notin (x,y),m<3,z');
    expect(selector.toString()).toBe('a notin (x,y),z');
    expect(LabelSelector.fromRequirements([])).toBe(LabelSelector.everything);
  });

  it('labelSelectorFromSet() — one = requirement per label', () => {
    expect(labelSelectorFromSet({ tier: 'web', app: 'shop' }).toString()).toBe('app=shop,tier=web');
    expect(labelSelectorFromSet({})).toBe(LabelSelector.everything);
    expect(labelSelectorFromSet({ app: 'shop' }).matches({ app: 'shop', x: 'y' })).toBe(true);
  });
});
