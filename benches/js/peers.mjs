// WASM (Node) benchmark of pkg/ against the JS filters a user would pick instead (issue 8), on the
// same texts as benches/peers.rs, plus each library's precision and recall on the labelled dev sets.
//
// Contestants (one text per call, one thread):
//   prescreen              pkg/ `new Screener()`, `scan(t)` (plain object): full pipeline with the learned scorer
//   prescreen_lexicon_only pkg/ `Screener.fromToml(default lexicon + "model = false")`, `scan(t)`
//   mint-filter            `new Mint(forms)` with prescreen's default surface forms; `filter(t, { replace: false })`
//   obscenity              RegExpMatcher with its English preset and recommended transformers; `getAllMatches(t)`
//   bad-words              its own English list; `isProfane(t)`
//   leo-profanity          its own English list; `check(t)`
// The English-only filters run on the English sets only.
//
// Usage: node benches/js/peers.mjs [--quick] [--json OUT.json]   (npm ci in benches/js first;
// scripts/bench-peers does both). Texts: ../shared/data beside the repository, or DATA_DIR.
// Timing: every contestant scans the whole set once per round, round-robin over the contestants
// (so a change in machine load falls on all of them alike), for at least MIN_ROUNDS rounds and
// until each has had BUDGET_MS; the figure is the median round.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Mint } from "mint-filter";
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from "obscenity";
import { Filter as BadWords } from "bad-words";
import leo from "leo-profanity";
import { parse as parseToml } from "smol-toml";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const DATA = process.env.DATA_DIR || path.resolve(ROOT, "../shared/data");
const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : null;
const BUDGET_MS = QUICK ? 1500 : 5000;
const MIN_ROUNDS = QUICK ? 3 : 7;
const LONG = 1 << 20;

// pkg/ loaded the way tests/node/load.mjs does: the module's bytes to initSync.
const pkg = await import(path.join(ROOT, "pkg/prescreen.js"));
pkg.initSync({ module: fs.readFileSync(path.join(ROOT, "pkg/prescreen_bg.wasm")) });
const { Screener } = pkg;

const full = new Screener();
const defaultToml = Screener.defaultLexiconToml();
// Lexicon-only: the default lexicon with the learned scorer switched off (`[lexicon] model = false`).
if ((defaultToml.match(/^\[lexicon\]$/gm) || []).length !== 1) throw new Error("expected one [lexicon] table in the default lexicon");
const lexiconOnly = Screener.fromToml(defaultToml.replace(/^\[lexicon\]$/m, "[lexicon]\nmodel = false"));
// The same surface forms the Rust side feeds its peers: every term's text and variants.
const terms = parseToml(defaultToml).term;
if (terms.length !== full.termCount) throw new Error(`parsed ${terms.length} terms, pkg/ has ${full.termCount}`);
const forms = terms.flatMap((t) => [t.text, ...(t.variants || [])]);

const mint = new Mint(forms);
const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const badWords = new BadWords();

// Each contestant: `count` for speed (hits / matches / 0-1, so the work is not thrown away) and
// `flag` for accuracy (the library's own "this text is risky").
const contestants = [
  { id: "prescreen", english: false, count: (t) => full.scan(t).hits.length, flag: (t) => full.scan(t).decision !== "pass" },
  { id: "prescreen_lexicon_only", english: false, count: (t) => lexiconOnly.scan(t).hits.length, flag: (t) => lexiconOnly.scan(t).decision !== "pass" },
  { id: "mint-filter", english: false, count: (t) => mint.filter(t, { replace: false }).words.length, flag: (t) => !mint.verify(t) },
  { id: "obscenity", english: true, count: (t) => obscenity.getAllMatches(t).length, flag: (t) => obscenity.hasMatch(t) },
  { id: "bad-words", english: true, count: (t) => (badWords.isProfane(t) ? 1 : 0), flag: (t) => badWords.isProfane(t) },
  { id: "leo-profanity", english: true, count: (t) => (leo.check(t) ? 1 : 0), flag: (t) => leo.check(t) },
];

// ---- texts: the same cuts as benches/texts/mod.rs ----
const exists = (f) => fs.existsSync(path.join(DATA, f));
const lines = (f) => (exists(f) ? fs.readFileSync(path.join(DATA, f), "utf8").split("\n") : []).filter((l, i, a) => i < a.length - 1 || l);
function shortTexts(f, n) {
  const out = []; let buf = "";
  for (const line of lines(f)) {
    buf += line;
    const chars = [...buf];
    if (chars.length >= 100) { out.push(chars.slice(0, 100).join("")); buf = ""; if (out.length === n) break; }
  }
  return out;
}
// Lines joined by newlines, cycling through them until the text has at least `bytes` UTF-8 bytes.
function cycleTo(texts, bytes) {
  if (!texts.some((t) => t)) return "";
  const parts = []; let size = 0;
  for (let i = 0; size < bytes; i = (i + 1) % texts.length) { parts.push(texts[i], "\n"); size += Buffer.byteLength(texts[i]) + 1; }
  return parts.join("");
}
const labelled = (f) => lines(f).filter((l) => l.trim()).map((l) => JSON.parse(l)).map((r) => ({ text: r.text, risky: r.label === 1 }));
const risky = (f) => labelled(f).filter((r) => r.risky).map((r) => r.text);

