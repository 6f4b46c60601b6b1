// End-to-end tests of the demo page (www/) in real headless Chromium, driven by playwright-core.
// Run by scripts/test-e2e, which installs Chromium and the npm dependency when missing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SHOTS = path.join(ROOT, "target/screenshots");
let server, browser, page, base, dialogs = [], consoleErrors = [];

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  server = spawn("python3", ["-m", "http.server", "--bind", "127.0.0.1", String(port), "--directory", ROOT], { stdio: "ignore" });
  base = `http://127.0.0.1:${port}`;
  await waitForServer(`${base}/www/`);
  // A fresh, empty profile every run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "prescreen-e2e-")), {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 1100 },
  });
  page = browser.pages()[0] ?? await browser.newPage();
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on("pageerror", (e) => { console.error("page error:", e.message); consoleErrors.push(e.message); });
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  await page.goto(`${base}/www/`);
  await page.waitForSelector("body[data-ready='1']", { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function typeText(text) {
  await page.fill("#text", "");
  await page.locator("#text").pressSequentially(text, { delay: 5 });
}

/** The pieces of text carrying `term`, joined: model-feature edges may cut a match into several. */
const coveredBy = (s, term) => s.filter((x) => x.terms.split(" ").includes(term)).map((x) => x.text).join("");

const segs = () => page.$$eval("#highlights .seg", (xs) => xs.map((x) => ({
  text: x.firstChild.textContent, category: x.dataset.category, cls: x.className, terms: x.dataset.terms,
  tip: x.querySelector(".tip")?.textContent ?? "" })));

test("typed text is highlighted per keystroke, with category, evidence and verdict", async () => {
  await typeText("出售冰毒");
  const verdict = await page.evaluate(() => window.__prescreen.verdict);
  assert.ok(verdict.hits.length > 0, "the text has hits");
  const s = await segs();
  const marked = s.filter((x) => x.cls.includes("hit"));
  assert.ok(marked.length > 0, "highlighted spans exist");
  // Every hit's matched text is covered by highlighted segments of its category.
  for (const h of verdict.hits) {
    assert.equal(coveredBy(s, h.term), h.matched);
  }
  assert.ok(marked.some((x) => x.category === "drugs"));
  const badge = await page.textContent("#badge");
  assert.equal(badge, verdict.decision);
  assert.notEqual(badge, "pass");
  // Evidence list: term id, category, signal, weight, policy, exact span.
  const ev = await page.textContent("#evidence");
  for (const h of verdict.hits) { assert.ok(ev.includes(h.term)); assert.ok(ev.includes(h.matched)); }
  assert.match(ev, /weight \d/);
  assert.match(ev, /utf16 \[\d+, \d+\)/);
  // Tooltip on keyboard focus.
  await page.focus("#highlights .seg.hit");
  const tip = page.locator("#highlights .seg.hit:focus .tip");
  assert.ok(await tip.isVisible(), "the tooltip shows on focus");
  assert.match(await tip.textContent(), /drugs/);
  await page.screenshot({ path: path.join(SHOTS, "01-hit.png") });
});

test("a suppressed match is shown muted with its reason", async () => {
  await typeText("我是处女座");
  const verdict = await page.evaluate(() => window.__prescreen.verdict);
  assert.equal(verdict.hits.length, 0);
  assert.ok(verdict.suppressed.length > 0);
  const s = await segs();
  for (const m of verdict.suppressed) {
    assert.equal(coveredBy(s, m.term), m.matched);
    assert.ok(s.filter((x) => x.terms.split(" ").includes(m.term)).every((x) => x.cls.includes("suppressed")));
  }
  assert.ok(verdict.suppressed.some((m) => m.matched.includes("处女")));
  const sup = await page.textContent("#suppressed");
  assert.match(sup, /处女/);
  assert.match(sup, /one word|allowed phrase/);
  assert.equal(await page.textContent("#badge"), "pass");
  await page.screenshot({ path: path.join(SHOTS, "02-suppressed.png") });
});

test("overlapping hits and UTF-16 spans with emoji slice the text exactly", async () => {
  await typeText("😀😀 冰 😀 毒 meth for sale 👍🏽");
  const { verdict, text } = await page.evaluate(() => ({ verdict: window.__prescreen.verdict, text: document.querySelector("#text").value }));
  for (const h of [...verdict.hits, ...verdict.suppressed]) assert.equal(text.slice(...h.span.utf16), h.matched);
  const shown = await page.$eval("#highlights", (x) => [...x.childNodes].map((n) => n.nodeType === 3 ? n.textContent : n.firstChild.textContent).join(""));
  assert.equal(shown, text, "the highlighted view shows the text unchanged");
});

test("examples gallery loads samples", async () => {
  const labels = await page.$$eval("#gallery button", (bs) => bs.map((b) => b.dataset.example));
  for (const k of ["width", "case", "traditional", "spacing", "repeat", "leet", "homoglyph", "pinyin", "initials", "homophone", "split", "numerals"])
    assert.ok(labels.includes(k), k);
  await page.click("#gallery button[data-example='leet']");
  assert.match(await page.inputValue("#text"), /m3th/);
  const v = await page.evaluate(() => window.__prescreen.verdict);
  assert.ok(v.hits.some((h) => h.via.includes("leet")));
});

test("markup in text and in terms is shown as text and runs nothing", async () => {
  const payload = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script><b id=injected>冰毒</b>`;
  await page.fill("#text", payload);
  await page.dispatchEvent("#text", "input");
  const shown = await page.$eval("#highlights", (x) => x.textContent);
  assert.ok(shown.includes("<img src=x"), "markup shows as text");
  assert.equal(await page.$("#highlights img, #highlights script, #injected, #highlights b#injected"), null);
  // A term made of markup.
  await page.fill("#add-text", "<img src=y onerror=window.__pwned=3>");
  await page.click("#add-term button[type=submit]");
  await page.waitForFunction(() => window.__prescreen.screener.termCount > 0 && !document.querySelector("#lex-status").textContent.includes("compiling"), null, { timeout: 60_000 });
  await page.fill("#text", "x <img src=y onerror=window.__pwned=3> y");
  await page.dispatchEvent("#text", "input");
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.$("img"), null, "no element was injected");
  await page.screenshot({ path: path.join(SHOTS, "03-markup.png") });
});

test("live lexicon edit: an added term highlights; broken TOML shows line and column and keeps the old lexicon", async () => {
  await page.fill("#add-text", "蓝莓派对");
  await page.selectOption("#add-category", "drugs");
  await page.selectOption("#add-signal", "explicit");
  await page.fill("#add-weight", "0.95");
  await page.click("#add-term button[type=submit]");
  await page.waitForFunction(() => !document.querySelector("#lex-status").textContent.includes("compiling"), null, { timeout: 60_000 });
  await typeText("周末蓝莓派对见");
  let v = await page.evaluate(() => window.__prescreen.verdict);
  assert.ok(v.hits.some((h) => h.matched === "蓝莓派对" && h.category === "drugs"), JSON.stringify(v.hits));
  const added = v.hits.find((h) => h.matched === "蓝莓派对");
  const s = await segs();
  assert.equal(coveredBy(s, added.term), "蓝莓派对");
  assert.ok(s.filter((x) => x.terms.split(" ").includes(added.term)).every((x) => x.category === "drugs"));
  await page.screenshot({ path: path.join(SHOTS, "04-added-term.png") });

  // Break the TOML: an unterminated string on a new last line.
  const lines = (await page.inputValue("#lexicon")).split("\n").length;
  await page.$eval("#lexicon", (t) => { t.value += '\n[[term]]\ntext = "oops\n'; t.dispatchEvent(new Event("input")); });
  await page.waitForSelector("#lex-error:not([hidden])", { timeout: 60_000 });
  const err = await page.textContent("#lex-error");
  assert.match(err, /line \d+, column \d+/);
  const line = Number(/line (\d+)/.exec(err)[1]);
  assert.ok(line >= lines, `error line ${line} points at the broken part (file has ${lines} lines before)`);
  await typeText("周末蓝莓派对见");
  v = await page.evaluate(() => window.__prescreen.verdict);
  assert.ok(v.hits.some((h) => h.matched === "蓝莓派对"), "the last good lexicon is still in force");
  await page.locator("#lex-error").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, "05-lexicon-error.png") });
});

// Markup and script payloads in every place a text or a lexicon can carry them: the text, the
// lexicon's name and version, a category name, term ids, texts, variants, policies, allow
// phrases, examples, a profile name, and an error message quoting a bad value. Whatever the
// page shows, it shows as text: no element is created from a payload (checked on the DOM, so
// the check does not lean on the Content-Security-Policy), no script runs, no CSP violation
// (which would mean something tried).
const PAYLOAD_LEXICON = String.raw`
[lexicon]
name = "</textarea><script>window.__pwned='lexicon-name'</script>"
version = "<img src=x onerror=\"window.__pwned='version'\">"

[[category]]
id = "drugs"
name = "<img src=x onerror=\"window.__pwned='category'\">Drugs"
review = 0.4
block = 0.85

[[term]]
id = "<script>window.__pwned='term-id'</script>"
text = "冰毒"
category = "drugs"
signal = "explicit"
weight = 0.9
variants = ["<b>溜冰</b>"]
policy = "<img src=x onerror=\"window.__pwned='policy'\">"
allow = ["<svg onload=\"window.__pwned='allow'\">冰毒检测"]
examples = { match = ["<script>window.__pwned='example'</script>出冰毒"], no_match = ["<iframe src=\"javascript:window.__pwned='example2'\"></iframe>"] }

[[term]]
id = "<a href=javascript:window.__pwned='term-id-2'>x</a>"
text = "<img src=y onerror=window.__pwned='term-text'>"
category = "drugs"
signal = "implicit"
weight = 0.5
boundary = "substring"

[[profile]]
name = "<img src=x onerror=\"window.__pwned='profile'\">"
thresholds = { drugs = { review = 0.1 } }
`;

const PAYLOAD_TEXT = "</textarea><script>window.__pwned='text'</script> 出冰毒 <img src=y onerror=window.__pwned='term-text'> <b>溜冰</b> <svg onload=\"window.__pwned='allow'\">冰毒检测";

/** Elements that could only have come from markup in data, and every on* attribute. */
const injected = () => page.evaluate(() => ({
  pwned: window.__pwned,
  csp: window.__csp ?? [],
  scripts: document.querySelectorAll("script").length,
  elements: [...document.querySelectorAll("img, iframe, svg, object, embed, a, b[id]:not(#score), textarea:not(#text):not(#lexicon)")].map((e) => e.outerHTML),
  handlers: [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${e.tagName} ${a.name}`)),
}));

