// Forms validate in the app against core's rules and show each message next
// to its field (WebKitGTK shows no browser bubbles): control id, title,
// duration, URL, date, empty name, an unmappable requirement; nothing saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, shot, tempDir, until } from '../lib/app.js';

const fieldError = (browser, id) =>
  browser.execute((f) => document.querySelector(`[data-field-error="${f}"]`)?.textContent ?? '', id);

test('each kind of invalid input shows its message beside the field', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'controls');
    await browser.$('[data-testid="new-control"]').click();
    await browser.$('[data-testid="control-form"]').waitForExist({ timeout: 10000 });
    assert.equal(await browser.$('[data-testid="control-form"]').getAttribute('novalidate'), 'true');

    // Empty id and title: two messages at once.
    await browser.$('[data-testid="save-control"]').click();
    await until(browser, async () => (await fieldError(browser, 'c-id')).includes('needs an id'), 'empty id message');
    assert.match(await fieldError(browser, 'c-title'), /a control needs a title/);

    // A bad id, a bad review period.
    await fill(browser, '[data-testid="control-id"]', 'bad id');
    await fill(browser, '[data-testid="control-title"]', 'Backups are tested');
    await fill(browser, '[data-testid="control-review"]', 'ninety');
    await browser.$('[data-testid="save-control"]').click();
    await until(browser, async () => (await fieldError(browser, 'c-id')).includes('may use only letters'), 'bad id message');
    assert.match(await fieldError(browser, 'c-review'), /`ninety` is not a period/);
    assert.equal(await fieldError(browser, 'c-title'), '', 'the fixed title has no message any more');
    await shot(browser, '40-control-form-field-errors');
    assert.equal(cli(dir, 'controls', '--json').length, 2, 'nothing was saved');

    // Fixed: it saves, with the period core read (12w = 84 days).
    await fill(browser, '[data-testid="control-id"]', 'BCK-01');
    await fill(browser, '[data-testid="control-review"]', '12w');
    await browser.$('[data-testid="save-control"]').click();
    await browser.$('[data-testid="control-detail"]').waitForExist({ timeout: 10000 });
    assert.equal(cli(dir, 'control', 'BCK-01', '--json').review_every_days, 84);

    // The inline evidence form: a link without https://, a half-typed date, an impossible date.
    await browser.$('[data-testid="quick-open"]').click();
    await browser.$('[data-testid="quick-evidence"]').waitForExist({ timeout: 5000 });
    assert.equal(await browser.$('[data-testid="quick-collected"]').getValue(), '', 'an empty date field is empty, not today');
    assert.equal(await browser.$('[data-testid="quick-collected"]').getAttribute('placeholder'), 'YYYY-MM-DD');
    await fill(browser, '[data-testid="quick-url"]', 'wiki.example.com/backups');
    await fill(browser, '[data-testid="quick-collected"]', '2026-1');
    await fill(browser, '[data-testid="quick-until"]', '2026-02-30');
    await browser.$('[data-testid="quick-add"]').click();
    await until(browser, async () => (await fieldError(browser, 'q-url')).includes('is not a web address'), 'url message');
    assert.match(await fieldError(browser, 'q-collected'), /YYYY-MM-DD/);
    assert.match(await fieldError(browser, 'q-until'), /not a real calendar date/);
    await shot(browser, '41-quick-evidence-field-errors');
    assert.equal(cli(dir, 'evidence', 'list', '--control', 'BCK-01', '--json').length, 0);
    await fill(browser, '[data-testid="quick-url"]', 'https://wiki.example.com/backups');
    await fill(browser, '[data-testid="quick-collected"]', '2026-01-10');
    await fill(browser, '[data-testid="quick-until"]', '');
    await browser.$('[data-testid="quick-add"]').click();
    await until(browser, async () => cli(dir, 'evidence', 'list', '--control', 'BCK-01', '--json').length === 1, 'the link was added');
    const e = cli(dir, 'evidence', 'list', '--control', 'BCK-01', '--json')[0];
    assert.equal(e.collected_on, '2026-01-10');
    assert.equal(e.valid_until, '2026-04-04', 'empty valid-until follows the 12-week cadence');

    // Settings: an empty organisation and a bad window.
    await nav(browser, 'settings');
    await browser.$('[data-testid="settings-form"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="settings-organisation"]', '   ');
    await fill(browser, '[data-testid="settings-expiry"]', 'soon');
    await browser.$('[data-testid="save-settings"]').click();
    await until(browser, async () => (await fieldError(browser, 's-organisation')).includes('cannot be empty'), 'org message');
    assert.match(await fieldError(browser, 's-expiry'), /`soon` is not a period/);
    await shot(browser, '42-settings-field-errors');
    assert.equal(cli(dir, 'settings', '--json').organisation_set, false, 'nothing was saved');
  } finally {
    await app.close();
  }
});
