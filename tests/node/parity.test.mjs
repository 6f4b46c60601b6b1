// The WASM package gives the same verdicts as the native build on the case database
// (cases/*.jsonl) and on every term example of the default lexicon.
//
// The native side is the release `prescreen batch` with the full jieba dictionary; the WASM side
// embeds the trimmed one (data/jieba/dict.trimmed.txt), so this test also shows that trimming
// the dictionary changes no verdict. Verdicts are compared whole, not hard-coded: the lexicon
// changes under active editing.
//
// The learned scorer (`model`) may be the exception: a model that takes jieba words of whole Han
// runs (feature flag 8; the default model does not) sees every word the trimmed dictionary
// dropped, and its score (and the category scores it feeds) can differ slightly between builds. For verdicts with a model judgement the
// test therefore requires equal hits, suppressed matches, lexicon, profile and decision, and
// reports the model's score differences; STRICT_MODEL_PARITY=1 requires those equal too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, Screener } from "./load.mjs";

const NATIVE = process.env.PRESCREEN_BIN || path.join(ROOT, "target/release/prescreen");

function inputs(screener) {
  const texts = [];
  for (const f of fs.readdirSync(path.join(ROOT, "cases")).filter((f) => f.endsWith(".jsonl")).sort()) {
    for (const line of fs.readFileSync(path.join(ROOT, "cases", f), "utf8").split("\n")) {
      if (line.trim()) texts.push(JSON.parse(line).text);
    }
  }
  texts.push(...screener.termExamples());
  texts.push("", "😀😀 冰 😀 毒", "e\u0301 m\u0301eth", "𠀀冰毒𠀀", "ｍｅｔｈ", "<img src=x onerror=alert(1)>");
  return [...new Set(texts)];
}

test("WASM verdicts equal native verdicts (cases and term examples)", () => {
  assert.ok(fs.existsSync(NATIVE), `native binary ${NATIVE} (cargo build --release --bin prescreen)`);
  const screener = new Screener();
  const texts = inputs(screener);
  assert.ok(texts.length > 100, `enough inputs (${texts.length})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prescreen-parity-"));
  const input = path.join(dir, "in.jsonl");
  fs.writeFileSync(input, texts.map((text, id) => JSON.stringify({ id, text })).join("\n") + "\n");
  const out = execFileSync(NATIVE, ["batch", input], { maxBuffer: 1 << 30, encoding: "utf8" });
  const native = out.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(native.length, texts.length);
  const diffs = [];
  let modelDiffs = 0, maxScoreDiff = 0;
  const strict = process.env.STRICT_MODEL_PARITY === "1";
  const core = (v) => ({ decision: v.decision, lexicon: v.lexicon, profile: v.profile, hits: v.hits, suppressed: v.suppressed });
  for (const n of native) {
    const { id, ...expected } = n;
    const actual = screener.scan(texts[id]);
    if (JSON.stringify(actual) === JSON.stringify(expected)) continue;
    const modelOnly = !strict && ("model" in expected || "model" in actual);
    try {
      assert.deepStrictEqual(modelOnly ? core(actual) : actual, modelOnly ? core(expected) : expected);
      modelDiffs++;
      maxScoreDiff = Math.max(maxScoreDiff, Math.abs(actual.score - expected.score));
    } catch { diffs.push({ text: texts[id], native: expected, wasm: actual }); }
  }
  if (modelDiffs) {
    console.error(`parity: ${modelDiffs} of ${texts.length} verdicts differ only in the learned scorer's `
      + `score (max overall score difference ${maxScoreDiff.toFixed(4)}); hits and decisions are equal`);
  }
  if (diffs.length) {
    fs.writeFileSync(path.join(dir, "diffs.json"), JSON.stringify(diffs, null, 1));
    assert.fail(`${diffs.length} of ${texts.length} verdicts differ (see ${dir}/diffs.json); first: ${JSON.stringify(diffs[0]).slice(0, 1500)}`);
  }
});
