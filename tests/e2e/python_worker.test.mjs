// End-to-end test of the Python lab's worker protocol (issue 14): the release
// build's python-worker.mjs in headless Chromium, every other origin refused.
// The scenarios' real programs (src/sim/scenarios/python/*.py) start, get minutes
// of virtual traffic (requests, cron runs), and are scraped in both exposition
// formats; runs are deterministic; the virtual clock is exact; faults, 404s and
// errors are reported as the page expects.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, refuseOtherOrigins } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SCENARIOS = path.join(here, "../../src/sim/scenarios/python");
const program = (name) => fs.readFileSync(path.join(SCENARIOS, name), "utf8");

// A Unix time on a five-minute boundary, as the page's virtual clock might start.
const T0 = 1_700_000_100_000;

let server;
let browser;
let context;
let page;
let problems;
let outside = [];

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "python-lab", "pyodide.asm.wasm")), `no Python runtime in ${DIST}/python-lab`);
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
  ({ context, page, problems } = await openPage(browser, server.url));
  outside = await refuseOtherOrigins(context, server.url);
  const started = Date.now();
  const stages = await page.evaluate(async () => {
    const worker = new Worker(new URL("python-worker.mjs", document.baseURI), { type: "module" });
    const stages = [];
    let next = 0;
    const waiting = new Map();
    worker.addEventListener("message", ({ data }) => {
      if (data.type === "progress") stages.push(data.stage);
      const resolve = waiting.get(data.id);
      if (resolve) {
        waiting.delete(data.id);
        resolve(data);
      }
    });
    window.labAsk = (message) =>
      new Promise((resolve) => {
        const id = ++next;
        const t = performance.now();
        waiting.set(id, (reply) => resolve({ ...reply, elapsed_ms: performance.now() - t }));
        worker.postMessage({ id, ...message });
      });
    // The runtime loads on the first request.
    await window.labAsk({ type: "scrape", format: "text" });
    return stages;
  });
  console.log(`python worker: runtime loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(stages, ["loading Python", "installing prometheus_client", "ready"]);
});

after(async () => {
  assert.deepEqual(outside, [], "nothing was fetched from another origin");
  assert.deepEqual(problems ?? [], [], "the page saw no errors");
  await context?.close();
  await browser?.close();
  await server?.close();
});

const ask = (message) => page.evaluate((m) => window.labAsk(m), message);

async function start(source, file_name, seed = "42", start_ms = T0) {
  const reply = await ask({ type: "start", program: source, file_name, seed, start_ms });
  assert.equal(reply.ok, true, `${file_name}: ${reply.error}\n${reply.traceback ?? ""}`);
  return reply;
}

/** A concrete path for a route (parameters filled in). */
function concrete(route, n) {
  if (route.path === "*") return ["/treecounter", "/treecounter", "/favicon.ico"][n % 3];
  return route.path.replace(/<[^>]+>|\{[^}]+\}/g, String(1 + (n % 40)));
}

/**
 * Advances `minutes` of virtual time in 15 s steps with requests to `routes` at
 * 5/s (every `faultEvery`-th one a fault) and, if `cronEveryMs`, cron runs.
 * Returns the totals and the replies.
 */
async function traffic(routes, { from = T0, minutes = 3, faultEvery = 0, cronEveryMs = 0 } = {}) {
  const total = { requests: 0, statuses: {}, errors: [], output: "", stepMs: [] };
  let n = 0;
  const end = from + minutes * 60_000;
  for (let t = from; t < end; t += 15_000) {
    const work = [];
    for (let at = t + 200; at <= t + 15_000; at += 200) {
      if (cronEveryMs && at % cronEveryMs === 0) work.push({ at_ms: at, kind: "cron" });
      if (!routes.length) continue;
      const route = routes[n % routes.length];
      n += 1;
      const fault = faultEvery > 0 && n % faultEvery === 0;
      work.push({ at_ms: at, kind: "request", method: route.method, path: concrete(route, n), fault, slow: 1 });
    }
    const reply = await ask({ type: "advance", to_ms: t + 15_000, work });
    assert.equal(reply.ok, true, reply.error);
    total.requests += reply.requests;
    for (const [status, count] of Object.entries(reply.statuses)) total.statuses[status] = (total.statuses[status] ?? 0) + count;
    total.errors.push(...reply.errors);
    total.output += reply.output;
    total.stepMs.push(reply.elapsed_ms);
  }
  return total;
}

async function scrapeBoth({ openmetrics = true } = {}) {
  const text = await ask({ type: "scrape", format: "text" });
  const om = await ask({ type: "scrape", format: "openmetrics" });
  assert.equal(text.ok, true, text.error);
  assert.equal(om.ok, true, om.error);
  assert.equal(text.status, 200);
  assert.equal(om.status, 200);
  if (openmetrics) assert.ok(om.text.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
  return { text: text.text, om: om.text, textReply: text, omReply: om };
}

/** The value of the first sample line matching `re` (a RegExp over the whole line up to the value). */
function value(text, re) {
  const line = text.split("\n").find((l) => re.test(l));
  assert.ok(line, `no sample matching ${re} in\n${text.slice(0, 3000)}`);
  return Number(line.split(" ").pop());
}

test("api.py: Flask routes, path templates, 500s from faults, /metrics through DispatcherMiddleware", async () => {
  const reply = await start(program("api.py"), "api.py");
  assert.equal(reply.metrics, "route");
  const paths = reply.routes.map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(paths, [
    "GET /api/orders/<id>", "GET /api/products", "GET /api/users/<id>", "GET /healthz", "POST /api/orders",
  ]);
  const total = await traffic(reply.routes, { faultEvery: 10 });
  console.log(`api.py: 15 s advances took ${total.stepMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
  assert.ok(total.requests >= 800, `${total.requests} requests`);
  assert.ok(total.statuses["500"] >= 80, JSON.stringify(total.statuses));
  assert.ok(total.statuses["200"] > 400, JSON.stringify(total.statuses));
  const { text, om, textReply, omReply } = await scrapeBoth();
  assert.equal(textReply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  assert.match(omReply.content_type, /^application\/openmetrics-text; version=1\.0\.0; charset=utf-8/);
  for (const body of [text, om]) {
    assert.match(body, /^http_requests_total\{method="GET",path="\/api\/users\/<id>",status="200"\} \d+\.0$/m);
    assert.match(body, /^http_requests_total\{method="\w+",path="\/api\/[^"]+",status="500"\} \d+\.0$/m);
    assert.match(body, /^http_request_duration_seconds_bucket\{le="0\.01",method="GET",path="\/api\/products"\} \d+\.0$/m);
    assert.match(body, /^cpu_usage_seconds_total\{mode="user"\} /m);
    assert.match(body, /^memory_usage_bytes\{type="used"\} /m);
    assert.match(body, /^disk_usage_bytes /m);
    assert.match(body, /^batch_last_run_duration_seconds /m);
    assert.match(body, /^http_requests_in_progress 0\.0$/m);
  }
  // An order that does not exist: abort(404) inside the view, the hooks ran.
  assert.match(text, /^http_requests_total\{method="GET",path="\/api\/orders\/<id>",status="404"\} /m);
  console.log(`api.py: start ${reply.elapsed_ms.toFixed(0)} ms, scrape ${textReply.elapsed_ms.toFixed(0)} ms (text), ${omReply.elapsed_ms.toFixed(0)} ms (OpenMetrics)`);
  // Three minutes of sampling every five seconds.
  assert.ok(value(text, /^cpu_usage_seconds_total\{mode="idle"\}/) > 100);
});

test("worker.py: the Summary's time() measures the virtual time slept", async () => {
  const reply = await start(program("worker.py"), "worker.py");
  assert.equal(reply.metrics, "start_http_server");
  assert.deepEqual(reply.routes, []);
  await traffic([], { minutes: 3 });
  const { text, om } = await scrapeBoth();
  const count = value(text, /^request_processing_seconds_count /);
  const sum = value(text, /^request_processing_seconds_sum /);
  assert.ok(count > 200, `count ${count}`);
  // The worker sleeps all the time: the finished sleeps add up to the time passed,
  // less the sleep still going on (under a second).
  assert.ok(sum <= 180 + 1e-6 && sum > 179, `sum ${sum}`);
  assert.match(om, /^request_processing_seconds_count \d+\.0$/m);
});

test("flask_app.py: the slow histogram gets the 1-3 s sleeps of /database", async () => {
  const reply = await start(program("flask_app.py"), "flask_app.py");
  assert.equal(reply.metrics, "start_http_server");
  const total = await traffic(reply.routes, { minutes: 2 });
  assert.equal(total.statuses["200"], total.requests);
  const { text, om } = await scrapeBoth();
  const count = value(text, /^slow_count\{endpoint="\/database"\}/);
  const sum = value(text, /^slow_sum\{endpoint="\/database"\}/);
  assert.ok(count > 100, `count ${count}`);
  assert.ok(sum >= count * 1 && sum <= count * 3, `sum ${sum} of ${count}`);
  assert.equal(value(text, /^slow_bucket\{endpoint="\/database",le="1\.0"\}/), 0);
  assert.equal(value(text, /^slow_bucket\{endpoint="\/database",le="5\.0"\}/), count);
  assert.match(om, /^slow_bucket\{endpoint="\/database",le="2\.5"\} \d+\.0$/m);
  assert.match(text, /^requests_total\{endpoint="\/"\} /m);
});

test("batch_job.py: cron runs push to the emulated Pushgateway, which is scraped", async () => {
  const reply = await start(program("batch_job.py"), "batch_job.py");
  assert.equal(reply.metrics, "pushgateway");
  assert.deepEqual(reply.routes, []);
  const total = await traffic([], { minutes: 15, cronEveryMs: 300_000 });
  const { text, om } = await scrapeBoth();
  for (const body of [text, om]) {
    assert.match(body, /^batch_job_records_processed\{instance="python-lab",job="batch_job"\} \d+/m);
    assert.match(body, /^push_time_seconds\{instance="python-lab",job="batch_job"\} /m);
    assert.match(body, /^push_failure_time_seconds\{instance="python-lab",job="batch_job"\} 0\.0$/m);
  }
  // The last run (cron at T0 + 15 min) pushed when it finished, a few seconds later.
  const pushed = value(text, /^push_time_seconds\{/);
  assert.ok(pushed >= T0 / 1000 + 600 && pushed <= T0 / 1000 + 900, `push time ${pushed}`);
  const duration = value(text, /^batch_job_duration_seconds\{/);
  assert.ok(duration > 1 && duration < 7, `duration ${duration}`);
  assert.ok(total.errors.every((e) => /ConnectionError/.test(e.error)), JSON.stringify(total.errors));
});

test("the other scenario programs run as written and expose their metrics", async () => {
  const expected = {
    "hello_world.py": [/^app_requests_total \d+\.0$/m, /^app_response_time_seconds_count \d+\.0$/m],
    "random_facts.py": [/^random_facts_api_execution_counter_total \d+\.0$/m],
    "course_catalog.py": [
      /^app_request_count_total\{endpoint="\/courses",http_status="200",method="GET"\} \d+\.0$/m,
      /^app_request_count_total\{endpoint="\/search",http_status="404",method="GET"\} \d+\.0$/m,
      /^app_request_latency_seconds_count\{endpoint="\/",method="GET"\} \d+\.0$/m,
    ],
    "treecounter.py": [
      /^requests_total\{endpoint="\/treecounter",status="200"\} \d+\.0$/m,
      /^requests_total\{endpoint="\/favicon\.ico",status="404"\} \d+\.0$/m,
    ],
  };
  const routesOf = {
    "course_catalog.py": [
      { method: "GET", path: "/" }, { method: "GET", path: "/courses" }, { method: "GET", path: "/search?q=promql" },
      { method: "GET", path: "/search?q=kubernetes" }, { method: "GET", path: "/search" },
    ],
  };
  for (const [name, patterns] of Object.entries(expected)) {
    const reply = await start(program(name), name);
    const total = await traffic(routesOf[name] ?? reply.routes, { minutes: 1 });
    assert.ok(total.requests >= 290, `${name}: ${total.requests} requests`);
    assert.deepEqual(total.errors, [], name);
    // course_catalog.py's own /metrics route answers the text format whatever is asked.
    const { text, om, textReply } = await scrapeBoth({ openmetrics: name !== "course_catalog.py" });
    for (const re of patterns) assert.match(text, re, `${name}: ${re}`);
    if (name === "course_catalog.py") {
      assert.equal(reply.metrics, "route");
      // Flask appends a charset to CONTENT_TYPE_LATEST, which already has one.
      assert.equal(textReply.content_type, "text/plain; version=1.0.0; charset=utf-8; charset=utf-8");
      assert.equal(om, text);
    } else {
      assert.equal(reply.metrics, "start_http_server");
      assert.ok(om.endsWith("# EOF\n"));
    }
    if (name === "treecounter.py") {
      assert.deepEqual(reply.routes, [{ method: "GET", path: "*" }]);
      assert.ok(total.statuses["404"] > 0 && total.statuses["200"] > 0, JSON.stringify(total.statuses));
    }
  }
});

test("demo.py: the demo service sends itself its traffic and runs its loops", async () => {
  const reply = await start(program("demo.py"), "demo.py");
  assert.equal(reply.metrics, "route");
  const paths = reply.routes.map((r) => `${r.method} ${r.path}`).sort();
  for (const p of ["GET /api/bar", "GET /api/foo", "POST /api/bar", "POST /api/foo"]) assert.ok(paths.includes(p), paths.join());
  // No requests from the lab: the program's client threads are its traffic.
  const total = await traffic([], { minutes: 2 });
  assert.deepEqual(total.errors, []);
  console.log(`demo.py: 15 s steps took ${total.stepMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
  const { text } = await scrapeBoth();
  for (const re of [
    /^demo_api_request_duration_seconds_count\{method="GET",path="\/api\/foo",status="200"\} \d+\.0$/m,
    /^demo_api_request_duration_seconds_count\{method="GET",path="\/api\/nonexistent",status="404"\} \d+\.0$/m,
    /^demo_api_request_duration_seconds_bucket\{le="0\.00015000000000000001",method="POST",path="\/api\/bar",status="200"\} 0\.0$/m,
    /^demo_cpu_usage_seconds_total\{mode="idle"\} /m,
    /^demo_memory_usage_bytes\{type="free"\} /m,
    /^demo_disk_total_bytes 1\.6e\+0?11$/m,
    /^demo_num_cpus 4\.0$/m,
    /^demo_is_holiday [01]\.0$/m,
    /^demo_batch_last_run_processed_bytes /m,
  ]) assert.match(text, re);
  // Two minutes of a loop pausing 10 to 30 ms after each 10 ms request: thousands.
  const foo = value(text, /^demo_api_request_duration_seconds_count\{method="GET",path="\/api\/foo",status="200"\}/);
  assert.ok(foo > 2000, `GET /api/foo: ${foo}`);
  // Four CPUs for two minutes.
  const cpu = ["user", "system", "idle"].map((m) => value(text, new RegExp(`^demo_cpu_usage_seconds_total\\{mode="${m}"\\}`)));
  assert.ok(Math.abs(cpu.reduce((a, b) => a + b) - 480) < 5, cpu.join());
  const duration = value(text, /^demo_batch_last_run_duration_seconds /);
  assert.ok(Math.abs(duration - 60) < 1, `batch duration ${duration}`);
});

test("the same program, seed and traffic give byte-identical scrapes", async () => {
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const reply = await start(program("api.py"), "api.py", "12345678901234567890");
    await traffic(reply.routes, { minutes: 1, faultEvery: 7 });
    const { text, om } = await scrapeBoth();
    runs.push({ text, om });
  }
  assert.equal(runs[0].text, runs[1].text);
  assert.equal(runs[0].om, runs[1].om);
  // Another seed draws other latencies.
  await start(program("api.py"), "api.py", "7");
  await traffic([{ method: "GET", path: "/api/products" }], { minutes: 1 });
  const other = await ask({ type: "scrape", format: "text" });
  assert.notEqual(other.text, runs[0].text);
});

test("time() measures virtual time exactly; threads and Event.wait follow the clock", async () => {
  const source = [
    "import threading, time",
    "from prometheus_client import Histogram, Gauge, start_http_server",
    "H = Histogram('work_seconds', 'Work.', buckets=[0.5, 1, 2])",
    "TICKS = Gauge('ticks', 'Ticks of the thread.')",
    "STARTED = Gauge('started_at', 'time.time() at start.')",
    "STARTED.set(time.time())",
    "stop = threading.Event()",
    "def ticker():",
    "    while not stop.wait(1.5):",
    "        TICKS.inc()",
    "t = threading.Thread(target=ticker, daemon=True)",
    "t.start()",
    "start_http_server(8000)",
    "with H.time():",
    "    time.sleep(0.25)",
    "with H.time():",
    "    time.sleep(1.5)",
    "time.sleep(10 - 1.75)",
    "stop.set()",
    "t.join()",
    "print('joined at', time.monotonic())",
  ].join("\n");
  await start(source, "clock.py");
  const advanced = await ask({ type: "advance", to_ms: T0 + 20_000, work: [] });
  assert.equal(advanced.ok, true);
  assert.equal(advanced.output, "joined at 10.0\n");
  const { text } = await scrapeBoth();
  assert.equal(value(text, /^work_seconds_sum /), 1.75);
  assert.equal(value(text, /^work_seconds_bucket\{le="0\.5"\}/), 1);
  assert.equal(value(text, /^work_seconds_bucket\{le="2\.0"\}/), 2);
  assert.equal(value(text, /^started_at /), T0 / 1000);
  // Ticks at 1.5, 3, ..., 9 s; stop.set() at 10 s.
  assert.equal(value(text, /^ticks /), 6);
});

test("a fault is a 500 through Flask's after_request, an unknown path a 404", async () => {
  const source = [
    "from flask import Flask, request",
    "from prometheus_client import Counter, make_wsgi_app",
    "from werkzeug.middleware.dispatcher import DispatcherMiddleware",
    "app = Flask(__name__)",
    "app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {'/metrics': make_wsgi_app()})",
    "SEEN = Counter('seen', 'Requests seen by after_request.', ['rule', 'status'])",
    "TORN = Counter('torn_down', 'teardown_request calls.', ['error'])",
    "@app.after_request",
    "def count(response):",
    "    SEEN.labels(request.url_rule.rule if request.url_rule else 'none', response.status_code).inc()",
    "    return response",
    "@app.teardown_request",
    "def teardown(exc):",
    "    TORN.labels(type(exc).__name__).inc()",
    "@app.route('/items/<int:item>')",
    "def item(item):",
    "    return {'item': item}",
    "if __name__ == '__main__':",
    "    app.run(port=8080)",
  ].join("\n");
  const reply = await start(source, "faults.py");
  assert.deepEqual(reply.routes, [{ method: "GET", path: "/items/<int:item>" }]);
  assert.equal(reply.metrics, "route");
  const advanced = await ask({
    type: "advance",
    to_ms: T0 + 1000,
    work: [
      { at_ms: T0 + 100, kind: "request", method: "GET", path: "/items/3", fault: false, slow: 1 },
      { at_ms: T0 + 200, kind: "request", method: "GET", path: "/items/4", fault: true, slow: 1 },
      { at_ms: T0 + 300, kind: "request", method: "GET", path: "/nothing/here", fault: false, slow: 1 },
      { at_ms: T0 + 400, kind: "request", method: "GET", path: "/items/x", fault: false, slow: 1 },
    ],
  });
  assert.equal(advanced.requests, 4);
  assert.deepEqual(advanced.statuses, { 200: 1, 500: 1, 404: 2 });
  assert.deepEqual(advanced.errors, []);
  assert.match(advanced.output, /ERROR in app: Exception on \/items\/4 \[GET\]\nTraceback[\s\S]*RuntimeError: simulated failure/);
  const { text } = await scrapeBoth();
  assert.match(text, /^seen_total\{rule="\/items\/<int:item>",status="200"\} 1\.0$/m);
  assert.match(text, /^seen_total\{rule="\/items\/<int:item>",status="500"\} 1\.0$/m);
  assert.match(text, /^seen_total\{rule="none",status="404"\} 2\.0$/m);
  assert.match(text, /^torn_down_total\{error="RuntimeError"\} 1\.0$/m);
  assert.match(text, /^torn_down_total\{error="NoneType"\} 3\.0$/m);
});

test("errors: top level with its line, syntax errors, a thread's exception in the next advance", async () => {
  const top = await ask({ type: "start", program: "import time\n\nx = 1\nprint(y)\n", file_name: "top.py", seed: "1", start_ms: T0 });
  assert.equal(top.ok, false);
  assert.equal(top.error, "NameError: name 'y' is not defined");
  assert.equal(top.line, 4);
  assert.match(top.traceback, /File "top\.py", line 4, in <module>\n    print\(y\)/);
  assert.ok(!top.traceback.includes("promplay_lab"), top.traceback);

  const syntax = await ask({ type: "start", program: "x = 1\nif x\n    pass\n", file_name: "bad.py", seed: "1", start_ms: T0 });
  assert.equal(syntax.ok, false);
  assert.equal(syntax.line, 2);
  assert.match(syntax.error, /^SyntaxError: /);

  const source = [
    "import threading, time",
    "from flask import Flask",
    "app = Flask(__name__)",
    "@app.get('/')",
    "def index():",
    "    return 'ok'",
    "def fails():",
    "    time.sleep(3)",
    "    raise ValueError('the thread failed')",
    "threading.Thread(target=fails).start()",
    "app.run()",
  ].join("\n");
  const reply = await start(source, "threads.py");
  assert.deepEqual(reply.routes, [{ method: "GET", path: "/" }]);
  assert.equal(reply.metrics, null);
  const work = [1000, 2000, 4000, 5000].map((ms) => ({ at_ms: T0 + ms, kind: "request", method: "GET", path: "/", fault: false, slow: 1 }));
  const advanced = await ask({ type: "advance", to_ms: T0 + 6000, work });
  assert.deepEqual(advanced.statuses, { 200: 4 });
  assert.equal(advanced.errors.length, 1);
  assert.equal(advanced.errors[0].error, "ValueError: the thread failed");
  assert.equal(advanced.errors[0].line, 9);
  assert.match(advanced.output, /Exception in thread Thread-1 \(fails\):/);
  const nothing = await ask({ type: "scrape", format: "text" });
  assert.equal(nothing.ok, false);
  assert.equal(nothing.error, "the program serves no metrics: call start_http_server(8000) or add a /metrics route");
});

test("a scrape's bytes equal generate_latest() of the same registry", async () => {
  const source = [
    "import threading, time",
    "from prometheus_client import REGISTRY, Counter, Summary, generate_latest, start_http_server",
    "from prometheus_client.openmetrics.exposition import generate_latest as openmetrics_latest",
    "C = Counter('jobs', 'Jobs done.', ['kind'])",
    "S = Summary('job_seconds', 'Job time.')",
    "def work():",
    "    for i in range(20):",
    "        with S.time():",
    "            time.sleep(0.1 * (i % 3))",
    "        C.labels('even' if i % 2 == 0 else 'odd').inc()",
    "    print(generate_latest().decode(), end='')",
    "    print('---')",
    "    print(openmetrics_latest(REGISTRY).decode(), end='')",
    "threading.Thread(target=work).start()",
    "start_http_server(8000)",
  ].join("\n");
  await start(source, "latest.py");
  // The thread prints when its sleeps (1.9 s) are done: scrape at that same time.
  const advanced = await ask({ type: "advance", to_ms: T0 + 1900, work: [] });
  const [printedText, printedOm] = advanced.output.split("---\n");
  const { text, om } = await scrapeBoth();
  assert.equal(text, printedText);
  assert.equal(om, printedOm);
  assert.match(text, /^jobs_total\{kind="even"\} 10\.0$/m);
});

test("start replaces the previous process: its sleeping tasks unwind through finally", async () => {
  const first = [
    "import time",
    "from prometheus_client import start_http_server",
    "start_http_server(8000)",
    "try:",
    "    while True:",
    "        time.sleep(1)",
    "finally:",
    "    import builtins",
    "    builtins.cleaned_up = time.time()",
  ].join("\n");
  await start(first, "first.py");
  await ask({ type: "advance", to_ms: T0 + 5000, work: [] });
  const second = await start("import builtins\nprint('second', builtins.cleaned_up)\n", "second.py");
  // The first program's finally block ran at the time it was stopped.
  assert.equal(second.output, `second ${(T0 + 5000) / 1000}.0\n`);
  assert.equal(second.metrics, null);
  const run = await ask({ type: "run", program: "import time\nprint(time.time())\n" });
  assert.equal(run.ok, true);
  assert.equal(run.output, "0.0\n");
});

test("FastAPI with middleware and a mounted make_asgi_app, served by uvicorn.run", async () => {
  const source = [
    "import asyncio, time",
    "from fastapi import FastAPI, HTTPException, Request",
    "from prometheus_client import Counter, Histogram, make_asgi_app",
    "import uvicorn",
    "app = FastAPI()",
    "app.mount('/metrics', make_asgi_app())",
    "REQS = Counter('api_requests', 'Requests.', ['method', 'route', 'status'])",
    "LAT = Histogram('api_latency_seconds', 'Latency.', ['route'], buckets=[0.05, 0.1, 1])",
    "@app.middleware('http')",
    "async def measure(request: Request, call_next):",
    "    start = time.perf_counter()",
    "    status = 500",
    "    try:",
    "        response = await call_next(request)",
    "        status = response.status_code",
    "        return response",
    "    finally:",
    "        route = request.scope.get('route')",
    "        path = route.path if route else 'unmatched'",
    "        REQS.labels(request.method, path, str(status)).inc()",
    "        LAT.labels(path).observe(time.perf_counter() - start)",
    "@app.get('/items/{item_id}')",
    "async def item(item_id: int, q: str = ''):",
    "    await asyncio.sleep(0.08)",
    "    if item_id > 30:",
    "        raise HTTPException(status_code=404, detail='no such item')",
    "    return {'item_id': item_id, 'q': q}",
    "if __name__ == '__main__':",
    "    uvicorn.run(app, host='0.0.0.0', port=8000)",
  ].join("\n");
  const reply = await start(source, "main.py");
  assert.deepEqual(reply.routes, [{ method: "GET", path: "/items/{item_id}" }]);
  assert.equal(reply.metrics, "route");
  const work = [
    { path: "/items/3?q=x", fault: false },
    { path: "/items/40", fault: false },
    { path: "/items/5", fault: true },
    { path: "/items/abc", fault: false },
    { path: "/nope", fault: false },
  ].map((r, i) => ({ at_ms: T0 + 100 * (i + 1), kind: "request", method: "GET", slow: 2, ...r }));
  const advanced = await ask({ type: "advance", to_ms: T0 + 2000, work });
  assert.deepEqual(advanced.statuses, { 200: 1, 404: 2, 500: 1, 422: 1 });
  const { text, om } = await scrapeBoth();
  assert.match(text, /^api_requests_total\{method="GET",route="\/items\/\{item_id\}",status="200"\} 1\.0$/m);
  assert.match(text, /^api_requests_total\{method="GET",route="\/items\/\{item_id\}",status="500"\} 1\.0$/m);
  assert.match(text, /^api_requests_total\{method="GET",route="unmatched",status="404"\} 1\.0$/m);
  // slow: 2 doubles the 80 ms sleep of the two requests that reach it; the fault
  // (raised before the handler) and the 422 take no time.
  assert.equal(value(text, /^api_latency_seconds_bucket\{le="0\.1",route="\/items\/\{item_id\}"\}/), 2);
  assert.ok(Math.abs(value(text, /^api_latency_seconds_sum\{route="\/items\/\{item_id\}"\}/) - 0.32) < 1e-9);
  assert.match(om, /^api_requests_total\{method="GET",route="\/items\/\{item_id\}",status="404"\} 1\.0$/m);
});

test("http.server: a fault closes the connection without a reply; psutil follows the virtual clock", async () => {
  const source = [
    "import psutil",
    "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer",
    "from prometheus_client import Gauge, start_http_server",
    "CPU = Gauge('host_cpu_percent', 'CPU busy.')",
    "MEM = Gauge('host_memory_used_bytes', 'Memory used.')",
    "class Handler(BaseHTTPRequestHandler):",
    "    def do_GET(self):",
    "        CPU.set(psutil.cpu_percent())",
    "        MEM.set(psutil.virtual_memory().used)",
    "        self.send_response(200)",
    "        self.send_header('Content-Type', 'text/plain')",
    "        self.end_headers()",
    "        self.wfile.write(b'ok')",
    "start_http_server(8000)",
    "ThreadingHTTPServer(('', 8080), Handler).serve_forever()",
  ].join("\n");
  const reply = await start(source, "plain.py");
  assert.deepEqual(reply.routes, [{ method: "GET", path: "*" }]);
  const work = [1000, 31_000, 61_000].map((ms, i) => ({ at_ms: T0 + ms, kind: "request", method: "GET", path: "/", fault: i === 1, slow: 1 }));
  const advanced = await ask({ type: "advance", to_ms: T0 + 62_000, work });
  assert.deepEqual(advanced.statuses, { 200: 2, 0: 1 });
  assert.match(advanced.output, /"GET \/ HTTP\/1\.1" 200 -/);
  assert.match(advanced.output, /RuntimeError: simulated failure/);
  const { text } = await scrapeBoth();
  const cpu = value(text, /^host_cpu_percent /);
  assert.ok(cpu > 5 && cpu < 60, `cpu ${cpu}`);
  assert.ok(value(text, /^host_memory_used_bytes /) > 2e9);
});

test("a collector that sleeps fails the scrape with a clear error", async () => {
  const source = [
    "import time",
    "from prometheus_client import REGISTRY, start_http_server",
    "from prometheus_client.core import GaugeMetricFamily",
    "class Slow:",
    "    def collect(self):",
    "        time.sleep(1)",
    "        yield GaugeMetricFamily('slow_value', 'Slow.', value=1)",
    "REGISTRY.register(Slow())",
    "start_http_server(8000)",
  ].join("\n");
  // Registering calls collect() once (auto_describe): that first sleep is in the main
  // program, which start_http_server follows a virtual second later.
  const reply = await start(source, "slow.py");
  assert.equal(reply.metrics, null);
  const advanced = await ask({ type: "advance", to_ms: T0 + 1000, work: [] });
  assert.equal(advanced.metrics, "start_http_server");
  const scrape = await ask({ type: "scrape", format: "text" });
  assert.equal(scrape.ok, false);
  assert.match(scrape.error, /^RuntimeError: time\.sleep\(\) cannot wait here/);
  assert.equal(scrape.line, 6);
  assert.match(scrape.traceback, /File "slow\.py", line 6, in collect/);
});

test("a program has no network: fetch, XMLHttpRequest and WebSocket are gone from the worker", async () => {
  const reply = await start(
    [
      "import js",
      "from prometheus_client import Gauge, start_http_server",
      "start_http_server(8000)",
      "GONE = Gauge('lab_network_api_present', 'Network APIs the program can reach', ['api'])",
      "for name in ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts']:",
      "    GONE.labels(name).set(0 if getattr(js, name, None) is None else 1)",
      "try:",
      "    from pyodide.http import pyfetch",
      "except Exception:",
      "    pass",
    ].join("\n"),
    "network.py",
  );
  assert.equal(reply.ok, true);
  const { text } = await scrapeBoth();
  for (const name of ["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "importScripts"]) {
    assert.equal(value(text, new RegExp(`^lab_network_api_present\\{api="${name}"\\}`)), 0, name);
  }
});
