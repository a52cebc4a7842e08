// The parts of a split build and the files each loads, as the split loader
// (`__wasm_split.js`, written by wasm-split-cli) declares them:
//   const __chunk_N = makeLoad(() => { ... "./chunk_N.wasm" ... }, [deps]);
//   export const __wasm_split_load_NAME = wrapAsyncCb(makeLoad(() => { ... "./split_NAME.wasm" ... }, [deps]));
// Read by .ci/wasm-split-build (which parts to preload) and .ci/size-report.
import fs from "node:fs";
import path from "node:path";

/** `[{ name, files }]` of the build in `pkgDir`, `files` the part's own file first;
 * exits with a message naming `tool` when the loader does not read as expected. */
export function splitParts(pkgDir, tool) {
  const fail = (message) => {
    console.error(`${tool}: ${message}`);
    process.exit(1);
  };
  const linker = fs.readFileSync(path.join(pkgDir, "__wasm_split.js"), "utf8");
  const chunkFile = new Map();
  for (const m of linker.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    chunkFile.set(m[1], m[2]);
  }
  const parts = [];
  for (const m of linker.matchAll(/export const __wasm_split_load_([a-z_]+?)(?:_\d+)? = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?\n\}\s*,\s*\[([^\]]*)\]/g)) {
    const deps = m[3].split(",").map((d) => d.trim()).filter(Boolean);
    const missing = deps.filter((d) => !chunkFile.has(d));
    if (missing.length) fail(`the loader names chunks it does not define: ${missing.join(", ")}`);
    parts.push({ name: m[1], files: [m[2], ...deps.map((d) => chunkFile.get(d))] });
  }
  if (parts.length === 0) fail("no parts found in __wasm_split.js");
  return parts;
}
