// End-to-end tests of the dead ends' guidance (issue 15), on the release build in
// headless Chromium: an empty result says why and offers the fix; an unknown
// function suggests the nearest name; switching scenario loads that service's
// query; the Exposition pane's search finds a line and its explanation shows
// under it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, backfillDone, lineMatching } from "./browser.mjs";

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

async function run(page, expr) {
  await page.click('[data-testid="tab-query"]');
  const input = page.locator('[data-testid="query-input"]').first();
  await input.fill(expr);
  await input.press("Control+Enter");
}

test("switching scenario loads its query; an empty result says why and its fix runs", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.selectOption('[data-testid="scenario"]', "course_catalog");
  await backfillDone(page);
  await page.click('[data-testid="tab-query"]');
  const loaded = await page.locator('[data-testid="query-input"]').first().inputValue();
  assert.match(loaded, /app_request/, `the course catalog's own query: ${loaded}`);

  await run(page, "app_request_count");
  await page.waitForSelector('[data-testid="empty-result"]');
  assert.match(await page.textContent('[data-testid="empty-result"]'), /Did you mean `?app_request_count_total`?/);
  await page.screenshot({ path: path.join(SHOTS, "empty-result-did-you-mean.png") });
  await page.click('[data-testid="empty-result-fix"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="query-input"]').value === "app_request_count_total");
  await page.waitForFunction(() => !document.querySelector('[data-testid="empty-result"]'));

  await run(page, "rte(up[5m])");
  await page.waitForSelector('[data-testid="query-error"]');
  assert.match(await page.locator(".query-panel").first().textContent(), /did you mean rate\?/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the Exposition pane's search jumps to a line, and its explanation shows under it", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#exposition");
  await backfillDone(page);
  // A family every scrape has (intermittent_metric, say, exists only in even minutes).
  await page.fill('[data-testid="exposition-search"]', "disk_total_bytes");
  await page.waitForFunction(() => /of \d+/.test(document.querySelector('[data-testid="exposition-search-count"]')?.textContent ?? ""));
  // The search scrolls a matching line into view (the view renders it a frame later).
  await page.locator('[data-testid="exposition-text"] .line').filter({ hasText: "disk_total_bytes" }).first().waitFor();
  const line = await lineMatching(page, '[data-testid="exposition-text"]', /^# HELP http_request_duration_seconds /);
  await line.click();
  const explanation = page.locator('[data-testid="line-explanation"]');
  await explanation.waitFor();
  const [lineBox, explanationBox] = [await line.boundingBox(), await explanation.boundingBox()];
  assert.ok(explanationBox.y >= lineBox.y && explanationBox.y - lineBox.y < 200, `the explanation is right under the line: ${JSON.stringify({ lineBox, explanationBox })}`);
  await page.screenshot({ path: path.join(SHOTS, "exposition-search-explanation.png") });
  assert.deepEqual(problems, []);
  await context.close();
});
