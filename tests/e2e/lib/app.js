// Drives the real desktop app (debug build) through tauri-driver and
// WebKitWebDriver. Each test gets a fresh workspace in a temporary folder.
import { remote } from 'webdriverio';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../../..');
const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/crosswalk-target');
export const appBinary = process.env.CROSSWALK_APP || join(target, 'debug/crosswalk-app');
export const cliBinary = process.env.CROSSWALK_CLI || join(target, 'debug/crosswalk');
export const screenshots = join(repo, 'tests/e2e/screenshots');
export const fixtures = join(here, '../fixtures');

export function tempDir(prefix = 'crosswalk-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the `crosswalk` CLI on a data dir and parses its --json output. */
export function cli(dataDir, ...args) {
  if (!existsSync(cliBinary)) throw new Error(`the crosswalk CLI is not built at ${cliBinary}`);
  const out = execFileSync(cliBinary, ['--data-dir', dataDir, ...args], { encoding: 'utf8' });
  return args.includes('--json') ? JSON.parse(out) : out;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the app on `dataDir` (a fresh temporary one when omitted); with
 * `firstRun`, an empty folder is left empty for the first-run screen.
 * Returns { browser, dataDir, close() }.
 */
export async function launch(dataDir = tempDir(), { firstRun = false } = {}) {
  if (!existsSync(appBinary)) throw new Error(`the app is not built at ${appBinary}`);
  // The app asks plain-or-encrypted on a folder with no workspace; every spec
  // but the first-run one starts on a plain workspace made beforehand.
  if (!firstRun && !existsSync(join(dataDir, 'crosswalk.db')) && !existsSync(join(dataDir, 'crosswalk.key'))) {
    cli(dataDir, 'init');
  }
  const browser = await remote({
    hostname: '127.0.0.1',
    port: Number(process.env.E2E_PORT || 4444),
    logLevel: 'warn',
    connectionRetryTimeout: 120000,
    capabilities: {
      'tauri:options': { application: appBinary, args: ['--data-dir', dataDir] },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  await browser.setTimeout({ implicit: 0 });
  // The window is up once the shell rendered.
  await browser.$('nav[aria-label="Main"]').waitForExist({ timeout: 30000 });
  // The theme choice persists in the webview's storage across runs: start light.
  await setTheme(browser, 'light');
  return {
    browser,
    dataDir,
    async close({ keep = false } = {}) {
      try {
        await browser.deleteSession();
      } catch {
        // already gone
      }
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function theme(browser) {
  return browser.execute(() => document.documentElement.dataset.theme);
}

export async function setTheme(browser, wanted) {
  if ((await theme(browser)) !== wanted) {
    await browser.$('[data-testid="theme-toggle"]').click();
    await browser.waitUntil(async () => (await theme(browser)) === wanted, { timeout: 5000, timeoutMsg: `theme ${wanted}` });
  }
}

/** Presses a key in the focused element (e.g. 'Enter'). */
export async function press(browser, key) {
  await browser.keys(key);
}

/** Clicks a sidebar entry and waits for its view. */
export async function nav(browser, view) {
  await browser.$(`[data-nav="${view}"]`).click();
  await browser.$(`main[data-view="${view}"]`).waitForExist({ timeout: 10000 });
}

/** Saves a screenshot of the window after letting it settle for ~1 s. */
export async function shot(browser, name) {
  mkdirSync(screenshots, { recursive: true });
  await sleep(1000);
  await browser.saveScreenshot(join(screenshots, `${name}.png`));
}

/** Text of an element, trimmed. */
export async function text(browser, selector) {
  return (await browser.$(selector).getText()).trim();
}

/** textContent of the first match ('' when none), whatever WebDriver thinks of its visibility. */
export async function content(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? '', selector);
}

/** Sets an input's value the way a person typing would (fires `input`). */
export async function fill(browser, selector, value) {
  const el = await browser.$(selector);
  await el.waitForExist({ timeout: 10000 });
  await browser.execute(
    (e, v) => {
      e.focus();
      e.value = v;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
    },
    el,
    value,
  );
}

/** Waits until `fn` returns a truthy value (polling), or throws with `message`. */
export async function until(browser, fn, message, timeout = 15000) {
  await browser.waitUntil(fn, { timeout, interval: 200, timeoutMsg: message });
}

/** Resizes the window and waits until the page sees the new viewport. */
export async function windowSize(browser, width, height) {
  await browser.setWindowSize(width, height);
  await browser.waitUntil(
    async () => (await browser.execute(() => [innerWidth, innerHeight])).every((v, i) => Math.abs(v - [width, height][i]) <= 40),
    { timeout: 5000, timeoutMsg: `window ${width}×${height}` },
  );
}

/**
 * Elements whose content does not fit: text wider than its box (unless it
 * ends in an ellipsis and has a tooltip), buttons sticking out of their
 * parent, a page that scrolls sideways. Returns descriptions, [] when all fits.
 */
export async function overflowing(browser) {
  return browser.execute(() => {
    const bad = [];
    const name = (el) =>
      `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.textContent || '').trim().slice(0, 40)}"`;
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const sel = 'button, h1, h2, h3, .view-header, .pill, label, th, td, .kind, .label, .detail, [data-testid="error-title"]';
    for (const el of document.querySelectorAll(sel)) {
      if (!shown(el)) continue;
      const cs = getComputedStyle(el);
      const tooltip = el.title || el.closest('[title]')?.title;
      const ellipsis = cs.textOverflow === 'ellipsis' && tooltip;
      if (el.scrollWidth > el.clientWidth + 1 && !ellipsis && cs.overflowX !== 'auto' && cs.overflowX !== 'scroll') bad.push(`overflows: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
    }
    for (const b of document.querySelectorAll('button')) {
      if (!shown(b) || !b.parentElement) continue;
      const p = b.parentElement.getBoundingClientRect();
      const r = b.getBoundingClientRect();
      if (r.right > p.right + 1 || r.left < p.left - 1) bad.push(`sticks out of its parent: ${name(b)}`);
      if (r.right > innerWidth + 1) bad.push(`outside the window: ${name(b)}`);
    }
    if (document.documentElement.scrollWidth > innerWidth + 1) bad.push('the page scrolls sideways');
    return bad;
  });
}
