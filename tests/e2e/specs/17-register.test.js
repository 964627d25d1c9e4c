// The evidence register: filtered by expiry status, control, kind and
// collector, and sorted, all by core (the same statuses as `crosswalk
// evidence list --expiring`); Ctrl+K finds a piece of evidence and opens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, content, fill, fixtures, launch, nav, shot, tempDir, until } from '../lib/app.js';

const rows = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('[data-testid="evidence-list"] [data-evidence]')].map((r) => ({
      id: Number(r.dataset.evidence),
      title: r.querySelector('.etitle').textContent.replace(/^\s*(file|link|note)\s*/, '').trim(),
      expiry: r.querySelector('[data-expiry]').dataset.expiry,
    })),
  );

async function select(browser, testid, value) {
  await browser.execute(
    (t, v) => {
      const s = document.querySelector(`[data-testid="${t}"]`);
      s.value = v;
      s.dispatchEvent(new Event('change', { bubbles: true }));
    },
    testid,
    value,
  );
}

test('the register filters and sorts by what core says, and Ctrl+K finds evidence', async () => {
  const dir = tempDir();
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  cli(dir, 'evidence', 'add', 'E2E-ENC-01', '--note', 'Firewall rule review', '--collected', '2025-01-01', '--valid-until', '2025-06-01', '--collected-by', 'Ana Ortiz');
  cli(dir, 'evidence', 'add', 'E2E-LOG-01', '--url', 'https://wiki.example.com/log-retention', '--title', 'Log retention wiki page', '--valid-for', '10d', '--collected-by', 'Ben Brook');
  cli(dir, 'evidence', 'add', 'E2E-LOG-01', '--note', 'Log pipeline reviewed', '--valid-until', '2099-01-01', '--collected-by', 'Ana Ortiz');
  const app = await launch(dir);
  const { browser } = app;
  try {
    await nav(browser, 'evidence');
    await until(browser, async () => (await rows(browser)).length === 4, 'four items in the register');
    // Default order: expiry, soonest first.
    assert.deepEqual(
      (await rows(browser)).map((r) => r.title),
      ['Firewall rule review', 'Log retention wiki page', 'Log pipeline reviewed', 'KMS key policy export'],
    );
    const chip = (s) => content(browser, `[data-status-filter="${s}"] .n`);
    assert.equal(await chip('expired'), '1');
    assert.equal(await chip('expiring'), '1');
    assert.equal(await chip('valid'), '2');

    // "Expiring soon" is core's window: the same item the CLI lists.
    const cliExpiring = cli(dir, 'evidence', 'list', '--expiring', String(cli(dir, 'settings', '--json').expiry_window_days), '--json');
    await browser.$('[data-status-filter="expiring"]').click();
    await until(browser, async () => (await rows(browser)).length === 1, 'only the expiring item');
    assert.deepEqual((await rows(browser)).map((r) => r.id), cliExpiring.expiring.map((e) => e.id));
    assert.equal((await rows(browser))[0].expiry, 'expiring');
    await shot(browser, '60-register-expiring');
    await browser.$('[data-status-filter="expiring"]').click();
    await until(browser, async () => (await rows(browser)).length === 4, 'the filter is off again');

    await select(browser, 'filter-kind', 'link');
    await until(browser, async () => (await rows(browser)).map((r) => r.title).join() === 'Log retention wiki page', 'links only');
    await select(browser, 'filter-kind', '');
    await select(browser, 'filter-collector', 'Ana Ortiz');
    await until(browser, async () => (await rows(browser)).length === 2, 'what Ana collected');
    assert.deepEqual((await rows(browser)).map((r) => r.title).sort(), ['Firewall rule review', 'Log pipeline reviewed']);
    // Counts follow the other filters.
    assert.equal(await chip('expiring'), '0');
    await select(browser, 'filter-collector', '');
    await select(browser, 'filter-control', 'E2E-ENC-01');
    await until(browser, async () => (await rows(browser)).length === 2, 'the control’s evidence');
    assert.deepEqual((await rows(browser)).map((r) => r.title), ['Firewall rule review', 'KMS key policy export']);
    await select(browser, 'filter-control', '');
    await until(browser, async () => (await rows(browser)).length === 4, 'all four again');

    // Sorting: the Expiry header again reverses, Sort: Title orders by title.
    await browser.$('[data-sort="expiry"]').click();
    await until(browser, async () => (await rows(browser))[0]?.title === 'KMS key policy export', 'latest expiry first');
    assert.equal(await browser.$('[data-sort="expiry"]').parentElement().getAttribute('aria-sort'), 'descending');
    await select(browser, 'evidence-sort', 'title');
    await until(
      browser,
      async () => (await rows(browser)).map((r) => r.title).join('|') === 'Firewall rule review|KMS key policy export|Log pipeline reviewed|Log retention wiki page',
      'by title',
    );
    await shot(browser, '61-register-sorted');

    // Ctrl+K finds evidence by its words and opens it.
    await browser.keys(['Control', 'k']);
    await browser.$('[data-testid="palette"]').waitForExist({ timeout: 5000 });
    await fill(browser, '[data-testid="palette"] input', 'firewall rule');
    await until(browser, async () => (await content(browser, '[data-testid="palette"] ul')).includes('Firewall rule review'), 'the palette finds the evidence');
    assert.match(await content(browser, '[data-testid="palette"] ul'), /Evidence/);
    await shot(browser, '62-palette-evidence');
    await browser.keys('Enter');
    await browser.$('[data-testid="evidence-detail"]').waitForExist({ timeout: 10000 });
    assert.match(await content(browser, '[data-testid="evidence-detail"]'), /Firewall rule review/);
    assert.match(await content(browser, '[data-testid="evidence-detail"]'), /Ana Ortiz/);
  } finally {
    await app.close();
  }
});
