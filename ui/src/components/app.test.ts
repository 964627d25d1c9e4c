import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, fireEvent } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import DateField from './DateField.svelte';
import ErrorMessage from './ErrorMessage.svelte';
import BulkPreview from './BulkPreview.svelte';
import Palette from './Palette.svelte';
import Settings from '../views/Settings.svelte';
import { formatDate } from '../lib/prefs.svelte';
import { fieldProblems, type BulkReport, type Settings as SettingsT } from '../lib/app';

describe('DateField', () => {
  it('is visibly empty when empty, typed as YYYY-MM-DD, and shows the message it is given', async () => {
    const { container } = render(DateField, { id: 'd', label: 'Valid until', value: '', error: null });
    const input = container.querySelector('input')!;
    expect(input.type).toBe('text'); // not the browser's date picker (MM/DD/YYYY, today when empty)
    expect(input.value).toBe('');
    expect(input.placeholder).toBe('YYYY-MM-DD');
    expect(container.textContent).toContain('Empty: no date');
  });

  it('shows core’s message next to the field and a Today button when told today', async () => {
    const { container } = render(DateField, {
      id: 'd',
      label: 'Collected',
      value: '2026-02-30',
      error: '`2026-02-30` is not a real calendar date',
      today: '2026-11-22',
    });
    expect(container.querySelector('[data-field-error="d"]')!.textContent).toContain('not a real calendar date');
    await fireEvent.click(screen.getByText('Today'));
    expect(container.querySelector('input')!.value).toBe('2026-11-22');
  });
});

describe('ErrorMessage', () => {
  it('titles the error by what failed and keeps the raw OS text under Details', () => {
    render(ErrorMessage, {
      title: 'The report was not generated',
      error: {
        kind: 'open',
        title: 'Could not open the PDF',
        message: 'No program on this computer opened /r/a.pdf.',
        hint: 'Install a PDF viewer, or open the file yourself.',
        details: 'gio: Failed to find default application ExitStatus(unix_wait_status(1024))',
        problems: [],
      },
    });
    expect(screen.getByTestId('error-title').textContent).toBe('Could not open the PDF');
    expect(screen.getByTestId('error-hint').textContent).toContain('Install a PDF viewer');
    const details = screen.getByTestId('error-details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('ExitStatus');
    expect(screen.getByRole('alert').querySelector('.msg')!.textContent).not.toContain('ExitStatus');
  });

  it('uses the view’s title when the shell gives none', () => {
    render(ErrorMessage, { title: 'Could not load the controls', error: { kind: 'database', message: 'database: locked', problems: [] } });
    expect(screen.getByTestId('error-title').textContent).toBe('Could not load the controls');
    expect(screen.queryByTestId('error-details')).toBeNull();
  });
});

describe('BulkPreview', () => {
  it('lists every control with before and after, and what evidence goes', () => {
    const report: BulkReport = {
      dry_run: true,
      change: { action: 'set', owner: 'GRC', status: null, category: null },
      controls: [
        { id: 'A-1', title: 'One', before: { owner: 'IT', status: 'planned', category: 'x' }, after: { owner: 'GRC', status: 'planned', category: 'x' } },
        { id: 'A-2', title: 'Two', before: { owner: '', status: 'planned', category: 'x' }, after: { owner: 'GRC', status: 'planned', category: 'x' } },
      ],
      unchanged: ['A-3'],
      evidence_unlinked: [],
      evidence_withdrawn: [],
      event: null,
    };
    render(BulkPreview, { report, onapply: () => {}, oncancel: () => {} });
    expect(screen.getByTestId('bulk-list').querySelectorAll('tr[data-bulk]')).toHaveLength(2);
    expect(screen.getByTestId('bulk-preview').textContent).toContain('1 selected control already is as asked');
    expect(screen.getByTestId('bulk-apply').textContent).toContain('Apply to 2 controls');
  });
});

describe('Palette', () => {
  it('finds evidence by title', async () => {
    mockIPC((cmd) => {
      if (cmd === 'evidence_list')
        return [
          { id: 7, kind: 'file', title: 'KMS key policy export', description: '', url: null, note: null, collected_by: 'jane', collected_on: '2026-10-01', valid_until: null, controls: ['ENC-01'], revisions: [{ number: 1, sha256: 'ab', size: 3, file_name: 'kms.json', added_at: '' }], added_at: '', removed_at: null },
        ];
      if (cmd === 'search_requirements') return [];
      return [];
    });
    render(Palette, { open: true });
    const input = document.querySelector('[data-testid="palette"] input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'kms' } });
    await waitFor(() => expect(document.querySelector('[data-kind="Evidence"]')?.textContent).toContain('#7 KMS key policy export'));
  });
});

describe('Settings', () => {
  const settings: SettingsT = {
    organisation: 'Your organisation',
    organisation_set: false,
    login: 'jroe',
    user_name: null,
    actor: 'jroe',
    actor_from_env: false,
    expiry_window_days: 30,
    date_display: 'iso',
    last_expiry_reminder: null,
  };

  it('shows core’s message next to each invalid field and saves nothing', async () => {
    let saved = 0;
    mockIPC((cmd, args) => {
      if (cmd === 'settings') return settings;
      if (cmd === 'validate_fields') {
        const fields = (args as { fields: { field: string; value: string }[] }).fields;
        return fields.map((f) =>
          f.field === 'organisation' && !f.value.trim()
            ? { field: f.field, ok: false, message: 'the organisation name cannot be empty', value: null }
            : f.field === 'expiry_window' && f.value === 'soon'
              ? { field: f.field, ok: false, message: '`soon` is not a period; write a number and a unit: 90d, 12w, 6m or 1y', value: null }
              : { field: f.field, ok: true, message: null, value: f.value },
        );
      }
      if (cmd === 'save_settings') saved++;
      if (cmd === 'framework_choices') return [];
      return null;
    });
    render(Settings);
    await waitFor(() => expect(screen.getByTestId('settings-form')).toBeTruthy());
    expect((screen.getByTestId('settings-form') as HTMLFormElement).noValidate).toBe(true);
    await fireEvent.input(screen.getByTestId('settings-expiry'), { target: { value: 'soon' } });
    await fireEvent.click(screen.getByTestId('save-settings'));
    await waitFor(() => expect(document.querySelector('[data-field-error="s-expiry"]')?.textContent).toContain('is not a period'));
    expect(document.querySelector('[data-field-error="s-organisation"]')!.textContent).toContain('cannot be empty');
    expect(saved).toBe(0);
  });
});

describe('formatting and field problems', () => {
  it('shows dates as chosen, ISO by default', () => {
    expect(formatDate('2026-10-01')).toBe('2026-10-01');
    expect(formatDate('2026-10-01', 'day_month_year')).toBe('1 Oct 2026');
    expect(formatDate(null)).toBe('—');
  });

  it('splits core’s `field: message` problems onto their fields', () => {
    const { errors, rest } = fieldProblems(
      [{ message: 'id: control id `a b` may use only letters' }, { message: 'maps: `X` is not a requirement of soc2' }, { message: 'other' }],
      ['id', 'maps'],
    );
    expect(errors.id).toContain('may use only');
    expect(errors.maps).toContain('not a requirement');
    expect(rest).toEqual(['other']);
  });
});
