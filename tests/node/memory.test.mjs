// Memory stays flat over many scans: 50,000 here (the mix of tests/node/memory.mjs: every call
// kind, hits, suppressed matches, lone surrogates, thrown cap errors); the million-scan figure
// is in BENCHMARKS.md ("WASM memory").
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, summary } from "./memory.mjs";

const MiB = 1024 * 1024;

test("50,000 scans keep WASM memory and RSS flat", () => {
  const result = run(50_000);
  const s = summary(result);
  const detail = JSON.stringify(result.samples.map((x) => [x.scans, x.wasm / MiB, Math.round(x.rss / MiB)]));
  // WASM memory never shrinks: any leak in the module grows it. The allocator may still take a
  // page or two as fragmentation settles, hence 1 MiB.
  assert.ok(s.wasmGrowth <= 1 * MiB, `WASM memory grew by ${s.wasmGrowth} bytes: ${detail}`);
  // RSS moves with V8's heap even after gc(); a leak of one verdict object per scan would
  // be hundreds of MB here.
  assert.ok(s.rssGrowth <= 24 * MiB, `RSS grew by ${(s.rssGrowth / MiB).toFixed(1)} MiB: ${detail}`);
  assert.ok(result.hits > 50_000 && result.errors > 500, `${result.hits} hits, ${result.errors} cap errors`);
});
