// The prescreen demo page: static, no bundler, imports the committed WASM package.
// Safety rule: text and lexicon content are only ever put into the page with textContent /
// createElement — never as HTML — so markup in a text or a term shows as text and runs nothing.
import init, { Screener } from "../pkg/prescreen.js";

const $ = (id) => document.getElementById(id);
const SIGNALS = ["explicit", "implicit", "borderline"];
const KNOWN_CATS = ["sexual", "violence", "hate", "selfharm", "drugs", "gambling", "fraud", "contact",
  "minors", "weapons", "extremism"];
const EXAMPLES = [
  ["width", "ｍｅｔｈ ｆｏｒ ｓａｌｅ"], ["case", "Buy COCAINE now"], ["traditional", "賣冰毒"],
  ["spacing", "冰 . 毒到货，m.e.t.h"], ["repeat", "冰冰冰毒毒 cocaaaine"], ["leet", "m3th for sale, h3roin"],
  ["homoglyph", "mеth for sale (Cyrillic е)"], ["pinyin", "出售bingdu"], ["initials", "要bd的私聊"],
  ["homophone", "卖海落因"], ["split", "弓虽女干"], ["numerals", "加微信 一三八零零一三八零零零"],
  ["benign: 处女座", "我是处女座，今天运势不错", true], ["benign: 白粉笔", "老师买了一盒白粉笔", true],
  ["benign: class", "The class starts at nine.", true], ["benign: Scunthorpe", "I grew up in Scunthorpe.", true],
  ["markup", "<img src=x onerror=alert(1)> 冰毒 <script>window.__pwned=1</script>"],
];

let screener = null;      // the last good screener
let verdict = null;       // the last verdict shown
let lexiconTimer = 0;
let termCounter = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "style") for (const [p, val] of Object.entries(v)) node.style.setProperty(p, val);
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "tabindex" || k === "role") node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) if (c != null) node.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
  return node;
}

const catColor = (cat) => `var(--c-${KNOWN_CATS.includes(cat) ? cat : "other"})`;
const fmt = (x) => (Math.round(x * 1000) / 1000).toString();
const signed = (x) => (x < 0 ? "" : "+") + fmt(x);
// A model feature's tint and dotted line grow with its weight (a log-odds contribution, seen up
// to ≈ 2.5 with the default model), full at MODEL_FULL. A fixed scale, not the text's largest
// weight, so one weight looks the same in every text.
const MODEL_FULL = 1.5;
const modelStrength = (w) => Math.min(1, Math.max(0, w / MODEL_FULL)).toFixed(2);
const suppressReason = (s) => s.reason === "word" ? `${s.detail} is one word` : `inside the allowed phrase “${s.detail}”`;

function hitLines(h) {
  return [
    el("p", {}, el("b", {}, h.term), ` · ${h.category} · ${h.signal} · weight ${fmt(h.weight)}`),
    el("p", {}, "matched “", h.matched, "”", h.via.length ? ` via ${h.via.join(", ")}` : " (as written)"),
    h.variant ? el("p", {}, "variant “", h.variant, "”") : null,
    h.parts ? el("p", {}, "rule of ", h.parts.join(" + ")) : null,
    el("p", {}, `policy ${h.policy ?? "—"} · utf16 [${h.span.utf16.join(", ")})`),
  ];
}

// Cut the text at every hit, suppressed-match and model-feature edge (UTF-16 offsets, as JS
// strings index) and give each piece the list of marks covering it, so overlapping ones all show.
function segments(text, v) {
  const marks = [
    ...v.hits.map((h, i) => ({ kind: "hit", i, s: h.span.utf16[0], e: h.span.utf16[1], m: h })),
    ...v.suppressed.map((h, i) => ({ kind: "sup", i, s: h.span.utf16[0], e: h.span.utf16[1], m: h })),
    ...(v.model?.features ?? []).map((f, i) => ({ kind: "model", i, s: f.span.utf16[0], e: f.span.utf16[1], m: f })),
  ];
  const cuts = new Set([0, text.length]);
  for (const m of marks) { cuts.add(m.s); cuts.add(m.e); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [s, e] = [points[k], points[k + 1]];
    out.push({ s, e, text: text.slice(s, e), marks: marks.filter((m) => m.s <= s && e <= m.e) });
  }
  return out;
}

