// End-to-end tests of the app shell, on the release build served under /playground/
// (as a static host would), in real headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const PREFIX = "/playground/";
const SHOTS = path.join(here, "screenshots");
const PANES = ["service", "exposition", "query", "dashboard", "inspect", "targets", "alerts", "lessons"];

let server;
let browser;

before(async () => {
  assert.ok(
    fs.existsSync(path.join(DIST, "index.html")),
    `no release build at ${DIST}: run \`trunk build --release --public-url ${PREFIX} --dist ${DIST}\` (bash .ci/test does)`,
  );
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, PREFIX);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Counts canvas pixels near `rgb` and hashes the image, inside the page. */
async function canvasStats(page, selector) {
  return page.$eval(selector, (canvas) => {
    const style = getComputedStyle(canvas);
    const hex = style.getPropertyValue("--chart-series-1").trim();
    const target = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const { width, height } = canvas;
    const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    let seriesPixels = 0;
    let nonBackground = 0;
    let hash = 0;
    const bg = [data[0], data[1], data[2]];
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.abs(r - target[0]) + Math.abs(g - target[1]) + Math.abs(b - target[2]) < 60) seriesPixels++;
      if (r !== bg[0] || g !== bg[1] || b !== bg[2]) nonBackground++;
      hash = (hash * 31 + r * 7 + g * 3 + b) | 0;
    }
    const rect = canvas.getBoundingClientRect();
    return { width, height, cssWidth: rect.width, cssHeight: rect.height, seriesPixels, nonBackground, hash };
  });
}

test("the release build loads from a sub-path with no console errors", async () => {
  const { context, page, problems } = await openPage(browser, server.url);
  await assert.doesNotReject(page.waitForSelector("h1:text('promplay')"));
  assert.match(await page.textContent("header"), /playground/i);
  // Every asset came from under the sub-path.
  const outside = server.requests.filter((p) => !p.startsWith(PREFIX));
  assert.deepEqual(outside, [], "requests outside the sub-path");
  assert.ok(server.requests.some((p) => p.endsWith(".wasm")), "the wasm module was fetched");
  await page.waitForTimeout(500);
  assert.deepEqual(problems, []);
  await context.close();
});

test("every pane is reachable by click, shows content and gets a screenshot", async () => {
  const { context, page, problems } = await openPage(browser, server.url);
  for (const id of PANES) {
    await page.click(`[data-testid="tab-${id}"]`);
    const pane = page.locator(`[data-testid="pane-${id}"]`);
    await pane.waitFor({ state: "visible" });
    assert.equal(await page.getAttribute(`[data-testid="tab-${id}"]`, "aria-selected"), "true");
    assert.ok((await pane.innerText()).trim().length > 40, `pane ${id} has content`);
    assert.equal(new URL(page.url()).hash, `#${id}`);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SHOTS, `pane-${id}.png`) });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("panes are reachable by keyboard (arrows, Home, End)", async () => {
  const { context, page } = await openPage(browser, server.url + "#service");
  await page.focus('[data-testid="tab-service"]');
  const focusedTab = () => page.evaluate(() => document.activeElement?.dataset.testid);
  await page.keyboard.press("ArrowRight");
  assert.equal(await focusedTab(), "tab-exposition");
  assert.equal(await page.getAttribute('[data-testid="tab-exposition"]', "aria-selected"), "true");
  await page.locator('[data-testid="pane-exposition"]').waitFor();
  await page.keyboard.press("End");
  assert.equal(await focusedTab(), "tab-lessons");
  await page.keyboard.press("ArrowRight");
  assert.equal(await focusedTab(), "tab-service", "wraps around");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await focusedTab(), "tab-lessons");
  await page.keyboard.press("Home");
  assert.equal(await focusedTab(), "tab-service");
  // Tab leaves the tab list for the pane (roving tabindex: only one tab is in the tab order).
  await page.keyboard.press("Tab");
  assert.equal(await focusedTab(), "pane-service");
  await context.close();
});

test("the theme follows the system, toggles, and is remembered", async () => {
  const { context, page } = await openPage(browser, server.url, { colorScheme: "dark" });
  const theme = () => page.getAttribute("html", "data-theme");
  const choice = () => page.getAttribute("html", "data-theme-choice");
  const bodyBg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await theme(), "dark", "follows a dark system");
  assert.equal(await choice(), "system");
  const darkBg = await bodyBg();

  await page.click('[data-testid="theme-toggle"]');
  assert.equal(await choice(), "light");
  assert.equal(await theme(), "light");
  assert.notEqual(await bodyBg(), darkBg, "the page really changes colour");

  await page.reload();
  await page.waitForSelector('[data-testid="theme-toggle"]');
  assert.equal(await theme(), "light", "remembered across reload against a dark system");

  await page.click('[data-testid="theme-toggle"]');
  assert.equal(await theme(), "dark");
  await page.click('[data-testid="theme-toggle"]');
  assert.equal(await choice(), "system");
  await page.emulateMedia({ colorScheme: "light" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await page.click('[data-testid="tab-query"]');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, "pane-query-dark.png") });
  await context.close();
});

