// Start-up of pkg/ in Node: time from importing the module to the first verdict, each run in a
// fresh process (so nothing is warm), for a benign first text and for a first text with a hit.
// Prints the median and the range of each step over the runs. Given several package directories
// (e.g. a copy of pkg/ built from main), it runs them in turn, round by round, so that the load of
// a shared machine falls on all alike.
// Usage: node benches/js/startup.mjs [runs=9] [pkg-dir ...]      (no dependencies)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TEXTS = {
  benign: "今天天气不错，我们去公园散步吧。",
  hit: "出冰毒，要的加微信",
};

if (process.argv[2] === "--child") {
  const [dir, kind] = process.argv.slice(3);
  const t0 = performance.now();
  const pkg = await import(pathToFileURL(path.join(dir, "prescreen.js")));
  pkg.initSync({ module: fs.readFileSync(path.join(dir, "prescreen_bg.wasm")) });
  const tInit = performance.now();
  const screener = new pkg.Screener();
  const tNew = performance.now();
  const verdict = screener.scan(TEXTS[kind]);
  const tFirst = performance.now();
  screener.scan(TEXTS[kind]);
  const tSecond = performance.now();
  console.log(JSON.stringify({
    init: tInit - t0, construct: tNew - tInit, scan: tFirst - tNew, total: tFirst - t0,
    again: tSecond - tFirst, decision: verdict.decision, hits: verdict.hits.length,
  }));
} else {
  const runs = Number(process.argv[2] || 9);
  const dirs = process.argv.length > 3 ? process.argv.slice(3).map((d) => path.resolve(d)) : [path.join(ROOT, "pkg")];
  const results = new Map(dirs.flatMap((d) => Object.keys(TEXTS).map((k) => [`${d} ${k}`, []])));
  for (let i = 0; i < runs; i++) {
    for (const dir of dirs) {
      for (const kind of Object.keys(TEXTS)) {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", dir, kind], { encoding: "utf8" });
        results.get(`${dir} ${kind}`).push(JSON.parse(out));
      }
    }
  }
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
  const fmt = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  for (const [key, rs] of results) {
    const pick = (k) => rs.map((r) => r[k]);
    console.log(`${key} (${rs[0].decision}, ${rs[0].hits} hits): first verdict ${fmt(pick("total"))} after import = `
      + `load+instantiate ${fmt(pick("init"))} + new Screener() ${fmt(pick("construct"))} + first scan ${fmt(pick("scan"))}; `
      + `second scan ${median(pick("again")).toFixed(2)} ms`);
  }
  console.log(`${runs} runs each, a fresh process per run; machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, `
    + `load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}; node ${process.version}`);
}
