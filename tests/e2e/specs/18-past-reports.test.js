// Past reports and packages, listed per assessment and named after it, from
// the audit trail (so one the CLI wrote is listed too); opening one checks
// it is the file that was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, content, fixtures, launch, nav, shot, tempDir, until } from '../lib/app.js';

const outputs = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('[data-testid="past-outputs"] [data-output]')].map((li) => ({
      seq: Number(li.dataset.output),
      kind: li.dataset.kind,
      state: li.dataset.state,
      name: li.querySelector('[data-testid="output-name"]').textContent.trim(),
    })),
  );

test('reports and packages are listed under their assessment, named after it, and open only unchanged', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const a = cli(dir, 'assessment', 'create', '--name', 'SOC 2 Type II 2026', '--framework', 'soc2', '--period', '2026-01-01..2026-12-31', '--json');
  cli(dir, 'assessment', 'create', '--name', 'ISO surveillance', '--framework', 'iso27001-2022', '--period', '2026-01-01..2026-12-31');
  // One written by the CLI elsewhere: the trail records it, so the app lists it.
  const elsewhere = join(dir, '..', `${dir.split('/').pop()}-cli-report.pdf`);
  cli(dir, 'report', '--assessment', String(a.id), '--output', elsewhere);
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'assessments');
    await browser.$(`[data-assessment="${a.id}"]`).click();
    await browser.$('[data-testid="past-outputs"]').waitForExist({ timeout: 10000 });
    await until(browser, async () => (await outputs(browser)).length === 1, 'the CLI’s report is listed');

    await browser.$('[data-testid="generate-report"]').click();
    await until(
      browser,
      async () => (await browser.$('[data-testid="report-summary"]').isExisting()) || (await browser.$('[data-testid="report-panel"] [data-testid="error"]').isExisting()),
      'the report is generated',
      180000,
    );
    assert.equal(await browser.$('[data-testid="report-panel"] [data-testid="error"]').isExisting(), false, await content(browser, '[data-testid="report-panel"]'));
    const file = await content(browser, '[data-testid="report-file"]');
    assert.match(file, /\/reports\/soc-2-type-ii-2026-\d{4}-\d{2}-\d{2}\.pdf$/, `named after the assessment: ${file}`);
    await browser.$('[data-testid="write-package"]').click();
    await until(
      browser,
      async () => (await browser.$('[data-testid="package-summary"]').isExisting()) || (await browser.$('[data-testid="package-panel"] [data-testid="error"]').isExisting()),
      'the package is written',
      180000,
    );
    assert.equal(await browser.$('[data-testid="package-panel"] [data-testid="error"]').isExisting(), false, await content(browser, '[data-testid="package-panel"]'));
    assert.match(await content(browser, '[data-testid="package-file"]'), /\/packages\/soc-2-type-ii-2026-\d{4}-\d{2}-\d{2}\.zip$/);
    await until(browser, async () => (await outputs(browser)).length === 3, 'three files for the assessment');
    const listed = await outputs(browser);
    assert.deepEqual(listed.map((o) => o.kind), ['package', 'report', 'report'], 'newest first');
    assert.match(listed[0].name, /^soc-2-type-ii-2026-.*\.zip$/);
    assert.match(listed[1].name, /^soc-2-type-ii-2026-.*\.pdf$/);
    assert.ok(listed.every((o) => o.state === 'present'));
    await shot(browser, '63-past-outputs');

    // The other assessment has none; the CLI agrees on the trail's events.
    await browser.$('[data-assessment]:not([data-assessment="' + a.id + '"])').click();
    await browser.$('[data-testid="no-past-outputs"]').waitForExist({ timeout: 10000 });
    const log = cli(dir, 'log', '--json', '--limit', '50').filter((e) => e.action === 'report.generated' || e.action === 'package.generated');
    assert.deepEqual(log.map((e) => e.seq).sort(), listed.map((o) => o.seq).sort());

    // A changed file is not opened: core says why, under a title naming what failed.
    await browser.$(`[data-assessment="${a.id}"]`).click();
    await until(browser, async () => (await outputs(browser)).length === 3, 'back to the three');
    writeFileSync(elsewhere, 'not the report that was written');
    await nav(browser, 'dashboard');
    await nav(browser, 'assessments');
    await browser.$(`[data-assessment="${a.id}"]`).click();
    await until(browser, async () => (await outputs(browser)).find((o) => o.name.endsWith('cli-report.pdf'))?.state === 'changed', 'the changed file shows as changed');
    const intact = (await outputs(browser)).find((o) => o.kind === 'report' && o.state === 'present');
    await browser.$(`[data-output="${intact.seq}"] [data-testid="open-output"]`).click();
    // Core's check passes; whether a viewer exists is the system's business:
    // if none does, the box names what failed and keeps the raw text in Details.
    await browser.pause(2500);
    const box = await browser.execute(() => {
      const e = document.querySelector('[data-testid="past-outputs"] [data-testid="error"]');
      return e && { title: e.querySelector('[data-testid="error-title"]').textContent, text: e.textContent, details: !!e.querySelector('[data-testid="error-details"]') };
    });
    if (box) {
      assert.equal(box.title, 'Could not open the PDF');
      assert.doesNotMatch(box.text, /changed since|not the report/);
      assert.ok(box.details, 'the system’s words are under Details');
      await shot(browser, '64-open-pdf-failed');
    }
  } finally {
    await app.close();
  }
});
