// The Python lab's interpreter (issue 14): CPython (pyodide) with the real
// prometheus_client, in a Web Worker, so it has no access to the page's DOM or
// storage and a busy program cannot freeze the page. Everything it loads comes
// from the page's own origin (python-lab/, staged by .ci/python-lab).
//
// Messages in:  { id, type: "run", program }        runs a program (a fresh registry each time)
//               { id, type: "scrape", format }      "text" (0.0.4) or "openmetrics"
// Messages out: { id, ok: true, text? }  or  { id, ok: false, error, line? }
//               { type: "progress", stage }         while the runtime loads
import { loadPyodide } from "./python-lab/pyodide.mjs";

const WHEEL = "prometheus_client-0.26.0-py3-none-any.whl";
const base = new URL("./python-lab/", import.meta.url);

const runtime = (async () => {
  self.postMessage({ type: "progress", stage: "loading Python" });
  const pyodide = await loadPyodide({ indexURL: base.href });
  self.postMessage({ type: "progress", stage: "installing prometheus_client" });
  const wheel = await (await fetch(new URL(WHEEL, base))).arrayBuffer();
  pyodide.unpackArchive(wheel, "wheel");
  self.postMessage({ type: "progress", stage: "ready" });
  return pyodide;
})();

// A fresh default registry, so a program run twice does not register its metrics twice.
const RESET = `
import prometheus_client.registry as _r, prometheus_client as _pc
_r.REGISTRY.__init__(auto_describe=True)
_pc.REGISTRY = _r.REGISTRY
import prometheus_client.metrics as _m
_m.REGISTRY = _r.REGISTRY
`;

// What a scrape asks for, as prometheus_client's HTTP handler answers it.
const SCRAPE = {
  text: "from prometheus_client import REGISTRY as _R, generate_latest as _g; _g(_R).decode()",
  openmetrics:
    "from prometheus_client import REGISTRY as _R\n" +
    "from prometheus_client.openmetrics.exposition import generate_latest as _g\n" +
    "_g(_R).decode()",
};

/** The line of the user's program an error names (the last `File "<exec>", line N`). */
function programLine(message) {
  const lines = [...String(message).matchAll(/File "<exec>", line (\d+)/g)];
  return lines.length ? Number(lines[lines.length - 1][1]) : undefined;
}

self.onmessage = async ({ data }) => {
  const { id } = data;
  try {
    const pyodide = await runtime;
    if (data.type === "run") {
      pyodide.runPython(RESET);
      await pyodide.runPythonAsync(data.program);
      self.postMessage({ id, ok: true });
    } else if (data.type === "scrape") {
      const text = pyodide.runPython(SCRAPE[data.format] ?? SCRAPE.text);
      self.postMessage({ id, ok: true, text });
    } else {
      self.postMessage({ id, ok: false, error: `unknown request ${data.type}` });
    }
  } catch (e) {
    self.postMessage({ id, ok: false, error: String(e.message ?? e), line: programLine(e.message ?? e) });
  }
};
