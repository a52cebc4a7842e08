// A real Prometheus as the Query pane's data source (issue 18): Prometheus 2.42
// on loopback, started with --web.cors.origin, over a TSDB imported from
// `promplay simulate` output of the same run the page replays; switched to it,
// the page shows the same table values as its own store for the same queries,
// completes metric names from the server, and explains a server that refuses
// other origins.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { backfillDone, launch, openPage, tableOf } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(here, "../..");
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(ROOT, "target/e2e-dist");
const START_S = 1714521600; // 2024-05-01T00:00:00Z

let server;
let browser;
let work;
const servers = []; // [{ url, process }]

const runs = (cmd) => {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const missing = !runs("prometheus") || !runs("promtool");

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Prometheus 2.42 over `data`, on loopback, allowing the origins `cors` matches
 * (Prometheus's own default is every origin). */
async function startPrometheus(data, cors) {
  const port = await freePort();
  const config = path.join(work, "prometheus.yml");
  fs.writeFileSync(config, "global:\n  scrape_interval: 1m\n");
  const args = [`--config.file=${config}`, `--storage.tsdb.path=${data}`, "--storage.tsdb.retention.time=100y", `--web.listen-address=127.0.0.1:${port}`];
  args.push(`--web.cors.origin=${cors}`);
  const proc = spawn("prometheus", args, { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  servers.push({ url, proc });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return url;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`prometheus did not start on ${url}`);
}

/** Rows as `labels` + value: labels equal, values equal to 1e-12 relative (2.42
 * sums without the Kahan compensation Prometheus 3, and promplay, use: the last
 * digit of a sum may differ). */
function assertSameTable(remote, local, query) {
  const split = (row) => {
    const m = row.match(/^(.*?)(-?[0-9.e+-]+|NaN|[+-]Inf)$/);
    return m ? [m[1], Number(m[2])] : [row, NaN];
  };
  assert.equal(remote.length, local.length, `${query}: ${remote} against ${local}`);
  for (const [i, row] of remote.entries()) {
    const [labels, value] = split(row);
    const [wantLabels, want] = split(local[i]);
    assert.equal(labels, wantLabels, `${query}: ${row} against ${local[i]}`);
    const close = value === want || Math.abs(value - want) <= 1e-12 * Math.max(Math.abs(value), Math.abs(want));
    assert.ok(close, `${query}: ${row} against ${local[i]}`);
  }
}

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test makes one)`);
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  for (const { proc } of servers) proc.kill();
  await browser?.close();
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("switched to a real Prometheus holding the same run, the Query pane shows the same tables and completes its names", async (t) => {
  if (missing) {
    assert.ok(!process.env.PROMPLAY_REQUIRE_REFERENCES, "prometheus and promtool are not installed (bash .ci/test installs them)");
    t.skip("prometheus or promtool is not installed");
    return;
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), "promplay-datasource-"));
  const bin = process.env.PROMPLAY_BIN || ["target/release/promplay", "target/debug/promplay"].map((p) => path.join(ROOT, p)).find((p) => fs.existsSync(p));
  assert.ok(bin, "no promplay binary (cargo build)");
  const samples = execFileSync(bin, ["simulate", "--scenario", "api", "--seed", "1", "--instances", "2", "--start", String(START_S), "--duration", "1h"], { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
  fs.writeFileSync(path.join(work, "samples.om"), samples);
  const data = path.join(work, "data");
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", path.join(work, "samples.om"), data], { stdio: "ignore" });
  const prometheus = await startPrometheus(data, ".*");

  // The same run in the page, paused at its end.
  const t0 = START_S * 1000;
  const link = `${server.url}?run=scenario=api;seed=1;instances=2&t0=${t0}&now=${t0 + 3_600_000}&speed=0#query`;
  const { context, page, problems } = await openPage(browser, link);
  await backfillDone(page);
  const queries = [
    "up",
    'http_requests_total{path="/healthz"}',
    "count by (path) (http_requests_total)",
    "sum by (path) (rate(http_requests_total[5m]))",
    "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
  ];
  const local = [];
  for (const q of queries) local.push((await tableOf(page, q)).sort());
  assert.ok(local[0].length === 2, `two instances up: ${local[0]}`);

  await page.fill('[data-testid="datasource-url"]', prometheus);
  await page.click('[data-testid="datasource-apply"]');
  await page.waitForSelector('[data-testid="datasource-status"]:text("metric names")');
  for (const [i, q] of queries.entries()) {
    const remote = (await tableOf(page, q)).sort();
    assertSameTable(remote, local[i], q);
  }
  // Completion from the server's names.
  const input = page.locator('[data-testid="query-input"]').first();
  await input.fill("http_req");
  await input.press("Control+Space");
  await page.waitForSelector('[data-testid="autocomplete"]');
  assert.match(await page.locator('[data-testid="autocomplete"]').textContent(), /http_requests_total/);
  await input.press("Escape");
  // Prometheus's own error, with its position.
  await input.fill("sum(up");
  await input.press("Control+Enter");
  await page.waitForSelector('[data-testid="query-error"]');
  assert.match(await page.locator('[data-testid="query-error"]').textContent(), /bad_data: .*1:7: parse error/);
  // The choice survives a reload.
  await page.reload();
  await page.waitForSelector('[data-testid="datasource-status"]:text("metric names")');
  assert.equal(await page.inputValue('[data-testid="datasource-url"]'), prometheus);

  // A server that does not allow this page's origin is explained as such.
  const strict = await startPrometheus(data, "https://elsewhere\\.example");
  await page.fill('[data-testid="datasource-url"]', strict);
  await page.click('[data-testid="datasource-apply"]');
  await page.waitForSelector('[data-testid="datasource-status"]:text("--web.cors.origin")');
  // Back to the page's store.
  await page.fill('[data-testid="datasource-url"]', "");
  await page.click('[data-testid="datasource-apply"]');
  await page.waitForSelector('[data-testid="datasource-status"]:text("This page")');
  assert.deepEqual((await tableOf(page, queries[0])).sort(), local[0]);
  // The refused cross-origin requests and the deliberate parse error's HTTP 400s
  // are the only problems the page reported.
  const unexpected = problems.filter(
    (p) => !p.includes(strict) && !/CORS|Failed to load resource|Failed to fetch/.test(p) && !(p.startsWith("HTTP 400") && p.includes("query=sum%28up&")),
  );
  assert.deepEqual(unexpected, []);
  await context.close();
});
