// Cold start and memory of the desktop app on the demo workspace:
//   CROSSWALK_APP=<release binary> CROSSWALK_DEMO_DIR=<dir> tests/e2e/run.sh bench/startup.js
// Start = from asking tauri-driver for a session (which launches the app) to
// the Dashboard showing its figures. Memory = proportional set size (PSS) of the app
// and its WebKit processes, summed, with the Dashboard on screen.
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { launch, sleep, appBinary } from '../lib/app.js';

// Proportional set size: shared libraries (WebKit, GTK) are counted once
// across the processes instead of once per process as RSS would.
function pssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/Pss:\s+(\d+) kB/);
  return m ? Number(m[1]) : 0;
}

function processes() {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
        return { pid, cmd };
      } catch {
        return null;
      }
    })
    .filter((p) => p && (p.cmd === appBinary || /WebKit(Web|Network)Process/.test(p.cmd)));
}

test('cold start and memory', async () => {
  const dir = process.env.CROSSWALK_DEMO_DIR;
  if (!dir) throw new Error('set CROSSWALK_DEMO_DIR');
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const app = await launch(dir);
    await app.browser.$('[data-testid="framework-tile"]').waitForExist({ timeout: 30000 });
    const ms = performance.now() - t0;
    await sleep(2000);
    const procs = processes();
    const kib = procs.reduce((n, p) => n + pssKiB(p.pid), 0);
    runs.push({ ms: Math.round(ms), pss_mib: Math.round(kib / 1024), processes: procs.length });
    await app.close({ keep: true });
    await sleep(1000);
  }
  console.log(JSON.stringify({ binary: appBinary, runs }, null, 2));
});
