import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import Import from '../views/Import.svelte';
import Settings from '../views/Settings.svelte';
import PastOutputs from './PastOutputs.svelte';
import { checkForm, nextSort, outputsOf, type OutputGroup, type PastOutput } from '../lib/daily';

const importReport = (over: Record<string, unknown> = {}) => ({
  dry_run: true,
  files: ['/data/c.yaml'],
  added: [],
  changed: [],
  unchanged: ['ENC-01'],
  removed: [],
  missing: [],
  evidence_added: 0,
  evidence_updated: 0,
  evidence_unchanged: 0,
  frameworks: [],
  crosswalk_links: 0,
  ...over,
});

describe('the register sort', () => {
  it('flips the direction on the same column and starts ascending on another', () => {
    expect(nextSort({ sort: 'expiry', descending: false }, 'expiry')).toEqual({ sort: 'expiry', descending: true });
    expect(nextSort({ sort: 'expiry', descending: true }, 'title')).toEqual({ sort: 'title', descending: false });
  });
});

describe('checkForm', () => {
  it('sends the whole form to core and returns its messages by field', async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return [
        { field: 'url', ok: false, message: 'a web address starts with https://', value: null },
        { field: 'valid_for', ok: true, message: null, value: '365' },
      ];
    });
    const r = await checkForm({ form: 'applicability', applicable: false, justification: '' });
    expect(calls[0]).toEqual(['check_form', { form: { form: 'applicability', applicable: false, justification: '' } }]);
    expect(r.errors).toEqual({ url: 'a web address starts with https://' });
    expect(r.values).toEqual({ valid_for: '365' });
  });
});

const output = (over: Partial<PastOutput>): PastOutput => ({
  seq: 10,
  kind: 'report',
  at: '2026-06-30T12:00:00Z',
  actor: 'Dana',
  path: '/ws/reports/soc-2-2026-2026-06-30.pdf',
  file_name: 'soc-2-2026-2026-06-30.pdf',
  sha256: 'ab'.repeat(32),
  bytes: 2048,
  pages: 14,
  frameworks: ['soc2'],
  assessment_id: 3,
  state: 'present',
  ...over,
});

describe('PastOutputs', () => {
  it('picks the group of the assessment', () => {
    const groups: OutputGroup[] = [
      { assessment_id: null, name: 'Current state', outputs: [output({ seq: 1, assessment_id: null })] },
      { assessment_id: 3, name: 'SOC 2', outputs: [output({ seq: 2 })] },
    ];
    expect(outputsOf(groups, 3).map((o) => o.seq)).toEqual([2]);
    expect(outputsOf(groups, null).map((o) => o.seq)).toEqual([1]);
    expect(outputsOf(groups, 9)).toEqual([]);
  });

  it('lists the files core recorded and opens one by its audit event', async () => {
    const opened: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'past_outputs')
        return [
          {
            assessment_id: 3,
            name: 'SOC 2 2026',
            outputs: [output({ seq: 12, kind: 'package', file_name: 'soc-2-2026-2026-06-30.zip', pages: null }), output({ seq: 10, state: 'missing' })],
          },
        ];
      if (cmd === 'open_output') opened.push(args);
      return null;
    });
    render(PastOutputs, { assessmentId: 3, name: 'SOC 2 2026' });
    await waitFor(() => expect(screen.getAllByTestId('output-name')).toHaveLength(2));
    expect(screen.getAllByTestId('output-name')[0].textContent).toBe('soc-2-2026-2026-06-30.zip');
    // A missing file offers no Open button, only what became of it.
    expect(screen.getAllByTestId('open-output')).toHaveLength(1);
    expect(screen.getByTestId('output-state').textContent).toContain('Moved or deleted');
    await fireEvent.click(screen.getByTestId('open-output'));
    await waitFor(() => expect(opened).toEqual([{ seq: 12 }]));
  });

  it('says what failed when core refuses to open a changed file', async () => {
    mockIPC((cmd) => {
      if (cmd === 'past_outputs') return [{ assessment_id: null, name: 'Current state', outputs: [output({ assessment_id: null })] }];
      if (cmd === 'open_output')
        throw { kind: 'usage', message: 'x.pdf is not the report written on 2026-06-30', problems: [], title: 'Could not open the file' };
      return null;
    });
    render(PastOutputs, { assessmentId: null, name: 'Current state' });
    await waitFor(() => screen.getByTestId('open-output'));
    await fireEvent.click(screen.getByTestId('open-output'));
    await waitFor(() => expect(screen.getByTestId('error-title').textContent).toBe('Could not open the file'));
    expect(screen.getByRole('alert').textContent).toContain('is not the report written');
  });
});

