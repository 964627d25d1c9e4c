// Layout at 1024×700, 1280×800 and 1920×1080, light and dark: nothing
// overflows its box in any view (the demo workspace, a control open, its
// edit form with search results), and a screenshot of every view at the two
// small sizes. The mapping editor's results stay clear of the Save bar and
// its hits do not run into each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, fill, fixtures, launch, nav, overflowing, setTheme, shot, tempDir, windowSize } from '../lib/app.js';

const VIEWS = ['dashboard', 'frameworks', 'controls', 'evidence', 'assessments', 'import', 'activity', 'settings'];
const SIZES = [
  [1024, 700],
  [1280, 800],
  [1920, 1080],
];

test('every view holds at 1024×700 and up, light and dark', async () => {
  const dir = tempDir();
  cli(dir, 'demo');
  cli(dir, 'import', join(fixtures, 'good/controls.yaml'));
  cli(dir, 'assessment', 'create', '--name', 'SOC 2 Type II 2026', '--framework', 'soc2', '--period', '2026-01-01..2026-12-31');
  const app = await launch(dir);
  const { browser } = app;
  const problems = [];
  try {
    for (const [w, h] of SIZES) {
      await windowSize(browser, w, h);
      for (const theme of ['light', 'dark']) {
        await setTheme(browser, theme);
        for (const view of VIEWS) {
          await nav(browser, view);
          await browser.pause(view === 'dashboard' || view === 'frameworks' ? 1500 : 800);
          for (const p of await overflowing(browser)) problems.push(`${w}×${h} ${theme} ${view}: ${p}`);
          if (w < 1920) await shot(browser, `layout-${w}x${h}-${theme}-${view}`);
        }
        // A control open, then its edit form with search results.
        await nav(browser, 'controls');
        await browser.$('[data-control="AIOS-ENC-01"] td.tcell').click();
        await browser.$('[data-testid="control-detail"]').waitForExist({ timeout: 10000 });
        for (const p of await overflowing(browser)) problems.push(`${w}×${h} ${theme} control detail: ${p}`);
        if (w < 1920) await shot(browser, `layout-${w}x${h}-${theme}-control-detail`);
        await browser.$('[data-testid="edit-control"]').click();
        await browser.$('[data-testid="control-form"]').waitForExist({ timeout: 10000 });
        await fill(browser, '[data-testid="mapping-search"]', 'supplier');
        await browser.$('[data-hit]').waitForExist({ timeout: 10000 });
        await browser.pause(600);
        for (const p of await overflowing(browser)) problems.push(`${w}×${h} ${theme} control form: ${p}`);
        const geometry = await browser.execute(() => {
          const hits = document.querySelector('[data-testid="mapping-hits"]').getBoundingClientRect();
          const bar = document.querySelector('.sticky-actions').getBoundingClientRect();
          const overlaps = [...document.querySelectorAll('.hit')].filter((b) => {
            const [fw, ref] = b.querySelectorAll('span');
            return fw.getBoundingClientRect().right > ref.getBoundingClientRect().left + 0.5;
          }).length;
          return { hitsTop: hits.top, hitsBottom: hits.bottom, barTop: bar.top, overlaps };
        });
        if (geometry.hitsTop + 40 > geometry.barTop) problems.push(`${w}×${h} ${theme}: the search results are under the Save bar (${JSON.stringify(geometry)})`);
        if (geometry.overlaps) problems.push(`${w}×${h} ${theme}: ${geometry.overlaps} hits run into their ref`);
        if (w < 1920) await shot(browser, `layout-${w}x${h}-${theme}-mapping-editor`);
        await browser.$('button=Cancel').click();
      }
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await app.close();
  }
});
