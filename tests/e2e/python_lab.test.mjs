// End-to-end test of the Python lab's runtime (issue 14, first part), on the release
// build in headless Chromium with every other origin refused: the worker loads
// CPython (pyodide) and the real prometheus_client from the page's own origin, runs a
// tutorial's instrumentation, and scrapes it in both exposition formats; a syntax
// error names its line. The first download does not include the runtime.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, refuseOtherOrigins } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "python-lab", "pyodide.asm.wasm")), `no Python runtime in ${DIST}/python-lab (bash .ci/test stages it)`);
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// A tutorial's instrumentation (the "hello world" of prometheus_client).
const PROGRAM = `
from prometheus_client import Counter, Histogram, Gauge, start_http_server
REQUESTS = Counter('app_requests', 'Application Request Count', ['endpoint'])
LATENCY = Histogram('app_response_time_seconds', 'Response latency', buckets=[0.1, 0.5, 1.0])
IN_FLIGHT = Gauge('app_in_flight', 'Requests being served')
for path, seconds in [('/', 0.05), ('/', 0.2), ('/about', 0.7)]:
    REQUESTS.labels(endpoint=path).inc()
    LATENCY.observe(seconds)
IN_FLIGHT.set(2)
start_http_server(8000)
`;

test("the lab's Python runs prometheus_client from the page's own origin and scrapes it in both formats", async () => {
  const { context, page, problems } = await openPage(browser, server.url);
  const outside = await refuseOtherOrigins(context, server.url);
  // The first load fetched nothing of the lab.
  assert.ok(!server.requests.some((p) => p.includes("python-lab")), "the runtime is not part of the first download");

  const started = Date.now();
  const result = await page.evaluate(async (program) => {
    const worker = new Worker(new URL("python-worker.mjs", document.baseURI), { type: "module" });
    const stages = [];
    let next = 0;
    const ask = (message) =>
      new Promise((resolve) => {
        const id = ++next;
        const listen = ({ data }) => {
          if (data.type === "progress") stages.push(data.stage);
          if (data.id === id) {
            worker.removeEventListener("message", listen);
            resolve(data);
          }
        };
        worker.addEventListener("message", listen);
        worker.postMessage({ id, ...message });
      });
    const run = await ask({ type: "start", program, file_name: "tutorial.py", seed: "1", start_ms: 1_700_000_000_000 });
    const text = await ask({ type: "scrape", format: "text" });
    const openmetrics = await ask({ type: "scrape", format: "openmetrics" });
    // Run twice: a fresh registry each time, so nothing is registered twice.
    const again = await ask({ type: "start", program, file_name: "tutorial.py", seed: "1", start_ms: 1_700_000_000_000 });
    const broken = await ask({ type: "start", program: "x = 1\nif x\n    pass\n", file_name: "broken.py", seed: "1", start_ms: 0 });
    worker.terminate();
    return { run, text, openmetrics, again, broken, stages };
  }, PROGRAM);
  const seconds = (Date.now() - started) / 1000;
  console.log(`python lab: runtime loaded, program run and scraped twice in ${seconds.toFixed(1)} s`);

  assert.deepEqual(result.run, { id: 1, ok: true, routes: [], metrics: "start_http_server", output: "" });
  assert.deepEqual(result.stages, ["loading Python", "installing prometheus_client", "ready"]);
  const text = result.text.text;
  assert.match(text, /^# HELP app_requests_total Application Request Count\n# TYPE app_requests_total counter\n/m);
  assert.match(text, /^app_requests_total\{endpoint="\/"\} 2\.0$/m);
  assert.match(text, /^app_requests_total\{endpoint="\/about"\} 1\.0$/m);
  assert.match(text, /^app_response_time_seconds_bucket\{le="0\.5"\} 2\.0$/m);
  assert.match(text, /^app_response_time_seconds_count 3\.0$/m);
  assert.match(text, /^app_in_flight 2\.0$/m);
  assert.equal(result.openmetrics.ok, true, result.openmetrics.error);
  const om = result.openmetrics.text;
  assert.match(om, /^# TYPE app_requests counter$/m);
  assert.match(om, /^app_requests_total\{endpoint="\/about"\} 1\.0$/m);
  assert.ok(om.endsWith("# EOF\n"));
  assert.equal(result.again.ok, true, result.again.error);
  assert.equal(result.broken.ok, false);
  assert.equal(result.broken.line, 2);
  assert.match(result.broken.error, /^SyntaxError: /);
  assert.match(result.broken.traceback, /File "broken\.py", line 2/);
  assert.deepEqual(outside, [], "nothing was fetched from another origin");
  assert.deepEqual(problems, []);
  await context.close();
});
