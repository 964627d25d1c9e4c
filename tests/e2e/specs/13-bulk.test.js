// Bulk actions: select with a filter, shift-click and select-all; preview;
// apply as one audit event. "Remove the example controls" in one step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, shot, tempDir, text, until } from '../lib/app.js';

const checkedCount = (browser) => browser.execute(() => document.querySelectorAll('[data-check]:checked').length);

test('many controls change or go in one step with a preview', async () => {
  const dir = tempDir();
  cli(dir, 'demo');
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const total = cli(dir, 'controls', '--json').length;
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'controls');
    await browser.$('[data-check="E2E-ENC-01"]').waitForExist({ timeout: 15000 });

    // Shift-click selects a range.
    const boxes = await browser.$$('[data-check]');
    await boxes[0].click();
    await browser.performActions([{ type: 'key', id: 'kb', actions: [{ type: 'keyDown', value: '\uE008' }] }]);
    await boxes[3].click();
    await browser.performActions([{ type: 'key', id: 'kb', actions: [{ type: 'keyUp', value: '\uE008' }] }]);
    await browser.releaseActions();
    await until(browser, async () => (await checkedCount(browser)) === 4, 'shift-click selects four');

    // Filter to planned controls, select all shown, set their owner.
    await browser.$('button=Clear').click();
    await browser.execute(() => {
      const s = document.querySelector('[data-testid="filter-status"]');
      s.value = 'planned';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const planned = cli(dir, 'controls', '--json').filter((c) => c.status === 'planned').map((c) => c.id);
    assert.ok(planned.length >= 2);
    await until(browser, async () => (await browser.$$('[data-check]')).length === planned.length, 'the filter shows the planned controls');
    await browser.$('[data-testid="select-all"]').click();
    await until(browser, async () => (await checkedCount(browser)) === planned.length, 'select all');
    await fill(browser, '[data-testid="bulk-value"]', 'GRC Office');
    await browser.$('[data-testid="bulk-preview-button"]').click();
    await browser.$('[data-testid="bulk-preview"]').waitForExist({ timeout: 10000 });
    assert.equal((await browser.$$('[data-bulk]')).length, planned.length);
    await shot(browser, '45-bulk-preview');
    assert.ok(cli(dir, 'controls', '--json').every((c) => c.owner !== 'GRC Office'), 'a preview writes nothing');
    const before = cli(dir, 'log', '--json', '--limit', '1')[0].seq;
    await browser.$('[data-testid="bulk-apply"]').click();
    await browser.$('[data-testid="bulk-done"]').waitForExist({ timeout: 10000 });
    const log = cli(dir, 'log', '--json', '--limit', '5');
    assert.equal(log[0].seq, before + 1, 'one audit event');
    assert.equal(log[0].action, 'controls.bulk_edited');
    for (const id of planned) assert.ok(log[0].summary.includes(id), `the event names ${id}`);
    const owners = cli(dir, 'controls', '--json').filter((c) => planned.includes(c.id)).map((c) => c.owner);
    assert.ok(owners.every((o) => o === 'GRC Office'));

    // Remove the example controls.
    await browser.execute(() => {
      const s = document.querySelector('[data-testid="filter-status"]');
      s.value = '';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await browser.$('[data-testid="remove-examples"]').click();
    await browser.$('[data-testid="bulk-preview"]').waitForExist({ timeout: 10000 });
    assert.equal((await browser.$$('[data-bulk]')).length, total - 2);
    assert.match(await text(browser, '[data-testid="bulk-withdrawn"]'), /will be withdrawn/);
    await shot(browser, '46-remove-examples-preview');
    await browser.$('[data-testid="bulk-apply"]').click();
    await browser.$('[data-testid="bulk-done"]').waitForExist({ timeout: 20000 });
    assert.deepEqual(cli(dir, 'controls', '--json').map((c) => c.id), ['E2E-ENC-01', 'E2E-LOG-01']);
    assert.equal(cli(dir, 'log', '--json', '--limit', '1')[0].action, 'controls.bulk_deleted');
    await until(browser, async () => (await browser.$$('[data-check]')).length === 2, 'the list shows what is left');
    assert.equal(await browser.$('[data-testid="remove-examples"]').isExisting(), false, 'no examples left to remove');
    await shot(browser, '47-after-remove-examples');
    const verify = cli(dir, 'verify', '--json');
    assert.equal(verify.ok, true);
  } finally {
    await app.close();
  }
});
