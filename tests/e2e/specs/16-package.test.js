// The auditor package from the Assessments & reports view: the button writes
// a zip with progress, the window shows the signing key's fingerprint (the
// one `crosswalk key` prints), and the package verifies with the CLI, as an
// auditor would check it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cli, cliBinary, launch, nav, shot, text, tempDir } from '../lib/app.js';

test('Package for the auditor writes a package that verifies', async () => {
  const dir = tempDir();
  cli(dir, 'demo', '--json');
  const key = cli(dir, 'key', '--json');
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'assessments');
    await browser.$('[data-testid="quick-report"]').click();
    await browser.$('[data-testid="package-panel"]').waitForExist({ timeout: 10000 });
    await browser.$('[data-testid="key-fingerprint"]').waitForExist({ timeout: 10000 });
    assert.equal(await text(browser, '[data-testid="key-fingerprint"]'), key.fingerprint, 'the window shows the key the CLI prints');

    await browser.$('[data-testid="write-package"]').click();
    await browser.$('[data-testid="package-summary"]').waitForExist({ timeout: 180000 });
    await browser.$('[data-testid="package-panel"]').scrollIntoView();
    await shot(browser, '70-package-written');
    const path = await browser.$('[data-testid="package-file"]').getAttribute('title');
    assert.ok(path.startsWith(dir) && path.endsWith('.zip'), `the package is in the workspace: ${path}`);
    assert.ok(existsSync(path), 'the zip exists');
    assert.match(await text(browser, '[data-testid="package-summary"]'), /\d+ evidence files/);

    // The auditor's check: no workspace, the fingerprint the officer gave.
    const out = execFileSync(cliBinary, ['package', 'verify', path, '--key', key.fingerprint, '--json'], { encoding: 'utf8' });
    const report = JSON.parse(out);
    assert.equal(report.ok, true, JSON.stringify(report.faults));
    const log = cli(dir, 'log', '--json');
    assert.ok(log.some((e) => e.action === 'package.generated'), 'the audit trail records the package');
  } finally {
    await app.close();
  }
});
