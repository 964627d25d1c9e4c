import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, fireEvent } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import Explorer from './Explorer.svelte';
import type { LinksView } from '../lib/types';
import { counts, framework } from '../test/fixtures';

const soc2 = framework('soc2', 'SOC 2', counts({ covered: 1, gap: 60 }), 1.6).framework;
const iso = framework('iso27001-2022', 'ISO 27001', counts({ gap: 123 }), 0).framework;

const view: LinksView = {
  from: soc2,
  to: iso,
  total: 2,
  sources: [
    {
      from_framework: 'soc2',
      to_framework: 'iso27001-2022',
      provenance: { publisher: 'Crosswalk authors', document: 'own', version: '2026-12', licence: 'x', url: '' },
      by_basis: { judgement: 2 },
    },
  ],
  links: [
    {
      from_ref: 'CC6.1',
      from_title: 'Logical access',
      from_status: 'covered',
      to_ref: 'A.5.15',
      to_title: 'Access control rules',
      to_status: 'gap',
      relationship: 'intersects',
      properties: [],
      strength: null,
      basis: 'judgement',
      source: 'own',
      note: 'Both set access rules.',
      inverted: false,
    },
  ],
};

describe('Explorer', () => {
  it('shows the links core returns, grouped by requirement, with their source', async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'framework_choices') return [{ ...soc2, tracked: true }, { ...iso, tracked: true }];
      if (cmd === 'crosswalk_between') {
        asked.push((args as { query: unknown }).query);
        return view;
      }
      if (cmd === 'coverage') return [];
      throw new Error(`unexpected ${cmd}`);
    });
    render(Explorer);
    await waitFor(() => expect(screen.getByTestId('explorer-count').textContent).toBe('1 of 2 links'));
    const links = screen.getByTestId('explorer-links');
    expect(links.textContent).toContain('CC6.1');
    expect(links.textContent).toContain('A.5.15');
    expect(links.textContent).toContain('Both set access rules.');
    expect(screen.getByTestId('explorer-sources').textContent).toContain('Crosswalk authors');
    // Filters go to core as a query; the view does not filter links itself by relationship.
    await fireEvent.change(screen.getByTestId('explorer-relationship'), { target: { value: 'equal' } });
    await waitFor(() => expect(asked.some((q) => (q as { relationship: string }).relationship === 'equal')).toBe(true));
  });
});
