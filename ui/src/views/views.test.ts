import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, fireEvent } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import Dashboard from './Dashboard.svelte';
import Import from './Import.svelte';
import Frameworks from './Frameworks.svelte';
import { counts, framework, noExpiry } from '../test/fixtures';

const coverage = [
  framework('nist-csf-2.0', 'NIST CSF 2.0', counts({ covered: 8, partial: 6, stale: 3, gap: 89 }), 7.5),
  framework('soc2', 'SOC 2', counts({ covered: 5, gap: 56 }), 8.2),
];

describe('Dashboard', () => {
  it('shows each framework with the figures core returns', async () => {
    mockIPC((cmd) => {
      if (cmd === 'coverage') return coverage;
      if (cmd === 'expiry') return noExpiry;
      if (cmd === 'controls') return [{ id: 'X' }];
      throw new Error(`unexpected ${cmd}`);
    });
    render(Dashboard);
    await waitFor(() => expect(screen.getAllByTestId('framework-tile')).toHaveLength(2));
    const nist = screen.getAllByTestId('framework-tile')[0];
    expect(nist.textContent).toContain('NIST CSF 2.0');
    expect(nist.textContent).toContain('7.5%');
    expect(nist.textContent).toContain('8 of 106 covered');
    expect(screen.getByTestId('expiry-none')).toBeTruthy();
  });

  it('shows an error instead of a blank screen', async () => {
    mockIPC(() => {
      throw { kind: 'database', message: 'database: disk I/O error', problems: [] };
    });
    render(Dashboard);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('disk I/O error'));
  });

  it('says what to do next when there are no controls', async () => {
    mockIPC((cmd) => (cmd === 'coverage' ? coverage : cmd === 'expiry' ? noExpiry : []));
    render(Dashboard);
    await waitFor(() => expect(screen.getByTestId('empty').textContent).toContain('Import'));
  });
});

describe('Frameworks', () => {
  it('draws the requirement tree with statuses', async () => {
    mockIPC((cmd) => (cmd === 'coverage' ? coverage : []));
    render(Frameworks);
    await waitFor(() => expect(screen.getByTestId('requirement-tree').textContent).toContain('First requirement'));
    expect(screen.getByTestId('requirement-tree').querySelector('[data-status="gap"]')).toBeTruthy();
    expect(screen.getByTestId('framework-name').textContent).toBe('NIST CSF 2.0 full name');
  });
});

describe('Import', () => {
  it('shows a rejected import as a file:line list', async () => {
    mockIPC((cmd) => {
      if (cmd === 'import_files')
        throw {
          kind: 'invalid',
          message: 'c.yaml:4:9: unknown framework `sox`\nnothing was written',
          problems: [{ location: { file: 'c.yaml', line: 4, column: 9 }, message: 'unknown framework `sox`' }],
        };
      return null;
    });
    render(Import);
    const input = screen.getByTestId('import-path') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '/data/c.yaml' } });
    await fireEvent.click(screen.getByTestId('run-import'));
    await waitFor(() => expect(screen.getByTestId('problems').textContent).toContain('c.yaml:4:9'));
    expect(screen.getByRole('alert').textContent).toContain('Import rejected: 1 problem');
  });

  it('reports what an import changed', async () => {
    mockIPC((cmd) =>
      cmd === 'import_files'
        ? {
            dry_run: false,
            files: ['c.yaml'],
            added: ['ENC-01', 'ENC-02'],
            changed: [],
            unchanged: [],
            removed: [],
            missing: [],
            evidence_added: 1,
            evidence_updated: 0,
            evidence_unchanged: 0,
            frameworks: [],
            crosswalk_links: 0,
          }
        : null,
    );
    render(Import);
    await fireEvent.input(screen.getByTestId('import-path'), { target: { value: '/data/c.yaml' } });
    await fireEvent.click(screen.getByTestId('run-import'));
    await waitFor(() => expect(screen.getByTestId('added-count').textContent).toBe('2'));
  });

  it('checks first and shows how a matrix\'s columns are read, with the cells left out', async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== 'import_files') return null;
      calls.push(args);
      return {
        dry_run: true,
        files: ['/data/m.csv'],
        added: ['ENC-01'],
        changed: [],
        unchanged: [],
        removed: [],
        missing: [],
        evidence_added: 0,
        evidence_updated: 0,
        evidence_unchanged: 0,
        frameworks: [],
        crosswalk_links: 0,
        formats: [{ file: '/data/m.csv', format: 'matrix-csv', name: 'control matrix (CSV)' }],
        columns: [
          {
            file: '/data/m.csv',
            columns: [
              { header: 'Control ID', role: 'id', reason: 'guessed' },
              { header: 'CIS v8', role: 'ignored', reason: 'no framework or field of this name in the workspace' },
            ],
          },
        ],
        skipped_cells: ['/data/m.csv: line 2, column 4 (SOC 2): `CC99.9` is not a requirement of soc2'],
        scopes: [],
      };
    });
    render(Import);
    await fireEvent.input(screen.getByTestId('import-path'), { target: { value: '/data/m.csv' } });
    await fireEvent.click(screen.getByTestId('skip-unknown'));
    await fireEvent.click(screen.getByTestId('run-import'));
    await waitFor(() => expect(screen.getByTestId('column-guess').textContent).toContain('CIS v8'));
    expect(screen.getByTestId('column-guess').textContent).toContain('ignored');
    expect(screen.getByTestId('skipped-cells').textContent).toContain('CC99.9');
    expect(screen.getByTestId('import-formats').textContent).toContain('control matrix (CSV)');
    expect(calls[0]).toMatchObject({ dryRun: true, skipUnknown: true });
    expect(screen.getByTestId('import-now')).toBeTruthy();
  });
});
