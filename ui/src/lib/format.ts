// Presentation only: labels, number formatting, dates. No domain rule here:
// statuses, percentages and counts all come from core as they are.
import type { ControlStatus, Status } from './types';

export const STATUS_LABEL: Record<Status, string> = {
  covered: 'Covered',
  partial: 'Partial',
  stale: 'Stale evidence',
  gap: 'Gap',
  not_applicable: 'Not applicable',
};

export const CONTROL_STATUS_LABEL: Record<ControlStatus, string> = {
  implemented: 'Implemented',
  partial: 'Partly implemented',
  planned: 'Planned',
  not_applicable: 'Not applicable',
};

export const RELATIONSHIP_LABEL: Record<string, string> = {
  equal: 'equal to',
  subset_of: 'subset of',
  superset_of: 'superset of',
  intersects: 'intersects',
  no_relationship: 'no relationship',
  supports: 'supports',
  is_supported_by: 'supported by',
};

export function percent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** `2026-10-01T12:00:00Z` → `2026-10-01 12:00` (UTC, as recorded). */
export function dateTime(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\dZ$|Z$/, '').slice(0, 16);
}

export function shortHash(hash: string, n = 12): string {
  return hash.slice(0, n);
}