// Lexicon marks (hits: solid category colour; suppressed: struck through) and model features (a
// dotted line above and, off the lexicon marks, a faint tint) use separate channels, so a piece
// covered by both shows both.
function renderHighlights(text, v) {
  const box = $("highlights");
  box.replaceChildren();
  const modelCat = v.model?.category ? ` (${v.model.category})` : "";
  for (const seg of segments(text, v)) {
    const hits = seg.marks.filter((m) => m.kind === "hit").sort((a, b) => b.m.weight - a.m.weight);
    const sups = seg.marks.filter((m) => m.kind === "sup");
    const feats = seg.marks.filter((m) => m.kind === "model"); // largest first, as the verdict lists them
    if (!hits.length && !sups.length && !feats.length) { box.append(seg.text); continue; }
    const top = hits[0]?.m;
    const lexical = hits.length ? hits : sups;
    const span = el("span", {
      class: (top ? `seg hit ${top.signal} layer-${Math.min(hits.length, 3)}` : sups.length ? "seg suppressed" : "seg")
        + (feats.length ? " model" : ""),
      tabindex: "0",
      "data-terms": lexical.map((m) => m.m.term).join(" "),
      style: {
        ...(top ? { "--cat": catColor(top.category) } : {}),
        ...(feats.length ? { "--mw": modelStrength(feats[0].m.weight) } : {}),
      },
    }, seg.text);
    if (lexical.length) span.dataset.category = lexical[0].m.category;
    if (feats.length) {
      span.dataset.modelWeight = String(feats[0].m.weight); // the largest feature covering the piece
      span.dataset.modelFeatures = feats.map((f) => f.i).join(" "); // indices into verdict.model.features
    }
    const tip = el("span", { class: "tip", role: "tooltip" });
    for (const h of hits) tip.append(...hitLines(h.m).filter(Boolean));
    for (const s of sups) tip.append(el("p", {}, "suppressed ", el("b", {}, s.m.term), `: ${suppressReason(s.m)}`));
    for (const f of feats) {
      tip.append(el("p", { class: "tip-model" }, "model feature ", el("b", {}, f.m.text), ` ${signed(f.m.weight)}${modelCat}`));
    }
    span.append(tip);
    box.append(span);
  }
}

function bar(label, value, color) {
  return el("div", { class: "bar", "data-name": label },
    el("span", {}, label),
    el("span", { class: "track", role: "meter", "aria-label": label, "aria-valuemin": "0", "aria-valuemax": "1", "aria-valuenow": String(value) },
      el("span", { class: "fill", style: { width: `${Math.round(value * 100)}%`, display: "block", "--cat": color } })),
    el("span", {}, fmt(value)));
}

function renderVerdict(v) {
  const badge = $("badge");
  badge.textContent = v.decision;
  badge.className = `badge ${v.decision}`;
  badge.dataset.decision = v.decision;
  $("score").textContent = fmt(v.score);
  const cats = Object.entries(v.categories);
  $("cat-bars").replaceChildren(...(cats.length
    ? cats.map(([c, cs]) => bar(`${c} (${cs.decision})`, cs.score, catColor(c)))
    : [el("span", { class: "empty" }, "none")]));
  $("sig-bars").replaceChildren(...SIGNALS.map((s) => bar(s, v.signals[s] ?? 0, "#6b6b6b")));
  $("evidence").replaceChildren(...v.hits.map((h) => el("li", { "data-term": h.term, style: { "--cat": catColor(h.category) } },
    el("span", { class: "m" }, h.matched), " ", el("b", {}, h.term),
    el("span", { class: "kv" }, ` ${h.category} · ${h.signal} · weight ${fmt(h.weight)} · via ${h.via.length ? h.via.join(", ") : "—"}`
      + ` · policy ${h.policy ?? "—"} · utf16 [${h.span.utf16.join(", ")})`))));
  $("suppressed").replaceChildren(...v.suppressed.map((s) => el("li", { "data-term": s.term },
    el("span", { class: "m" }, s.matched), " ", el("b", {}, s.term), el("span", { class: "kv" }, ` — ${suppressReason(s)}`))));
  if (!v.hits.length) $("evidence").replaceChildren(el("li", { class: "empty" }, "no hits"));
  if (!v.suppressed.length) $("suppressed").replaceChildren(el("li", { class: "empty" }, "none"));
  renderModel(v.model);
}

// The learned scorer's judgement and its evidence, when the build has a model on (an optional
// field); `features` may be empty.
function renderModel(m) {
  $("model").hidden = !m;
  if (!m) return;
  $("model-head").replaceChildren(`score ${fmt(m.score)}`, m.category ? ` · category ${m.category}` : "",
    " · its own decision ", el("span", { class: `badge small ${m.decision}`, "data-decision": m.decision }, m.decision));
  $("model-features").replaceChildren(...(m.features.length
    ? m.features.map((f, i) => el("li", { "data-feature": String(i), "data-weight": String(f.weight),
      title: `utf16 [${f.span.utf16.join(", ")})` },
    el("span", { class: "m", style: { "--mw": modelStrength(f.weight) } }, f.text), " ", el("span", { class: "kv" }, signed(f.weight))))
    : [el("li", { class: "empty" }, "none")]));
}

function scanNow() {
  if (!screener) return;
  const text = $("text").value;
  let profile = $("profile").value || "default";
  if (!screener.profiles().includes(profile)) profile = "default"; // it vanished with a lexicon edit
  try {
    verdict = profile === "default" ? screener.scan(text) : screener.scanWithProfile(text, profile);
  } catch (e) {
    // A text over the input cap (maxInputBytes): say so instead of showing a stale verdict.
    verdict = null;
    $("highlights").replaceChildren(el("span", { class: "empty" }, "not scanned"));
    $("status").textContent = String(e?.message ?? e);
    $("status").dataset.error = "1";
    return;
  }
  if ($("status").dataset.error) { $("status").textContent = "Ready."; delete $("status").dataset.error; }
  renderHighlights(text, verdict);
  renderVerdict(verdict);
}

