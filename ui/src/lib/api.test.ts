import { describe, expect, it } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import { api, AppError } from './api';

describe('AppError.from', () => {
  it('keeps kind, message and problems of a core error', () => {
    const e = AppError.from({
      kind: 'invalid',
      message: 'a.yaml:3:5: bad\nnothing was written',
      problems: [{ location: { file: 'a.yaml', line: 3, column: 5 }, message: 'bad' }],
    });
    expect(e.kind).toBe('invalid');
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].location.line).toBe(3);
  });

  it('turns a plain string (a Tauri argument error) into a readable error', () => {
    const e = AppError.from('invalid args `id` for command `control`');
    expect(e.kind).toBe('internal');
    expect(e.message).toContain('invalid args');
  });

  it('never yields an empty message', () => {
    expect(AppError.from(undefined).message).not.toBe('');
  });
});

describe('api', () => {
  it('calls the command with camelCase arguments', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return [];
    });
    await api.coverage(['soc2'], 7);
    await api.requirements('gdpr');
    await api.importFiles(['/tmp/a.yaml'], { dryRun: true });
    expect(calls[0]).toEqual(['coverage', { frameworks: ['soc2'], assessmentId: 7 }]);
    expect(calls[1]).toEqual(['requirements', { frameworkId: 'gdpr' }]);
    expect(calls[2]).toEqual(['import_files', { paths: ['/tmp/a.yaml'], dryRun: true, prune: false, skipUnknown: false }]);
  });

  it('rejects with an AppError carrying the problems', async () => {
    mockIPC(() => {
      throw { kind: 'invalid', message: 'x', problems: [{ location: { file: 'f.yaml', line: 2, column: 1 }, message: 'm' }] };
    });
    const err = await api.importFiles(['f.yaml']).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.kind).toBe('invalid');
    expect(err.problems[0].location.file).toBe('f.yaml');
  });

  it('passes a progress channel to long work', async () => {
    let received: unknown;
    mockIPC((cmd, args) => {
      received = (args as Record<string, unknown>).onProgress;
      return { ok: true };
    });
    await api.verify(() => {});
    expect(received).toBeDefined();
  });
});
