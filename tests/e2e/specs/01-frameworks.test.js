// The window shows every framework with the coverage figures core computes:
// the same numbers `crosswalk frameworks --json` prints for the same data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, content, fill, launch, nav, setTheme, shot, tempDir, text, until } from '../lib/app.js';

const pct = (v) => `${Number.isInteger(v) ? v : v.toFixed(1)}%`;

test('dashboard and frameworks view show the figures core computes', async () => {
  const dir = tempDir();
  cli(dir, 'demo', '--json'); // the example controls, so the figures are not all zero
  const expected = cli(dir, 'frameworks', '--json');
  assert.equal(expected.length, 6, 'six shipped frameworks');

  const app = await launch(dir);
  const { browser } = app;
  try {
    await browser.$('[data-testid="framework-tile"]').waitForExist({ timeout: 20000 });
    for (const fw of expected) {
      const tile = `[data-testid="framework-tile"][data-framework="${fw.id}"]`;
      assert.equal(await text(browser, `${tile} [data-testid="percent-covered"]`), pct(fw.percent_covered), `${fw.id} percent`);
      assert.equal(Number(await text(browser, `${tile} [data-testid="covered-count"]`)), fw.covered, `${fw.id} covered`);
      assert.equal(
        Number(await text(browser, `${tile} [data-testid="assessable-count"]`)),
        fw.assessable - fw.not_applicable,
        `${fw.id} in scope`,
      );
      assert.ok((await text(browser, tile)).includes(fw.short_name));
    }
    assert.ok(await browser.$('[data-testid="coverage-chart"]').isExisting(), 'the chart is drawn');
    await shot(browser, '01-dashboard');

    // Frameworks view: every framework's figures and its requirement tree.
    await nav(browser, 'frameworks');
    for (const fw of expected) {
      await browser.$(`.tabs button[data-framework="${fw.id}"]`).click();
      await until(browser, async () => (await text(browser, '[data-testid="framework-name"]')) === fw.name, `${fw.id} selected`);
      for (const key of ['assessable', 'covered', 'related_coverage', 'partial', 'stale', 'gap']) {
        assert.equal(Number(await text(browser, `[data-fig="${key}"]`)), fw[key], `${fw.id} ${key}`);
      }
    }
    // The NIST CSF tree, with a requirement opened.
    await browser.$('.tabs button[data-framework="nist-csf-2.0"]').click();
    await browser.$('[data-ref="PR.DS-01"]').waitForExist({ timeout: 10000 });
    await browser.$('[data-ref="PR.DS-01"]').click();
    await until(browser, async () => (await text(browser, '[data-testid="requirement-detail"]')).includes('PR.DS-01'), 'detail shows');
    const rows = await browser.$$('[data-testid="requirement-tree"] [data-ref]');
    const nist = expected.find((f) => f.id === 'nist-csf-2.0');
    assert.equal(rows.length, nist.requirements, 'every NIST CSF entry is in the tree');
    await shot(browser, '02-frameworks');

    // Ctrl+K finds a requirement by its ref and opens it.
    await nav(browser, 'dashboard');
    await browser.keys(['Control', 'k']);
    await browser.$('[data-testid="palette"]').waitForExist({ timeout: 5000 });
    await fill(browser, '[data-testid="palette"] input', 'PR.AA-01');
    await until(browser, async () => (await content(browser, '[data-testid="palette"] ul')).includes('Identities and credentials'), 'the requirement is found');
    await shot(browser, '04-search');
    await browser.keys('Enter');
    await browser.$('main[data-view="frameworks"]').waitForExist({ timeout: 5000 });
    await until(browser, async () => (await text(browser, '[data-testid="requirement-detail"]')).includes('PR.AA-01'), 'it opens');

    // Dark theme.
    await nav(browser, 'dashboard');
    await setTheme(browser, 'dark');
    await shot(browser, '03-dashboard-dark');
    await setTheme(browser, 'light');

    // The strict CSP blocked nothing the app itself does.
    assert.deepEqual(await browser.execute(() => window.__cspViolations), []);
  } finally {
    await app.close();
  }
});
