// End-to-end test of native histograms in the page (issue 16), on the release
// build in headless Chromium: turning them on starts a run whose scrapes are
// protobuf (the Exposition pane shows them decoded), the Service pane compares
// the classic and native histograms, and a query of the native histogram graphs
// as a heatmap.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, backfillDone, drawnPixels, lineMatching, tableOf } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SHOTS = path.join(here, "screenshots");

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test makes one)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("native histograms: protobuf scrapes, the comparison, and a heatmap of the buckets", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.check('[data-testid="native-histograms"]');
  await backfillDone(page);

  // The comparison: fewer native series, and both heatmaps drawn.
  const compare = page.locator('[data-testid="histogram-compare"]');
  await compare.waitFor({ timeout: 30000 });
  const text = await compare.textContent();
  const [, classic, native] = text.match(/takes (\d+) series, the native one (\d+)/) ?? [];
  assert.ok(Number(native) > 0 && Number(classic) > 10 * Number(native), `series: ${text}`);
  assert.doesNotMatch(text, /no data yet/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="native-heatmap"] canvas, [data-testid="classic-heatmap"] canvas').length === 2);
  assert.ok((await drawnPixels(page, '[data-testid="native-heatmap"]')) > 2000, "the native heatmap is drawn");
  assert.ok((await drawnPixels(page, '[data-testid="classic-heatmap"]')) > 2000, "the classic heatmap is drawn");
  await page.screenshot({ path: path.join(SHOTS, "native-histograms-compare.png"), fullPage: true });

  // The setting survives a reload (it is in the link).
  await page.reload();
  await backfillDone(page);
  assert.ok(await page.isChecked('[data-testid="native-histograms"]'));

  // The scrape in protobuf, shown decoded.
  await page.click('[data-testid="tab-exposition"]');
  await page.selectOption('[data-testid="exposition-format"]', "protobuf");
  await (await lineMatching(page, ".exposition-pane", /^\s*schema: 3$/)).waitFor();
  await lineMatching(page, ".exposition-pane", /positive_delta: -?\d+/);

  // histogram_quantile without `le`, and the native histogram's table row lists its buckets.
  const p99 = await tableOf(page, "histogram_quantile(0.99, sum(rate(http_request_duration_seconds[5m])))");
  assert.equal(p99.length, 1, `one p99: ${p99}`);
  const rows = await tableOf(page, "sum(rate(http_request_duration_seconds[5m]))");
  assert.match(rows[0], /Count: [\d.]+, Sum: [\d.]+, Buckets: \[\(/);

  // The graph of a native histogram is a heatmap of its buckets.
  await page.click('[data-testid="query-tab-graph"]');
  await page.waitForSelector('[data-testid="graph"] canvas');
  assert.ok((await drawnPixels(page, '[data-testid="graph"]')) > 5000, "the heatmap has drawn pixels");
  await page.screenshot({ path: path.join(SHOTS, "native-histograms-heatmap.png") });
  assert.deepEqual(problems, []);
  await context.close();
});
