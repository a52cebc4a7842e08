// End-to-end tests of the Lessons pane (issue 15), on the release build in headless
// Chromium: every lesson's "show me" makes its checks pass on a fresh page; a wrong
// answer fails with the lesson's own message; a teacher's lesson file with an
// error is refused with its line; progress survives a reload; presenter mode at
// 1024×768 and 150% zoom keeps every tab visible.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveDist } from "./server.mjs";
import { launch, openPage, backfillDone } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PROMPLAY_E2E_DIST || path.join(here, "../../target/e2e-dist");
const SHOTS = path.join(here, "screenshots");

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, "index.html")), `no release build at ${DIST} (bash .ci/test makes one)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await serveDist(DIST, "/playground/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const result = (page) => page.textContent('[data-testid="lesson-result"]');

/** Checks the open step until it passes (time-dependent checks need the clock to run). */
async function checkUntilPassed(page, timeoutMs = 45000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.click('[data-testid="lesson-check"]');
    await page.waitForSelector('[data-testid="lesson-result"]');
    const text = await result(page);
    if (text.startsWith("Passed")) return text;
    if (Date.now() > end) assert.fail(`the step did not pass: ${text}`);
    await page.waitForTimeout(500);
  }
}

// How many lessons the list shows, once the Lessons pane's part has drawn it (the
// backfill can end first: counting then found none).
async function lessonCount(page) {
  await page.locator('[data-testid="lesson-item"]').first().waitFor();
  return page.locator('[data-testid="lesson-item"]').count();
}

test("every lesson's show-me solution makes its checks pass on a fresh page", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#lessons");
  await backfillDone(page);
  const count = await lessonCount(page);
  assert.ok(count >= 12, `${count} lessons`);
  const report = [];
  for (let i = 0; i < count; i++) {
    await page.click('[data-testid="tab-lessons"]');
    const item = page.locator('[data-testid="lesson-item"]').nth(i);
    if ((await item.textContent()).includes("coming")) continue;
    await item.click();
    await page.click('[data-testid="lesson-start"]');
    await backfillDone(page);
    await page.click('[data-testid="speed-60"]');
    const steps = Number((await page.textContent(".lesson-steps span")).match(/of (\d+)/)[1]);
    for (let s = 0; s < steps; s++) {
      const hasCheck = await page.isEnabled('[data-testid="lesson-check"]');
      if (await page.isEnabled('[data-testid="lesson-show-me"]')) {
        await page.click('[data-testid="lesson-show-me"]');
        await page.click('[data-testid="tab-lessons"]');
      }
      if (hasCheck) await checkUntilPassed(page);
      if (s + 1 < steps) await page.click('[data-testid="lesson-next"]');
    }
    report.push(`${(await item.textContent()).trim()}`);
  }
  console.log(`lessons passed by their own solutions:\n  ${report.join("\n  ")}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a wrong answer fails with the lesson's message; progress survives a reload", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#lessons");
  await backfillDone(page);
  // The first lesson with a query check: find it by trying "Show me" targets.
  const count = await lessonCount(page);
  let found = false;
  for (let i = 0; i < count && !found; i++) {
    await page.click('[data-testid="tab-lessons"]');
    await page.locator('[data-testid="lesson-item"]').nth(i).click();
    const steps = Number((await page.textContent(".lesson-steps span")).match(/of (\d+)/)[1]);
    for (let s = 0; s < steps && !found; s++) {
      // A wrong query in the Query pane.
      await page.click('[data-testid="tab-query"]');
      const input = page.locator('[data-testid="query-input"]').first();
      await input.fill("vector(12345)");
      await input.press("Control+Enter");
      await page.click('[data-testid="tab-lessons"]');
      if (!(await page.isEnabled('[data-testid="lesson-check"]'))) {
        if (s + 1 < steps) await page.click('[data-testid="lesson-next"]');
        continue;
      }
      await page.click('[data-testid="lesson-check"]');
      const text = await result(page);
      if (/vector\(12345\)/.test(text)) {
        assert.match(text, /^Not yet\./);
        found = true;
        await page.screenshot({ path: path.join(SHOTS, "lesson-wrong-answer.png") });
        // Solve it, then reload: the step stays passed.
        await page.click('[data-testid="lesson-show-me"]');
        await page.click('[data-testid="tab-lessons"]');
        await checkUntilPassed(page);
        const title = await page.textContent(".lesson-step h4");
        assert.match(title, /✓/);
        await page.reload();
        await page.waitForSelector(".lesson-step h4");
        assert.equal(await page.textContent(".lesson-step h4"), title, "the open step and its progress after a reload");
      } else if (s + 1 < steps) {
        await page.click('[data-testid="lesson-next"]');
      }
    }
  }
  assert.ok(found, "a lesson step checks the learner's query");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a teacher's lesson file is checked: an error is refused with its line, a good one opens", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#lessons");
  await page.click(".lesson-loader summary");
  const bad = "id: mine\nscenario: api\n\n# My lesson\n## Step\n@check query rate(http_requests_total[5m]\n";
  await page.setInputFiles('[data-testid="lesson-file"]', { name: "mine.md", mimeType: "text/markdown", buffer: Buffer.from(bad) });
  await page.waitForSelector('[data-testid="lesson-load-error"]');
  assert.match(await page.textContent('[data-testid="lesson-load-error"]'), /^mine\.md: line 6, column \d+: PromQL/);
  const good = "id: mine\nscenario: api\n\n# My lesson\nIntro.\n\n## Count the targets\n@pane query\n@check query count(up)\n@fail Count the series of up.\n@show query count(up)\n";
  await page.setInputFiles('[data-testid="lesson-file"]', { name: "mine.md", mimeType: "text/markdown", buffer: Buffer.from(good) });
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson"] h3')?.textContent === "My lesson");
  assert.equal(await page.locator('[data-testid="lesson-load-error"]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("presenter mode at 1024×768 and 150% zoom keeps every tab visible", async () => {
  // 150% zoom of a 1024×768 screen: 683×512 CSS pixels at 1.5 device pixels each.
  const { context, page, problems } = await openPage(browser, server.url + "#lessons", {
    viewport: { width: 683, height: 512 },
    deviceScaleFactor: 1.5,
  });
  await page.click('[data-testid="presenter-toggle"]');
  assert.equal(await page.getAttribute('[data-testid="presenter-toggle"]', "aria-pressed"), "true");
  const boxes = await page.$$eval('[role="tab"]', (tabs) => tabs.map((t) => {
    const r = t.getBoundingClientRect();
    return { name: t.textContent.trim(), left: r.left, right: r.right, bottom: r.bottom };
  }));
  assert.equal(boxes.length, 8);
  for (const box of boxes) {
    assert.ok(box.left >= 0 && box.right <= 683, `${box.name} is inside the width: ${JSON.stringify(box)}`);
    assert.ok(box.bottom <= 512, `${box.name} is on the first screen: ${JSON.stringify(box)}`);
  }
  await page.screenshot({ path: path.join(SHOTS, "presenter-683x512.png") });
  // The header collapses to one thin row: more of the screen for the pane.
  const tabsTop = async () => (await page.locator('[role="tab"]').first().boundingBox()).y;
  const before = await tabsTop();
  await page.click('[data-testid="chrome-toggle"]');
  assert.ok(!(await page.isVisible(".brand")), "the brand is hidden");
  assert.ok((await tabsTop()) < before, "the tabs moved up");
  await page.screenshot({ path: path.join(SHOTS, "presenter-collapsed.png") });
  await page.click('[data-testid="chrome-toggle"]');
  await page.click('[data-testid="tab-lessons"]');
  await page.locator('[data-testid="lesson-item"]').first().click();
  await page.screenshot({ path: path.join(SHOTS, "presenter-lesson.png"), fullPage: true });
  // Presenter mode survives a reload.
  await page.reload();
  await page.waitForSelector('[data-testid="presenter-toggle"][aria-pressed="true"]');
  assert.deepEqual(problems, []);
  await context.close();
});

