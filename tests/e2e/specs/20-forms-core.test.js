// Core's messages beside the fields of the evidence, assessment, SoA and
// applicability forms (no browser validation bubble; nothing is saved
// while a field is wrong).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, content, fill, fixtures, launch, nav, press, shot, tempDir, until } from '../lib/app.js';

const fieldError = (browser, id) => content(browser, `[data-field-error="${id}"]`);

test('each form shows core’s message next to the field and saves nothing', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const a = cli(dir, 'assessment', 'create', '--name', 'ISO 2026', '--framework', 'iso27001-2022', '--period', '2026-01-01..2026-12-31', '--json');
  const events = () => cli(dir, 'log', '--json', '--limit', '1')[0].seq;
  const app = await launch(dir);
  const { browser } = app;
  try {
    // Evidence: a link without https://, a half-typed date, a period that is no period.
    await nav(browser, 'evidence');
    await browser.$('[data-testid="new-evidence"]').click();
    await browser.$('[data-testid="evidence-form"]').waitForExist({ timeout: 10000 });
    assert.equal(await browser.execute(() => document.querySelector('[data-testid="evidence-form"]').noValidate), true);
    await browser.$('button[role="radio"]=Link').click();
    await fill(browser, '[data-testid="evidence-url"]', 'wiki.example.com/access-review');
    await fill(browser, '[data-testid="evidence-collected"]', '2026-1');
    await fill(browser, '[data-testid="evidence-valid-for"]', 'soon');
    const before = events();
    await browser.$('[data-testid="save-evidence"]').click();
    await until(browser, async () => (await fieldError(browser, 'ev-url')) !== '', 'a message beside the address');
    assert.match(await fieldError(browser, 'ev-url'), /https?:\/\//);
    assert.match(await fieldError(browser, 'ev-collected'), /YYYY-MM-DD/);
    assert.match(await fieldError(browser, 'ev-valid-for'), /soon/);
    assert.match(await fieldError(browser, 'ev-controls'), /at least one control/);
    await shot(browser, '66-evidence-form-errors');
    assert.equal(events(), before, 'nothing saved');
    // Across fields: valid until before the evidence date.
    await fill(browser, '[data-testid="evidence-url"]', 'https://wiki.example.com/access-review');
    await fill(browser, '[data-testid="evidence-collected"]', '2026-03-01');
    await fill(browser, '[data-testid="evidence-valid-until"]', '2026-02-01');
    await fill(browser, '[data-testid="evidence-valid-for"]', '');
    await fill(browser, '[data-testid="evidence-link-control"]', 'E2E-LOG');
    await press(browser, 'Enter');
    await browser.$('[data-linked="E2E-LOG-01"]').waitForExist({ timeout: 5000 });
    await browser.$('[data-testid="save-evidence"]').click();
    await until(browser, async () => (await fieldError(browser, 'ev-valid-until')).includes('before the collected date'), 'the date order message');
    assert.equal(await fieldError(browser, 'ev-url'), '', 'the fixed field is clear');
    assert.equal(events(), before);
    await fill(browser, '[data-testid="evidence-valid-until"]', '2099-02-01');
    await browser.$('[data-testid="save-evidence"]').click();
    await browser.$('[data-testid="evidence-detail"]').waitForExist({ timeout: 15000 });
    assert.equal(events(), before + 1, 'saved once the fields are right');

    // Editing it: an emptied title and collector, a half-typed date, no control.
    await browser.$('[data-testid="edit-evidence"]').click();
    await browser.$('[data-testid="evidence-edit-form"]').waitForExist({ timeout: 5000 });
    assert.equal(await browser.execute(() => document.querySelector('[data-testid="evidence-edit-form"]').noValidate), true);
    await fill(browser, '[data-testid="edit-title"]', '   ');
    await fill(browser, '[data-testid="edit-collected"]', '2026-3');
    await fill(browser, '[data-testid="edit-collected-by"]', '');
    await browser.$('[data-testid="edit-controls"] input[type="checkbox"]:checked').click();
    const beforeEdit = events();
    await browser.$('[data-testid="save-evidence-edit"]').click();
    await until(browser, async () => (await fieldError(browser, 'ee-title')) !== '', 'a message beside the title');
    assert.match(await fieldError(browser, 'ee-title'), /needs a title/);
    assert.match(await fieldError(browser, 'ee-collected'), /YYYY-MM-DD/);
    assert.match(await fieldError(browser, 'ee-collected-by'), /name who gathered/);
    assert.match(await fieldError(browser, 'ee-controls'), /at least one control/);
    await shot(browser, '66b-evidence-edit-errors');
    assert.equal(events(), beforeEdit, 'nothing saved');
    // Across fields: a valid-until before the evidence date, in the edit's own words.
    await fill(browser, '[data-testid="edit-title"]', 'Access review page');
    await fill(browser, '[data-testid="edit-collected"]', '2026-03-01');
    await fill(browser, '[data-testid="edit-collected-by"]', 'Dana Ops');
    await fill(browser, '[data-testid="edit-valid-until"]', '2026-02-01');
    await browser.$('[data-testid="edit-controls"] input[type="checkbox"]').click();
    await browser.$('[data-testid="save-evidence-edit"]').click();
    await until(browser, async () => (await fieldError(browser, 'ee-valid-until')).includes('before the collected date'), 'the date order message on edit');
    assert.equal(await fieldError(browser, 'ee-title'), '', 'the fixed field is clear');
    assert.equal(events(), beforeEdit);
    await fill(browser, '[data-testid="edit-valid-until"]', '2099-03-01');
    await browser.$('[data-testid="save-evidence-edit"]').click();
    await until(browser, () => events() === beforeEdit + 1, 'the edit saved once the fields are right');
    const edited = cli(dir, 'log', '--json', '--limit', '1')[0];
    assert.equal(edited.action, 'evidence.edited');

    // Assessment: no name, a half date, no framework; then an end before the start.
    await nav(browser, 'assessments');
    await browser.$('[data-testid="new-assessment"]').click();
    await browser.$('[data-testid="assessment-form"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="assessment-from"]', '2026-13-01');
    await browser.$('[data-testid="save-assessment"]').click();
    await until(browser, async () => (await fieldError(browser, 'as-name')) !== '', 'a message beside the name');
    assert.match(await fieldError(browser, 'as-name'), /needs a name/);
    assert.notEqual(await fieldError(browser, 'as-from'), '');
    assert.match(await fieldError(browser, 'as-to'), /YYYY-MM-DD|date/i);
    assert.match(await fieldError(browser, 'as-frameworks'), /at least one framework/);
    await shot(browser, '67-assessment-form-errors');
    await fill(browser, '[data-testid="assessment-name"]', 'SOC 2 2026');
    await fill(browser, '[data-testid="assessment-from"]', '2026-06-01');
    await fill(browser, '[data-testid="assessment-to"]', '2026-01-01');
    await browser.$('[data-framework="soc2"]').click();
    await browser.$('[data-testid="save-assessment"]').click();
    await until(browser, async () => (await fieldError(browser, 'as-to')).includes('before it starts'), 'the period order message');
    assert.equal(cli(dir, 'assessment', 'list', '--json').length, 1, 'not saved');
    await browser.$('button=Cancel').click();

    // SoA: an approval date in the future.
    await browser.$(`[data-assessment="${a.id}"]`).click();
    await browser.$('[data-testid="soa-fields"]').waitForExist({ timeout: 10000 });
    await fill(browser, '[data-testid="soa-approved-on"]', '2999-01-01');
    const soaBefore = events();
    await browser.$('[data-testid="soa-save"]').click();
    await until(browser, async () => (await fieldError(browser, 'soa-approved-on')).includes('in the future'), 'the SoA date message');
    assert.equal(events(), soaBefore);

    // Applicability: not applicable without a reason.
    await fill(browser, '.na-search', 'A.5.1');
    await browser.$('.hits button').waitForExist({ timeout: 10000 });
    await browser.$('.hits button').click();
    await browser.$('[data-testid="na-save"]').click();
    await until(browser, async () => (await fieldError(browser, 'na-why')).includes('justification'), 'the justification message');
    await shot(browser, '68-na-justification-error');
    assert.equal(events(), soaBefore, 'no decision recorded');
    await fill(browser, '[data-testid="na-justification"]', 'Policies are group-wide and audited elsewhere');
    await browser.$('[data-testid="na-save"]').click();
    await until(browser, async () => events() === soaBefore + 1, 'the decision is recorded once it has a reason');
  } finally {
    await app.close();
  }
});
