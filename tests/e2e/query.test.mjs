// End-to-end tests of the Query pane and the Dashboard (issue 6), on the release
// build in real headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, lineMatching, openPage, drawnPixels } from "./browser.mjs";

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

const backfillDone = (page) =>
  page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 60000 });

/** Non-background pixels of the first canvas under `selector`. */

async function typeQuery(page, text) {
  const input = page.locator('[data-testid="query-input"]').first();
  await input.fill("");
  await input.pressSequentially(text);
  return input;
}

test("a query run with Ctrl+Enter is drawn on the graph", async () => {
  const { context, page } = await openPage(browser, server.url + "#query");
  await backfillDone(page);
  const input = await typeQuery(page, "sum by (status) (rate(http_requests_total[5m]))");
  await input.press("Control+Enter");
  await page.waitForFunction(() => /^[1-9]\d* results?/.test(document.querySelector('[data-testid="query-stats"]')?.textContent ?? ""));
  await page.waitForTimeout(300);
  assert.ok((await drawnPixels(page, '[data-testid="graph"]')) > 5000, "the graph has drawn pixels");
  await page.screenshot({ path: path.join(SHOTS, "query-graph.png") });
  // The Explain view: the tree, a sentence, and a node's own table on click.
  await page.click('[data-testid="query-tab-explain"]');
  const nodes = page.locator('[data-testid="explain-node"]');
  await nodes.first().waitFor();
  assert.equal(await nodes.count(), 3);
  assert.match(await nodes.first().textContent(), /Sums the per-second rate over 5m of http_requests_total, keeping only the status label/);
  await nodes.nth(1).locator(".explain-text").click();
  await nodes.nth(1).locator('[data-testid="query-table"] tbody tr').first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, "query-explain.png") });
  await context.close();
});

test("a broken query shows query-error with its position, underlined in the editor", async () => {
  const { context, page } = await openPage(browser, server.url + "#query");
  const input = await typeQuery(page, "sum(rate(http_requests_total[5m])");
  await input.press("Control+Enter");
  const error = page.locator('[data-testid="query-error"]');
  await error.waitFor();
  assert.match(await error.textContent(), /line 1, column \d+/);
  assert.ok(await page.locator(".editor-highlight .err-underline").count() > 0, "the error is underlined");
  await page.screenshot({ path: path.join(SHOTS, "query-error.png") });
  await context.close();
});

test("autocomplete offers metric names from the store, and a function's doc", async () => {
  const { context, page } = await openPage(browser, server.url + "#query");
  await backfillDone(page);
  await typeQuery(page, "http_req");
  const list = page.locator('[data-testid="autocomplete"]');
  await list.waitFor();
  const items = await list.locator('[data-testid="completion-item"]').allTextContents();
  assert.ok(items.some((t) => t.startsWith("http_requests_total")), items.join(" | "));
  await typeQuery(page, "rat");
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="completion-item"]')].some((e) => e.textContent.includes("per-second")));
  await page.keyboard.press("Enter");
  assert.equal(await page.inputValue('[data-testid="query-input"]'), "rate(");
  await context.close();
});

test("a share link opens the same series values on a fresh page", async () => {
  const { context, page } = await openPage(browser, server.url + "#query");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  const input = await typeQuery(page, "sum by (status) (http_requests_total)");
  await input.press("Control+Enter");
  await page.click('[data-testid="query-tab-table"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="query-table"] tbody tr').length > 0);
  const rows = await page.locator('[data-testid="query-table"] tbody tr').allTextContents();
  const link = page.url();
  assert.match(link, /g0\.expr=/);
  assert.match(link, /run=/);
  await context.close();

  const fresh = await openPage(browser, link);
  await backfillDone(fresh.page);
  await fresh.page.waitForFunction(() => document.querySelectorAll('[data-testid="query-table"] tbody tr').length > 0);
  const again = await fresh.page.locator('[data-testid="query-table"] tbody tr').allTextContents();
  assert.deepEqual(again, rows);
  // Prometheus UI's own link form opens too.
  const prom = await openPage(browser, server.url + "?g0.expr=up&g0.tab=1&g0.range_input=1h#query");
  assert.equal(await prom.page.inputValue('[data-testid="query-input"]'), "up");
  await fresh.context.close();
  await prom.context.close();
});

test("the dashboard draws the four golden signals, the heatmap included", async () => {
  const { context, page } = await openPage(browser, server.url + "#dashboard");
  await backfillDone(page);
  await page.waitForFunction(
    () => {
      const t = [...document.querySelectorAll('[data-testid="panel-timing"]')];
      return t.length > 0 && t.every((e) => /drawn in/.test(e.textContent));
    },
    null,
    { timeout: 30000 },
  );
  const panels = page.locator('[data-testid="dashboard-panel"]');
  const n = await panels.count();
  assert.ok(n >= 4, `${n} panels`);
  for (let i = 0; i < n; i++) {
    const pixels = await panels.nth(i).locator("canvas").evaluate((c) => {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let k = 0;
      for (let j = 0; j < d.length; j += 4) if (d[j] !== d[0] || d[j + 1] !== d[1] || d[j + 2] !== d[2]) k++;
      return k;
    });
    assert.ok(pixels > 1000, `panel ${i} drew ${pixels} pixels`);
  }
  await page.screenshot({ path: path.join(SHOTS, "dashboard.png"), fullPage: true });
  await context.close();
});

test("'graph this' on a counter line opens the Query pane with its rate", async () => {
  const { context, page } = await openPage(browser, server.url + "#exposition");
  await backfillDone(page);
  await (await lineMatching(page, '[data-testid="exposition-text"]', /^http_requests_total\{/)).click();
  await page.click('[data-testid="graph-this"]');
  await page.waitForFunction(() => location.hash === "#query");
  const value = await page.inputValue('[data-testid="query-input"]');
  assert.match(value, /^rate\(http_requests_total\{.*\}\[5m\]\)$/);
  await page.waitForFunction(() => /^[1-9]\d* results?/.test(document.querySelector('[data-testid="query-stats"]')?.textContent ?? ""));
  await context.close();
});

test("every panel can be removed while there are two or more", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#query");
  await backfillDone(page);
  const removers = () => page.locator('[data-testid="remove-panel"]').count();
  const panels = () => page.locator('[data-testid="query-panel"]').count();
  assert.equal(await panels(), 1);
  assert.equal(await removers(), 0, "the only panel cannot be removed");
  await page.click('[data-testid="add-panel"]');
  assert.equal(await panels(), 2);
  assert.equal(await removers(), 2, "the first panel gets a remove button too");
  await page.click('[data-testid="add-panel"]');
  assert.equal(await removers(), 3);
  await page.locator('[data-testid="remove-panel"]').first().click();
  assert.equal(await panels(), 2);
  assert.equal(await removers(), 2);
  await page.locator('[data-testid="remove-panel"]').nth(1).click();
  assert.equal(await panels(), 1);
  assert.equal(await removers(), 0);
  assert.match(page.url(), /g0\.expr=/);
  assert.doesNotMatch(page.url(), /g1\.expr=/);
  assert.deepEqual(problems, []);
  await context.close();
});
