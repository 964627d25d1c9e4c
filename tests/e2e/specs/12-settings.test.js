// Settings: the organisation appears in the sidebar and on reports, your name
// becomes the collector and the actor (also for the CLI run by the same
// person), the expiry window is the Dashboard's and the CLI's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, content, fill, fixtures, launch, nav, shot, tempDir, text, until } from '../lib/app.js';

test('settings are saved once, in the audit trail, and used everywhere', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'settings');
    await browser.$('[data-testid="settings-form"]').waitForExist({ timeout: 10000 });
    await shot(browser, '43-settings');
    await fill(browser, '[data-testid="settings-organisation"]', 'Acme Health Ltd');
    await fill(browser, '[data-testid="settings-name"]', 'Dana Auditor');
    await fill(browser, '[data-testid="settings-expiry"]', '8w');
    await browser.execute(() => {
      const s = document.querySelector('[data-testid="settings-dates"]');
      s.value = 'day_month_year';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await browser.$('[data-testid="save-settings"]').click();
    await browser.$('[data-testid="settings-saved"]').waitForExist({ timeout: 10000 });
    assert.match(await text(browser, '[data-testid="settings-saved"]'), /Dana Auditor/);
    await until(browser, async () => (await content(browser, '[data-testid="sidebar-org"]')) === 'Acme Health Ltd', 'sidebar shows the organisation');

    const s = cli(dir, 'settings', '--json');
    assert.equal(s.organisation, 'Acme Health Ltd');
    assert.equal(s.expiry_window_days, 56);
    assert.equal(s.date_display, 'day_month_year');
    assert.equal(cli(dir, 'log', '--json', '--limit', '1')[0].action, 'settings.changed', 'one event for the whole form');
    cli(dir, 'evidence', 'add', 'E2E-LOG-01', '--note', 'Log pipeline reviewed', '--valid-for', '40d');
    if (!process.env.CROSSWALK_ACTOR) {
      assert.equal(s.user_name, 'Dana Auditor');
      // The CLI run by the same person records the same name.
      const added = cli(dir, 'evidence', 'list', '--control', 'E2E-LOG-01', '--json')[0];
      assert.equal(added.collected_by, 'Dana Auditor');
      assert.equal(cli(dir, 'log', '--json', '--limit', '1')[0].actor, 'Dana Auditor');
    }
    // The note expires within the window: the shell gives today's reminder
    // (a desktop notification; Xvfb has no notification service to show it).
    await until(browser, async () => Boolean(cli(dir, 'settings', '--json').last_expiry_reminder), 'the daily reminder was given', 15000);
    assert.equal(cli(dir, 'settings', '--json').last_expiry_reminder, cli(dir, 'evidence', 'list', '--expiring', '56', '--json').as_of);

    // The Dashboard's window follows the setting: 40 days is inside 8 weeks.
    await nav(browser, 'dashboard');
    await until(browser, async () => (await content(browser, 'main')).includes('56 days') || (await content(browser, 'main')).includes('Log pipeline reviewed'), 'the dashboard uses the 56-day window');
    await shot(browser, '44-dashboard-after-settings');
    // Dates show as chosen.
    await nav(browser, 'controls');
    await browser.$('[data-control="E2E-ENC-01"] td.tcell').click();
    await browser.$('[data-testid="control-detail"]').waitForExist({ timeout: 10000 });
    await until(browser, async () => (await content(browser, '[data-testid="control-detail"]')).includes('15 Jan 2025'), 'collected date as 15 Jan 2025');
  } finally {
    await app.close();
  }
});
