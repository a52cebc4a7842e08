// End-to-end tests of the Python lab in the page (issue 14), on the release build
// in headless Chromium with every other origin refused: each scenario's own
// Python runs as written in place of its simulated service and its metrics reach
// the store; an edit adding a Gauge shows in the Exposition pane and in a query;
// a syntax error marks its line; a loop that never sleeps is stopped while the page
// stays responsive; a link with an edited program opens unrun, and after Run
// replays to the same query result and the same store fingerprint.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, backfillDone, lineMatching, refuseOtherOrigins, tableOf } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SHOTS = path.join(here, "screenshots");

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "python-lab", "pyodide.asm.wasm")), `no Python runtime in ${DIST}/python-lab (bash .ci/test stages it)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page whose requests to any other origin are refused and recorded. */
async function closedPage(url = server.url + "#service") {
  const opened = await openPage(browser, url);
  opened.outside = await refuseOtherOrigins(opened.context, server.url);
  return opened;
}

const status = (page) => page.textContent('[data-testid="python-status"]');

async function waitStatus(page, pattern, timeout = 60000) {
  await page.waitForFunction(
    ({ source, flags }) => new RegExp(source, flags).test(document.querySelector('[data-testid="python-status"]')?.textContent ?? ""),
    { source: pattern.source, flags: pattern.flags },
    { timeout, polling: 100 },
  ).catch(async (err) => {
    err.message += `\nstatus: ${await status(page).catch(() => "?")}`;
    throw err;
  });
}

/** Opens the lab in the Service pane (the toggle is remembered). */
async function openLab(page) {
  await page.click('[data-testid="tab-service"]');
  if ((await page.getAttribute('[data-testid="python-lab"]', "aria-pressed")) !== "true") {
    await page.click('[data-testid="python-lab"]');
  }
  await page.waitForSelector('[data-testid="python-editor"]');
}

/** Polls `expr` until it has a result (the lab's scrapes come every 15 s of virtual time). */
async function untilResult(page, expr, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const rows = await tableOf(page, expr);
    if (rows.length > 0) return rows;
    if (Date.now() > end) assert.fail(`no result for ${expr}; lab status: ${await page.evaluate(() => document.querySelector('[data-testid="python-status"]')?.textContent)}`);
    await page.waitForTimeout(300);
  }
}

// What each scenario's own program exposes that only the real program does (the
// simulated services have no python_info; the batch job's pushes carry the lab's host).
const SCENARIOS = [
  ["api", 'count(http_requests_total{path="/api/users/<id>"}) and on() python_info'],
  ["course_catalog", "count(app_request_count_total) and on() python_info"],
  ["flask_app", 'count(slow_bucket{endpoint="/database"}) and on() python_info'],
  ["treecounter", 'count(requests_total{endpoint="/treecounter"}) and on() python_info'],
  ["random_facts", "count(random_facts_api_execution_counter_total) and on() python_info"],
  ["worker", "request_processing_seconds_count > 0 and on() python_info"],
  ["hello_world", "count(app_requests_total) and on() python_info"],
  ["batch", 'batch_job_records_processed{instance="python-lab"}'],
  ["demo", "count(demo_api_request_duration_seconds_count) and on() python_info"],
];

test("each scenario's Python runs as written and its metrics reach the store", async () => {
  const { context, page, problems, outside } = await closedPage();
  await backfillDone(page);
  assert.ok(!server.requests.some((p) => p.includes("python-lab")), "the runtime is not part of the first download");
  await page.click('[data-testid="speed-60"]');
  const times = [];
  for (const [scenario, expr] of SCENARIOS) {
    await page.click('[data-testid="tab-service"]');
    await page.selectOption('[data-testid="scenario"]', scenario);
    await backfillDone(page);
    await openLab(page);
    const started = Date.now();
    await page.click('[data-testid="python-run"]');
    await waitStatus(page, /^Running/);
    if (scenario === "batch") await page.click('[data-testid="speed-600"]');
    const rows = await untilResult(page, expr);
    times.push(`${scenario} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.ok(rows.length > 0, scenario);
    if (scenario === "batch") await page.click('[data-testid="speed-60"]');
  }
  console.log(`python lab, Run to the program's metrics in a query: ${times.join(", ")}`);
  await page.screenshot({ path: path.join(SHOTS, "python-lab-batch.png") });
  assert.deepEqual(outside, [], "nothing was fetched from another origin");
  assert.deepEqual(problems, []);
  await context.close();
});

