// The views this work changed, at 1024×700 and 1280×800, light and dark:
// the register with its filters, the evidence and assessment forms showing
// core's messages, an assessment with its past reports, the Import
// confirmation and Settings with the tracked frameworks. Nothing overflows;
// a screenshot of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, overflowing, setTheme, shot, tempDir, windowSize } from '../lib/app.js';

const SIZES = [
  [1024, 700],
  [1280, 800],
];

test('the changed views hold at 1024×700 and 1280×800, light and dark', async () => {
  const dir = tempDir();
  cli(dir, 'demo');
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  const a = cli(dir, 'assessment', 'create', '--name', 'SOC 2 Type II 2026 — Production platform and customer data', '--framework', 'soc2', '--period', '2026-01-01..2026-12-31', '--json');
  cli(dir, 'report', '--assessment', String(a.id)); // core names it after the assessment
  const lib = tempDir('crosswalk-e2e-lib-');
  const file = join(lib, 'controls.yaml');
  writeFileSync(file, 'controls:\n  - id: L-01\n    title: One\n    status: implemented\n    maps:\n      soc2: [CC6.1]\n  - id: L-02\n    title: Two\n    status: implemented\n    maps:\n      soc2: [CC6.1]\n');
  cli(dir, 'import', file);
  writeFileSync(file, 'controls:\n  - id: L-01\n    title: One\n    status: implemented\n    maps:\n      soc2: [CC6.1]\n');
  const app = await launch(dir);
  const { browser } = app;
  const problems = [];
  const check = async (what, name) => {
    for (const p of await overflowing(browser)) problems.push(`${what}: ${p}`);
    await shot(browser, name);
  };
  try {
    for (const [w, h] of SIZES) {
      await windowSize(browser, w, h);
      for (const theme of ['light', 'dark']) {
        await setTheme(browser, theme);
        const tag = `${w}x${h}-${theme}`;
        await nav(browser, 'evidence');
        await browser.$('[data-testid="evidence-filters"]').waitForExist({ timeout: 10000 });
        await browser.$('[data-status-filter="valid"]').click();
        await browser.pause(600);
        await check(`${tag} register`, `daily-${tag}-register`);
        await browser.$('[data-status-filter="valid"]').click();

        await browser.$('[data-testid="new-evidence"]').click();
        await browser.$('[data-testid="evidence-form"]').waitForExist({ timeout: 10000 });
        await browser.$('button[role="radio"]=Link').click();
        await fill(browser, '[data-testid="evidence-url"]', 'wiki.example.com');
        await fill(browser, '[data-testid="evidence-collected"]', '2026-1');
        await fill(browser, '[data-testid="evidence-valid-for"]', 'soon');
        await browser.$('[data-testid="save-evidence"]').click();
        await browser.$('[data-field-error="ev-url"]').waitForExist({ timeout: 10000 });
        await check(`${tag} evidence form`, `daily-${tag}-evidence-form`);

        await nav(browser, 'assessments');
        await browser.$(`[data-assessment="${a.id}"]`).click();
        await browser.$('[data-testid="past-outputs"] [data-output]').waitForExist({ timeout: 10000 });
        await browser.execute(() => document.querySelector('[data-testid="past-outputs"]').scrollIntoView());
        await check(`${tag} past outputs`, `daily-${tag}-past-outputs`);

        await browser.$('[data-testid="new-assessment"]').click();
        await browser.$('[data-testid="assessment-form"]').waitForExist({ timeout: 10000 });
        await browser.$('[data-testid="save-assessment"]').click();
        await browser.$('[data-field-error="as-name"]').waitForExist({ timeout: 10000 });
        await check(`${tag} assessment form`, `daily-${tag}-assessment-form`);
        await browser.$('button=Cancel').click();

        await nav(browser, 'import');
        await fill(browser, '[data-testid="import-path"]', file);
        await browser.keys('Enter');
        await browser.$('[data-testid="import-paths"]').waitForExist({ timeout: 5000 });
        await browser.$('[data-testid="prune"]').click();
        await browser.$('[data-testid="run-import"]').click();
        await browser.$('[data-testid="import-now"]').waitForExist({ timeout: 15000 });
        await browser.$('[data-testid="import-now"]').click();
        await browser.$('[data-testid="prune-confirm"]').waitForExist({ timeout: 5000 });
        await check(`${tag} import confirm`, `daily-${tag}-import-confirm`);
        await browser.$('[data-testid="prune-no"]').click();
        await browser.$('[data-testid="prune"]').click();

        await nav(browser, 'settings');
        await browser.$('[data-testid="settings-tracked"]').waitForExist({ timeout: 10000 });
        await browser.execute(() => document.querySelector('[data-testid="settings-frameworks"]').scrollIntoView());
        await check(`${tag} settings`, `daily-${tag}-settings`);
      }
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await app.close();
  }
});
