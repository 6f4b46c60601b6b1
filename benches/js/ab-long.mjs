// A/B of two builds of the WASM package on long text (200 KB of each benign corpus, default
// screener with the model), in one process, rounds alternating (the machine's speed drifts):
//   node benches/js/ab-long.mjs OLD_PKG_DIR [NEW_PKG_DIR=pkg] [ROUNDS=9]
// e.g. git archive <rev> pkg | tar -x -C /tmp/old && node benches/js/ab-long.mjs /tmp/old/pkg
// Prints the median MB/s (scanJson, 10 scans a round) of each and new ÷ old. MODEL=off: the default
// lexicon with the learned scorer off (`[lexicon] model = false`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = process.env.DATA_DIR || path.join(ROOT, "../shared/data");
const [oldDir, newDir = path.join(ROOT, "pkg"), roundsArg = "9"] = process.argv.slice(2);
if (!oldDir) {
  console.error("usage: node benches/js/ab-long.mjs OLD_PKG_DIR [NEW_PKG_DIR] [ROUNDS]");
  process.exit(2);
}
const load = async (dir) => {
  const abs = path.resolve(dir);
  const m = await import(path.join(abs, "prescreen.js"));
  m.initSync({ module: fs.readFileSync(path.join(abs, "prescreen_bg.wasm")) });
  const s = process.env.MODEL === "off"
    ? m.Screener.fromToml(m.Screener.defaultLexiconToml().replace(/^\[lexicon\]$/m, "[lexicon]\nmodel = false"))
    : new m.Screener();
  s.warmUp();
  return s;
};
const A = await load(oldDir), B = await load(newDir);
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
for (const lang of ["cn", "en"]) {
  const lines = fs.readFileSync(path.join(DATA, `${lang}_benign_dev.txt`), "utf8").split("\n").filter((l) => l.trim());
  let text = ""; for (const l of lines) { if (text.length > 200_000) break; text += l + "\n"; }
  const size = Buffer.byteLength(text);
  const run = (s) => { const t0 = performance.now(); for (let i = 0; i < 10; i++) s.scanJson(text); return (size * 10) / ((performance.now() - t0) / 1000) / 1e6; };
  const a = [], b = [];
  for (let r = 0; r < Number(roundsArg); r++) { if (r % 2) { a.push(run(A)); b.push(run(B)); } else { b.push(run(B)); a.push(run(A)); } }
  console.log(`${lang} long: old ${median(a).toFixed(1)} MB/s, new ${median(b).toFixed(1)} MB/s, new/old ${(median(b) / median(a)).toFixed(2)}x`);
}
