// WASM floor benchmark: pkg/'s Screener against the floor, a bare aho-corasick DFA over the default
// lexicon's surface forms (lowercased) run on the raw text (benches/wasm-floor), in one process.
// Texts and timing as bench.mjs: short = the lines of at most 64 UTF-16 units (µs per text,
// `scan()`), long = lines joined until > 200,000 UTF-16 units (MB/s, `scanJson()`); 3 s loops
// after a warm-up. The two engines' loops alternate (floor, prescreen, prescreen, floor, ... for
// ROUNDS rounds, default 2) so the machine's drift falls on both; each figure is the mean of its
// loops, and "÷" is prescreen's time over the floor's (same-run ratios are what to read).
// Usage: scripts/bench-wasm-floor (builds target/wasm-floor/, then runs this); or, once built,
//   node benches/js/floor.mjs   (PKG_DIR, FLOOR_DIR, DATA_DIR, ROUNDS override the defaults)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = process.env.DATA_DIR || "/work/shared/data";
const PKG = path.resolve(process.env.PKG_DIR || path.join(ROOT, "pkg"));
const FLOOR = path.resolve(process.env.FLOOR_DIR || path.join(ROOT, "target/wasm-floor"));
const ROUNDS = Number(process.env.ROUNDS || 2);

const pkg = await import(path.join(PKG, "prescreen.js"));
pkg.initSync({ module: fs.readFileSync(path.join(PKG, "prescreen_bg.wasm")) });
const screener = new pkg.Screener();
// Steady state, as bench.mjs: the matching DFAs and jieba built.
screener.warmUp();

const fl = await import(path.join(FLOOR, "pkg/wasm_floor.js"));
fl.initSync({ module: fs.readFileSync(path.join(FLOOR, "pkg/wasm_floor_bg.wasm")) });
const patterns = fs.readFileSync(path.join(FLOOR, "patterns.txt"), "utf8");
const floor = new fl.Floor(patterns); // a DFA from the start: nothing to warm up
console.log(`floor: ${patterns.split("\n").filter(Boolean).length} patterns, `
  + `${fs.statSync(path.join(FLOOR, "pkg/wasm_floor_bg.wasm")).size} B wasm; `
  + `"出 冰 毒，要的加微信": ${floor.count("出 冰 毒，要的加微信")} floor matches`);

const read = (name) => fs.readFileSync(path.join(DATA, name), "utf8").split("\n").filter((l) => l.trim());
const bytes = (xs) => xs.reduce((a, x) => a + Buffer.byteLength(x), 0);

// bench.mjs's loops, returning their figure: µs per text.
function timeShort(texts, fn) {
  for (const t of texts.slice(0, 2000)) fn(t); // warm-up
  let n = 0; const start = performance.now();
  while (performance.now() - start < 3000) { for (const t of texts) fn(t); n += texts.length; }
  return ((performance.now() - start) * 1000) / n;
}

// MB/s on one text.
function timeLong(text, fn) {
  const size = Buffer.byteLength(text);
  fn(text);
  let n = 0; const start = performance.now();
  while (performance.now() - start < 3000) { fn(text); n++; }
  return (size * n) / ((performance.now() - start) / 1000) / 1e6;
}

const longText = (lines) => {
  let text = ""; for (const l of lines) { if (text.length > 200_000) break; text += l + "\n"; }
  return text;
};

// The engines' loops alternating; the mean figure of each.
function pair(time, input, fns) {
  const got = { floor: [], prescreen: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of r % 2 ? ["prescreen", "floor"] : ["floor", "prescreen"]) got[name].push(time(input, fns[name]));
  }
  const mean = (v) => v.reduce((a, x) => a + x, 0) / v.length;
  return { floor: mean(got.floor), prescreen: mean(got.prescreen), loops: got };
}

const rows = [];
const cn = read("cn_benign_dev.txt"), en = read("en_benign_dev.txt");
for (const [label, xs] of [["cn", cn], ["en", en]]) {
  const texts = xs.filter((x) => x.length <= 64); // "short" as in bench.mjs
  const r = pair(timeShort, texts, { floor: (t) => floor.count(t), prescreen: (t) => screener.scan(t) });
  console.log(`short ${label}: ${texts.length} texts, avg ${(bytes(texts) / texts.length).toFixed(0)} B; `
    + `loops µs/text floor ${r.loops.floor.map((x) => x.toFixed(3)).join(" ")}, prescreen ${r.loops.prescreen.map((x) => x.toFixed(2)).join(" ")}`);
  rows.push([`short ${label} (µs/text)`, r.prescreen.toFixed(2), r.floor.toFixed(3), (r.prescreen / r.floor).toFixed(1)]);
}
for (const [label, xs] of [["cn", cn], ["en", en]]) {
  const text = longText(xs);
  const r = pair(timeLong, text, { floor: (t) => floor.count(t), prescreen: (t) => screener.scanJson(t) });
  console.log(`long ${label}: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB text, ${floor.count(text)} floor matches; `
    + `loops MB/s floor ${r.loops.floor.map((x) => x.toFixed(1)).join(" ")}, prescreen ${r.loops.prescreen.map((x) => x.toFixed(1)).join(" ")}`);
  // Time ratio: floor MB/s over prescreen MB/s.
  rows.push([`long ${label} (MB/s)`, r.prescreen.toFixed(1), r.floor.toFixed(1), (r.floor / r.prescreen).toFixed(1)]);
}
console.log("\n| text | prescreen | floor | prescreen ÷ floor (time) |\n|---|---|---|---|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(`\nmachine: ${os.cpus()[0].model}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}; node ${process.version}`);
