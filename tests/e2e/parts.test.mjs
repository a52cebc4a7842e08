// The split build (issue 17): the first load is the shell (the main module) and
// the first pane; the engine (the pipeline and what drives it) is a part fetched
// with it, the Query pane's too; the other panes are one part fetched on the first
// visit to one of them, with a loading state, and prefetched after first paint so
// that they open offline once the page has loaded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { backfillDone, launch, openPage, tableOf } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const PREFIX = "/playground/";
const PANES = ["service", "exposition", "query", "dashboard", "inspect", "targets", "alerts", "lessons"];
// The parts: the engine, the Query pane, the other panes, the YAML readers (rule
// files, alertmanager.yml) and the export (the stack as a zip).
const PARTS = ["engine", "query", "panes", "yaml", "export"];
const partOf = (url) => url.match(/\/split_([a-z]+)(?:_\d+)?\.wasm$/)?.[1];

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test builds it)`);
  server = await serveDist(DIST, PREFIX);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until every pane's part has been fetched (the prefetch after first paint);
 * `fetched` resolves to the set of parts fetched so far. */
async function allPartsFetched(page, fetched) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="pane-loading"]'));
  const deadline = Date.now() + 20000;
  let seen = await fetched();
  while (PARTS.some((p) => !seen.has(p))) {
    assert.ok(Date.now() < deadline, `parts never prefetched: ${PARTS.filter((p) => !seen.has(p)).join(", ")}`);
    await page.waitForTimeout(100);
    seen = await fetched();
  }
  await page.waitForLoadState("networkidle");
}

test("the engine's and the Query pane's parts come with the main module, the first pane's next, the others after first paint", async () => {
  const order = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("request", (req) => {
    const part = partOf(req.url());
    if (part) order.push(part);
  });
  await page.goto(server.url + "#targets");
  await page.waitForSelector('[data-testid="pane-targets"] [data-testid="target-row"]');
  assert.deepEqual(order.slice(0, 2).sort(), ["engine", "query"], `parts in order of request: ${order.join(", ")}`);
  assert.equal(order[2], "panes", `parts in order of request: ${order.join(", ")}`);
  await allPartsFetched(page, async () => new Set(order));
  assert.deepEqual([...new Set(order)].sort(), [...PARTS].sort());
  assert.equal(order.length, PARTS.length, `a part was fetched twice: ${order.join(", ")}`);
  await context.close();
});

test("the shell and the Query pane paint before the engine has come; the run starts when it comes", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let release;
  const gate = new Promise((r) => (release = r));
  await context.route(/\/split_engine(_\d+)?\.wasm$/, async (route) => {
    await gate;
    await route.continue();
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(server.url + "#query");
  await page.waitForSelector('[data-testid="query-input"]');
  await page.waitForSelector('[data-testid="backfill-progress"]');
  assert.equal(await page.locator('[data-testid="timeline-event"]').count(), 0);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid="backfill-progress"]').count(), 1, "no run before the engine");
  release();
  await backfillDone(page);
  const rows = await tableOf(page, "count(up)");
  assert.equal(rows.length, 1, rows.join(" | "));
  assert.match(rows[0], /^\{\}[1-9]/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("an engine that cannot be fetched is an error the clock bar shows, and the page lives on", async () => {
  const failing = /\/split_engine(_\d+)?\.wasm$/;
  const { context, page, problems } = await openPage(browser, server.url + "#query", {}, (context) =>
    context.route(failing, (route) => route.abort("internetdisconnected")),
  );
  const error = page.locator('[data-testid="clock-error"]');
  await error.waitFor();
  assert.match(await error.textContent(), /The simulation could not be loaded .*Reload the page/);
  assert.equal(await page.locator('[data-testid="backfill-progress"]').count(), 0);
  // The shell still works: the Inspect pane parses a pasted text without the engine's run.
  await page.click('[data-testid="tab-inspect"]');
  await page.waitForSelector('[data-testid="pane-inspect"] h2:text("Inspect")');
  const unexpected = problems.filter((p) => !/split_engine|Failed to load resource|Failed to fetch|failed to load split module/.test(p));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test("a pane whose part has not arrived says it is loading, then shows its content", async () => {
  // Hold the panes' part until released: the Alerts pane's first visit must show
  // the loading state (the prefetch after first paint asks for it at once).
  let release;
  const held = new Promise((r) => (release = r));
  const { context, page, problems } = await openPage(browser, server.url + "#query", {}, (context) =>
    context.route(/\/split_panes(_\d+)?\.wasm$/, async (route) => {
      await held;
      await route.continue();
    }),
  );
  await page.click('[data-testid="tab-alerts"]');
  const loading = page.locator('[data-testid="pane-alerts"] [data-testid="pane-loading"]');
  await loading.waitFor();
  assert.match(await loading.textContent(), /Loading the Alerts pane/);
  assert.equal(await loading.getAttribute("role"), "status");
  release();
  await loading.waitFor({ state: "detached" });
  await page.waitForSelector('[data-testid="pane-alerts"] h2:text("Alerts")');
  await page.waitForTimeout(300);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a part that cannot be fetched is an error the pane shows, and Try again loads it", async () => {
  // The panes' part fails (as offline before the prefetch reached it), prefetch included.
  const failing = /\/split_panes(_\d+)?\.wasm$/;
  const { context, page, problems } = await openPage(browser, server.url + "#query", {}, (context) =>
    context.route(failing, (route) => route.abort("internetdisconnected")),
  );
  await page.click('[data-testid="tab-lessons"]');
  const error = page.locator('[data-testid="pane-lessons"] [data-testid="pane-load-error"]');
  await error.waitFor();
  assert.match(await error.textContent(), /The Lessons pane could not be loaded/);
  // The network is back: Try again loads the part, and the page lived on throughout.
  await context.unroute(failing);
  await page.click('[data-testid="pane-lessons"] [data-testid="pane-load-retry"]');
  await page.waitForSelector('[data-testid="pane-lessons"] h2:text("Lessons")');
  await page.click('[data-testid="tab-targets"]');
  await page.waitForSelector('[data-testid="target-row"]');
  // The failed fetches are the only problems the page reported.
  const unexpected = problems.filter((p) => !/split_panes|Failed to load resource|Failed to fetch|failed to load split module/.test(p));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test("a link with its own rule file replays once the YAML part has arrived; the defaults need none", async () => {
  const yamlPart = /\/split_yaml(_\d+)?\.wasm$/;
  /** A page whose YAML part is held back until `release()`. */
  const held = async (url) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    let release;
    const gate = new Promise((r) => (release = r));
    await context.route(yamlPart, async (route) => {
      await gate;
      await route.continue();
    });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(url);
    return { context, page, problems, release };
  };
  // The default rules are prebuilt: the run evaluates them without the reader.
  const first = await held(server.url + "#query");
  await backfillDone(first.page);
  assert.deepEqual(await tableOf(first.page, 'count({__name__=~"job:.+:rate1m"})'), ["{}1"]);
  const link = first.page.url();
  first.release();
  await first.context.close();
  // A link whose first rule file is the user's: its replay waits for the reader.
  const mine = "groups:\n  - name: mine\n    rules:\n      - record: job:up:count\n        expr: count by (job) (up)\n";
  assert.match(link, /\?.*#/, `a link with a query and a pane: ${link}`);
  const fresh = await held(link.replace("#", `&rules=${encodeURIComponent(mine)}#`));
  await fresh.page.waitForSelector('[data-testid="backfill-progress"]');
  await fresh.page.waitForTimeout(1000);
  assert.equal(await fresh.page.locator('[data-testid="backfill-progress"]').count(), 1, "the replay waits for the reader");
  fresh.release();
  await backfillDone(fresh.page);
  const rows = await tableOf(fresh.page, "job:up:count");
  assert.equal(rows.length, 1, rows.join(" | "));
  assert.deepEqual(await tableOf(fresh.page, 'count({__name__=~"job:.+:rate1m"}) or vector(0)'), ["{}0"], "the user's rules in place of the defaults");
  assert.deepEqual(first.problems, []);
  assert.deepEqual(fresh.problems, []);
  await fresh.context.close();
});

test("once the page has loaded, every pane opens offline", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#query");
  // Every part this page has fetched (resource timing sees requests made before any listener).
  const fetched = async () => {
    const names = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    return new Set(names.map(partOf).filter(Boolean));
  };
  await allPartsFetched(page, fetched);
  await context.setOffline(true);
  for (const pane of PANES) {
    await page.click(`[data-testid="tab-${pane}"]`);
    const section = `[data-testid="pane-${pane}"]`;
    await page.waitForSelector(`${section} :is(h2, [data-testid="query-input"], [data-testid="dashboard-title"])`, { timeout: 5000 });
    assert.equal(await page.locator(`${section} [data-testid="pane-loading"]`).count(), 0, `${pane} still loading offline`);
  }
  // The pipeline keeps running offline: the Targets pane lists the scraped instances.
  await page.click('[data-testid="tab-targets"]');
  await page.waitForSelector('[data-testid="target-row"]');
  // Chromium asks for the favicon again when the address changes; offline, that fails.
  const favicon = /favicon-[0-9a-f]+\.svg|Failed to load resource: net::ERR_INTERNET_DISCONNECTED/;
  assert.deepEqual(problems.filter((p) => !favicon.test(p)), []);
  await context.close();
});
