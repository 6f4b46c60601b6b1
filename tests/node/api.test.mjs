// The JS API of pkg/ (DESIGN.md "JS API"): constructors, errors, profiles, UTF-16 spans.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, Screener } from "./load.mjs";

const screener = new Screener();

test("scan returns a plain object in the design's shape", () => {
  const v = screener.scan("出 冰 毒，要的加微信");
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  for (const k of ["decision", "score", "lexicon", "profile", "categories", "signals", "hits", "suppressed"]) assert.ok(k in v, k);
  assert.ok(["pass", "review", "block"].includes(v.decision));
  assert.deepEqual(JSON.parse(screener.scanJson("出 冰 毒，要的加微信")), v);
});

// Verdicts with nothing to list are built in JS by one call (src/wasm.rs, `plainVerdict`), the
// others parsed from JSON: either way the object must be the JSON's, key order included.
test("scan gives the object of JSON.parse(scanJson), key order included, on both paths", () => {
  const cases = ["zh", "en"].flatMap((l) =>
    fs.readFileSync(path.join(ROOT, `cases/${l}.jsonl`), "utf8").split("\n").filter((x) => x.trim()).map((x) => JSON.parse(x).text));
  const benign = ["今天天气不错，我们去公园散步吧。", "See you at the library at noon.", "", " ", "😀", "我是处女座", "the class"];
  // A lexicon whose `[lexicon] model = false` turns the learned scorer off, with a profile that
  // turns it back on: verdicts with and without `model`, under two profile names.
  const own = Screener.fromToml('[lexicon]\nname = "own"\nversion = "1"\nmodel = false\n\n'
    + '[[category]]\nid = "drugs"\nname = "Drugs"\nreview = 0.4\nblock = 0.85\n\n'
    + '[[term]]\nid = "drugs.meth"\ntext = "冰毒"\ncategory = "drugs"\nsignal = "explicit"\nweight = 0.9\n\n'
    + '[[profile]]\nname = "strict"\nmodel = true\nthresholds = { drugs = { review = 0.1, block = 0.2 } }\n');
  let plain = 0, listed = 0;
  for (const t of [...benign, ...cases]) {
    const got = screener.scan(t);
    assert.equal(JSON.stringify(got), JSON.stringify(JSON.parse(screener.scanJson(t))), t);
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    if (got.hits.length + got.suppressed.length === 0 && !got.model.features.length) plain++; else listed++;
    const bare = own.scan(t);
    assert.equal(JSON.stringify(bare), JSON.stringify(JSON.parse(own.scanJson(t))), t);
    assert.equal(bare.model, undefined);
    // No JSON twin for scanWithProfile: the same object as scan's but for profile and scores.
    const strict = own.scanWithProfile(t, "strict");
    assert.deepEqual(Object.keys(strict), [...Object.keys(bare), "model"].filter((k) => k !== "model" || strict.model), t);
    assert.equal(strict.profile, "strict");
    assert.deepEqual(strict.hits, bare.hits);
    assert.equal(typeof strict.model.score, "number");
    assert.equal(typeof strict.model.category, "string");
  }
  assert.equal(own.scan("今天天气不错").lexicon.name, "own");
  assert.equal(screener.scanWithProfile("今天天气不错", "default").profile, "default");
  assert.ok(plain > 50 && listed > 100, `plain ${plain}, listed ${listed}`);
  own.free();
});

// Listed verdicts are built in JS from numbers and strings (src/wasm.rs, `Packed`): every field
// that may appear, strings beyond ASCII (their lengths count UTF-16 units) and long texts.
test("listed verdicts are the JSON's objects: shadow, variants, rule parts, model features, astral text", () => {
  const pack = '[lexicon]\nname = "trial"\nversion = "t1"\nmode = "shadow"\n\n'
    + '[[term]]\nid = "drugs.trial.lanjingling"\ntext = "蓝精灵"\ncategory = "drugs"\nsignal = "implicit"\nweight = 0.7\n';
  const layered = Screener.fromLayers(["default", { text: pack, name: "trial.toml" }]);
  layered.modelFeatures = "always";
  const en = fs.readFileSync(path.join(ROOT, "../shared/data/en_benign_dev.txt"), "utf8").slice(0, 20000);
  const texts = [
    "蓝精灵到货，加微信", "出售海洛英 加v", "出 冰 毒，要的加微信 😀𠀀", "f.u.c.k you 👍🏽 e\u0301 ｍｅｔｈ",
    "I was married in Scunthorpe 🎓 and 𝐟𝐮𝐜𝐤 it", "我是处女座，白粉笔", en, "蓝精灵 " + en + " 出 冰 毒",
  ];
  const seen = { shadow: 0, shadow_outcome: 0, variant: 0, parts: 0, policy: 0, features: 0, suppressed: 0, astral: 0 };
  for (const s of [screener, layered]) {
    for (const t of texts) {
      const got = s.scan(t);
      assert.equal(JSON.stringify(got), JSON.stringify(JSON.parse(s.scanJson(t))), t.slice(0, 60));
      seen.shadow += Number("shadow" in got);
      seen.shadow_outcome += Number("shadow_outcome" in got);
      seen.variant += got.hits.filter((h) => "variant" in h).length;
      seen.parts += got.hits.filter((h) => "parts" in h).length;
      seen.policy += got.hits.filter((h) => "policy" in h).length;
      seen.features += got.model ? got.model.features.length : 0;
      seen.suppressed += got.suppressed.length;
      seen.astral += [...got.hits, ...got.suppressed].filter((h) => /[^\u0000-\uffff]/u.test(h.matched)).length;
    }
  }
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `no verdict listed ${k}`);
  layered.free();
});

