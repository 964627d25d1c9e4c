// Editing a mapping changes coverage: map a control that has current
// evidence to one more requirement and the framework's figure goes up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, content, fill, fixtures, launch, nav, shot, text, tempDir, until } from '../lib/app.js';

const covered = (dir, id) => cli(dir, 'frameworks', '--json').find((f) => f.id === id).covered;
const tile = (id) => `[data-testid="framework-tile"][data-framework="${id}"] [data-testid="covered-count"]`;

test('adding a mapping in the editor raises coverage', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const before = covered(dir, 'nist-csf-2.0');
  const app = await launch(dir);
  const { browser } = app;
  try {
    await browser.$(tile('nist-csf-2.0')).waitForExist({ timeout: 15000 });
    assert.equal(Number(await text(browser, tile('nist-csf-2.0'))), before);

    await nav(browser, 'controls');
    await browser.$('[data-control="E2E-ENC-01"] td.tcell').click();
    await browser.$('[data-testid="edit-control"]').click();
    await browser.$('[data-testid="control-form"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="mapping-search"]', 'PR.DS-02');
    const hit = browser.$('[data-hit="nist-csf-2.0 PR.DS-02"]');
    await hit.waitForExist({ timeout: 10000 });
    await hit.click();
    await browser.$('[data-mapping="nist-csf-2.0 PR.DS-02"]').waitForExist({ timeout: 5000 });
    await shot(browser, '30-mapping-editor');
    await browser.$('[data-testid="save-control"]').click();
    await browser.$('[data-testid="control-detail"]').waitForExist({ timeout: 10000 });
    // The detail re-renders once the save returns; read textContent (getText skips clipped cells).
    await until(browser, async () => (await content(browser, '[data-testid="control-detail"]')).includes('PR.DS-02'), 'the saved mapping shows in the detail');
    await shot(browser, '31-control-saved');

    assert.equal(covered(dir, 'nist-csf-2.0'), before + 1, 'core counts one more covered requirement');
    await nav(browser, 'dashboard');
    await until(browser, async () => Number(await text(browser, tile('nist-csf-2.0'))) === before + 1, 'the dashboard shows it');

    // A bad edit is refused with a readable message, and nothing changes.
    await nav(browser, 'controls');
    await browser.$('[data-testid="new-control"]').click();
    await browser.$('[data-testid="control-form"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="control-id"]', 'bad id with spaces');
    await browser.$('[data-testid="save-control"]').click();
    // The message sits next to the ID field (core's rule, asked before saving).
    await browser.$('[data-field-error="c-id"]').waitForExist({ timeout: 10000 });
    assert.match(await browser.execute(() => document.querySelector('[data-field-error="c-id"]').textContent), /control id `bad id with spaces` may use only/);
    await shot(browser, '32-control-form-error');
    assert.equal(cli(dir, 'controls', '--json').length, 2);
  } finally {
    await app.close();
  }
});