describe('Import', () => {
  it('adds the typed path on Enter and imports nothing', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return cmd === 'import_files' ? importReport() : null;
    });
    render(Import);
    const input = screen.getByTestId('import-path') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '/data/c.yaml' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('import-paths').textContent).toContain('/data/c.yaml'));
    expect(input.value).toBe('');
    expect(calls).not.toContain('import_files');
  });

  it('with prune, shows what would be deleted and deletes only after a yes', async () => {
    const runs: { dryRun: boolean; prune: boolean }[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== 'import_files') return null;
      const a = args as { dryRun: boolean; prune: boolean };
      runs.push({ dryRun: a.dryRun, prune: a.prune });
      return importReport({ dry_run: a.dryRun, removed: ['OLD-01', 'OLD-02'] });
    });
    render(Import);
    await fireEvent.input(screen.getByTestId('import-path'), { target: { value: '/data/c.yaml' } });
    await fireEvent.keyDown(screen.getByTestId('import-path'), { key: 'Enter' });
    await fireEvent.click(screen.getByTestId('prune'));
    await fireEvent.click(screen.getByTestId('run-import'));
    await waitFor(() => expect(screen.getByTestId('import-removed').textContent).toContain('Would delete (2)'));
    await fireEvent.click(screen.getByTestId('import-now'));
    // Asked, not done.
    expect(screen.getByTestId('prune-confirm').textContent).toContain('OLD-01, OLD-02');
    expect(runs).toEqual([{ dryRun: true, prune: true }]);
    await fireEvent.click(screen.getByTestId('prune-no'));
    expect(screen.queryByTestId('prune-confirm')).toBeNull();
    await fireEvent.click(screen.getByTestId('import-now'));
    await fireEvent.click(screen.getByTestId('prune-yes'));
    await waitFor(() => expect(runs).toEqual([{ dryRun: true, prune: true }, { dryRun: false, prune: true }]));
    await waitFor(() => expect(screen.getByTestId('import-removed').textContent).toContain('Deleted (2)'));
  });
});

describe('Settings', () => {
  it('lists the tracked frameworks and changes one through core', async () => {
    const set: unknown[] = [];
    let choices = [
      { id: 'soc2', name: 'SOC 2', short_name: 'SOC 2', tracked: true },
      { id: 'hipaa', name: 'HIPAA Security Rule', short_name: 'HIPAA', tracked: true },
    ];
    mockIPC((cmd, args) => {
      if (cmd === 'settings')
        return {
          organisation: 'Acme',
          organisation_set: true,
          login: 'dana',
          user_name: null,
          actor: 'dana',
          actor_from_env: false,
          expiry_window_days: 30,
          date_display: 'iso',
          last_expiry_reminder: null,
        };
      if (cmd === 'framework_choices') return choices;
      if (cmd === 'set_tracked') {
        set.push(args);
        const a = args as { frameworkId: string; tracked: boolean };
        choices = choices.map((c) => (c.id === a.frameworkId ? { ...c, tracked: a.tracked } : c));
        return choices;
      }
      return null;
    });
    render(Settings);
    await waitFor(() => expect(screen.getByTestId('tracked-count').textContent).toContain('Tracking 2 of 2'));
    await fireEvent.click(document.querySelector('[data-track="hipaa"]')!);
    await waitFor(() => expect(set).toEqual([{ frameworkId: 'hipaa', tracked: false }]));
    await waitFor(() => expect(screen.getByTestId('tracked-count').textContent).toContain('Tracking 1 of 2'));
  });
});
