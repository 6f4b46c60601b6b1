// The "Against peers" tables of BENCHMARKS.md from one run of scripts/bench-peers: criterion's
// medians for benches/peers.rs (target/criterion/peers_*/*/new/estimates.json) and the Node
// results (peers.mjs --json). Ratios are peer time ÷ prescreen time on the same texts in the same
// run: above 1, prescreen is faster.
// Usage: node benches/js/table.mjs CRITERION_DIR [JS_RESULTS.json]
import fs from "node:fs";
import path from "node:path";

const [criterionDir, jsJson] = process.argv.slice(2);
const SETS = ["short_benign_zh", "short_benign_en", "short_risky_zh", "short_risky_en",
  "long_benign_zh", "long_benign_en", "long_risky_zh", "long_risky_en"];

const fmtRatio = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + "×";
const fmtFig = (set, secPerUnit, bytes) => set.startsWith("short")
  ? `${(secPerUnit * 1e6).toFixed(secPerUnit < 1e-5 ? 2 : 1)} µs`
  : `${(bytes / 1e6 / secPerUnit).toFixed(2)} MB/s`;

function table(title, rows, order) {
  // rows: { set, id, sec (per text or per long text), bytes }
  const ids = order.filter((id) => rows.some((r) => r.id === id));
  const out = [`**${title}**: time per text (short) or throughput (long); ratio = peer time ÷ prescreen time`, "",
    `| set | ${ids.join(" | ")} |`, `|---|${ids.map(() => "---").join("|")}|`];
  for (const set of SETS) {
    const here = rows.filter((r) => r.set === set);
    if (!here.length) continue;
    const base = here.find((r) => r.id === ids[0]), lex = here.find((r) => r.id === ids[1]);
    const cells = ids.map((id) => {
      const r = here.find((x) => x.id === id);
      if (!r) return "—";
      const fig = fmtFig(set, r.sec, r.bytes);
      if (r === base) return fig;
      const ratio = (b) => (b ? fmtRatio(r.sec / b.sec) : "—");
      return `${fig} (${ratio(base)} / ${ratio(lex)})`;
    });
    out.push(`| ${set} | ${cells.join(" | ")} |`);
  }
  out.push("", `Cells: figure (ratio to ${ids[0]} / ratio to ${ids[1]}).`, "");
  return out.join("\n");
}

if (criterionDir && fs.existsSync(criterionDir)) {
  const rows = [];
  for (const set of SETS) {
    const dir = path.join(criterionDir, `peers_${set}`);
    if (!fs.existsSync(dir)) continue;
    for (const id of fs.readdirSync(dir)) {
      const f = path.join(dir, id, "new", "estimates.json");
      if (!fs.existsSync(f)) continue;
      const ns = JSON.parse(fs.readFileSync(f, "utf8")).median.point_estimate;
      // Short groups iterate over all their texts (throughput: Elements = texts); long groups scan
      // one text (throughput: Bytes).
      const { throughput } = JSON.parse(fs.readFileSync(path.join(dir, id, "new", "benchmark.json"), "utf8"));
      const sec = ns / 1e9 / (throughput.Elements || 1);
      rows.push({ set, id, sec, bytes: throughput.Bytes });
    }
  }
  console.log(table("Native (criterion medians)", rows,
    ["prescreen", "prescreen_lexicon_only", "bare_aho_corasick", "rustrict", "censor", "sensitive_rs", "sensitive_rs_replace"]));
}
if (jsJson && fs.existsSync(jsJson)) {
  const js = JSON.parse(fs.readFileSync(jsJson, "utf8"));
  const rows = js.speed.map((r) => ({ set: r.set, id: r.id, sec: r.usPerText / 1e6, bytes: (r.mbPerS * 1e6 * r.usPerText) / 1e6 }));
  console.log(table("WASM in Node (median rounds)", rows,
    ["prescreen", "prescreen_lexicon_only", "mint-filter", "obscenity", "bad-words", "leo-profanity"]));
  console.log("| set | library | precision | recall | F1 | flagged |\n|---|---|---|---|---|---|");
  for (const a of js.accuracy) {
    console.log(`| ${a.set} | ${a.id} | ${a.precision.toFixed(3)} | ${a.recall.toFixed(3)} | ${a.f1.toFixed(3)} | ${a.tp + a.fp} / ${a.tp + a.fp + a.fn + a.tn} |`);
  }
  console.log(`\nNode: ${js.machine.cpu}, ${js.machine.cores} cores, load ${js.machine.load.map((x) => x.toFixed(2)).join(" ")}, ${js.machine.node}`);
}
