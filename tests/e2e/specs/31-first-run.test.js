// The first run on an empty data folder: the app asks plain or encrypted and
// creates nothing until the user chooses. Encrypted: core names a mismatch
// beside the second field, the recovery key is shown once, the workspace
// works and is encrypted on disk. Plain, in a second run: straight in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliBinary, content, fill, fixtures, launch, nav, shot, tempDir, until } from '../lib/app.js';

const PASS = 'amber lantern over quiet fields';

test('first run: choose encrypted, a mismatch is named, the recovery key is shown once, the workspace works', async () => {
  const dir = tempDir();
  const app = await launch(dir, { firstRun: true });
  const { browser } = app;
  try {
    await browser.$('[data-testid="first-run"]').waitForExist({ timeout: 30000 });
    assert.deepEqual(readdirSync(dir), [], 'nothing is created before the choice');
    await shot(browser, '64-first-run-choice');

    await browser.$('[data-testid="first-run-encrypted"]').click();
    await fill(browser, '[data-testid="first-run-passphrase"]', PASS);
    await fill(browser, '[data-testid="first-run-confirm"]', PASS + ' typo');
    await browser.$('[data-testid="first-run-create"]').click();
    await until(
      browser,
      async () => /differ/.test(await content(browser, '[data-field-error="f-confirm"]')),
      'the mismatch is named beside the second field',
    );
    assert.equal(await content(browser, '[data-field-error="f-pass"]'), '', 'the passphrase itself is fine');
    assert.ok(!existsSync(join(dir, 'crosswalk.db')) && !existsSync(join(dir, 'crosswalk.key')), 'nothing created on a mismatch');
    await shot(browser, '65-first-run-mismatch');

    await fill(browser, '[data-testid="first-run-confirm"]', PASS);
    await browser.$('[data-testid="first-run-create"]').click();
    await browser.$('[data-testid="recovery-key"]').waitForExist({ timeout: 60000 });
    const recovery = (await content(browser, '[data-testid="recovery-key"]')).trim();
    assert.match(recovery, /^[0-9a-f]{8}(-[0-9a-f]{8}){7}$/i, 'a recovery key in eight groups');
    assert.ok(existsSync(join(dir, 'crosswalk.key')), 'an encrypted workspace was made');
    await shot(browser, '66-first-run-recovery-key');
    await browser.$('[data-testid="recovery-key-done"]').click();
    await browser.$('[data-testid="first-run"]').waitForExist({ timeout: 10000, reverse: true });

    // The workspace works: Settings says encrypted; the CLI (with the
    // passphrase, or the recovery key) sees what the app shows.
    await nav(browser, 'settings');
    await browser.$('[data-testid="vault-encrypted"]').waitForExist({ timeout: 10000 });
    const env = { ...process.env, CROSSWALK_PASSPHRASE: PASS };
    execFileSync(cliBinary, ['--data-dir', dir, 'import', join(fixtures, 'good/controls.yaml')], { encoding: 'utf8', env });
    const { CROSSWALK_PASSPHRASE: _, ...noPass } = env;
    const byRecovery = JSON.parse(
      execFileSync(cliBinary, ['--data-dir', dir, 'controls', '--json'], {
        encoding: 'utf8',
        env: { ...noPass, CROSSWALK_RECOVERY_KEY: recovery },
      }),
    );
    assert.ok(byRecovery.length > 0, 'the recovery key opens it');
    await nav(browser, 'controls');
    await until(browser, async () => (await content(browser, '[data-view="controls"]')).includes(byRecovery[0].title), 'the imported controls show');
    await shot(browser, '67-first-run-encrypted-works');
  } finally {
    await app.close();
  }
});

test('first run: choose plain, the workspace opens straight away', async () => {
  const dir = tempDir();
  const app = await launch(dir, { firstRun: true });
  const { browser } = app;
  try {
    await browser.$('[data-testid="first-run"]').waitForExist({ timeout: 30000 });
    await browser.$('[data-testid="first-run-plain"]').click();
    assert.equal(await browser.$('[data-testid="first-run-passphrase"]').isExisting(), false, 'no passphrase for a plain one');
    await browser.$('[data-testid="first-run-create"]').click();
    await browser.$('[data-testid="first-run"]').waitForExist({ timeout: 30000, reverse: true });
    assert.ok(existsSync(join(dir, 'crosswalk.db')) && !existsSync(join(dir, 'crosswalk.key')), 'a plain workspace');
    await nav(browser, 'settings');
    await browser.$('[data-testid="vault-plain"]').waitForExist({ timeout: 10000 });
    assert.ok(cli(dir, 'frameworks', '--json').length >= 6, 'the CLI opens it without a passphrase');
    await shot(browser, '68-first-run-plain');
  } finally {
    await app.close();
  }
});
