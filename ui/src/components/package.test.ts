import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, fireEvent } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import PackagePanel from './PackagePanel.svelte';

const key = { workspace_id: 'ab', fingerprint: '43c4 ac6c cb95', public_key: 'c0', created_at: '2026-11-30T00:00:00Z', key_file: '/k' };

describe('PackagePanel', () => {
  it('shows the key fingerprint and what core says the package holds', async () => {
    const calls: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'workspace_key') return key;
      if (cmd === 'write_package') {
        calls.push(args as Record<string, unknown>);
        return {
          path: '/data/packages/p.zip', bytes: 4096, sha256: 'f'.repeat(64), files: 25, evidence_files: 11, evidence_bytes: 100,
          fingerprint: key.fingerprint, chain_ok: false,
          checkpoint: { workspace_id: 'ab', event_count: 12, head_hash: 'e'.repeat(64), at: '', reason: 'package', fingerprint: '', signature: '' },
        };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(PackagePanel, { assessmentId: 3, name: 'SOC 2 2026' });
    await waitFor(() => expect(screen.getByTestId('key-fingerprint').textContent).toBe('43c4 ac6c cb95'));
    await fireEvent.click(screen.getByTestId('write-package'));
    await waitFor(() => expect(screen.getByTestId('package-summary').textContent).toContain('11 evidence files'));
    expect(screen.getByTestId('package-summary').textContent).toContain('verify found faults');
    expect((calls[0].request as { assessment_id: number }).assessment_id).toBe(3);
  });
});
