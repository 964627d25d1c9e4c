// Import of foreign formats in the real window: a control matrix (CSV) with a
// column for a framework Crosswalk does not have and a ref that does not
// exist is refused with the cell named; with "leave out" ticked, the check
// shows the column guess and the left-out cell, writes nothing, and "Import
// now" writes. Then an OSCAL catalog and an OpenControl project are checked
// and imported the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fill, launch, nav, repo, shot, tempDir, text, until } from '../lib/app.js';

const shared = join(repo, '../shared/data');

test('a matrix shows its column guess before anything is written; OSCAL and OpenControl import', async () => {
  const dir = tempDir('crosswalk-e2e-matrix-');
  const matrix = join(dir, 'matrix.csv');
  writeFileSync(
    matrix,
    [
      'Control ID,Control Name,Status,SOC 2 (TSP 2017),ISO 27002:2022,CIS Controls v8',
      'ENC-01,Encryption at rest,Implemented,"CC6.1, CC6.7",8.24,3.11',
      'IAM-02,MFA for admins,Partially implemented,"CC6.1\nCC99.9",5.15,6.5',
      '',
    ].join('\n'),
  );
  const app = await launch();
  const { browser, dataDir } = app;
  try {
    await nav(browser, 'import');
    await fill(browser, '[data-testid="import-path"]', matrix);
    await browser.$('[data-testid="run-import"]').click();
    const problems = browser.$('[data-testid="problems"]');
    await problems.waitForExist({ timeout: 15000 });
    const listed = await problems.getText();
    assert.match(listed, /line 3, column 4 \(SOC 2 \(TSP 2017\)\): `CC99\.9` is not a requirement of soc2/, listed);
    await shot(browser, '60-interop-matrix-refused');

    await browser.$('[data-testid="skip-unknown"]').click();
    await browser.$('[data-testid="run-import"]').click();
    await browser.$('[data-testid="column-guess"]').waitForExist({ timeout: 15000 });
    const guess = await text(browser, '[data-testid="column-guess"]');
    for (const want of ['soc2', 'iso27001-2022', 'ignored', 'ISO 27002 numbers read as ISO 27001 Annex A refs']) {
      assert.ok(guess.includes(want), `column guess shows ${want}: ${guess}`);
    }
    const skipped = await text(browser, '[data-testid="skipped-cells"]');
    assert.match(skipped, /CC99\.9/);
    assert.equal(await text(browser, '[data-testid="added-count"]'), '2');
    assert.deepEqual(cli(dataDir, 'controls', '--json'), [], 'the check wrote nothing');
    await shot(browser, '61-interop-matrix-guess');

    await browser.$('[data-testid="import-now"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="import-report"] h2')) === 'Imported', 'the import ran');
    const stored = cli(dataDir, 'controls', '--json');
    assert.deepEqual(stored.map((c) => c.id), ['ENC-01', 'IAM-02']);
    assert.deepEqual(stored[1].mappings.map((m) => m.ref), ['CC6.1', 'A.5.15']);

    // An OSCAL catalog (XML) and an OpenControl project, checked together.
    await browser.$('[data-testid="import-paths"] button').click();
    await fill(browser, '[data-testid="import-path"]', join(shared, 'oscal/NIST_CSF_v2.0_catalog.xml'));
    await browser.$('[data-testid="run-import"]').click();
    await browser.$('[data-testid="import-formats"]').waitForExist({ timeout: 30000 });
    await fill(browser, '[data-testid="import-path"]', join(shared, 'opencontrol/freedonia-compliance'));
    await browser.$('[data-testid="run-import"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="import-formats"]')).includes('OpenControl project'), 'both formats recognised', 30000);
    // textContent: WebKitWebDriver's getText leaves out the file names, which
    // sit in an ellipsis span (overflow: hidden).
    const formats = await browser.execute(() => document.querySelector('[data-testid="import-formats"]').textContent);
    assert.match(formats, /NIST_CSF_v2\.0_catalog\.xml: OSCAL catalog/);
    await shot(browser, '62-interop-oscal-opencontrol-check');
    await browser.$('[data-testid="import-now"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="import-report"] h2')) === 'Imported', 'the import ran', 30000);
    const ids = cli(dataDir, 'frameworks', '--json').map((f) => f.id);
    assert.ok(ids.includes('nist-cybersecurity-framework-2.0') && ids.includes('frist-800-53'), ids.join(', '));
    assert.ok(cli(dataDir, 'controls', '--json').some((c) => c.id === 'AU_policy'));
  } finally {
    await app.close();
  }
});
