// Trunk post-build hook: writes the page's Content-Security-Policy as a <meta> tag
// into the staged index.html, with the SHA-256 of each inline script (Trunk's
// loader changes with every build, so the hashes cannot be written by hand).
// Scripts, styles, images, workers and the wasm come only from the page's own
// origin. connect-src also allows http(s) because two features fetch what the
// user asks for (the Inspect pane's /metrics URL, later a real Prometheus); the
// Python lab's worker, which runs programs from links, has no network at all
// (static/python-worker.mjs removes fetch, XMLHttpRequest and WebSocket before
// any program runs).
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("csp: TRUNK_STAGING_DIR is not set (run as a Trunk hook)");
  process.exit(1);
}
const file = path.join(dir, "index.html");
let html = fs.readFileSync(file, "utf8");
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, "");
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (m) => `'sha256-${crypto.createHash("sha256").update(m[1], "utf8").digest("base64")}'`,
);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' http: https:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");
html = html.replace(
  /(<meta charset="utf-8" \/>)/,
  `$1\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
);
fs.writeFileSync(file, html);