test("an embed of a query panel, in a page of its own, draws its chart without the app's chrome", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#query");
  await backfillDone(page);
  await page.click('[data-testid="speed-0"]');
  const input = page.locator('[data-testid="query-input"]').first();
  await input.fill("sum by (status) (rate(http_requests_total[5m]))");
  await input.press("Control+Enter");
  await page.click('[data-testid="copy-embed"]');
  const href = page.url().split("#")[0];
  const host = await context.newPage();
  // A tutorial's page: the embed code as "Copy embed code" makes it.
  const src = `${href}&embed=query`;
  await host.setContent(`<h1>A blog post</h1><iframe src="${src.replace(/&/g, "&amp;")}" style="width:100%;height:480px;border:0"></iframe>`);
  const frame = host.frameLocator("iframe");
  await frame.locator('[data-testid="embed"]').waitFor();
  await frame.locator('[data-testid="graph"] canvas').first().waitFor({ timeout: 30000 });
  assert.equal(await frame.locator('[data-testid="tab-query"]').count(), 0, "no tabs in an embed");
  assert.equal(await frame.locator('[data-testid="clock-bar"]').count(), 0, "no clock bar in an embed");
  assert.equal(await frame.locator('[data-testid="query-input"]').first().inputValue(), "sum by (status) (rate(http_requests_total[5m]))");
  await host.screenshot({ path: path.join(SHOTS, "embed-query.png") });
  assert.deepEqual(problems, []);
  await context.close();
});

