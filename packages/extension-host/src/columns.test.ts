import { describe, expect, it } from 'vitest';
import { fromColumns, toColumns } from './columns.js';

describe('calls as columns', () => {
  it("crosses a page's parents as a list per key, equal arguments once, and gives the calls back", () => {
    const request = { regionCode: 'JS-NJ', services: { f: () => 1 } };
    const calls = Array.from({ length: 4 }, (_, i) => [{ id: i + 1, regionCode: i % 2 ? 'JS-NJ' : 'JS-SZ' }, { first: 3 }, request]);
    const columns = toColumns(calls);
    expect(columns).toEqual([
      { keys: ['id', 'regionCode'], values: [[1, 2, 3, 4], ['JS-SZ', 'JS-NJ', 'JS-SZ', 'JS-NJ']] },
      { same: { first: 3 } },
      { same: request },
    ]);
    const back = fromColumns(structuredClone(columns.slice(0, 2)).concat(columns[2]!), calls.length);
    expect(back).toEqual(calls);
    // Each call gets its own copy of equal arguments; a shared object stays shared.
    expect(back[0]![1]).not.toBe(back[1]![1]);
    expect(back[0]![2]).toBe(back[1]![2]);
  });

  it('keeps as lists what does not share a shape: other keys, nested objects, missing arguments, null', () => {
    const calls = [
      [{ id: 1 }, { filter: { tier: 'gold' } }, null],
      [{ id: 2, extra: true }, { filter: { tier: 'gold' } }],
      [{ id: 3 }, { filter: { tier: 'silver' } }, 'x'],
    ];
    const columns = toColumns(calls);
    expect(columns.map((c) => Object.keys(c)[0])).toEqual(['list', 'list', 'list']);
    expect(fromColumns(columns, calls.length)).toEqual([calls[0], [...calls[1]!, undefined], calls[2]]);
  });
});
