// Data shaped like what core returns, for the component tests.
import type { Counts, Expiry, FrameworkCoverage } from '../lib/types';

// in_scope and gaps as core derives them (coverage.rs Counts), for the fixtures only.
export function counts(partial: Partial<Counts> = {}): Counts {
  const c = { covered: 0, partial: 0, stale: 0, gap: 0, not_applicable: 0, ...partial };
  return { ...c, in_scope: c.covered + c.partial + c.stale + c.gap, gaps: c.partial + c.stale + c.gap };
}

export function framework(id: string, short: string, c: Counts, percentCovered: number): FrameworkCoverage {
  const assessable = c.in_scope + c.not_applicable;
  return {
    framework: {
      id,
      name: `${short} full name`,
      short_name: short,
      version: '1',
      publisher: 'Publisher',
      published: null,
      source: '',
      text_rights: '',
      levels: [],
    },
    counts: c,
    assessable,
    percent_covered: percentCovered,
    related_coverage: 0,
    rule: 'No period: evidence counts when it is valid today.',
    requirements: [
      {
        ref: 'A',
        parent: null,
        level: 'group',
        title: 'Group A',
        assessable: false,
        status: null,
        gap: false,
        reason: '',
        controls: [],
        related: [],
        related_coverage: [],
        justification: null,
        decision: null,
        rollup: c,
      },
      {
        ref: 'A.1',
        parent: 'A',
        level: 'req',
        title: 'First requirement',
        assessable: true,
        status: 'gap',
        gap: true,
        reason: 'no control maps to it',
        controls: [],
        related: [],
        related_coverage: [],
        justification: null,
        decision: null,
        rollup: null,
      },
    ],
  };
}

export const noExpiry: Expiry = { as_of: '2026-11-22', within_days: 30, expired: [], expiring: [] };
