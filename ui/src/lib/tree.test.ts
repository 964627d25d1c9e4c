import { describe, expect, it } from 'vitest';
import { filterRows, treeRows, visibleRows } from './tree';

const items = [
  { ref: 'PR', parent: null, title: 'Protect' },
  { ref: 'PR.DS', parent: 'PR', title: 'Data Security' },
  { ref: 'PR.DS-01', parent: 'PR.DS', title: 'Data at rest protected' },
  { ref: 'PR.DS-02', parent: 'PR.DS', title: 'Data in transit protected' },
  { ref: 'DE', parent: null, title: 'Detect' },
];

describe('treeRows', () => {
  it('indents by parent and marks parents', () => {
    const rows = treeRows(items);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 2, 0]);
    expect(rows.map((r) => r.hasChildren)).toEqual([true, true, false, false, false]);
  });

  it('hides the descendants of collapsed entries', () => {
    const rows = visibleRows(treeRows(items), new Set(['PR']));
    expect(rows.map((r) => r.item.ref)).toEqual(['PR', 'DE']);
  });

  it('filters by ref or title and keeps the ancestors', () => {
    const rows = filterRows(treeRows(items), 'transit');
    expect(rows.map((r) => r.item.ref)).toEqual(['PR', 'PR.DS', 'PR.DS-02']);
    expect(filterRows(treeRows(items), 'ds-01').map((r) => r.item.ref)).toEqual(['PR', 'PR.DS', 'PR.DS-01']);
    expect(filterRows(treeRows(items), '')).toHaveLength(5);
  });
});
