// Takes the README's screenshot: the Dashboard of the demo workspace, in a
// 1280×800 window under Xvfb. Run by `make screenshot`.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, repo, sleep } from '../lib/app.js';

test('README screenshot', async () => {
  const dir = process.env.CROSSWALK_DEMO_DIR;
  if (!dir) throw new Error('set CROSSWALK_DEMO_DIR to the demo workspace');
  const app = await launch(dir);
  try {
    await app.browser.$('[data-testid="framework-tile"]').waitForExist({ timeout: 20000 });
    await sleep(1500);
    const out = join(repo, 'docs/screenshot-dashboard.png');
    await app.browser.saveScreenshot(out);
    // Fewer colours keep the PNG small; the UI is flat, so nothing visible is lost.
    execFileSync('convert', [out, '+dither', '-colors', '96', '-strip', out]);
  } finally {
    await app.close({ keep: true });
  }
});
