// Import: Enter in the path box adds the path to the list and imports
// nothing; with "Delete controls…" ticked, the import shows core's dry-run
// plan of what it would delete and deletes only after a yes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, content, fill, launch, nav, press, shot, tempDir, until } from '../lib/app.js';

const control = (id, title) => `  - id: ${id}\n    title: ${title}\n    status: implemented\n    maps:\n      soc2: [CC6.1]\n`;

test('Enter adds the path; pruning shows what would be deleted and asks', async () => {
  const dir = tempDir();
  const lib = tempDir('crosswalk-e2e-lib-');
  const file = join(lib, 'controls.yaml');
  writeFileSync(file, `controls:\n${control('KEEP-01', 'Kept control')}${control('OLD-01', 'Retired control')}${control('OLD-02', 'Another retired one')}`);
  cli(dir, 'import', file);
  // The file loses two controls.
  writeFileSync(file, `controls:\n${control('KEEP-01', 'Kept control')}`);
  const events = () => cli(dir, 'log', '--json', '--limit', '1')[0].seq;
  const before = events();
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'import');
    await fill(browser, '[data-testid="import-path"]', file);
    await press(browser, 'Enter');
    await until(browser, async () => (await content(browser, '[data-testid="import-paths"]')).includes(file), 'the path is in the list');
    assert.equal(await browser.$('[data-testid="import-path"]').getValue(), '', 'the box is empty again');
    await browser.pause(1000);
    assert.equal(await browser.$('[data-testid="import-report"]').isExisting(), false, 'Enter ran no import, not even a check');
    assert.equal(events(), before, 'nothing written');

    await browser.$('[data-testid="prune"]').click();
    await browser.$('[data-testid="run-import"]').click();
    await browser.$('[data-testid="import-removed"]').waitForExist({ timeout: 15000 });
    assert.match(await content(browser, '[data-testid="import-removed"]'), /Would delete \(2\):\s*OLD-01, OLD-02/);
    assert.equal(events(), before, 'the check writes nothing');
    await browser.$('[data-testid="import-now"]').click();
    await browser.$('[data-testid="prune-confirm"]').waitForExist({ timeout: 5000 });
    assert.match(await content(browser, '[data-testid="prune-confirm"]'), /Delete 2 controls\?.*OLD-01, OLD-02/s);
    await shot(browser, '65-import-prune-confirm');
    assert.equal(events(), before, 'asking writes nothing');
    await browser.$('[data-testid="prune-no"]').click();
    assert.equal(await browser.$('[data-testid="prune-confirm"]').isExisting(), false);
    assert.equal(cli(dir, 'controls', '--json').length, 3, 'kept');

    await browser.$('[data-testid="import-now"]').click();
    await browser.$('[data-testid="prune-yes"]').click();
    await until(browser, async () => (await content(browser, '[data-testid="import-removed"]')).includes('Deleted (2)'), 'the import deleted them');
    assert.deepEqual(cli(dir, 'controls', '--json').map((c) => c.id), ['KEEP-01']);
    const last = cli(dir, 'log', '--json', '--limit', '1')[0];
    assert.equal(last.seq, before + 1, 'one audit event for the import');
  } finally {
    await app.close();
  }
});