test("the query graph is HiDPI-sharp, drawn from the store, and redraws from its signal", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#query", { deviceScaleFactor: 2 });
  const canvas = '[data-testid="graph"] canvas';
  await page.waitForSelector(canvas);
  // The default query has results once the first visit's backfill reached the store.
  await page.waitForFunction(
    () => /^[1-9]\d* results?/.test(document.querySelector('[data-testid="query-stats"]')?.textContent ?? ""),
    null,
    { timeout: 60000 },
  );
  await page.waitForTimeout(300);
  const first = await canvasStats(page, canvas);
  assert.equal(first.width, Math.round(first.cssWidth * 2), "backing store = CSS width × devicePixelRatio");
  assert.equal(first.height, Math.round(first.cssHeight * 2));
  assert.ok(first.nonBackground > 5000, `axes and grid drawn (${first.nonBackground} pixels)`);
  assert.ok(first.seriesPixels > first.cssWidth, `the series line is drawn (${first.seriesPixels} pixels)`);
  // A different range re-runs the query and redraws the chart.
  await page.selectOption('[data-testid="query-range"]', "300000");
  await page.waitForTimeout(500);
  const later = await canvasStats(page, canvas);
  assert.notEqual(later.hash, first.hash, "the chart redrew for the new range");

  // A resized window resizes the backing store too.
  await page.setViewportSize({ width: 800, height: 800 });
  await page.waitForTimeout(300);
  const narrow = await canvasStats(page, canvas);
  assert.equal(narrow.width, Math.round(narrow.cssWidth * 2));
  assert.ok(narrow.width < first.width);
  // The test's own getImageData readbacks draw Chromium's willReadFrequently advice; nothing else may appear.
  assert.deepEqual(problems.filter((p) => !p.includes("willReadFrequently")), []);
  await context.close();
});

test("a large paste goes to the line view, not the text area, and survives a reload (IndexedDB)", async () => {
  const { context, page } = await openPage(browser, server.url + "#inspect");
  await page.waitForSelector('[data-testid="inspect-input"]');
  const lines = 60000;
  const length = await page.evaluate((n) => {
    let text = "# HELP big_total Many series.\n# TYPE big_total counter\n";
    for (let i = 0; i < n; i++) text += `big_total{shard="${i}",zone="zone-${i % 7}"} ${i}\n`;
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const area = document.querySelector('[data-testid="inspect-input"]');
    area.focus();
    area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    return text.length;
  }, lines);
  assert.ok(length > 2_500_000, `${length} bytes: more than localStorage keeps`);
  const summary = () => page.waitForFunction((n) =>
    (document.querySelector('[data-testid="inspect-summary"]')?.textContent ?? "").includes(`${n} samples`), lines, { timeout: 60000 });
  await summary();
  assert.match(await page.textContent('[data-testid="inspect-large"]'), /2\.\d MB of text/);
  assert.equal(await page.inputValue('[data-testid="inspect-input"]'), "", "the 2.6 MB are not laid out in the text area");
  assert.equal(await page.locator(".notice").count(), 0, "no 'not saved' notice");
  await page.click('[data-testid="tab-query"]');
  await page.click('[data-testid="tab-inspect"]');
  await summary();
  await page.reload();
  await page.waitForSelector('[data-testid="inspect-input"]', { state: "attached" });
  await summary();
  await page.click('[data-testid="inspect-large"] >> text=Edit as text');
  assert.equal((await page.inputValue('[data-testid="inspect-input"]')).length, length);
  await context.close();
});

test("the user's text survives a reload", async () => {
  const { context, page } = await openPage(browser, server.url + "#inspect");
  const pasted = '# TYPE up gauge\nup{job="node"} 1\n';
  await page.fill('[data-testid="inspect-input"]', pasted);
  await page.click('[data-testid="tab-query"]');
  await page.fill('[data-testid="query-input"]', "sum by (job) (up)");
  await page.reload();
  await page.waitForSelector('[data-testid="query-input"]');
  assert.equal(await page.inputValue('[data-testid="query-input"]'), "sum by (job) (up)");
  assert.equal(new URL(page.url()).hash, "#query", "the open pane is remembered too");
  await page.click('[data-testid="tab-inspect"]');
  assert.equal(await page.inputValue('[data-testid="inspect-input"]'), pasted);
  await context.close();
});
