// End-to-end tests of the Inspect pane: parse, lint, explain, convert, fetch.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SHOTS = path.join(here, "screenshots");
const EXPOSITION = '# HELP up Whether the target is up.\n# TYPE up gauge\nup{job="node"} 1\n';

let server;
let exporter;
let exporterUrl;
let browser;

/** Protobuf by hand (client_model's field numbers): a length-delimited MetricFamily
 * `nh`, a histogram with a native part (schema 0, buckets (0.5,1]:1 (1,2]:2). */
function nativeHistogramProtobuf() {
  const varint = (n) => {
    const out = [];
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      out.push(b);
    } while (n > 0);
    return out;
  };
  const zigzag = (n) => (n >= 0 ? 2 * n : -2 * n - 1);
  const key = (field, wire) => varint(field * 8 + wire);
  const bytes = (field, b) => [...key(field, 2), ...varint(b.length), ...b];
  const double = (field, v) => {
    const buf = Buffer.alloc(8);
    buf.writeDoubleLE(v);
    return [...key(field, 1), ...buf];
  };
  const span = bytes(12, [...key(1, 0), ...varint(zigzag(0)), ...key(2, 0), ...varint(2)]);
  const histogram = [
    ...key(1, 0), ...varint(3), // sample_count
    ...double(2, 4.5), // sample_sum
    ...key(5, 0), ...varint(zigzag(0)), // schema
    ...double(6, 0.001), // zero_threshold
    ...key(7, 0), ...varint(0), // zero_count
    ...span, // positive_span {offset 0, length 2}
    ...key(13, 0), ...varint(zigzag(1)), // positive_delta 1
    ...key(13, 0), ...varint(zigzag(1)), // positive_delta +1 (count 2)
  ];
  const metric = bytes(7, histogram);
  const family = [...bytes(1, [...Buffer.from("nh")]), ...key(3, 0), ...varint(4), ...bytes(4, metric)];
  return Buffer.from([...varint(family.length), ...family]);
}

