// Turns the flat, catalog-ordered requirement list into rows with depth, for
// drawing the tree. Order and parents come from core; this only indents.
export interface TreeRow<T> {
  item: T;
  depth: number;
  hasChildren: boolean;
}

export function treeRows<T extends { ref: string; parent: string | null }>(items: T[]): TreeRow<T>[] {
  const depth = new Map<string, number>();
  const parents = new Set(items.map((i) => i.parent).filter((p): p is string => p !== null));
  return items.map((item) => {
    const d = item.parent !== null && depth.has(item.parent) ? depth.get(item.parent)! + 1 : 0;
    depth.set(item.ref, d);
    return { item, depth: d, hasChildren: parents.has(item.ref) };
  });
}

/** Rows left visible when the given refs are collapsed (their descendants hide). */
export function visibleRows<T extends { ref: string; parent: string | null }>(rows: TreeRow<T>[], collapsed: Set<string>): TreeRow<T>[] {
  const hidden = new Set<string>();
  const out: TreeRow<T>[] = [];
  for (const row of rows) {
    const p = row.item.parent;
    if (p !== null && (hidden.has(p) || collapsed.has(p))) {
      hidden.add(row.item.ref);
      continue;
    }
    out.push(row);
  }
  return out;
}

/** Rows matching a text query, plus their ancestors so the tree stays readable. */
export function filterRows<T extends { ref: string; parent: string | null; title: string }>(rows: TreeRow<T>[], query: string): TreeRow<T>[] {
  const q = query.trim().toLowerCase();
  if (!q) return rows;
  const byRef = new Map(rows.map((r) => [r.item.ref, r]));
  const keep = new Set<string>();
  for (const r of rows) {
    if (r.item.ref.toLowerCase().includes(q) || r.item.title.toLowerCase().includes(q)) {
      let cur: TreeRow<T> | undefined = r;
      while (cur && !keep.has(cur.item.ref)) {
        keep.add(cur.item.ref);
        cur = cur.item.parent !== null ? byRef.get(cur.item.parent) : undefined;
      }
    }
  }
  return rows.filter((r) => keep.has(r.item.ref));
}