async function setLexicon(toml) {
  await page.$eval("#lexicon", (t, v) => { t.value = v; t.dispatchEvent(new Event("input")); }, toml);
}

test("payloads in the text and in every lexicon field show as text and run nothing", async () => {
  await page.evaluate(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await setLexicon(PAYLOAD_LEXICON);
  await page.waitForFunction(() => document.querySelector("#lex-status").textContent.includes("lexicon-name"), null, { timeout: 60_000 });
  await page.fill("#text", PAYLOAD_TEXT);
  await page.dispatchEvent("#text", "input");
  const v = await page.evaluate(() => window.__prescreen.verdict);
  const terms = v.hits.map((h) => h.term);
  assert.ok(terms.includes("<script>window.__pwned='term-id'</script>"), JSON.stringify(terms));
  assert.ok(terms.includes("<a href=javascript:window.__pwned='term-id-2'>x</a>"), JSON.stringify(terms));
  assert.ok(v.hits.some((h) => h.variant === "<b>溜冰</b>"), "the markup variant matched");
  assert.ok(v.suppressed.some((s) => s.reason === "allow"), "the markup allow phrase matched");

  // Shown, as text, where the page shows each field.
  assert.match(await page.textContent("#lex-status"), /<\/textarea><script>window.__pwned='lexicon-name'<\/script> <img src=x onerror="window.__pwned='version'">/);
  assert.match(await page.$eval("#add-category", (s) => s.options[0].textContent), /<img src=x onerror="window.__pwned='category'">Drugs/);
  const evidence = await page.textContent("#evidence");
  assert.ok(evidence.includes("<script>window.__pwned='term-id'</script>"), evidence);
  assert.ok(evidence.includes(`policy <img src=x onerror="window.__pwned='policy'">`), evidence);
  assert.ok((await page.textContent("#suppressed")).includes("<svg onload"));
  assert.equal(await page.$eval("#highlights", (x) => [...x.childNodes].map((n) => n.nodeType === 3 ? n.textContent : n.firstChild.textContent).join("")), PAYLOAD_TEXT);
  // Tooltips carry term ids, variants and policies too.
  await page.focus("#highlights .seg.hit");
  assert.ok((await page.$$eval("#highlights .tip", (ts) => ts.map((t) => t.textContent).join(" "))).includes("variant “<b>溜冰</b>”"));

  // The profile named with markup: listed as text, and scanning under it works.
  const profiles = await page.$$eval("#profile option", (os) => os.map((o) => o.textContent));
  assert.ok(profiles.includes(`<img src=x onerror="window.__pwned='profile'">`), JSON.stringify(profiles));
  await page.selectOption("#profile", `<img src=x onerror="window.__pwned='profile'">`);
  assert.equal(await page.evaluate(() => window.__prescreen.verdict.profile), `<img src=x onerror="window.__pwned='profile'">`);

  // An error message that quotes a markup value.
  await setLexicon(PAYLOAD_LEXICON + `\n[[term]]\ntext = "x"\ncategory = "<img src=z onerror=window.__pwned='error'>"\nsignal = "implicit"\nweight = 0.5\n`);
  await page.waitForSelector("#lex-error:not([hidden])", { timeout: 60_000 });
  assert.match(await page.textContent("#lex-error"), /unknown category `<img src=z onerror=window.__pwned='error'>`/);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, "06-payloads.png"), fullPage: true });

  const found = await injected();
  assert.equal(found.pwned, undefined, "no script ran");
  assert.deepEqual(dialogs, []);
  assert.deepEqual(found.csp, [], "nothing tried to run or load");
  assert.equal(found.scripts, 1, "only the page's own module script");
  assert.deepEqual(found.elements, [], "no element came from a payload");
  assert.deepEqual(found.handlers, [], "no inline event handler anywhere");

  // Back to the default lexicon for any test after this one.
  await page.click("#reset");
  await page.waitForFunction(() => document.querySelector("#lex-status").textContent.startsWith("default"), null, { timeout: 60_000 });
});

