// End-to-end tests of the run as a timeline (issue 10), on the release build in
// real headless Chromium: incidents and control changes are events, the address
// carries them, and a fresh browser opening it sees the same values; the events are
// listed and drawn on charts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, tableOf } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SHOTS = path.join(here, "screenshots");

let server;
let browser;
let longestLink = 0; // of the links made by clicking (the synthetic 700-event one apart)

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test makes one)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  console.log(`longest share link made by clicking in these tests: ${longestLink} characters`);
  await browser?.close();
  await server?.close();
});

const backfillDone = (page) =>
  page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 60000 });

const virtualMs = (page) =>
  page.evaluate(() => Date.parse(document.querySelector('[data-testid="virtual-time"]').textContent.replace(" UTC", "Z").replace(" ", "T")));

/** The address, once it is a link to the run (written as soon as something changes). */
async function shareLink(page) {
  const link = page.url();
  assert.match(link, /[?&]run=/);
  assert.match(link, /[?&]now=/);
  longestLink = Math.max(longestLink, link.length);
  return link;
}

/** Opens `link` in a new browser context (no storage shared) and waits for its replay. */
async function openFresh(link) {
  const fresh = await openPage(browser, link);
  await backfillDone(fresh.page);
  return fresh;
}

// A row reads `{labels}value`.
const firstValue = (rows) => Number(rows[0].slice(rows[0].lastIndexOf("}") + 1));

test("an outage is in the link: a fresh browser sees the same error ratio", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  await page.click('[data-testid="start-outage"]');
  await page.click('[data-testid="speed-10"]');
  await page.waitForTimeout(12000);
  await page.click('[data-testid="speed-0"]');
  const ratio = 'sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))';
  const rows = await tableOf(page, ratio);
  assert.equal(rows.length, 1, rows.join("\n"));
  const sent = firstValue(rows);
  assert.ok(sent > 0.1, `the outage shows in the error ratio: ${sent}`);
  console.log(`outage: error ratio ${sent} for the sender`);
  // The event is listed, in the past (not removable), and marked on the graph.
  const events = page.locator('[data-testid="timeline-event"]');
  assert.equal(await events.count(), 1);
  assert.match(await events.first().textContent(), /\d\d:\d\d:\d\d\s*outage started \(5m\)/);
  assert.equal(await events.first().getAttribute("data-future"), "false");
  await page.click('[data-testid="query-tab-graph"]');
  const marker = page.locator('[data-testid="graph"] [data-testid="chart-marker"]');
  await marker.first().waitFor();
  assert.match(await marker.first().getAttribute("title"), /outage started \(5m\)/);
  await page.screenshot({ path: path.join(SHOTS, "timeline-outage-sender.png") });
  await page.click('[data-testid="query-tab-table"]');
  // "Copy link" puts the address, written that moment, on the clipboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.click('[data-testid="copy-link"]');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const link = await shareLink(page);
  assert.equal(copied, link);
  assert.match(link, /tl=\d+[a-z0-9]*:outage:5m/);
  assert.deepEqual(problems, []);
  await context.close();

  const fresh = await openFresh(link);
  await fresh.page.waitForFunction(() => document.querySelectorAll('[data-testid="query-table"] tbody tr').length > 0);
  const again = await fresh.page.locator('[data-testid="query-table"] tbody tr').allTextContents();
  assert.deepEqual(again, rows, "the receiver's table equals the sender's");
  assert.equal(await fresh.page.locator('[data-testid="timeline-event"]').count(), 1);
  await fresh.page.click('[data-testid="tab-dashboard"]');
  await fresh.page.locator('[data-testid="dashboard-panel"] [data-testid="chart-marker"]').first().waitFor();
  await fresh.page.screenshot({ path: path.join(SHOTS, "timeline-outage-receiver-dashboard.png") });
  assert.deepEqual(fresh.problems, []);
  await fresh.context.close();
});

