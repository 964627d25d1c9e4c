// Evidence: add a file through the form; the register shows it with its
// SHA-256, and core stored exactly those bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, press, shot, text, tempDir, until } from '../lib/app.js';

test('adding an evidence file stores it by SHA-256 and links it to its control', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'evidence');
    await browser.$('[data-testid="evidence-list"]').waitForExist({ timeout: 10000 });
    await shot(browser, '20-evidence-register');

    await browser.$('[data-testid="new-evidence"]').click();
    await browser.$('[data-testid="evidence-form"]').waitForExist({ timeout: 10000 });
    const file = join(fixtures, 'evidence-file.txt');
    await fill(browser, '[data-testid="evidence-path"]', file);
    await fill(browser, '[data-testid="evidence-title"]', 'Quarterly access review Q3');
    await fill(browser, '[data-testid="evidence-link-control"]', 'E2E-LOG');
    await press(browser, 'Enter');
    await browser.$('[data-linked="E2E-LOG-01"]').waitForExist({ timeout: 5000 });
    await fill(browser, '[data-testid="evidence-collected"]', '2026-01-10');
    await fill(browser, '[data-testid="evidence-valid-until"]', '2099-01-10');
    await shot(browser, '21-evidence-form');
    await browser.$('[data-testid="save-evidence"]').click();

    await browser.$('[data-testid="evidence-detail"]').waitForExist({ timeout: 15000 });
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    const revisions = await text(browser, '[data-testid="revisions"]');
    assert.ok(revisions.includes(sha.slice(0, 12)), `the SHA-256 ${sha} is shown: ${revisions}`);
    assert.ok((await text(browser, '[data-testid="evidence-detail"]')).includes('E2E-LOG-01'));
    await until(browser, async () => (await browser.$$('[data-testid="evidence-list"] [data-evidence]')).length === 2, 'two items in the register');
    await shot(browser, '22-evidence-detail');

    const stored = cli(dir, 'evidence', 'list', '--json');
    const added = stored.find((e) => e.title === 'Quarterly access review Q3');
    assert.ok(added, 'core lists the new evidence');
    assert.deepEqual(added.controls, ['E2E-LOG-01']);
    assert.equal(added.collected_on, '2026-01-10');
    assert.equal(added.revisions.at(-1).sha256, sha);
  } finally {
    await app.close();
  }
});
