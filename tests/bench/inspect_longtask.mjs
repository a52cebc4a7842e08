// Benchmark: paste a document into the Inspect pane (release build, headless
// Chromium) and report the longest main-thread task from the paste until the
// analysis is shown, plus the time that took. Goal: no task over 50 ms.
//   node tests/bench/inspect_longtask.mjs [MEGABYTES] [SHAPE]   (after a release build in target/e2e-dist)
// Without SHAPE the document is gen_exposition.py's mix of families; with one it is
// gen_shapes.py's (families, series, labels, values, help, exemplars, comments).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "../..");
const mb = process.argv[2] ?? "10";
const shape = process.argv[3];
const generator = shape ? ["gen_shapes.py", shape, mb] : ["gen_exposition.py", mb];
const text = execFileSync("python3", [path.join(here, generator[0]), ...generator.slice(1)], { maxBuffer: 1 << 30 }).toString();
const dist = process.env.PROMPLAY_E2E_DIST || path.join(root, "target/e2e-dist");

const server = await serveDist(dist, "/playground/");
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(server.url + "#inspect");
await page.waitForSelector('[data-testid="inspect-input"]');
await page.evaluate(() => {
  window.__tasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__tasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask" });
});
const lines = text.split("\n").length - 1;
// The clipboard's contents are made in one task and pasted in the next, so the
// paste's task holds only the page's own work.
await page.evaluate((t) => {
  window.__paste = new DataTransfer();
  window.__paste.setData("text/plain", t);
}, text);
const started = await page.evaluate(() => {
  const area = document.querySelector('[data-testid="inspect-input"]');
  area.focus();
  const t0 = performance.now();
  area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: window.__paste, bubbles: true, cancelable: true }));
  window.__t0 = t0;
  return t0;
});
await page.waitForFunction(
  (n) => (document.querySelector('[data-testid="inspect-summary"]')?.textContent ?? "").includes(`(${n} lines`),
  lines,
  { timeout: 120000 },
);
const result = await page.evaluate(() => ({
  done: performance.now() - window.__t0,
  tasks: window.__tasks,
  marks: performance.getEntriesByType("mark").filter((m) => m.name.startsWith("inspect-")).map((m) => [m.name, m.startTime]),
}));
// Tasks from the paste on (the paste's own task included).
const tasks = result.tasks.filter((t) => t.start + t.duration >= started);
const longest = Math.max(0, ...tasks.map((t) => t.duration));
console.log(`inspect ${mb} MB ${shape ?? "mixed"} paste (${lines} lines): analysed in ${result.done.toFixed(0)} ms; ` +
  `longest task ${longest.toFixed(0)} ms; ${tasks.length} tasks over 50 ms; ${tasks.filter((t) => t.duration > 200).length} over 200 ms`);
console.log("tasks over 50 ms (start after paste: duration, ms):", tasks.map((t) => `${(t.start - started).toFixed(0)}:${t.duration.toFixed(0)}`).join(" "));
console.log("phases (ms after paste):", result.marks.filter(([, t]) => t >= started).map(([n, t]) => `${n} ${(t - started).toFixed(0)}`).join(", "));
await browser.close();
await server.close();
