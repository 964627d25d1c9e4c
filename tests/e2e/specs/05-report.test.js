// Assessments and reports: create an assessment, generate its PDF with
// progress, and find a valid PDF where the window says it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cli, fill, launch, nav, shot, text, tempDir } from '../lib/app.js';

test('an assessment report is generated as a PDF', async () => {
  const dir = tempDir();
  cli(dir, 'demo', '--json');
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'assessments');
    await browser.$('[data-testid="new-assessment"]').click();
    await browser.$('[data-testid="assessment-form"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="assessment-name"]', 'SOC 2 Type II 2026');
    await fill(browser, '[data-testid="assessment-from"]', '2026-01-01');
    await fill(browser, '[data-testid="assessment-to"]', '2026-12-31');
    await browser.$('[data-testid="assessment-form"] input[data-framework="soc2"]').click();
    await shot(browser, '40-assessment-form');
    await browser.$('[data-testid="save-assessment"]').click();
    await browser.$('[data-testid="assessment-detail"]').waitForExist({ timeout: 10000 });
    assert.ok((await text(browser, '[data-testid="assessment-detail"]')).includes('SOC 2 Type II 2026'));

    await browser.$('[data-testid="generate-report"]').click();
    await browser.$('[data-testid="report-summary"]').waitForExist({ timeout: 120000 });
    await shot(browser, '41-report-generated');
    const path = await browser.$('[data-testid="report-file"]').getAttribute('title');
    assert.ok(path.startsWith(dir), `the report is in the workspace: ${path}`);
    assert.ok(existsSync(path), 'the PDF exists');
    const pdf = readFileSync(path);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(await text(browser, '[data-testid="report-summary"]'), /\d+ pages?/);

    const log = cli(dir, 'log', '--json');
    assert.ok(log.some((e) => e.action === 'report.generated'), 'the audit trail records the report');
  } finally {
    await app.close();
  }
});
