// Overlay packs from JS (docs/wasm.md): Screener.fromLayers layers lexicons on the default,
// judges `expires` against options.today, reports shadow terms apart; errors name the layer.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, Screener } from "./load.mjs";

const EVENT = fs.readFileSync(path.join(ROOT, "lexicon/examples/event-2026-11.toml"), "utf8");
const layers = ["default", { name: "event-2026-11.toml", text: EVENT }];

test("fromLayers puts a pack on the default lexicon", () => {
  const base = new Screener();
  const s = Screener.fromLayers(layers, { today: "2026-11-26" });
  assert.equal(s.lexiconName, "default+event-2026-11");
  assert.equal(s.lexiconVersion, `${base.lexiconVersion}+2026.11.26`);
  assert.equal(s.termCount, base.termCount + 4);
  const v = s.scan("进双十一返现群领红包");
  assert.ok(v.hits.some((h) => h.term === "fraud.zh.ev2611.fanxianqun"), JSON.stringify(v.hits));
  assert.ok(!base.scan("进双十一返现群领红包").hits.some((h) => h.term === "fraud.zh.ev2611.fanxianqun"));
  // JSON layers and an explicit format work the same.
  const json = JSON.stringify({ term: [{ id: "drugs.js.test", text: "蓝精灵糖", category: "drugs", signal: "implicit", weight: 0.7 }] });
  const j = Screener.fromLayers(["default", { text: json, format: "json" }]);
  assert.ok(j.scan("有蓝精灵糖吗").hits.some((h) => h.term === "drugs.js.test"));
});

test("shadow terms are reported in `shadow` with their outcome, never counted", () => {
  const base = new Screener();
  const s = Screener.fromLayers(layers, { today: "2026-11-26" });
  const text = "点击尾款退款链接办理";
  const v = s.scan(text);
  assert.deepEqual(v.shadow.map((h) => h.term), ["fraud.zh.ev2611.weikuantuikuan"]);
  assert.equal(text.slice(v.shadow[0].span.utf16[0], v.shadow[0].span.utf16[1]), v.shadow[0].matched);
  assert.ok(["pass", "review", "block"].includes(v.shadow_outcome.decision));
  const b = base.scan(text);
  assert.equal(v.decision, b.decision);
  assert.deepEqual(v.hits, b.hits);
  assert.equal("shadow" in b, false, "no `shadow` field without shadow hits");
});

test("expires is judged against options.today", () => {
  const before = Screener.fromLayers(layers, { today: "2026-12-15" });
  const after = Screener.fromLayers(layers, { today: "2026-12-16" });
  assert.equal(after.termCount, before.termCount - 1, "fanxianqun expires on 2026-12-15");
  assert.equal(Screener.fromLayers(layers, { today: "2027-01-16" }).lexiconName, "default", "the pack is gone");
});

test("bad layers and dates throw an Error naming where", () => {
  const bad = (layersArg, options, pattern) =>
    assert.throws(() => Screener.fromLayers(layersArg, options), (e) => e instanceof Error && pattern.test(e.message), String(pattern));
  bad(["defaults"], undefined, /layer 1: a layer is "default"/);
  bad(["default", { name: "x.toml", text: '[[term]]\ntext = "a"\ncategory = "drugs"\nsignal = "implicit"\nweight = 0.5\nexpires = "someday"\n' }], undefined, /^x\.toml:6:11: `expires` of term `a` must be a date/);
  bad(["default", { name: "x.toml", text: "", format: "yaml" }], undefined, /x\.toml: format must be "toml" or "json"/);
  bad(layers, { today: "2026-13-01" }, /options\.today: `2026-13-01` is not a date/);
  bad("default", undefined, /fromLayers takes an array/);
});
