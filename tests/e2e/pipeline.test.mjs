// End-to-end tests of the running pipeline in the page: first visit with data,
// the virtual clock, the Targets, Exposition and Service panes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, lineMatching, openPage } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SHOTS = path.join(here, "screenshots");

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test builds it)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const backfillDone = (page) =>
  page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 60000 });

const virtualSeconds = (page) =>
  page.evaluate(() => Date.parse(document.querySelector('[data-testid="virtual-time"]').textContent.replace(" UTC", "Z").replace(" ", "T")) / 1000);

test("a first visit shows the api service scraped, with the last hour in the store", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#targets");
  await backfillDone(page);
  const rows = page.locator('[data-testid="target-row"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="target-row"][data-health="up"]').length === 2);
  assert.match(await rows.first().textContent(), /api \/ api-1:8080/);
  assert.match(await rows.first().textContent(), /\d+ samples/);
  const stats = await page.textContent('[data-testid="store-stats"]');
  const [, series, samples] = stats.match(/(\d+) series, (\d+) samples/).map(Number);
  assert.ok(series > 200, stats);
  // An hour of two instances at 15 s: about 240 scrapes each.
  assert.ok(samples > 200 * 240, stats);
  await page.screenshot({ path: path.join(SHOTS, "targets-first-visit.png") });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a sample limit below the scrape size takes the targets down with Prometheus's message", async () => {
  const { context, page } = await openPage(browser, server.url + "#targets");
  await backfillDone(page);
  await page.click('[data-testid="speed-60"]');
  await page.fill('[data-testid="sample-limit"]', "10");
  await page.dispatchEvent('[data-testid="sample-limit"]', "change");
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="target-row"]')].every((r) => r.dataset.health === "down"),
    null,
    { timeout: 10000 },
  );
  assert.match(await page.textContent('[data-testid="targets-table"]'), /sample limit exceeded/);
  await page.screenshot({ path: path.join(SHOTS, "targets-sample-limit.png") });
  await context.close();
});

test("the virtual clock runs at the chosen speed and pauses", async () => {
  const { context, page } = await openPage(browser, server.url + "#targets");
  await backfillDone(page);
  await page.click('[data-testid="speed-600"]');
  const t0 = await virtualSeconds(page);
  await page.waitForTimeout(1000);
  const t1 = await virtualSeconds(page);
  assert.ok(t1 - t0 >= 300, `600× moved the clock ${t1 - t0} s in a wall second`);
  await page.click('[data-testid="speed-0"]');
  const p0 = await virtualSeconds(page);
  await page.waitForTimeout(700);
  assert.equal(await virtualSeconds(page), p0, "paused");
  await context.close();
});

test("the Exposition pane shows the live /metrics in both formats and explains a line", async () => {
  const { context, page } = await openPage(browser, server.url + "#exposition");
  await backfillDone(page);
  const scope = '[data-testid="exposition-text"]';
  await lineMatching(page, scope, /^# EOF$/);
  await lineMatching(page, scope, /^# TYPE http_requests counter$/);
  await lineMatching(page, scope, /^http_requests_total\{method="GET",path="[^"]+",status="200"\} \d/);
  await page.selectOption('[data-testid="exposition-format"]', "text");
  await lineMatching(page, scope, /^# TYPE http_requests_total counter$/);
  const lastLine = await page.evaluate(() => {
    const view = document.querySelector('[data-testid="exposition-text"] [data-testid="line-view"]');
    view.scrollTop = view.scrollHeight;
    return new Promise((done) => setTimeout(() => done([...view.querySelectorAll(".line-text")].map((l) => l.textContent).pop()), 300));
  });
  assert.notEqual(lastLine, "# EOF", "text 0.0.4 has no # EOF");
  await (await lineMatching(page, scope, /^http_request_duration_seconds_bucket/)).click();
  assert.match(await page.textContent('[data-testid="line-explanation"]'), /Histogram bucket/);
  await page.screenshot({ path: path.join(SHOTS, "exposition-live.png") });
  await context.close();
});

test("the Service pane switches scenarios and shows the Python code behind the metrics", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  assert.match(await page.textContent('[data-testid="python-source"]'), /Counter\(/);
  await page.selectOption('[data-testid="scenario"]', "hello_world");
  await backfillDone(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="python-source"]').textContent.includes("app_requests_total"));
  assert.ok(await page.locator(".src-metric").count() > 0, "metric lines are marked");
  await page.click('[data-testid="tab-targets"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="target-row"]')?.textContent.includes("hello"));
  await page.screenshot({ path: path.join(SHOTS, "service-hello-world.png") });
  // The chosen service and the clock speed survive a reload.
  await page.click('[data-testid="speed-10"]');
  await page.reload();
  await page.waitForSelector('[data-testid="target-row"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="target-row"]')?.textContent.includes("hello"));
  assert.equal(await page.getAttribute('[data-testid="speed-10"]', "aria-pressed"), "true");
  assert.deepEqual(problems, []);
  await context.close();
});

test("backfilling more hours shows progress and fills the store", async () => {
  const { context, page } = await openPage(browser, server.url + "#targets");
  await backfillDone(page);
  const samples = async () => Number((await page.textContent('[data-testid="store-stats"]')).match(/(\d+) samples/)[1]);
  const before = await samples();
  await page.selectOption('[data-testid="clock-bar"] select', "6");
  await page.click('[data-testid="backfill"]');
  await backfillDone(page);
  const after = await samples();
  assert.ok(after > before * 4, `6 hours hold more than 4× one hour: ${before} → ${after}`);
  await context.close();
});
