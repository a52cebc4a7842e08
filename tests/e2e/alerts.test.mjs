// End-to-end test of rules and alerts (issue 13), on the release build in real
// headless Chromium: during an outage at 60× the default HighLatency alert goes
// pending then firing; Alertmanager's notification log shows the grouped
// notification to the routed receiver (oncall-pager) group_wait after it fired;
// a silence made in the page mutes HighErrorRatio; a resolved notification
// follows the outage; the rule file's editor reports problems at their line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { backfillDone, launch, openPage, virtualMs } from "./browser.mjs";

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

const utcMs = (text) => Date.parse(text.trim().replace(" UTC", "Z").replace(" ", "T"));

async function alertsView(page, view) {
  await page.click('[data-testid="tab-alerts"]');
  await page.click(`[data-testid="alerts-tab-${view}"]`);
}

test("an outage fires HighLatency, Alertmanager pages after group_wait, a silence mutes, the resolved notification follows", async () => {
  const { context, page, problems } = await openPage(browser, server.url);
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');

  // A silence for the error-ratio alert, made in the page before the outage.
  await alertsView(page, "alertmanager");
  await page.fill('[data-testid="silence-matchers"]', 'alertname="HighErrorRatio"');
  await page.fill('[data-testid="silence-duration"]', "2h");
  await page.fill('[data-testid="silence-comment"]', "outage drill");
  await page.click('[data-testid="silence-create"]');
  await page.waitForSelector('[data-testid="silence"][data-state="active"]');
  const silencedFrom = await virtualMs(page);

  await page.click('[data-testid="tab-service"]');
  await page.click('[data-testid="start-outage"]');
  const outageStart = await virtualMs(page);
  // Pending lasts the rule's `for: 1m`: at 10× that is 6 s of wall time, long
  // enough to be seen on a loaded machine (at 60× one late tick can skip it).
  await page.click('[data-testid="speed-10"]');

  await alertsView(page, "alerts");
  const rule = '[data-testid="alerting-rule"][data-rule="HighLatency"]';
  await page.waitForSelector(`${rule}[data-state="pending"]`, { timeout: 60000 });
  await page.click('[data-testid="speed-60"]');
  await page.waitForSelector(`${rule}[data-state="firing"]`, { timeout: 30000 });
  const since = utcMs(await page.locator(`${rule} [data-testid="alert-row"] td:nth-child(3)`).first().textContent());
  assert.ok(since >= outageStart, "the alert became active during the outage");
  await page.screenshot({ path: path.join(SHOTS, "alerts-firing.png") });

  await alertsView(page, "alertmanager");
  const paged = '[data-testid="notification"][data-receiver="oncall-pager"][data-status="firing"]';
  await page.waitForFunction(
    ({ paged, outageStart }) =>
      [...document.querySelectorAll(paged)].some(
        (row) => /HighLatency/.test(row.dataset.group) &&
          Date.parse(row.cells[0].textContent.replace(" UTC", "Z").replace(" ", "T")) >= outageStart,
      ),
    { paged, outageStart },
    { timeout: 30000 },
  );
  const times = await page.$$eval(paged, (rows) =>
    rows.filter((r) => /HighLatency/.test(r.dataset.group)).map((r) => r.cells[0].textContent),
  );
  const notifiedAt = Math.max(...times.map(utcMs));
  // Pending since `since`, firing after `for: 1m`, paged after `group_wait: 30s`.
  assert.equal(notifiedAt - since, 90_000, `notified at ${new Date(notifiedAt).toISOString()}, active since ${new Date(since).toISOString()}`);

  // The outage ends; the resolved notification follows (PagerDuty sends resolved).
  await page.waitForFunction(
    (after) =>
      [...document.querySelectorAll('[data-testid="notification"][data-receiver="oncall-pager"][data-status="resolved"]')].some(
        (row) => /HighLatency/.test(row.dataset.group) &&
          Date.parse(row.cells[0].textContent.replace(" UTC", "Z").replace(" ", "T")) > after,
      ),
    notifiedAt,
    { timeout: 60000 },
  );
  await page.click('[data-testid="speed-0"]');
  // HighErrorRatio fired in Prometheus, but the silence kept it from every receiver.
  const muted = await page.$$eval('[data-testid="notification"]', (rows, from) =>
    rows.filter((r) => /HighErrorRatio/.test(r.dataset.group) &&
      Date.parse(r.cells[0].textContent.replace(" UTC", "Z").replace(" ", "T")) >= from).length, silencedFrom);
  assert.equal(muted, 0, "no HighErrorRatio notification while silenced");
  await page.screenshot({ path: path.join(SHOTS, "alertmanager-log.png"), fullPage: true });

  // The route test answers as amtool does.
  await page.fill('[data-testid="route-test"]', 'alertname="X", severity="ticket"');
  await page.waitForFunction(() => document.querySelector('[data-testid="route-test-answer"]').textContent.trim() === "team-email");

  // A broken alertmanager.yml too: Alertmanager's message, the place underlined.
  await page.fill('[data-testid="alertmanager-editor"]', "route:\n  receiver: x\n  group_by: [a\nreceivers:\n  - name: x\n");
  await page.waitForSelector('[data-testid="alertmanager-errors"]');
  assert.match(await page.textContent('[data-testid="alertmanager-errors"]'), /line 4 column 10/);
  assert.equal(await page.isDisabled('[data-testid="alertmanager-apply"]'), true);
  await page.fill('[data-testid="alertmanager-editor"]', "route:\n  receiver: nobody\nreceivers:\n  - name: x\n");
  await page.waitForFunction(() => /undefined receiver "nobody" used in route/.test(document.querySelector('[data-testid="alertmanager-errors"]')?.textContent));

  // A broken rule file is checked as it is typed: its problem at its line and
  // column, underlined in the editor, and Apply stays off.
  await alertsView(page, "rules");
  await page.fill('[data-testid="rules-editor"]', "groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: rate(x[5m]\n");
  await page.waitForSelector('[data-testid="rules-errors"]');
  assert.equal(await page.isDisabled('[data-testid="rules-apply"]'), true);
  const underlined = (await page.locator(".code-editor-box .err-underline").allTextContents()).join("");
  assert.equal(underlined, "rate(x[5m]");
  const error = await page.locator('[data-testid="rules-errors"]').textContent();
  assert.match(error, /^5:15: group "g", rule 1, "Broken": could not parse expression: 1:11: parse error: unexpected end of input/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a rule edit is an event the link replays", async () => {
  const { context, page } = await openPage(browser, server.url);
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  await alertsView(page, "rules");
  const text = "groups:\n  - name: mine\n    interval: 15s\n    rules:\n      - record: job:up:count\n        expr: count by (job) (up)\n";
  await page.fill('[data-testid="rules-editor"]', text);
  await page.click('[data-testid="rules-apply"]');
  await page.waitForSelector('[data-testid="rule-row"]');
  await page.click('[data-testid="speed-60"]');
  await page.waitForSelector('[data-testid="rule-row"][data-health="ok"]', { timeout: 20000 });
  await page.click('[data-testid="speed-0"]');
  const link = page.url();
  assert.match(link, /[?&]rules\.1=/);
  assert.match(link, /:rules:1/);
  // The draft survives a reload.
  await page.reload();
  await backfillDone(page);
  await alertsView(page, "rules");
  assert.equal(await page.inputValue('[data-testid="rules-editor"]'), text);
  await context.close();
  const fresh = await openPage(browser, link);
  await backfillDone(fresh.page);
  await alertsView(fresh.page, "rules");
  const names = await fresh.page.locator('[data-testid="rule-row"] b').allTextContents();
  assert.deepEqual(names, ["job:up:count"]);
  await fresh.context.close();
});
