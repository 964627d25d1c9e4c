// Workspace-level applicability (issue 10): scope out SOC 2 privacy P1 in one
// step from the Frameworks view, with a justification; the decision shows
// with who made it, reaches core, and the Dashboard counts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, shot, text, tempDir } from '../lib/app.js';

test('deciding applicability for a group and for one requirement', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const app = await launch(dir);
  const { browser } = app;
  const why = 'The system processes no personal information of data subjects.';
  try {
    await nav(browser, 'frameworks');
    await browser.$('[data-framework="soc2"]').click();
    await browser.$('[data-testid="requirement-tree"] [data-ref="P6"]').waitForExist({ timeout: 10000 });
    await browser.$('[data-testid="requirement-tree"] [data-ref="P6"]').click();
    await browser.$('[data-testid="applicability-form"]').waitForExist({ timeout: 5000 });
    await browser.$('[data-testid="appl-no"]').click();
    await fill(browser, '[data-testid="appl-justification"]', why);
    await shot(browser, '80-applicability-group-form');
    await browser.$('[data-testid="appl-save"]').click();
    await browser.$('[data-testid="appl-done"]').waitForExist({ timeout: 10000 });
    assert.match(await text(browser, '[data-testid="appl-done"]'), /Recorded for 7 requirements/);

    const decided = cli(dir, 'applicability', 'list', 'soc2', '--json');
    assert.equal(decided.length, 7, 'P6.1 to P6.7');
    assert.ok(decided.every((d) => !d.applicable && d.justification === why));

    // One requirement under it shows the decision with who and when.
    await browser.$('[data-testid="requirement-tree"] [data-ref="P6.3"]').click();
    await browser.$('[data-testid="applicability-current"]').waitForExist({ timeout: 10000 });
    const current = await text(browser, '[data-testid="applicability-current"]');
    assert.ok(current.includes('Not applicable') && current.includes(why) && current.includes('workspace'), current);
    assert.ok((await text(browser, '[data-testid="status-reason"]')).includes('Not applicable'));
    await shot(browser, '81-applicability-decided');

    // Bring it back into scope: the history keeps both decisions.
    await browser.$('[data-testid="appl-yes"]').click();
    await fill(browser, '[data-testid="appl-justification"]', 'A partner now receives customer emails.');
    await browser.$('[data-testid="appl-save"]').click();
    await browser.$('[data-testid="appl-done"]').waitForExist({ timeout: 10000 });
    await browser.$('[data-testid="appl-history"]').scrollIntoView();
    await browser.$('[data-testid="appl-history"]').click();
    await browser.$('[data-testid="applicability-history"]').waitForExist({ timeout: 10000 });
    const history = await text(browser, '[data-testid="applicability-history"]');
    assert.ok(history.includes('Applicable') && history.includes('Not applicable'), history);
    await shot(browser, '82-applicability-history');

    await nav(browser, 'dashboard');
    const tile = await browser.$('[data-framework="soc2"] [data-testid="not-applicable-count"]');
    await tile.waitForExist({ timeout: 10000 });
    assert.match(await tile.getText(), /^6 not applicable/);
    await shot(browser, '83-dashboard-not-applicable');
  } finally {
    await app.close();
  }
});
