// A/B of two builds of the WASM package on 100-char texts, in one process, passes alternating
// round by round (the machine's speed drifts; same-run ratios are what to read):
//   node benches/js/ab.mjs OLD_PKG_DIR [NEW_PKG_DIR=pkg] [ROUNDS=21]
// e.g. git archive <rev> pkg | tar -x -C /tmp/old && node benches/js/ab.mjs /tmp/old/pkg
// Texts: 1,000 100-char cuts of ../shared/data/{cn,en}_benign_dev.txt; each measured pass
// follows a warm-up pass on the same screener. Prints median µs per text and old ÷ new.
// TEXTS=lines: bench.mjs's short texts instead (the lines of at most 64 UTF-16 units, the first 2,000).
// PASSES=N measures N passes a round (fewer, longer samples: with PASSES=8, an A/A run of one
// build against itself gives 1.00x; with 1, a pass is ≈ 6 ms and the medians move by ±5 %).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [oldDir, newDir = path.join(ROOT, "pkg"), roundsArg = "21"] = process.argv.slice(2);
if (!oldDir) {
  console.error("usage: node benches/js/ab.mjs OLD_PKG_DIR [NEW_PKG_DIR] [ROUNDS]");
  process.exit(2);
}
const rounds = Number(roundsArg);
const passes = Number(process.env.PASSES || 1);
const load = async (dir) => {
  const dirAbs = path.resolve(dir);
  const m = await import(path.join(dirAbs, "prescreen.js"));
  m.initSync({ module: fs.readFileSync(path.join(dirAbs, "prescreen_bg.wasm")) });
  const s = new m.Screener();
  s.warmUp?.();
  return s;
};
const A = await load(oldDir);
const B = await load(newDir);
const cut = (file) => {
  if (process.env.TEXTS === "lines") {
    // bench.mjs's short texts: the lines of at most 64 UTF-16 units (the first 2,000).
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() && l.length <= 64).slice(0, 2000);
  }
  const out = [];
  let buf = "";
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    buf += line;
    if ([...buf].length >= 100) {
      out.push([...buf].slice(0, 100).join(""));
      buf = "";
      if (out.length === 1000) break;
    }
  }
  return out;
};
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
for (const [lang, file] of [["zh", "cn_benign_dev.txt"], ["en", "en_benign_dev.txt"]]) {
  const data = path.join(ROOT, "../shared/data", file);
  if (!fs.existsSync(data)) continue;
  const texts = cut(data);
  const pass = (s, fn) => {
    for (const t of texts) s[fn](t);
    const t0 = performance.now();
    for (let k = 0; k < passes; k++) for (const t of texts) s[fn](t);
    return ((performance.now() - t0) * 1000) / texts.length / passes;
  };
  for (const fn of ["scan", "scanJson"]) {
    const a = [];
    const b = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2) { a.push(pass(A, fn)); b.push(pass(B, fn)); } else { b.push(pass(B, fn)); a.push(pass(A, fn)); }
    }
    const [ma, mb] = [median(a), median(b)];
    console.log(`${lang} ${process.env.TEXTS === "lines" ? "short-line" : "100-char"} ${fn}(): old ${ma.toFixed(2)} µs, new ${mb.toFixed(2)} µs, old/new ${(ma / mb).toFixed(2)}x`);
  }
}
