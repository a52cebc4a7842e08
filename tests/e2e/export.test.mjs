// Export in the page (issue 18): "Export the stack" downloads the run as a zip
// (its code a part of its own, prefetched after first paint); the zip holds the compose stack with
// the run's targets and the rule file in effect (the link's own), and its
// Prometheus configuration passes the real promtool.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { backfillDone, launch, openPage } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test makes one)`);
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("Export the stack downloads the run's compose stack with its rule file, which promtool accepts", async () => {
  const first = await openPage(browser, server.url + "#query");
  await backfillDone(first.page);
  const mine = "groups:\n  - name: mine\n    rules:\n      - record: job:up:count\n        expr: count by (job) (up)\n";
  const link = first.page.url().replace("#", `&rules=${encodeURIComponent(mine)}#`);
  await first.context.close();

  const { context, page, problems } = await openPage(browser, link, { acceptDownloads: true });
  await backfillDone(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-stack"]')]);
  assert.equal(download.suggestedFilename(), "promplay-api.zip");
  await page.waitForSelector('[data-testid="export-stack"]:text("Stack exported")');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promplay-export-e2e-"));
  const zip = path.join(dir, "stack.zip");
  await download.saveAs(zip);
  execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, dir]);
  const root = path.join(dir, "promplay-api");
  for (const file of ["docker-compose.yml", "prometheus/prometheus.yml", "prometheus/rules.yml", "alertmanager/alertmanager.yml",
    "grafana/provisioning/datasources/prometheus.yml", "grafana/dashboards/promplay.json", "app/api.py", "app/Dockerfile", "README.md"]) {
    assert.ok(fs.existsSync(path.join(root, file)), `${file} is in the zip`);
  }
  assert.equal(fs.readFileSync(path.join(root, "prometheus/rules.yml"), "utf8"), mine, "the rule file in effect");
  const config = fs.readFileSync(path.join(root, "prometheus/prometheus.yml"), "utf8");
  assert.match(config, /targets: \["api-1:8080", "api-2:8080"\]/, config);
  assert.match(config, /scrape_interval: 15s/);
  const dashboard = JSON.parse(fs.readFileSync(path.join(root, "grafana/dashboards/promplay.json"), "utf8"));
  assert.ok(dashboard.panels.length > 0);
  let promtool = true;
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
  } catch {
    promtool = false;
  }
  if (promtool) {
    const out = execFileSync("promtool", ["check", "config", path.join(root, "prometheus/prometheus.yml")], { encoding: "utf8" });
    assert.match(out, /SUCCESS: 1 rule files found/);
  } else {
    assert.ok(!process.env.PROMPLAY_REQUIRE_REFERENCES, "promtool is not installed (bash .ci/test installs it)");
    console.log("SKIPPED: promtool check config of the downloaded stack (promtool is not installed)");
  }
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a Grafana dashboard imports into the Dashboard pane with a report of what did not come along, and stays", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#dashboard");
  await backfillDone(page);
  await page.waitForSelector('[data-testid="dashboard-panel"]');
  const grafana = {
    title: "From Grafana",
    panels: [
      { type: "timeseries", title: "Requests", gridPos: { x: 0, y: 0, w: 12, h: 8 },
        fieldConfig: { defaults: { unit: "reqps" } },
        targets: [{ expr: "sum by (path) (rate(http_requests_total[$__rate_interval]))", legendFormat: "{{path}}" }] },
      { type: "stat", title: "Targets up", gridPos: { x: 12, y: 0, w: 12, h: 8 }, targets: [{ expr: "sum(up)" }] },
      { type: "table", title: "A table", gridPos: { x: 0, y: 8, w: 12, h: 8 }, targets: [{ expr: "up" }] },
    ],
  };
  await page.setInputFiles('[data-testid="dashboard-import"]', {
    name: "grafana.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(grafana)),
  });
  await page.waitForSelector('[data-testid="dashboard-title"]:text("From Grafana")');
  assert.equal(await page.locator('[data-testid="dashboard-panel"]').count(), 2);
  const report = await page.locator('[data-testid="import-report"]').textContent();
  assert.match(report, /"A table": a table panel, which promplay does not draw: left out/);
  // The panels draw from the store.
  await page.waitForSelector('[data-testid="dashboard-panel"] [data-testid="panel-timing"]');
  // Not JSON: the error names where.
  await page.setInputFiles('[data-testid="dashboard-import"]', { name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{\n  nope") });
  await page.waitForSelector('[data-testid="import-report"]:text("broken.json: key must be a string at line 2 column 3")');
  assert.equal(await page.locator('[data-testid="dashboard-title"]').textContent(), "From Grafana", "a failed import changes nothing");
  await page.reload();
  await page.waitForSelector('[data-testid="dashboard-title"]:text("From Grafana")');
  assert.deepEqual(problems, []);
  await context.close();
});

test("a rule file and an alertmanager.yml open from disk into their editors, are checked, and apply", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#alerts");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  await page.click('[data-testid="alerts-tab-rules"]');
  const rules = "groups:\n  - name: opened\n    rules:\n      - record: job:up:count\n        expr: count by (job) (up)\n";
  await page.setInputFiles('[data-testid="rules-open"]', { name: "rules.yml", mimeType: "text/yaml", buffer: Buffer.from(rules) });
  await page.waitForFunction(() => document.querySelector('[data-testid="rules-editor"]')?.value.includes("name: opened"));
  assert.equal(await page.inputValue('[data-testid="rules-editor"]'), rules);
  await page.click('[data-testid="rules-apply"]');
  await page.waitForSelector('[data-testid="rule-row"] b:text("job:up:count")');
  // A broken file is checked as it comes in: its problem at its line, Apply off.
  const broken = "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n";
  await page.setInputFiles('[data-testid="rules-open"]', { name: "broken.yml", mimeType: "text/yaml", buffer: Buffer.from(broken) });
  await page.waitForSelector('[data-testid="rules-errors"] li');
  assert.match(await page.locator('[data-testid="rules-errors"]').textContent(), /5:/);
  assert.equal(await page.isDisabled('[data-testid="rules-apply"]'), true);
  // alertmanager.yml, the same way.
  await page.click('[data-testid="alerts-tab-alertmanager"]');
  const am = "route:\n  receiver: team\nreceivers:\n  - name: team\n";
  await page.setInputFiles('[data-testid="alertmanager-open"]', { name: "alertmanager.yml", mimeType: "text/yaml", buffer: Buffer.from(am) });
  await page.waitForFunction(() => document.querySelector('[data-testid="alertmanager-editor"]')?.value.includes("receiver: team"));
  await page.click('[data-testid="alertmanager-apply"]');
  await page.waitForFunction(() => /am=|am\.1=/.test(location.search));
  assert.deepEqual(problems, []);
  await context.close();
});
