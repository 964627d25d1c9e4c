// Error boxes: titled by what failed, one plain sentence, what to do, and
// the system's raw words (errno text) only under a closed "Details".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, press, shot, tempDir, until } from '../lib/app.js';

const box = (browser, scope) =>
  browser.execute((s) => {
    const e = document.querySelector(`${s} [data-testid="error"]`);
    if (!e) return null;
    const details = e.querySelector('[data-testid="error-details"]');
    const outside = [...e.childNodes].filter((n) => n !== details).map((n) => n.textContent).join(' ');
    return {
      title: e.querySelector('[data-testid="error-title"]').textContent.trim(),
      outside,
      details: details ? details.querySelector('pre').textContent : null,
      open: details ? details.open : null,
    };
  }, scope);

test('failures are titled by what failed, with raw OS text only under Details', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const a = cli(dir, 'assessment', 'create', '--name', 'SOC 2 2026', '--framework', 'soc2', '--period', '2026-01-01..2026-12-31', '--json');
  const app = await launch(dir);
  const { browser } = app;
  try {
    // A report into a folder that cannot exist (its parent is a file).
    await nav(browser, 'assessments');
    await browser.$(`[data-assessment="${a.id}"]`).click();
    await fill(browser, '[data-testid="report-path"]', join(dir, 'crosswalk.db', 'report.pdf'));
    await browser.$('[data-testid="generate-report"]').click();
    await until(browser, async () => Boolean(await box(browser, '[data-testid="report-panel"]')), 'an error box');
    let b = await box(browser, '[data-testid="report-panel"]');
    assert.equal(b.title, 'The report was not generated');
    assert.match(b.outside, /could not be made/);
    assert.match(b.outside, /Choose a folder you can write to/);
    assert.doesNotMatch(b.outside, /os error|Something went wrong/);
    assert.match(b.details, /os error \d+/);
    assert.equal(b.open, false, 'details stay folded');
    await shot(browser, '70-error-report-folder');

    // Evidence from a file that is not there: core's sentence, errno under Details.
    await nav(browser, 'evidence');
    await browser.$('[data-testid="new-evidence"]').click();
    await browser.$('[data-testid="evidence-form"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="evidence-path"]', join(dir, 'no-such-file.pdf'));
    await fill(browser, '[data-testid="evidence-link-control"]', 'E2E-LOG');
    await press(browser, 'Enter');
    await browser.$('[data-linked="E2E-LOG-01"]').waitForExist({ timeout: 5000 });
    await browser.$('[data-testid="save-evidence"]').click();
    await until(browser, async () => Boolean(await box(browser, '[data-testid="evidence-form"]')), 'an error box');
    b = await box(browser, '[data-testid="evidence-form"]');
    assert.equal(b.title, 'The evidence was not added');
    assert.match(b.outside, /no-such-file\.pdf/);
    assert.doesNotMatch(b.outside, /os error/);
    assert.match(b.details ?? '', /os error 2|No such file/);
    await browser.$('[data-testid="evidence-form"] [data-testid="error-details"] summary').click();
    assert.equal((await box(browser, '[data-testid="evidence-form"]')).open, true, 'Details opens on a click');
    await shot(browser, '71-error-evidence-file');
  } finally {
    await app.close();
  }
});
