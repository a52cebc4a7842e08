// Launches the system's Chromium through playwright-core (never a downloaded browser),
// with the flags that keep it off the network on closed machines.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

// Chromium's own notice about Trunk's <link rel="preload" integrity=…> (crbug.com/981419):
// the browser ignores the attribute for that preload kind; nothing is wrong with the page.
const IGNORED_WARNINGS = [/The `integrity` attribute is currently ignored for preload destinations/];

/** Opens a page that records console errors, uncaught exceptions and failed requests. */
export async function openPage(browser, url, contextOptions = {}, prepare = async (_context) => {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  // Before the first request: e.g. a route that holds back or fails a part.
  await prepare(context);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || (msg.type() === "warning" && !IGNORED_WARNINGS.some((re) => re.test(msg.text())))) {
      problems.push(`console.${msg.type()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(url);
  try {
    await page.waitForSelector('[data-testid="tab-query"]', { timeout: 15000 });
  } catch (err) {
    err.message += `\nproblems seen on the page:\n  ${problems.join("\n  ") || "(none)"}`;
    throw err;
  }
  return { context, page, problems };
}

/// The first line of the line view inside `scope` whose text matches `pattern`,
/// scrolling the view down (and round again from the top) until one is in the DOM:
/// the view renders only the lines in sight.
export async function lineMatching(page, scope, pattern) {
  const handle = await page.waitForFunction(
    ({ scope, source, flags }) => {
      const view = document.querySelector(`${scope} [data-testid="line-view"]`);
      if (!view) return null;
      const re = new RegExp(source, flags);
      const line = [...view.querySelectorAll(".line")]
        .sort((a, b) => a.dataset.line - b.dataset.line)
        .find((l) => re.test(l.querySelector(".line-text").textContent));
      if (line) {
        line.scrollIntoView({ block: "center" });
        return line.dataset.line;
      }
      const atEnd = view.scrollTop + view.clientHeight >= view.scrollHeight - 1;
      view.scrollTop = atEnd ? 0 : view.scrollTop + view.clientHeight / 2;
      return null;
    },
    { scope, source: pattern.source, flags: pattern.flags },
    { polling: 100 },
  );
  return page.locator(`${scope} [data-line="${await handle.jsonValue()}"]`);
}

/** Waits until the replay (backfill) of the run has finished. */
export const backfillDone = (page) =>
  page.waitForFunction(() => !document.querySelector('[data-testid="backfill-progress"]'), null, { timeout: 60000 });

/** The virtual clock's time, Unix ms. */
export const virtualMs = (page) =>
  page.evaluate(() => Date.parse(document.querySelector('[data-testid="virtual-time"]').textContent.replace(" UTC", "Z").replace(" ", "T")));

/** Runs `expr` in the first query panel's Table view; returns its rows' text. */
export async function tableOf(page, expr) {
  await page.click('[data-testid="tab-query"]');
  const input = page.locator('[data-testid="query-input"]').first();
  await input.fill(expr);
  await input.press("Control+Enter");
  await page.click('[data-testid="query-tab-table"]');
  await page.waitForFunction(() => /^\d+ results?/.test(document.querySelector('[data-testid="query-stats"]')?.textContent ?? ""));
  return page.locator('[data-testid="query-table"] tbody tr').allTextContents();
}

/** Refuses every request of `context` to an origin other than `url`'s; returns the refused URLs (filled as they come). */
export async function refuseOtherOrigins(context, url) {
  const origin = new URL(url).origin;
  const refused = [];
  await context.route("**/*", (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue();
    refused.push(route.request().url());
    return route.abort();
  });
  return refused;
}

/** Pixels of the canvas under `selector` that differ from its first pixel. */
export const drawnPixels = (page, selector) =>
  page.$eval(`${selector} canvas`, (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) n++;
    return n;
  });
