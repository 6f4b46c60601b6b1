// WASM (Node) benchmark of pkg/: start-up to the first verdict, per-text time on short benign
// texts, and throughput on long benign text, with the default lexicon.
// Texts: /work/shared/data/{cn,en}_benign_dev.txt (one text a line), or DATA_DIR.
// Usage: node benches/js/bench.mjs      (no dependencies; PKG_DIR=DIR measures another build of
// the package, e.g. an older one from `git archive <rev> pkg | tar -x -C /tmp/old`)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = process.env.DATA_DIR || "/work/shared/data";
const PKG = path.resolve(process.env.PKG_DIR || path.join(ROOT, "pkg"));

const t0 = performance.now();
const pkg = await import(path.join(PKG, "prescreen.js"));
pkg.initSync({ module: fs.readFileSync(path.join(PKG, "prescreen_bg.wasm")) });
const tInit = performance.now();
const screener = new pkg.Screener();
const tNew = performance.now();
screener.scan("出 冰 毒，要的加微信");
const tFirst = performance.now();
console.log(`start-up: load+instantiate ${(tInit - t0).toFixed(0)} ms, new Screener() ${(tNew - tInit).toFixed(0)} ms, `
  + `first verdict ${(tFirst - t0).toFixed(0)} ms after import`);
// Steady state for the timings below: the matching DFAs (a new screener scans on NFAs until it has
// scanned 4 MiB, so the first timing ran partly on them) and jieba built.
screener.warmUp();

const read = (name) => fs.readFileSync(path.join(DATA, name), "utf8").split("\n").filter((l) => l.trim());
const bytes = (xs) => xs.reduce((a, x) => a + Buffer.byteLength(x), 0);

function timeShort(label, texts, fn) {
  for (const t of texts.slice(0, 2000)) fn(t); // warm-up
  let n = 0; const start = performance.now();
  while (performance.now() - start < 3000) { for (const t of texts) fn(t); n += texts.length; }
  const us = ((performance.now() - start) * 1000) / n;
  console.log(`short ${label}: ${us.toFixed(2)} µs/text (${n} scans, avg ${(bytes(texts) / texts.length).toFixed(0)} B)`);
}

function timeLong(label, lines, fn) {
  let text = ""; for (const l of lines) { if (text.length > 200_000) break; text += l + "\n"; }
  const size = Buffer.byteLength(text);
  fn(text);
  let n = 0; const start = performance.now();
  while (performance.now() - start < 3000) { fn(text); n++; }
  const s = (performance.now() - start) / 1000;
  console.log(`long ${label}: ${((size * n) / s / 1e6).toFixed(1)} MB/s (${(size / 1024).toFixed(0)} KiB text x ${n})`);
}

const cn = read("cn_benign_dev.txt"), en = read("en_benign_dev.txt");
// "Short" = one post/comment: the lines of at most 64 UTF-16 units.
const short = (xs) => xs.filter((x) => x.length <= 64);
for (const [label, xs] of [["cn", cn], ["en", en]]) {
  timeShort(`${label} scan()`, short(xs), (t) => screener.scan(t));
  timeShort(`${label} scanJson()`, short(xs), (t) => screener.scanJson(t));
  timeShort(`${label} scan(), all lines`, xs, (t) => screener.scan(t));
}
// Long texts through scanJson() (the figure of earlier sessions) and scan().
for (const [label, xs] of [["cn", cn], ["en", en]]) {
  timeLong(label, xs, (t) => screener.scanJson(t));
  timeLong(`${label} scan()`, xs, (t) => screener.scan(t));
}
console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}; node ${process.version}`);
