// The window follows changes made underneath it: a CLI import while the app
// is open shows up without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, content, fixtures, launch, nav, shot, tempDir, until } from '../lib/app.js';

test('a CLI import while the window is open appears in it', async () => {
  const dir = tempDir();
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'controls');
    await browser.$('[data-testid="empty"]').waitForExist({ timeout: 10000 });
    cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
    await until(browser, async () => (await browser.$('[data-control="E2E-ENC-01"]').isExisting()), 'the imported controls appear', 15000);
    cli(dir, 'organisation', 'Imported Elsewhere Inc');
    await until(browser, async () => (await content(browser, '[data-testid="sidebar-org"]')) === 'Imported Elsewhere Inc', 'the sidebar follows', 15000);
    await nav(browser, 'activity');
    await until(browser, async () => (await content(browser, 'main')).includes('Organisation set to Imported Elsewhere Inc'), 'activity shows the CLI change');
    await shot(browser, '48-refreshed-after-cli');
    assert.ok(true);
  } finally {
    await app.close();
  }
});