const sets = [
  { name: "short_benign_zh", english: false, texts: shortTexts("cn_benign_dev.txt", 1000) },
  { name: "short_benign_en", english: true, texts: shortTexts("en_benign_dev.txt", 1000) },
  { name: "short_risky_zh", english: false, texts: risky("cn_labelled_dev.jsonl") },
  { name: "short_risky_en", english: true, texts: risky("en_labelled_dev.jsonl") },
  { name: "long_benign_zh", english: false, texts: [cycleTo(lines("cn_benign_dev.txt"), LONG)] },
  { name: "long_benign_en", english: true, texts: [cycleTo(lines("en_benign_dev.txt"), LONG)] },
  { name: "long_risky_zh", english: false, texts: [cycleTo(risky("cn_labelled_dev.jsonl"), LONG)] },
  { name: "long_risky_en", english: true, texts: [cycleTo(risky("en_labelled_dev.jsonl"), LONG)] },
];

// ---- speed ----
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
function timeSet(set) {
  const texts = set.texts;
  const who = contestants.filter((c) => set.english || !c.english);
  const runOnce = (c) => { let n = 0; const t0 = performance.now(); for (const t of texts) n += c.count(t); return [performance.now() - t0, n]; };
  for (const c of who) { const w0 = performance.now(); do runOnce(c); while (performance.now() - w0 < (QUICK ? 200 : 1000)); } // warm-up (JIT)
  const rounds = new Map(who.map((c) => [c.id, []]));
  const spent = new Map(who.map((c) => [c.id, 0]));
  for (let r = 0; r < MIN_ROUNDS || who.some((c) => spent.get(c.id) < BUDGET_MS); r++) {
    for (const c of who) {
      if (r >= MIN_ROUNDS && spent.get(c.id) >= BUDGET_MS) continue;
      const [ms] = runOnce(c);
      rounds.get(c.id).push(ms); spent.set(c.id, spent.get(c.id) + ms);
    }
  }
  const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
  return who.map((c) => {
    const ms = median(rounds.get(c.id));
    return { set: set.name, id: c.id, rounds: rounds.get(c.id).length, usPerText: (ms * 1000) / texts.length, mbPerS: bytes / 1e6 / (ms / 1000) };
  });
}

const speed = [];
for (const set of sets) {
  if (!set.texts.length || !set.texts[0]) { console.log(`${set.name}: skipped (no data in ${DATA})`); continue; }
  const bytes = set.texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
  const hits = set.texts.reduce((a, t) => a + lexiconOnly.scan(t).hits.length, 0);
  console.log(`\n${set.name}: ${set.texts.length} text(s), ${bytes} B (mean ${(bytes / set.texts.length).toFixed(0)}), `
    + `${hits} prescreen lexicon hits (${((hits * 1024) / bytes).toFixed(2)} per KiB)`);
  const rows = timeSet(set);
  const base = rows.find((r) => r.id === "prescreen"), baseLex = rows.find((r) => r.id === "prescreen_lexicon_only");
  const isLong = set.name.startsWith("long");
  for (const r of rows) {
    const fig = isLong ? `${r.mbPerS.toFixed(2).padStart(9)} MB/s` : `${r.usPerText.toFixed(2).padStart(9)} µs/text`;
    console.log(`  ${r.id.padEnd(24)} ${fig}   ÷prescreen ${(r.usPerText / base.usPerText).toFixed(2).padStart(7)}×`
      + `   ÷lexicon-only ${(r.usPerText / baseLex.usPerText).toFixed(2).padStart(7)}×   (${r.rounds} rounds)`);
    speed.push(r);
  }
}

// ---- accuracy: flagged = positive, on the labelled dev sets ----
const accuracy = [];
for (const [lang, file] of [["zh", "cn_labelled_dev.jsonl"], ["en", "en_labelled_dev.jsonl"]]) {
  const rows = labelled(file);
  if (!rows.length) continue;
  console.log(`\naccuracy on ${file} (${rows.length} texts, ${rows.filter((r) => r.risky).length} risky):`);
  for (const c of contestants.filter((c) => lang === "en" || !c.english)) {
    let tp = 0, fp = 0, fn = 0, tn = 0;
    for (const r of rows) {
      const f = c.flag(r.text);
      if (f && r.risky) tp++; else if (f) fp++; else if (r.risky) fn++; else tn++;
    }
    const p = tp / (tp + fp || 1), rec = tp / (tp + fn || 1), f1 = (2 * p * rec) / (p + rec || 1);
    console.log(`  ${c.id.padEnd(24)} precision ${p.toFixed(3)}  recall ${rec.toFixed(3)}  F1 ${f1.toFixed(3)}  (tp ${tp} fp ${fp} fn ${fn} tn ${tn})`);
    accuracy.push({ set: lang, id: c.id, tp, fp, fn, tn, precision: p, recall: rec, f1 });
  }
}

const machine = { cpu: os.cpus()[0].model, cores: os.cpus().length, load: os.loadavg(), node: process.version };
console.log(`\nmachine: ${machine.cpu}, ${machine.cores} cores, load ${machine.load.map((x) => x.toFixed(2)).join(" ")}; node ${machine.node}`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ machine, speed, accuracy }, null, 1));