function refreshLexiconUi() {
  const current = $("profile").value;
  const profiles = screener.profiles();
  $("profile").replaceChildren(...profiles.map((p) => el("option", { value: p }, p)));
  $("profile").value = profiles.includes(current) ? current : "default";
  const cats = screener.categories();
  $("add-category").replaceChildren(...cats.map((c) => el("option", { value: c.id }, `${c.id} — ${c.name}`)));
  $("legend").replaceChildren(...cats.map((c) => el("span", { style: { "--cat": catColor(c.id) } }, c.id)));
  $("lex-status").textContent = `${screener.lexiconName} ${screener.lexiconVersion}: ${screener.termCount} terms`;
}

function applyLexicon() {
  clearTimeout(lexiconTimer);
  const text = $("lexicon").value;
  const error = $("lex-error");
  $("lex-status").textContent = "compiling…";
  try {
    const json = /^\s*\{/.test(text);
    const next = json ? Screener.fromJson(text) : Screener.fromToml(text);
    next.modelFeatures = "always";
    screener?.free();
    screener = next;
    error.hidden = true;
    error.textContent = "";
    refreshLexiconUi();
    scanNow();
    warmUpWhenIdle();
  } catch (e) {
    const msg = String(e?.message ?? e);
    const pos = /:(\d+):(\d+): /.exec(msg);
    error.textContent = (pos ? `line ${pos[1]}, column ${pos[2]}: ` : "") + msg + " — the last good lexicon stays in force.";
    error.hidden = false;
    $("lex-status").textContent = `${screener.lexiconName} ${screener.lexiconVersion}: ${screener.termCount} terms (last good)`;
  }
}

const tomlString = (s) => JSON.stringify(s); // a JSON string literal is a valid TOML basic string

function addTerm(ev) {
  ev.preventDefault();
  const text = $("add-text").value.trim();
  if (!text) return;
  termCounter += 1;
  const block = `\n[[term]]\nid = ${tomlString(`custom.${termCounter}`)}\ntext = ${tomlString(text)}\n`
    + `category = ${tomlString($("add-category").value)}\nsignal = ${tomlString($("add-signal").value)}\n`
    + `weight = ${Number($("add-weight").value) || 0.8}\n`;
  $("lexicon").value = $("lexicon").value.replace(/\s*$/, "\n") + block;
  $("add-text").value = "";
  applyLexicon();
}

async function copyJson() {
  const json = JSON.stringify(verdict, null, 2);
  try { await navigator.clipboard.writeText(json); }
  catch {
    const t = el("textarea", { value: json });
    document.body.append(t); t.select(); document.execCommand("copy"); t.remove();
  }
  $("status").textContent = "Result JSON copied.";
}

function download() {
  const blob = new Blob([$("lexicon").value], { type: "text/plain;charset=utf-8" });
  const a = el("a", { href: URL.createObjectURL(blob), download: "lexicon.toml" });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function main() {
  await init();
  screener = new Screener();
  // Model features for every text, not only the ones the model flags (a pkg without this
  // property ignores it and lists them as it does).
  screener.modelFeatures = "always";
  window.__prescreen = { get verdict() { return verdict; }, get screener() { return screener; } };
  $("lexicon").value = Screener.defaultLexiconToml();
  refreshLexiconUi();
  for (const [label, text, benign] of EXAMPLES) {
    $("gallery").append(el("button", { type: "button", class: benign ? "benign" : "", "data-example": label,
      onclick: () => { $("text").value = text; scanNow(); $("text").focus(); } }, label));
  }
  $("text").addEventListener("input", scanNow);
  $("profile").addEventListener("change", scanNow);
  $("lexicon").addEventListener("input", () => { clearTimeout(lexiconTimer); lexiconTimer = setTimeout(applyLexicon, 400); });
  $("add-term").addEventListener("submit", addTerm);
  $("copy").addEventListener("click", copyJson);
  $("download").addEventListener("click", download);
  $("reset").addEventListener("click", () => { $("lexicon").value = Screener.defaultLexiconToml(); applyLexicon(); });
  $("load").addEventListener("change", async () => {
    const file = $("load").files[0];
    if (file) { $("lexicon").value = await file.text(); applyLexicon(); }
  });
  $("text").value = "出 冰 毒，要的加微信。我是处女座。";
  scanNow();
  $("status").textContent = "Ready.";
  document.body.dataset.ready = "1";
  warmUpWhenIdle();
}

// A new screener matches with small NFAs and loads jieba on the first Chinese hit; build the fast
// automata and jieba while the reviewer reads, so no keystroke pays for them.
function warmUpWhenIdle() {
  const target = screener;
  const idle = window.requestIdleCallback ?? ((f) => setTimeout(f, 200));
  idle(() => { if (screener === target) screener.warmUp(); });
}

main().catch((e) => { $("status").textContent = `Failed to start: ${e?.message ?? e}`; });
