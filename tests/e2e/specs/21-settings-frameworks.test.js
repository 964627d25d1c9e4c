// Settings lists the frameworks the workspace tracks; a change there is
// core's (`crosswalk frameworks` agrees, the Dashboard follows), and a change
// made with the CLI shows in Settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, content, launch, nav, shot, tempDir, until } from '../lib/app.js';

const tracked = (dir) =>
  cli(dir, 'frameworks', '--all', '--json')
    .filter((f) => f.tracked)
    .map((f) => f.id)
    .sort();

test('the tracked frameworks are chosen in Settings', async () => {
  const dir = tempDir();
  cli(dir, 'frameworks', '--json'); // creates the workspace
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'settings');
    await browser.$('[data-testid="settings-tracked"]').waitForExist({ timeout: 10000 });
    await until(browser, async () => (await content(browser, '[data-testid="tracked-count"]')).includes('Tracking 6 of 6'), 'all six tracked');
    await shot(browser, '69-settings-frameworks');

    await browser.$('[data-testid="settings-tracked"] [data-track="hipaa-security"]').click();
    await until(browser, async () => (await content(browser, '[data-testid="tracked-count"]')).includes('Tracking 5 of 6'), 'five tracked');
    assert.ok(!tracked(dir).includes('hipaa-security'), 'core untracked it');
    assert.equal(cli(dir, 'log', '--json', '--limit', '1')[0].actor.length > 0, true);

    // The Dashboard shows only tracked frameworks.
    await nav(browser, 'dashboard');
    await browser.pause(1500);
    assert.doesNotMatch(await content(browser, 'main'), /HIPAA Security/);

    // A change with the CLI appears in Settings (the window refreshes).
    cli(dir, 'frameworks', 'untrack', 'gdpr');
    await nav(browser, 'settings');
    await until(browser, async () => (await content(browser, '[data-testid="tracked-count"]')).includes('Tracking 4 of 6'), 'the CLI’s change shows');
    assert.equal(await browser.$('[data-testid="settings-tracked"] [data-track="gdpr"]').isSelected(), false);
    await browser.$('[data-testid="settings-tracked"] [data-track="gdpr"]').click();
    await until(browser, async () => tracked(dir).includes('gdpr'), 'tracked again');
    assert.deepEqual(tracked(dir), ['gdpr', 'iso27001-2022', 'nist-csf-2.0', 'pci-dss-4.0.1', 'soc2'].sort());
  } finally {
    await app.close();
  }
});
