// Verify: a clean workspace verifies; a tampered evidence file is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fixtures, launch, nav, shot, text, tempDir, until } from '../lib/app.js';

function blobs(dir) {
  const root = join(dir, 'evidence');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.length === 2)
    .flatMap((d) => readdirSync(join(root, d.name)).map((f) => join(root, d.name, f)));
}

test('verify passes on a clean workspace and reports a tampered file', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'activity');
    await browser.$('[data-testid="audit-log"]').waitForExist({ timeout: 10000 });
    await browser.$('[data-testid="verify"]').click();
    const result = browser.$('[data-testid="verify-result"]');
    await result.waitForExist({ timeout: 60000 });
    assert.equal(await result.getAttribute('data-ok'), 'true', await result.getText());
    await shot(browser, '50-activity-verified');

    const [blob] = blobs(dir);
    assert.ok(blob, 'an evidence blob is stored');
    chmodSync(blob, 0o644);
    writeFileSync(blob, 'tampered');
    await browser.$('[data-testid="verify"]').click();
    await until(browser, async () => (await browser.$('[data-testid="verify-result"]').getAttribute('data-ok')) === 'false', 'the fault is reported', 60000);
    assert.match(await text(browser, '[data-testid="verify-result"]'), /fault/);
    await shot(browser, '51-activity-fault');
  } finally {
    await app.close();
  }
});
