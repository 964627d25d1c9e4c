// An encrypted workspace in the window: encrypt it from Settings (the
// recovery key is shown once), lock it, refuse a wrong passphrase, unlock it
// with the right one, and find nothing of it readable on disk meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliBinary, content, fill, fixtures, launch, nav, shot, tempDir, until } from '../lib/app.js';

const PASS = 'violet tractor under seven moons';

/** Every file under `dir` holding `needle`. */
function holding(dir, needle) {
  const hits = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

test('encrypt from Settings, lock, a wrong passphrase is refused, the right one unlocks', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const title = cli(dir, 'controls', '--json')[0].title;
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'settings');
    await browser.$('[data-testid="vault-plain"]').waitForExist({ timeout: 10000 });

    // Two different passphrases: nothing happens but a message.
    await fill(browser, '[data-testid="vault-passphrase"]', PASS);
    await fill(browser, '[data-testid="vault-confirm"]', PASS + ' typo');
    await browser.$('[data-testid="encrypt-workspace"]').click();
    await until(browser, async () => /differ/.test(await content(browser, '[data-testid="vault-panel"]')), 'the mismatch is named');
    assert.ok(holding(dir, title).length > 0, 'still plaintext after the refused attempt');

    await fill(browser, '[data-testid="vault-confirm"]', PASS);
    await browser.$('[data-testid="encrypt-workspace"]').click();
    await browser.$('[data-testid="recovery-key"]').waitForExist({ timeout: 60000 });
    const recovery = (await content(browser, '[data-testid="recovery-key"]')).trim();
    assert.match(recovery, /^[0-9a-f]{8}(-[0-9a-f]{8}){7}$/i, 'a recovery key in eight groups');
    await shot(browser, '60-vault-recovery-key');
    await browser.$('[data-testid="recovery-key-done"]').click();
    await browser.$('[data-testid="vault-encrypted"]').waitForExist({ timeout: 10000 });

    // Nothing readable on disk: the control's title is in no file.
    assert.deepEqual(holding(dir, title), [], 'the title is readable on disk');
    // The CLI needs the passphrase now, and gets it from the environment.
    const env = { ...process.env, CROSSWALK_PASSPHRASE: PASS };
    const listed = JSON.parse(execFileSync(cliBinary, ['--data-dir', dir, 'controls', '--json'], { encoding: 'utf8', env }));
    assert.equal(listed[0].title, title);

    // Idle lock: core reads what was typed and names a bad value.
    await fill(browser, '[data-testid="idle-lock"]', 'soon');
    await browser.$('[data-testid="save-idle-lock"]').click();
    await until(browser, async () => /not a number of minutes/.test(await content(browser, '[data-testid="vault-panel"]')), 'a bad idle lock is named');
    await fill(browser, '[data-testid="idle-lock"]', '15');
    await browser.$('[data-testid="save-idle-lock"]').click();
    await until(browser, async () => /15 minutes/.test(await content(browser, '[data-testid="vault-done"]')), 'the idle lock is saved');

    await browser.$('[data-testid="lock-now"]').click();
    await browser.$('[data-testid="unlock"]').waitForExist({ timeout: 10000 });
    await shot(browser, '61-vault-locked');

    await fill(browser, '[data-testid="unlock-secret"]', 'not the passphrase');
    await browser.$('[data-testid="unlock-submit"]').click();
    await browser.$('[data-testid="unlock-form"] [data-testid="error"]').waitForExist({ timeout: 30000 });
    assert.match(await content(browser, '[data-testid="unlock-form"] [data-testid="error"]'), /passphrase/i);
    assert.ok(await browser.$('[data-testid="unlock"]').isExisting(), 'still locked');
    await shot(browser, '62-vault-wrong-passphrase');

    await fill(browser, '[data-testid="unlock-secret"]', PASS);
    await browser.$('[data-testid="unlock-submit"]').click();
    await browser.$('[data-testid="unlock"]').waitForExist({ timeout: 30000, reverse: true });
    await nav(browser, 'controls');
    await until(browser, async () => (await content(browser, '[data-view="controls"]')).includes(title), 'the controls are back after unlocking');
    await shot(browser, '63-vault-unlocked');
  } finally {
    await app.close();
  }
});
