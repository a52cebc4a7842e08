// Benchmark: the page's main-thread time per minute of wall time with the clock at 1×,
// for each of the Query (a graph of a rate), Exposition and Service panes open, on the
// release build in headless Chromium. Read from the DevTools protocol's cumulative
// `TaskDuration` (every task on the renderer's main thread), after the first-visit
// backfill has finished and the page has settled.
//   node tests/bench/main_thread.mjs [SECONDS]   (after a release build in target/e2e-dist;
//                                                 PROMPLAY_E2E_DIST=dir picks another build)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const seconds = Number(process.argv[2] ?? "60");
const query = encodeURIComponent('sum by (status) (rate(http_requests_total[1m]))');

const server = await serveDist(dist, "/playground/");
const browser = await launch();
const results = [];
for (const pane of ["query", "exposition", "service"]) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const search = pane === "query" ? `?g0.expr=${query}&g0.tab=0&g0.range_input=1h` : "";
  await page.goto(`${server.url}${search}#${pane}`);
  await page.waitForSelector('[data-testid="tab-query"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 120000 });
  await page.click('[data-testid="speed-1"]');
  await page.waitForTimeout(3000);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const busy = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value;
  const before = await busy();
  await page.waitForTimeout(seconds * 1000);
  const after = await busy();
  const perMinute = ((after - before) * 1000 * 60) / seconds;
  results.push(perMinute);
  console.log(`${pane}: ${perMinute.toFixed(0)} ms of main-thread time per minute at 1× (${((perMinute / 60000) * 100).toFixed(1)}% busy)`);
  await context.close();
}
console.log(`all three: ${results.reduce((a, b) => a + b, 0).toFixed(0)} ms per minute`);
await browser.close();
await server.close();
