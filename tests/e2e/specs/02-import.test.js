// Import: a good YAML file lands (and shows in Controls); a bad one is
// rejected with its file:line:column, and nothing of it is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, shot, text, until } from '../lib/app.js';

test('importing a bad YAML file shows file:line and writes nothing; a good one lands', async () => {
  const app = await launch();
  const { browser, dataDir } = app;
  try {
    await nav(browser, 'import');
    await shot(browser, '10-import-empty');

    // The bad file first.
    const bad = join(fixtures, 'bad/controls.yaml');
    await fill(browser, '[data-testid="import-path"]', bad);
    await browser.$('[data-testid="run-import"]').click();
    const problems = browser.$('[data-testid="problems"]');
    await problems.waitForExist({ timeout: 15000 });
    const listed = await problems.getText();
    assert.match(listed, /bad\/controls\.yaml:11:\d+/, `the problem names file and line: ${listed}`);
    assert.match(listed, /CC99\.1/);
    await shot(browser, '11-import-error');
    assert.deepEqual(cli(dataDir, 'controls', '--json'), [], 'nothing was written');

    // Then the good one, replacing the bad path.
    await browser.$('[data-testid="import-paths"] button').click();
    await fill(browser, '[data-testid="import-path"]', join(fixtures, 'good/controls.yaml'));
    await browser.$('[data-testid="run-import"]').click();
    // The view checks first and shows what would change; nothing is written until "Import now".
    await browser.$('[data-testid="import-now"]').waitForExist({ timeout: 15000 });
    assert.equal(await text(browser, '[data-testid="added-count"]'), '2');
    assert.deepEqual(cli(dataDir, 'controls', '--json'), [], 'the check wrote nothing');
    await browser.$('[data-testid="import-now"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="import-report"] h2')) === 'Imported', 'the import ran');
    assert.equal(await text(browser, '[data-testid="added-count"]'), '2');
    await shot(browser, '12-import-done');

    const stored = cli(dataDir, 'controls', '--json').map((c) => c.id).sort();
    assert.deepEqual(stored, ['E2E-ENC-01', 'E2E-LOG-01']);

    // The controls view lists them.
    await nav(browser, 'controls');
    await until(browser, async () => (await browser.$$('[data-testid="control-list"] [data-control]')).length === 2, 'two controls listed');
    await browser.$('[data-control="E2E-ENC-01"] td.tcell').click();
    await browser.$('[data-testid="control-detail"]').waitForExist({ timeout: 10000 });
    const detail = await text(browser, '[data-testid="control-detail"]');
    assert.ok(detail.includes('Encryption of data at rest'));
    assert.ok(detail.includes('KMS key policy export'), 'its evidence is listed');
    await shot(browser, '13-controls');
  } finally {
    await app.close();
  }
});