test("UTF-16 spans slice the JS string to exactly `matched`", () => {
  const texts = [
    "😀冰😀毒😀", "👨‍👩‍👧 meth 👍🏽 for sale", "𠀀𠀁 出售冰毒 𠀂", "cafe\u0301 m\u0301e\u0301th c0caine",
    "ｍｅｔｈ ｆｏｒ ｓａｌｅ", "弓虽女干", "我是处女座", "I live in Scunthorpe, the class is 🎓",
    "\u200b冰\u200b毒\u200b", "🇨🇳卖🇨🇳冰🇨🇳毒",
  ];
  let checked = 0;
  for (const t of texts) {
    const v = screener.scan(t);
    for (const h of [...v.hits, ...v.suppressed]) {
      assert.equal(t.slice(h.span.utf16[0], h.span.utf16[1]), h.matched, `${t}: ${h.term}`);
      assert.equal([...t].slice(h.span.char[0], h.span.char[1]).join(""), h.matched);
      checked++;
    }
  }
  assert.ok(checked > 5, `checked ${checked} spans`);
});

test("bad lexicons throw an Error with line and column", () => {
  for (const [bad, line] of [
    ['[[category]]\nid = "x"\nname = "X"\nreview = 0.4\nblock = 0.8\n\n[[term]]\ntext = "oops\n', 8],
    ['[[category]]\nid = "x"\nname = "X"\nreview = 0.4\nblock = 0.8\n\n[[term]]\ntext = "a"\ncategory = "nope"\nsignal = "explicit"\nweight = 0.5\n', null],
  ]) {
    assert.throws(() => Screener.fromToml(bad), (e) => {
      assert.ok(e instanceof Error);
      const m = /:(\d+):(\d+): /.exec(e.message);
      assert.ok(m, `line:column in ${e.message}`);
      if (line) assert.equal(Number(m[1]), line, e.message);
      return true;
    });
  }
  assert.throws(() => Screener.fromJson("{ not json"), (e) => e instanceof Error && /:\d+:\d+: /.test(e.message));
});

test("fromToml, fromJson, profiles and the default lexicon text", () => {
  const toml = '[[category]]\nid = "drugs"\nname = "Drugs"\nreview = 0.4\nblock = 0.85\n\n'
    + '[[term]]\nid = "drugs.meth"\ntext = "冰毒"\ncategory = "drugs"\nsignal = "explicit"\nweight = 0.9\n\n'
    + '[[profile]]\nname = "strict"\nthresholds = { drugs = { review = 0.1, block = 0.2 } }\n';
  const s = Screener.fromToml(toml);
  assert.equal(s.scan("出冰毒了").hits[0]?.term ?? s.scan("冰毒").hits[0].term, "drugs.meth");
  assert.deepEqual(s.profiles(), ["default", "strict"]);
  assert.equal(s.scanWithProfile("冰毒", "strict").profile, "strict");
  assert.throws(() => s.scanWithProfile("冰毒", "nope"), (e) => e instanceof Error && /unknown profile/.test(e.message));
  const json = JSON.stringify({ category: [{ id: "drugs", name: "Drugs", review: 0.4, block: 0.85 }],
    term: [{ id: "drugs.meth", text: "冰毒", category: "drugs", signal: "explicit", weight: 0.9 }] });
  assert.equal(Screener.fromJson(json).scan("冰毒").hits[0].term, "drugs.meth");
  const def = Screener.defaultLexiconToml();
  assert.ok(def.includes("[[term]]"));
  assert.deepEqual(Screener.fromToml(def).scan("卖冰毒，量大从优"), screener.scan("卖冰毒，量大从优"));
  s.free();
});

// Memory over many scans: memory.test.mjs (and memory.mjs for the million-scan figure).

test("modelFeatures: features listed when the model flags the text, or always when asked", () => {
  const s = new Screener();
  assert.equal(s.modelFeatures, "flagged");
  const quiet = "今天天气不错，我们去公园散步吧。";
  const flagged = "河南人素质真差，滚回老家去";
  const a = s.scan(quiet).model;
  assert.equal(a.decision, "pass");
  assert.deepEqual(a.features, []);
  const b = s.scan(flagged).model;
  assert.notEqual(b.decision, "pass");
  assert.ok(b.features.length > 0);
  s.modelFeatures = "always";
  assert.equal(s.modelFeatures, "always");
  const c = s.scan(quiet).model;
  assert.equal(c.score, a.score);
  assert.ok(c.features.length > 0);
  for (const f of c.features) assert.equal(quiet.slice(f.span.utf16[0], f.span.utf16[1]), f.text);
  assert.deepEqual(s.scan(flagged).model, b);
  assert.throws(() => { s.modelFeatures = "sometimes"; }, /modelFeatures must be "flagged" or "always"/);
  assert.equal(s.modelFeatures, "always");
  s.free();
});
