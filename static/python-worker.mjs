// The Python lab's interpreter (issue 14): CPython (pyodide) with the real
// prometheus_client, in a Web Worker, so it has no access to the page's DOM or
// storage and a busy program cannot freeze the page. Everything it loads comes
// from the page's own origin: python-lab/ (the runtime, staged by .ci/python-lab)
// and python-shims/ (the lab's pure-Python modules: the virtual clock and
// scheduler, Flask, FastAPI, psutil, the Pushgateway; listed in index.json).
//
// Messages in (each with a numeric id, echoed by its reply):
//   { id, type: "start", program, file_name, seed, start_ms }   a fresh process
//   { id, type: "advance", to_ms, work: [...] }                 virtual time and traffic
//   { id, type: "scrape", format: "text" | "openmetrics" }      as Prometheus scrapes
//   { id, type: "run", program }                                start with file "<exec>", seed 0, time 0
//   { id, type: "load" }                                        only load the runtime (the lab was opened)
// Messages out: { id, ok: true, ... } or { id, ok: false, error, traceback?, line?, output? };
//   { type: "progress", stage } while the runtime loads.
//
// The program's tasks (main program, threads, requests, cron runs) each run on a
// stack of their own (WebAssembly JSPI: pyFunc.callPromising + pyodide.ffi.run_sync).
// The scheduler lives in Python (promplay_lab.step); this file only switches
// stacks: it starts or resumes the task step() names and waits until that task
// parks again (time.sleep) or ends, then asks for the next one. One task runs
// at a time, so a run is deterministic.
import { loadPyodide } from "./python-lab/pyodide.mjs";

const WHEEL = "prometheus_client-0.26.0-py3-none-any.whl";
const base = new URL("./python-lab/", import.meta.url);
const shims = new URL("./python-shims/", import.meta.url);
const SHIM_DIR = "/home/pyodide/promplay-shims";

// Parked tasks' promise resolvers, by task id (run_sync waits on these promises).
const resolvers = new Map();
// Resolves the current scheduler step: the running task parked or ended.
let stepDone = () => {};
const bridge = {
  park(id) {
    return new Promise((resolve) => {
      resolvers.set(id, resolve);
      stepDone();
    });
  },
};

/** Programs get no network (one from a link must not reach anything): the
 * network APIs are removed from the global object and its prototypes once the
 * runtime is loaded, before any program runs. */
function closeNetwork() {
  const names = ["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "WebTransport", "importScripts", "Worker", "SharedWorker"];
  for (let scope = self; scope; scope = Object.getPrototypeOf(scope)) {
    for (const name of names) {
      if (Object.prototype.hasOwnProperty.call(scope, name)) {
        try {
          delete scope[name];
        } catch {
          /* not configurable: shadowed below */
        }
      }
    }
  }
  for (const name of names) {
    if (name in self) Object.defineProperty(self, name, { value: undefined, configurable: false });
  }
}

async function fetchShims() {
  const list = await (await fetch(new URL("index.json", shims))).json();
  return Promise.all(
    list.files.map(async (file) => {
      const response = await fetch(new URL(file, shims));
      if (!response.ok) throw new Error(`python-shims/${file}: HTTP ${response.status}`);
      return [file, await response.text()];
    }),
  );
}

const runtime = (async () => {
  self.postMessage({ type: "progress", stage: "loading Python" });
  const files = fetchShims();
  const wheel = fetch(new URL(WHEEL, base)).then((r) => r.arrayBuffer());
  const pyodide = await loadPyodide({ indexURL: base.href });
  self.postMessage({ type: "progress", stage: "installing prometheus_client" });
  pyodide.unpackArchive(await wheel, "wheel");
  for (const [file, text] of await files) {
    const target = `${SHIM_DIR}/${file}`;
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
    pyodide.FS.writeFile(target, text);
  }
  pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(SHIM_DIR)})\nimport promplay_lab`);
  const lab = pyodide.pyimport("promplay_lab");
  lab.install(bridge);
  closeNetwork();
  self.postMessage({ type: "progress", stage: "ready" });
  return { pyodide, lab, step: lab.step, runTask: lab.run_task };
})();

/** Runs tasks until nothing is due at or before `toMs` (the clock ends at `toMs`). */
async function drive({ step, runTask }, toMs) {
  for (;;) {
    const next = step(toMs);
    if (next === 0) return;
    await new Promise((done) => {
      stepDone = done;
      if (next > 0) {
        const resolve = resolvers.get(next);
        resolvers.delete(next);
        resolve(0);
      } else {
        runTask.callPromising(-next).then(
          () => stepDone(),
          (e) => {
            console.error("python-worker: task failed", e);
            stepDone();
          },
        );
      }
    });
  }
}

async function start(rt, data) {
  // Shut the previous process down: its parked tasks raise ProcessKilled and unwind.
  rt.lab.kill_all();
  await drive(rt, 0);
  resolvers.clear();
  rt.lab.begin(
    JSON.stringify({
      program: String(data.program ?? ""),
      file_name: data.file_name ?? "<exec>",
      seed: String(data.seed ?? "0"),
      start_ms: Number(data.start_ms ?? 0),
    }),
  );
  await drive(rt, Number(data.start_ms ?? 0));
  return JSON.parse(rt.lab.finish_start());
}

async function handle(data) {
  const { id } = data;
  try {
    const rt = await runtime;
    let reply;
    if (data.type === "start") {
      reply = await start(rt, data);
    } else if (data.type === "load") {
      reply = { ok: true };
    } else if (data.type === "run") {
      reply = await start(rt, { program: data.program, file_name: "<exec>", seed: "0", start_ms: 0 });
    } else if (data.type === "advance") {
      rt.lab.set_work(JSON.stringify(data.work ?? []));
      await drive(rt, Number(data.to_ms));
      reply = JSON.parse(rt.lab.finish_advance());
    } else if (data.type === "scrape") {
      reply = JSON.parse(rt.lab.scrape(data.format === "openmetrics" ? "openmetrics" : "text"));
    } else {
      reply = { ok: false, error: `unknown request ${data.type}` };
    }
    self.postMessage({ id, ...reply });
  } catch (e) {
    self.postMessage({ id, ok: false, error: String(e?.message ?? e) });
  }
}

// One request at a time, in the order they came.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};
