// Benchmark: time to first chart on a cold load over a throttled network (issue 17).
// A fresh browser context (empty cache) opens the release build at #query, served
// gzip-compressed as a static host would, with Chromium's network throttled to
// DevTools' "Fast 4G" preset (165 ms latency, 9 Mbit/s down, 1.5 Mbit/s up, each
// × 0.9 as DevTools applies it); measures from navigation to the default query's
// graph drawn from the store, and the bytes received. Median of RUNS cold loads.
//   node tests/bench/first_chart.mjs [RUNS] [--no-throttle]   (after a release build in target/e2e-dist)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const runs = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "5");
const throttle = !process.argv.includes("--no-throttle");
const FAST_4G = { offline: false, latency: 165, downloadThroughput: (9e6 / 8) * 0.9, uploadThroughput: (1.5e6 / 8) * 0.9 };

const server = await serveDist(dist, "/playground/", { gzip: true });
const browser = await launch();
const times = [];
const paints = [];
let received = 0;
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (throttle) await cdp.send("Network.emulateNetworkConditions", FAST_4G);
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  const t0 = Date.now();
  await page.goto(server.url + "#query");
  await page.waitForSelector('[data-testid="tab-query"]', { timeout: 120000 });
  const shell = Date.now() - t0;
  await page.waitForFunction(
    () => {
      const stats = document.querySelector('[data-testid="query-stats"]')?.textContent ?? "";
      const c = document.querySelector('[data-testid="graph"] canvas');
      if (!/^[1-9]\d* results?/.test(stats) || !c) return false;
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let j = 0; j < d.length; j += 4) if (d[j] !== d[0] || d[j + 1] !== d[1] || d[j + 2] !== d[2]) n++;
      return n > 1000;
    },
    null,
    { timeout: 120000, polling: 20 },
  );
  times.push(Date.now() - t0);
  paints.push(shell);
  received = bytes; // at the first chart (the prefetch of the other panes follows)
  await context.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `first chart (${throttle ? "Fast 4G" : "no throttling"}, cold, gzip): median ${median(times)} ms ` +
    `(runs ${times.join(", ")}); shell painted at ${median(paints)} ms; ${(received / 1024).toFixed(0)} KiB received by the first chart`,
);
await browser.close();
await server.close();