test("a text over the input cap shows the error instead of a verdict", async () => {
  await page.evaluate(() => { window.__prescreen.screener.maxInputBytes = 20; });
  await page.fill("#text", "出售冰毒，出售冰毒，出售冰毒"); // 14 chars, 42 bytes of UTF-8
  await page.dispatchEvent("#text", "input");
  assert.equal(await page.textContent("#status"), "input too long: the text is 42 bytes (UTF-8), the limit is 20 bytes (maxInputBytes)");
  assert.equal(await page.evaluate(() => window.__prescreen.verdict), null);
  assert.equal(await page.textContent("#highlights"), "not scanned");
  await page.evaluate(() => { window.__prescreen.screener.maxInputBytes = 16 * 1024 * 1024; });
  await page.dispatchEvent("#text", "input");
  assert.equal(await page.textContent("#status"), "Ready.");
  assert.notEqual(await page.evaluate(() => window.__prescreen.verdict), null);
});

const fmt = (x) => (Math.round(x * 1000) / 1000).toString(); // as app.js formats weights

/** Every piece of the highlight view with its UTF-16 offsets, model-feature data and tooltip. */
const pieces = () => page.$eval("#highlights", (box) => {
  let at = 0;
  return [...box.childNodes].map((n) => {
    const text = n.nodeType === 3 ? n.textContent : n.firstChild.textContent;
    const p = { s: at, e: at + text.length, text };
    at += text.length;
    if (n.nodeType === 1) {
      const style = getComputedStyle(n);
      Object.assign(p, { cls: n.className, terms: n.dataset.terms, tip: n.querySelector(".tip").textContent,
        features: n.dataset.modelFeatures?.split(" ").map(Number) ?? [], weight: n.dataset.modelWeight,
        top: style.borderTopStyle, bottom: style.borderBottomStyle,
        topColor: style.borderTopColor, bottomColor: style.borderBottomColor, bg: style.backgroundColor, bgImage: style.backgroundImage, tabindex: n.getAttribute("tabindex") });
    }
    return p;
  });
});