/** A stand-in exporter on another port (so another origin), with the cases the pane explains. */
function startExporter() {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      const cors = { "access-control-allow-origin": "*" };
      if (req.url === "/metrics") {
        res.writeHead(200, { ...cors, "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(EXPOSITION);
      } else if (req.url === "/om") {
        res.writeHead(200, { ...cors, "content-type": "application/openmetrics-text; version=1.0.0" })
          .end("# TYPE jobs counter\njobs_total 3\n# EOF\n");
      } else if (req.url === "/pb") {
        res.writeHead(200, { ...cors, "content-type": "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited" })
          .end(nativeHistogramProtobuf());
      } else if (req.url === "/nocors") {
        res.writeHead(200, { "content-type": "text/plain" }).end(EXPOSITION);
      } else {
        res.writeHead(404, cors).end("not here");
      }
    });
    srv.listen(0, "127.0.0.1", () => resolve(srv));
  });
}

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test builds it)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, "/playground/");
  exporter = await startExporter();
  exporterUrl = `http://127.0.0.1:${exporter.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  exporter?.close();
});

async function inspect(contextOptions) {
  const opened = await openPage(browser, server.url + "#inspect", contextOptions);
  await opened.page.waitForSelector('[data-testid="inspect-input"]');
  return opened;
}

async function setText(page, text) {
  await page.fill('[data-testid="inspect-input"]', text);
}

async function summary(page, pattern) {
  await page.waitForFunction(
    (re) => new RegExp(re).test(document.querySelector('[data-testid="inspect-summary"]')?.textContent ?? ""),
    pattern.source,
  );
  return page.textContent('[data-testid="inspect-summary"]');
}

test("the example parses, lints like promtool and explains a bucket line", async () => {
  const { context, page, problems } = await inspect();
  await page.click("text=Load example");
  await summary(page, /Prometheus text 0\.0\.4: 3 families, 9 samples, 0 errors, 2 lint problems/);
  const lint = await page.textContent('[data-testid="lint-problems"]');
  assert.match(lint, /queueLength metric names should be written in 'snake_case' not 'camelCase'/);
  assert.match(lint, /queueLength no help text/);
  assert.equal(await page.locator('[data-testid="family-table"] tbody tr').count(), 3);
  await page.click('[data-testid="line-view"] [data-line="8"]');
  const explanation = await page.textContent('[data-testid="line-explanation"]');
  assert.match(explanation, /1010 observations of http_request_duration_seconds were ≤ 0\.25 s/);
  await page.screenshot({ path: path.join(SHOTS, "inspect-example.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("parse errors name the line and column and mark the line", async () => {
  const { context, page } = await inspect();
  await setText(page, "ok 1\nbad{b=1} 2\nalso_ok 3\n");
  await summary(page, /1 error/);
  const errors = await page.textContent('[data-testid="parse-errors"]');
  assert.match(errors, /line 2, column 7: expected a label value in double quotes/);
  assert.ok(await page.locator('[data-line="2"].line-error').count(), "line 2 is marked");
  assert.equal(await page.locator('[data-line="1"].line-error').count(), 0);
  await page.click('[data-testid="parse-errors"] button');
  assert.match(await page.textContent('[data-testid="line-explanation"]'), /could not be parsed/);
  await page.screenshot({ path: path.join(SHOTS, "inspect-errors.png"), fullPage: true });
  await context.close();
});

test("text 0.0.4 converts to OpenMetrics and back", async () => {
  const { context, page } = await inspect();
  await setText(page, "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 7\n");
  await summary(page, /Prometheus text 0\.0\.4: 1 families/);
  await page.click('[data-testid="convert"]');
  await summary(page, /OpenMetrics 1\.0: 1 families, 1 samples, 0 errors/);
  assert.equal(
    await page.inputValue('[data-testid="inspect-input"]'),
    "# HELP jobs Jobs run.\n# TYPE jobs counter\njobs_total 7.0\n# EOF\n",
  );
  await page.click('[data-testid="convert"]');
  await summary(page, /Prometheus text 0\.0\.4/);
  assert.equal(
    await page.inputValue('[data-testid="inspect-input"]'),
    "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 7.0\n",
  );
  await context.close();
});

test("fetching a real /metrics endpoint, and explaining the failures", async () => {
  const { context, page } = await inspect();
  const fetchUrl = async (url) => {
    await page.fill('[data-testid="fetch-url"]', url);
    await page.click('[data-testid="fetch"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="fetch"]').disabled);
    return page.textContent('[data-testid="fetch-status"]');
  };
  assert.match(await fetchUrl(`${exporterUrl}/metrics`), /Fetched \d+ bytes/);
  assert.equal(await page.inputValue('[data-testid="inspect-input"]'), EXPOSITION);
  await summary(page, /Prometheus text 0\.0\.4: 1 families/);

  assert.match(await fetchUrl(`${exporterUrl}/om`), /Fetched/);
  await summary(page, /OpenMetrics 1\.0: 1 families/);

  // A server that sends protobuf: shown as OpenMetrics, the 2.0 draft for its native histogram.
  assert.match(await fetchUrl(`${exporterUrl}/pb`), /protobuf format/);
  assert.match(await page.inputValue('[data-testid="inspect-input"]'), /^nh \{count:3,sum:4\.5,schema:0,/m);
  await summary(page, /OpenMetrics 2\.0 \(draft, native histograms\): 1 families, 1 samples, 0 errors/);

  const nocors = await fetchUrl(`${exporterUrl}/nocors`);
  assert.match(nocors, /Access-Control-Allow-Origin/);
  assert.match(nocors, /\[\[proxy\]\]/);
  assert.match(await fetchUrl(`${exporterUrl}/missing`), /answered 404/);
  assert.match(await fetchUrl("http://127.0.0.1:9/metrics"), /could not read/);
  assert.match(await fetchUrl("not a url at all"), /could not read|not a URL/);
  await page.screenshot({ path: path.join(SHOTS, "inspect-fetch-error.png"), fullPage: true });
  await context.close();
});

test("a megabyte paste is parsed in slices and every line is reachable", async () => {
  const { context, page } = await inspect();
  const lines = 20000;
  await page.evaluate((n) => {
    let text = "# HELP big_total Many series.\n# TYPE big_total counter\n";
    for (let i = 0; i < n; i++) text += `big_total{shard="${i}",zone="zone-${i % 7}"} ${i}\n`;
    const area = document.querySelector('[data-testid="inspect-input"]');
    area.value = text;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }, lines);
  await summary(page, new RegExp(`1 families, ${lines} samples, 0 errors`));
  // Jump to the last family line through the table, then the line view shows it.
  await page.evaluate(() => {
    const view = document.querySelector('[data-testid="line-view"]');
    view.scrollTop = view.scrollHeight;
    view.dispatchEvent(new Event("scroll"));
  });
  await page.waitForSelector(`[data-line="${lines + 2}"]`);
  await context.close();
});