test("an edit adding a Gauge shows in the Exposition pane and in a query", async () => {
  const { context, page, problems } = await closedPage();
  await backfillDone(page);
  await page.selectOption('[data-testid="scenario"]', "hello_world");
  await backfillDone(page);
  await openLab(page);
  const editor = page.locator('[data-testid="python-editor"]');
  const original = await editor.inputValue();
  const edited = original
    .replace("from prometheus_client import Counter, Histogram, start_http_server", "from prometheus_client import Counter, Gauge, Histogram, start_http_server")
    .replace('RESPONSE_TIME = Histogram(', 'LAST_VISIT = Gauge("app_last_visit_timestamp_seconds", "When the app was last visited.")\nRESPONSE_TIME = Histogram(')
    .replace("    REQUESTS.inc()\n", "    REQUESTS.inc()\n    LAST_VISIT.set(time.time())\n");
  assert.notEqual(edited, original);
  await editor.fill(edited);
  await page.click('[data-testid="speed-60"]');
  await page.click('[data-testid="python-run"]');
  await waitStatus(page, /^Running/);
  const rows = await untilResult(page, "app_last_visit_timestamp_seconds");
  assert.equal(rows.length, 1);
  await page.click('[data-testid="tab-exposition"]');
  const line = await lineMatching(page, '[data-testid="exposition-text"]', /^app_last_visit_timestamp_seconds /);
  assert.ok(await line.isVisible());
  await page.screenshot({ path: path.join(SHOTS, "python-lab-gauge-exposition.png") });
  // The edit survives a reload (it is the run's program, in the link and storage).
  await page.reload();
  await openLab(page);
  assert.match(await page.locator('[data-testid="python-editor"]').inputValue(), /LAST_VISIT = Gauge/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a syntax error marks its line; a loop that never sleeps is stopped and the page stays responsive", async () => {
  const { context, page, problems } = await closedPage();
  await backfillDone(page);
  await openLab(page);
  const editor = page.locator('[data-testid="python-editor"]');
  await editor.fill("import time\nx = 1\nif x\n    pass\n");
  await page.click('[data-testid="python-run"]');
  await waitStatus(page, /SyntaxError/);
  const underlined = await page.locator('.python-lab .err-underline').allTextContents();
  assert.equal(underlined.join(""), "if x");
  assert.match(await page.textContent('[data-testid="python-error"]'), /line 3/);
  await page.screenshot({ path: path.join(SHOTS, "python-lab-syntax-error.png") });

  await editor.fill("print('spinning')\nwhile True:\n    pass\n");
  await page.click('[data-testid="python-run"]');
  // While the worker spins, the page answers at once.
  const started = Date.now();
  let slowest = 0;
  while (Date.now() - started < 2500) {
    const before = Date.now();
    await page.evaluate(() => document.querySelector('[data-testid="virtual-time"]').textContent);
    slowest = Math.max(slowest, Date.now() - before);
    await page.waitForTimeout(100);
  }
  assert.ok(slowest < 1000, `the page answered within ${slowest} ms while the program spun`);
  await waitStatus(page, /Stopped: the program ran for 2 s without sleeping/);
  assert.match(await page.textContent('[data-testid="python-error"]'), /time\.sleep/);
  // The page still works: the tabs switch, and the next Run starts a fresh worker.
  await editor.fill("from prometheus_client import Counter, start_http_server\nstart_http_server(8000)\nCounter('after_spin', 'x').inc()\n");
  await page.click('[data-testid="python-run"]');
  await waitStatus(page, /^Running/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a link with an edited program opens unrun, and after Run replays the same data", async () => {
  const a = await closedPage();
  await backfillDone(a.page);
  await a.page.selectOption('[data-testid="scenario"]', "random_facts");
  await backfillDone(a.page);
  await openLab(a.page);
  const editor = a.page.locator('[data-testid="python-editor"]');
  const program = (await editor.inputValue()).replace(
    '    EXECUTIONS.inc()\n',
    '    EXECUTIONS.inc()\n    FACT_LENGTH.observe(len(random.choice(FACTS)))\n',
  ).replace(
    'FACTS = [',
    'FACT_LENGTH = Summary("random_fact_length_characters", "Length of the facts served.")\n\nFACTS = [',
  ).replace("from prometheus_client import Counter, start_http_server", "from prometheus_client import Counter, Summary, start_http_server");
  await editor.fill(program);
  await a.page.click('[data-testid="speed-60"]');
  await a.page.click('[data-testid="python-run"]');
  await waitStatus(a.page, /^Running/);
  await untilResult(a.page, "random_fact_length_characters_count > 20");
  await a.page.click('[data-testid="speed-0"]');
  await a.page.waitForTimeout(500);
  const expr = "sum(random_fact_length_characters_sum) + sum(random_facts_api_execution_counter_total)";
  const expected = await tableOf(a.page, expr);
  await a.page.click('[data-testid="tab-targets"]');
  await a.page.click('[data-testid="fingerprint-store"]');
  const fingerprint = await a.page.textContent('[data-testid="store-fingerprint"]');
  const link = a.page.url();
  assert.match(link, /[?&]py=/);
  assert.deepEqual(a.problems, []);
  await a.context.close();

  const seen = server.requests.length;
  const b = await closedPage(link);
  // The replay waits, and says why, before anything of the program runs: not
  // even the interpreter is loaded.
  await b.page.waitForSelector('[data-testid="lab-held"]');
  await b.page.waitForTimeout(500);
  assert.ok(!server.requests.slice(seen).some((p) => p.includes("python-worker.mjs")), "the worker was not started");
  await b.page.click('[data-testid="tab-service"]');
  await b.page.waitForSelector('[data-testid="python-editor"]');
  await waitStatus(b.page, /This link contains a Python program/);
  assert.equal(await b.page.locator('[data-testid="python-editor"]').inputValue(), program);
  await b.page.screenshot({ path: path.join(SHOTS, "python-lab-link-held.png") });
  await b.page.click('[data-testid="python-run"]');
  await backfillDone(b.page);
  assert.deepEqual(await tableOf(b.page, expr), expected);
  await b.page.click('[data-testid="tab-targets"]');
  await b.page.click('[data-testid="fingerprint-store"]');
  assert.equal(await b.page.textContent('[data-testid="store-fingerprint"]'), fingerprint);
  assert.deepEqual(b.outside, []);
  assert.deepEqual(b.problems, []);
  await b.context.close();
});
