// A static file server for the release build, mounted under a sub-path (as on
// GitHub Pages), so the tests prove every asset URL honours --public-url.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".zip": "application/zip",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".py": "text/plain; charset=utf-8",
};

/** Serves `root` at `http://127.0.0.1:<port><prefix>`; resolves to { url, requests, close }.
 * With `{ gzip: true }`, answers gzip-compressed (level 9) when the browser accepts it,
 * as static hosts do: benchmarks of download time measure what a visitor receives. */
export function serveDist(root, prefix, { gzip = false } = {}) {
  root = path.resolve(root);
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    requests.push(url.pathname);
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end(`outside ${prefix}`);
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end("not found");
      return;
    }
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    if (gzip && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
      const body = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
      res.writeHead(200, { "content-type": type, "content-encoding": "gzip", "content-length": body.length });
      res.end(body);
      return;
    }
    res.writeHead(200, { "content-type": type });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        requests,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
