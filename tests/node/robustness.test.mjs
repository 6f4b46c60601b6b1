// What the WASM package does with input a Rust string cannot hold or should not take:
// - JS strings with lone surrogates (unpaired UTF-16 halves): wasm-bindgen encodes strings to
//   UTF-8 with TextEncoder, which replaces each lone surrogate by U+FFFD. Both are one UTF-16
//   unit, so `span.utf16` still indexes the caller's own string; `matched` holds U+FFFD where
//   the original has the lone half (it equals `text.toWellFormed().slice(...)`).
// - texts over the input cap: an Error with a clear message, and a huge string is refused
//   before it is copied into WASM memory (which never shrinks);
// - every malformed lexicon of tests/data/bad-lexicons/ that is valid UTF-8: an Error naming
//   line, column and the message of its `.expect`.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, Screener, wasm } from "./load.mjs";

const screener = new Screener();

// A small deterministic PRNG (mulberry32), so a failure can be replayed.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDC00\uD800", "\uD83D", "\uDE00", "😀", "𠀀",
  "冰", "毒", "冰毒", "出售冰毒", "meth", "m3th", "f u c k", "ｆｕｃｋ", "加微信", "处女座", "e\u0301", " ", "，",
  "\u202E", "\u200B", "\uFFFD", "a", "bing", "du", "一三八一二三四五六七八"];

function randomText(next) {
  const n = 1 + Math.floor(next() * 12);
  let t = "";
  for (let i = 0; i < n; i++) t += PIECES[Math.floor(next() * PIECES.length)];
  return t;
}

const hasLoneSurrogate = (t) => !t.isWellFormed();

test("lone surrogates from JS: spans stay valid UTF-16 indices of the original string", () => {
  const next = rng(9);
  let withLone = 0, spans = 0, spansOverLone = 0;
  for (let i = 0; i < 20_000; i++) {
    const t = randomText(next);
    const v = screener.scan(t);
    const wellFormed = t.toWellFormed(); // each lone surrogate -> U+FFFD, same length
    assert.equal(wellFormed.length, t.length);
    if (hasLoneSurrogate(t)) withLone++;
    for (const h of [...v.hits, ...v.suppressed]) {
      const [a, b] = h.span.utf16;
      assert.ok(0 <= a && a <= b && b <= t.length, `${JSON.stringify(t)}: utf16 ${a}..${b} within ${t.length}`);
      // Never in the middle of a surrogate pair of the original.
      for (const k of [a, b]) {
        const before = t.charCodeAt(k - 1), at = t.charCodeAt(k);
        assert.ok(!(before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff), `${JSON.stringify(t)}: cuts a pair at ${k}`);
      }
      assert.equal(wellFormed.slice(a, b), h.matched, JSON.stringify(t));
      assert.equal([...wellFormed].slice(...h.span.char).join(""), h.matched);
      if (!t.slice(a, b).isWellFormed()) spansOverLone++;
      spans++;
    }
    // The verdict is the verdict of the well-formed string: the replacement is all that happens.
    if (i % 10 === 0) assert.deepEqual(v, screener.scan(wellFormed));
  }
  assert.ok(withLone > 5000 && spans > 5000 && spansOverLone > 10, `${withLone} texts with lone surrogates, ${spans} spans, ${spansOverLone} over one`);
});

test("texts over the input cap throw an Error with a clear message", () => {
  const s = Screener.fromToml(fs.readFileSync(path.join(ROOT, "tests/data/mini.toml"), "utf8"));
  assert.equal(s.maxInputBytes, 16 * 1024 * 1024, "default cap: 16 MiB");
  s.maxInputBytes = 100;
  assert.equal(s.maxInputBytes, 100);
  assert.equal(s.scan("冰毒".repeat(16)).hits.length > 0, true, "96 bytes pass");
  // 34 chars, 102 bytes of UTF-8: over the cap although short in JS terms.
  assert.throws(() => s.scan("冰毒".repeat(17)), (e) => e instanceof Error
    && e.message === "input too long: the text is 102 bytes (UTF-8), the limit is 100 bytes (maxInputBytes)");
  assert.throws(() => s.scanJson("x".repeat(101)), (e) => e instanceof Error && /^input too long: the text has 101 UTF-16 units/.test(e.message));
  assert.throws(() => s.scanWithProfile("x".repeat(101), "default"), /input too long/);
  // 60 MB of text: refused before it is copied, so WASM memory does not grow for it.
  s.maxInputBytes = 16 * 1024 * 1024;
  const before = wasm.memory.buffer.byteLength;
  const huge = "冰".repeat(20_000_000);
  assert.throws(() => s.scan(huge), /input too long: the text has 20000000 UTF-16 units/);
  assert.equal(wasm.memory.buffer.byteLength, before, "WASM memory did not grow for a refused text");
  s.free();
});

test("malformed lexicons throw an Error naming line, column and what is wrong", () => {
  const dir = path.join(ROOT, "tests/data/bad-lexicons");
  const strict = new TextDecoder("utf-8", { fatal: true });
  let checked = 0;
  for (const name of fs.readdirSync(dir).filter((n) => /\.(toml|json)$/.test(n)).sort()) {
    let text;
    try { text = strict.decode(fs.readFileSync(path.join(dir, name))); } catch { continue; } // not UTF-8: not a JS string
    const expected = fs.readFileSync(path.join(dir, `${name}.expect`), "utf8").replace(/\n$/, "");
    const json = name.endsWith(".json");
    assert.throws(() => (json ? Screener.fromJson(text) : Screener.fromToml(text)), (e) => {
      assert.ok(e instanceof Error, name);
      const want = `${json ? "<json>" : "<toml>"}:${expected}`;
      // "No category" is a problem of the whole lexicon, reported at 1:1 of it.
      assert.ok(e.message.startsWith(want), `${name}\n want: ${want}\n got:  ${e.message}`);
      return true;
    });
    checked++;
  }
  assert.ok(checked >= 50, `${checked} lexicons checked`);
});
