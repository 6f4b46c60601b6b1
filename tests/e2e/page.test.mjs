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
let server, browser, page, base, dialogs = [];

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
  page.on("pageerror", (e) => console.error("page error:", e.message));
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
    const covered = s.filter((x) => x.terms.split(" ").includes(h.term)).map((x) => x.text).join("");
    assert.equal(covered, h.matched);
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
  assert.ok(s.some((x) => x.cls.includes("suppressed") && x.text.includes("处女")));
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
  assert.ok((await segs()).some((x) => x.text === "蓝莓派对" && x.category === "drugs"));
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