test("the metric-types lab: declare, change, see the lines change and the samples reach the store", async () => {
  const { context, page, problems } = await openPage(browser, server.url + "#service");
  await backfillDone(page);
  await page.click('[data-testid="speed-60"]');
  const lab = page.locator('[data-testid="metric-lab"]');
  await lab.scrollIntoViewIfNeeded();
  // The four types side by side.
  for (const type of ["counter", "gauge", "histogram", "summary"]) {
    await page.click(`[data-testid="metric-${type}-declare"]`);
  }
  await page.click('[data-testid="metric-counter-inc"]');
  await page.click('[data-testid="metric-counter-inc"]');
  await page.fill('[data-testid="metric-gauge-value"]', "7");
  await page.click('[data-testid="metric-gauge-set"]');
  await page.click('[data-testid="metric-histogram-observe"]');
  await page.click('[data-testid="metric-summary-observe"]');
  await page.waitForFunction(() => /demo_events_total 2\.0/.test(document.querySelector('[data-testid="metric-counter-lines"]').textContent));
  assert.ok(await page.locator('[data-testid="metric-counter-lines"] .changed').count() > 0, "changed lines are marked");
  assert.match(await page.textContent('[data-testid="metric-gauge-lines"]'), /demo_queue_size 7\.0/);
  assert.match(await page.textContent('[data-testid="metric-histogram-lines"]'), /demo_latency_seconds_bucket\{le="0\.5"\} 1\.0/);
  // A counter cannot go down: refused with the client's reason.
  await page.fill('[data-testid="metric-counter-value"]', "-1");
  await page.click('[data-testid="metric-counter-inc"]');
  assert.match(await page.textContent('[data-testid="metric-lab-error"]'), /non-negative/);
  // The next scrape stores it; the graphs draw it.
  await page.waitForSelector('[data-testid="metric-card-counter"] [data-testid="metric-lab-graph"] canvas');
  await page.screenshot({ path: path.join(SHOTS, "metric-lab.png"), fullPage: true });
  await page.click('[data-testid="tab-query"]');
  const input = page.locator('[data-testid="query-input"]').first();
  const deadline = Date.now() + 20000;
  for (;;) {
    await input.fill('demo_events_total{job="metric-lab"}');
    await input.press("Control+Enter");
    await page.click('[data-testid="query-tab-table"]');
    await page.waitForFunction(() => /^\d+ results?/.test(document.querySelector('[data-testid="query-stats"]')?.textContent ?? ""));
    const rows = await page.locator('[data-testid="query-table"] tbody tr').allTextContents();
    if (rows.length === 1 && /2$/.test(rows[0].trim())) break;
    assert.ok(Date.now() < deadline, `the store has the counter: ${rows}`);
    await page.waitForTimeout(300);
  }
  // The operations are events: in the link.
  assert.match(page.url(), /[?&]metrics=/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("an embed of a lesson step shows that step without the app's chrome", async () => {
  // An embed has no tabs (openPage waits for them): opened by hand.
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
  page.on("console", (msg) => msg.type() === "error" && problems.push(`console.error: ${msg.text()}`));
  await page.goto(server.url + "?lesson=counters.2&embed=lessons");
  await page.waitForSelector('[data-testid="embed"] [data-testid="lesson-step"]');
  assert.equal(await page.locator('[data-testid="tab-lessons"]').count(), 0);
  assert.match(await page.textContent('[data-testid="lesson-step"] h4'), /Read the counter in the exposition/);
  await page.screenshot({ path: path.join(SHOTS, "embed-lesson-step.png") });
  assert.deepEqual(problems, []);
  await context.close();
});
