// Benchmark: does the Inspect pane's analysis (parse, lint, index, show) stay
// linear whatever the input's shape? For each shape of gen_shapes.py at 1, 2, 4
// and 8 MB, pastes the text into the pane (release build, headless Chromium) and
// times the analysis (performance marks `inspect-started` → `inspect-shown`), best of 3;
// prints the time ratio per doubling (linear is 2.0; the goal is under 2.2) and the
// longest main-thread task seen.
//   node tests/bench/inspect_scaling.mjs [SHAPE...]   (after a release build in target/e2e-dist)
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const shapes = process.argv.length > 2 ? process.argv.slice(2) : ["families", "series", "labels", "values", "help", "exemplars", "comments"];
const server = await serveDist(dist, "/playground/");
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(server.url + "#inspect");
await page.waitForSelector('[data-testid="inspect-input"]', { state: "attached" });
await page.evaluate(() => {
  window.__tasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__tasks.push([e.startTime, e.duration]); }).observe({ type: "longtask" });
});

async function analyse(text) {
  const lines = text.split("\n").length - 1;
  await page.evaluate(() => { performance.clearMarks(); });
  // The clipboard's contents are made in one task and pasted in the next, so the
  // paste's task holds only the page's own work.
  await page.evaluate((t) => {
    window.__paste = new DataTransfer();
    window.__paste.setData("text/plain", t);
    window.__text = t;
  }, text);
  const t0 = await page.evaluate(() => {
    const area = document.querySelector('[data-testid="inspect-input"]');
    const t0 = performance.now();
    if (window.__text.length > 1000) {
      area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: window.__paste, bubbles: true, cancelable: true }));
    } else {
      area.value = window.__text;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    return t0;
  });
  await page.waitForFunction((n) => (document.querySelector('[data-testid="inspect-summary"]')?.textContent ?? "").includes(`(${n} lines`), lines, { timeout: 120000 });
  return page.evaluate((t0) => ({
    // From the start of the analysis (after the pause that waits for typing to stop).
    ms: performance.getEntriesByName("inspect-shown").pop().startTime - performance.getEntriesByName("inspect-started").pop().startTime,
    // Tasks from the paste on (the paste's own task included).
    longest: Math.max(0, ...window.__tasks.filter(([start, d]) => start + d >= t0).map(([, d]) => d)),
  }), t0);
}

console.log("shape        1 MB     2 MB     4 MB     8 MB   ratio per doubling   longest task");
for (const shape of shapes) {
  const times = [];
  let longest = 0;
  for (const mb of [1, 2, 4, 8]) {
    const text = execFileSync("python3", [path.join(here, "gen_shapes.py"), shape, String(mb)], { maxBuffer: 1 << 30 }).toString();
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      // Another text first, so each paste is a change.
      await analyse("# TYPE x gauge\nx 1\n" + "#".repeat(run + 1) + "\n");
      const r = await analyse(text);
      best = Math.min(best, r.ms);
      longest = Math.max(longest, r.longest);
    }
    times.push(best);
  }
  const ratios = times.slice(1).map((t, i) => (t / times[i]).toFixed(2)).join(" ");
  console.log(`${shape.padEnd(10)} ${times.map((t) => `${t.toFixed(0).padStart(6)}ms`).join(" ")}   ${ratios.padEnd(20)} ${longest.toFixed(0)} ms`);
}
await browser.close();
await server.close();
