// Benchmarks of the Query pane and the dashboard in the page (release build,
// headless Chromium), with performance marks:
// 1. Ctrl+Enter → chart drawn (marks `query-submitted` → `chart-drawn`), for the
//    dashboard's queries over 1 h of `api` data with 3 instances: median and p95;
// 2. the longest main-thread task while the dashboard follows the live run at 60×.
//   node tests/bench/query_draw.mjs       (after bash .ci/test, or a trunk release build in target/e2e-dist)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
// The api dashboard's queries (src/ui/panes/dashboard/defaults.rs), $__rate_interval as 1m.
const QUERIES = [
  "sum by (path) (rate(http_requests_total[1m]))",
  'sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
  "histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))",
  "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))",
  "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))",
  "sum by (le) (rate(http_request_duration_seconds_bucket[1m]))",
  "sum(http_requests_in_progress)",
  "sum by (instance) (rate(cpu_usage_seconds_total[1m]))",
  "sum by (instance) (memory_usage_bytes)",
];
const RUNS = 10;

const server = await serveDist(dist, "/playground/");
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(server.url + "#service");
const idle = () => page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 120000 });
await idle();
await page.click('[data-testid="speed-0"]');
await page.fill('[data-testid="instances"]', "3");
await page.dispatchEvent('[data-testid="instances"]', "change");
await page.waitForTimeout(300);
await idle();
await page.click('[data-testid="tab-query"]');
await page.click('[data-testid="query-tab-graph"]');
await page.selectOption('[data-testid="query-range"]', "3600000");

const times = [];
for (const q of QUERIES) {
  const input = page.locator('[data-testid="query-input"]').first();
  for (let i = 0; i < RUNS; i++) {
    // Alternate a trailing space so each run is a new submission.
    await input.fill(q + (i % 2 ? " " : ""));
    await page.evaluate(() => performance.clearMarks());
    await input.press("Control+Enter");
    const ms = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const check = () => {
            const s = performance.getEntriesByName("query-submitted")[0];
            const d = performance.getEntriesByName("chart-drawn").filter((e) => s && e.startTime >= s.startTime)[0];
            if (s && d) resolve(d.startTime - s.startTime);
            else requestAnimationFrame(check);
          };
          check();
        }),
    );
    times.push(ms);
  }
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`Ctrl+Enter → chart drawn, ${QUERIES.length} dashboard queries × ${RUNS}, 1 h of api × 3: median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);

await page.click('[data-testid="tab-dashboard"]');
await page.waitForTimeout(1000);
await page.evaluate(() => {
  window.__tasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__tasks.push(e.duration))).observe({ type: "longtask" });
  window.__frames = [];
  let last = performance.now();
  const frame = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 100000) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
});
await page.click('[data-testid="speed-60"]');
await page.waitForTimeout(15000);
const { tasks, frames } = await page.evaluate(() => ({ tasks: window.__tasks, frames: window.__frames }));
frames.sort((a, b) => a - b);
console.log(`dashboard following the live run at 60× for 15 s: longest task ${Math.max(0, ...tasks).toFixed(0)} ms (${tasks.length} tasks over 50 ms); frame gap median ${frames[frames.length >> 1].toFixed(1)} ms, p95 ${frames[Math.floor(frames.length * 0.95)].toFixed(1)} ms, max ${frames[frames.length - 1].toFixed(1)} ms`);
await browser.close();
await server.close();