/** The highlights and the verdict panel show exactly the verdict's model features and weights. */
async function checkModelFeatures(text) {
  await typeText(text);
  const v = await page.evaluate(() => window.__prescreen.verdict);
  const m = v.model;
  assert.ok(m && m.features.length > 0, `the model lists features for ${text}: ${JSON.stringify(m)}`);
  const ps = await pieces();
  assert.equal(ps.map((p) => p.text).join(""), text, "the highlighted view shows the text unchanged");
  m.features.forEach((f, i) => {
    const [s, e] = f.span.utf16;
    const inside = ps.filter((p) => s <= p.s && p.e <= e);
    assert.equal(inside.map((p) => p.text).join(""), f.text, `feature ${i} is covered exactly`);
    assert.ok(inside.every((p) => p.features?.includes(i)), `every piece of feature ${i} names it`);
    assert.ok(ps.filter((p) => p.features?.includes(i)).every((p) => s <= p.s && p.e <= e), `no piece outside feature ${i} names it`);
  });
  for (const p of ps.filter((p) => p.features?.length)) {
    assert.match(p.cls, /\bmodel\b/);
    assert.equal(p.tabindex, "0", "a model feature is focusable");
    assert.equal(p.top, "dotted", "a model feature is dotted above the text");
    assert.equal(Number(p.weight), Math.max(...p.features.map((i) => m.features[i].weight)), "data-model-weight is the largest covering weight");
    for (const i of p.features) {
      const f = m.features[i];
      assert.ok(p.tip.includes(`model feature ${f.text} +${fmt(f.weight)} (${m.category})`), `${p.tip} lists ${f.text}`);
    }
  }
  // The verdict panel's learned-scorer section: score, category, its own decision, every feature.
  assert.ok(await page.isVisible("#model"));
  const head = await page.textContent("#model-head");
  assert.ok(head.includes(`score ${fmt(m.score)}`) && head.includes(m.category) && head.includes(m.decision), head);
  assert.equal(await page.getAttribute("#model-head .badge", "data-decision"), m.decision);
  const items = await page.$$eval("#model-features li", (ls) => ls.map((l) => ({ text: l.textContent, weight: l.dataset.weight })));
  assert.deepEqual(items, m.features.map((f) => ({ text: `${f.text} +${fmt(f.weight)}`, weight: String(f.weight) })));
  return { v, ps };
}

