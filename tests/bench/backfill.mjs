// Benchmark: backfill 24 h of the `api` scenario with 3 instances at 15 s in the page
// (release build, headless Chromium): wall time, samples, bytes per sample, and the
// longest main-thread task while it runs.
//   node tests/bench/backfill.mjs [HOURS] [--no-rules] [--pane=query]   (after a release build in target/e2e-dist)
// --no-rules first applies an empty rule file, so the same backfill runs without the
// default rules: the two runs side by side give the rules' cost in the page.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const hours = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "24";
const noRules = process.argv.includes("--no-rules");

const server = await serveDist(dist, "/playground/");
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(server.url + "#service");
const idle = () => page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 600000 });
await idle();
await page.click('[data-testid="speed-0"]');
if (noRules) {
  await page.click('[data-testid="tab-alerts"]');
  await page.click('[data-testid="alerts-tab-rules"]');
  await page.fill('[data-testid="rules-editor"]', "groups: []\n");
  await page.click('[data-testid="rules-apply"]');
  await page.click('[data-testid="tab-service"]');
}
await page.fill('[data-testid="instances"]', "3");
await page.press('[data-testid="instances"]', "Enter");
await page.dispatchEvent('[data-testid="instances"]', "change");
// --pane=NAME backfills with that pane open (the Service pane by default).
const pane = process.argv.find((a) => a.startsWith("--pane="))?.slice("--pane=".length);
if (pane) await page.click(`[data-testid="tab-${pane}"]`);
await page.evaluate(() => {
  window.__tasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__tasks.push(e.duration);
  }).observe({ type: "longtask" });
});
await page.selectOption('[data-testid="clock-bar"] select', { label: `${hours} hours` }).catch(() => page.selectOption('[data-testid="clock-bar"] select', hours));
const t0 = await page.evaluate(() => performance.now());
await page.click('[data-testid="backfill"]');
await page.waitForSelector('[data-testid="backfill-progress"]', { timeout: 5000 }).catch(() => {});
await idle();
const wall = (await page.evaluate(() => performance.now())) - t0;
const tasks = await page.evaluate(() => window.__tasks);
await page.click('[data-testid="tab-targets"]');
const stats = await page.textContent('[data-testid="store-stats"]');
const targets = await page.locator('[data-testid="target-row"]').count();
console.log(`backfill ${hours} h${noRules ? " without rules" : " with the default rules"}, ${targets} targets, in the page${pane ? ` (${pane} pane open)` : ""}: ${wall.toFixed(0)} ms; ${stats}; ${tasks.length ? `longest task ${Math.max(...tasks).toFixed(0)} ms (${tasks.length} over 50 ms)` : "no task over 50 ms (the longtask observer reports only those)"}`);
await browser.close();
await server.close();