test("moving a control changes only what comes after it, in every browser", async () => {
  const { context, page } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.selectOption('[data-testid="scenario"]', "course_catalog");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  const before = Math.floor((await virtualMs(page)) / 1000) - 30;
  const at = (t) => `sum by (http_status) (rate(app_request_count_total[1m] @ ${t}))`;
  const earlier = await tableOf(page, at(before));
  assert.ok(earlier.length > 0);
  await page.click('[data-testid="tab-service"]');
  await page.$eval('[data-testid="traffic"]', (el) => {
    el.value = "40";
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await page.waitForFunction(() => /traffic \S+ → 40\/s/.test(document.querySelector('[data-testid="timeline"]').textContent));
  await page.click('[data-testid="speed-10"]');
  await page.waitForTimeout(10000);
  await page.click('[data-testid="speed-0"]');
  const now = Math.floor((await virtualMs(page)) / 1000);
  const after = await tableOf(page, at(now));
  const rateOf = (rows) => rows.reduce((sum, r) => sum + firstValue([r]), 0);
  assert.ok(rateOf(after) > 2 * rateOf(earlier), `traffic rose: ${rateOf(earlier)} → ${rateOf(after)}`);
  // The past is unchanged, here and after a reload.
  assert.deepEqual(await tableOf(page, at(before)), earlier);
  const link = await shareLink(page);
  assert.match(link, /tl=[^&]*:traffic:40/);
  await page.reload();
  await backfillDone(page);
  assert.deepEqual(await tableOf(page, at(before)), earlier, "after a reload, the past is unchanged");
  assert.deepEqual(await tableOf(page, at(now)), after, "after a reload, the change is still there");
  await context.close();

  const fresh = await openFresh(link);
  assert.deepEqual(await tableOf(fresh.page, at(before)), earlier, "a fresh browser: the past");
  assert.deepEqual(await tableOf(fresh.page, at(now)), after, "a fresh browser: after the change");
  await fresh.context.close();
});

test("a future incident is listed and removable; a broken timeline says why", async () => {
  const { context, page } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  await page.selectOption('[data-testid="incident-delay"]', "5");
  await page.click('[data-testid="slow-release"]');
  const event = page.locator('[data-testid="timeline-event"]');
  await event.first().waitFor();
  assert.match(await event.first().textContent(), /slow release deployed \(15m\)/);
  assert.equal(await event.first().getAttribute("data-future"), "true");
  assert.match(page.url(), /:slow_release:15m/);
  await page.click('[data-testid="timeline-remove"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="timeline-event"]').length === 0);
  assert.doesNotMatch(page.url(), /tl=/);
  // A link whose timeline does not read: a new run, and the reason with its position.
  const broken = page.url().replace(/([?&])now=/, "$1tl=1m:trafic:4&now=");
  await context.close();
  const fresh = await openFresh(broken);
  const error = await fresh.page.textContent('[data-testid="clock-error"]');
  assert.match(error, /timeline does not read: 1:4: unknown event "trafic"/);
  await fresh.context.close();
});

test("a link too long for common servers is reported, not cut", async () => {
  const { context, page } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  const url = new URL(page.url());
  const t0 = Number(url.searchParams.get("t0"));
  // 700 control changes, one a second from the start: about 10 000 characters.
  const events = Array.from({ length: 700 }, (_, i) => `${i + 1}s:traffic:${(i % 40) + 1}`).join(",");
  const long = `${url.origin}${url.pathname}?run=${url.searchParams.get("run")}&t0=${t0}&tl=${events}&now=${t0 + 3_600_000}&speed=0#service`;
  await context.close();
  const fresh = await openFresh(long);
  const warning = await fresh.page.textContent('[data-testid="link-warning"]');
  assert.match(warning, /address is \d+ characters long: more than the 8000/);
  const kept = new URL(fresh.page.url()).search;
  assert.ok(kept.includes("11m40s:traffic:20"), "every event is still in the address");
  console.log(`a 700-event link: ${fresh.page.url().length} characters, reported as too long`);
  assert.equal(await fresh.page.locator('[data-testid="timeline-event"]').count(), 700);
  await fresh.context.close();
});
