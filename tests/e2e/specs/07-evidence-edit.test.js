// Evidence editing (issue 10): change an item's title, evidence date and
// collector in the app; core records before and after in the audit trail.
// Then a new file for the item, stored as a new occurrence with its own
// evidence date: the earlier occurrence keeps its date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, shot, text, tempDir, until } from '../lib/app.js';

test('editing evidence metadata and adding a new occurrence', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const added = cli(
    dir, 'evidence', 'add', 'E2E-ENC-01', join(fixtures, 'evidence-file.txt'),
    '--title', 'Access review', '--collected', '2026-03-31', '--json',
  );
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'evidence');
    // Open the item by its address (the same route a click on its row takes).
    await browser.$(`[data-evidence="${added.id}"]`).waitForExist({ timeout: 10000 });
    await browser.execute((id) => (location.hash = `#/evidence/${id}`), added.id);
    await browser.$('[data-testid="evidence-detail"]').waitForExist({ timeout: 10000 });
    await browser.$('[data-testid="edit-evidence"]').click();
    await browser.$('[data-testid="evidence-edit-form"]').waitForExist({ timeout: 5000 });
    await fill(browser, '[data-testid="edit-title"]', 'Q1 access review');
    await fill(browser, '[data-testid="edit-collected"]', '2026-03-30');
    await fill(browser, '[data-testid="edit-collected-by"]', 'Dana Ops');
    await shot(browser, '70-evidence-edit-form');
    await browser.$('[data-testid="save-evidence-edit"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="detail-collected-by"]').catch(() => '')) === 'Dana Ops', 'the detail shows the new collector');
    assert.equal(await text(browser, '[data-testid="detail-collected"]'), '2026-03-30');
    await shot(browser, '71-evidence-edited');

    const shown = cli(dir, 'evidence', 'show', String(added.id), '--json');
    assert.equal(shown.title, 'Q1 access review');
    assert.equal(shown.collected_on, '2026-03-30');
    assert.equal(shown.collected_by, 'Dana Ops');
    const event = cli(dir, 'log', '--json').find((e) => e.action === 'evidence.edited');
    assert.ok(event, 'an evidence.edited event');
    assert.equal(event.details.before.title, 'Access review');
    assert.equal(event.details.after.title, 'Q1 access review');
    assert.equal(event.details.before.collected_on, '2026-03-31');

    // The next quarter's review: a new occurrence, not a revision.
    await browser.$('[data-testid="new-file"]').click();
    await browser.$('[data-testid="evidence-file-form"]').waitForExist({ timeout: 5000 });
    await browser.$('[data-testid="mode-new-occurrence"]').click();
    await fill(browser, '[data-testid="file-path"]', join(fixtures, 'good/evidence/kms-key-policy.json'));
    await fill(browser, '[data-testid="file-collected"]', '2026-06-30');
    await shot(browser, '72-evidence-new-occurrence-form');
    await browser.$('[data-testid="store-file"]').click();
    await browser.$('[data-testid="occurrences"]').waitForExist({ timeout: 15000 });
    const occ = await text(browser, '[data-testid="occurrences"]');
    assert.ok(occ.includes('2026-03-30') && occ.includes('2026-06-30'), occ);
    await shot(browser, '73-evidence-occurrences');

    const series = cli(dir, 'evidence', 'occurrences', String(added.id), '--json');
    assert.deepEqual(series.map((e) => e.collected_on), ['2026-03-30', '2026-06-30']);
    assert.equal(series[1].series_id, added.id);
  } finally {
    await app.close();
  }
});