test("model features show as a separate, lighter highlight with their weights", async () => {
  // Chinese: no lexicon hit, the model alone flags it.
  const zh = await checkModelFeatures("河南人素质真差，滚回老家去");
  assert.equal(zh.v.hits.length, 0);
  assert.notEqual(zh.v.model.decision, "pass", "the model flags this text");
  const plain = zh.ps.find((p) => p.features?.length);
  assert.match(plain.bgImage, /gradient/, "a model feature off the lexicon marks is tinted");
  const strongest = zh.ps.filter((p) => p.features?.length).sort((a, b) => b.weight - a.weight)[0];
  await page.focus(`#highlights .seg.model[data-model-weight="${strongest.weight}"]`);
  assert.ok(await page.locator("#highlights .seg.model:focus .tip").isVisible(), "the tooltip shows on focus");
  await page.screenshot({ path: path.join(SHOTS, "07-model-zh.png") });

  // English: a lexicon hit that is also a model feature shows both marks, on different channels.
  const en = await checkModelFeatures("you are such an idiot lol");
  const hit = en.v.hits[0];
  const both = en.ps.find((p) => p.cls?.includes("hit") && p.features.length);
  assert.ok(both, "a piece is both a lexicon hit and a model feature");
  assert.ok(both.terms.split(" ").includes(hit.term));
  assert.equal(both.top, "dotted");
  const underline = { explicit: "solid", implicit: "dashed", borderline: "dotted" }[hit.signal];
  assert.equal(both.bottom, underline, "the hit keeps its signal's underline");
  assert.notEqual(both.topColor, both.bottomColor, "the model's line above is coloured apart from the hit's below");
  const modelOnly = en.ps.find((p) => p.features?.length && !p.cls.includes("hit"));
  assert.match(modelOnly.bgImage, /gradient/);
  assert.equal(both.bgImage, "none", "a hit keeps its flat category fill");
  assert.notEqual(both.bg, "rgba(0, 0, 0, 0)");
  assert.ok(both.tip.includes(hit.term) && both.tip.includes("model feature"), both.tip);
  await page.focus("#highlights .seg.hit.model");
  await page.screenshot({ path: path.join(SHOTS, "08-model-en.png") });

  // No features: the list says so and nothing is marked.
  await typeText("the");
  assert.deepEqual(await page.evaluate(() => window.__prescreen.verdict.model.features), []);
  assert.equal(await page.$$eval("#highlights .seg", (xs) => xs.length), 0);
  assert.equal(await page.textContent("#model-features"), "none");

  // No model field at all (a build without a model): the section hides, the rest still renders.
  await page.evaluate(() => {
    const s = window.__prescreen.screener, scan = s.scan.bind(s);
    s.scan = (t) => { const v = scan(t); delete v.model; return v; };
  });
  await typeText("出售冰毒");
  assert.equal(await page.evaluate(() => "model" in window.__prescreen.verdict), false);
  assert.ok(!(await page.isVisible("#model")));
  assert.ok((await page.$$eval("#highlights .seg.hit", (xs) => xs.length)) > 0);
  assert.equal(await page.$$eval("#highlights .seg.model", (xs) => xs.length), 0);
  await page.evaluate(() => { delete window.__prescreen.screener.scan; });
  await typeText("出售冰毒");
  assert.ok(await page.isVisible("#model"));
});

test("no console errors or page errors in the whole run", () => {
  assert.deepEqual(consoleErrors, []);
});
