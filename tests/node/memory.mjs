// Scans many texts through pkg/ and samples memory: the WASM linear memory (which never
// shrinks, so any leak inside the module shows as growth) and the process RSS (leaks of JS
// wrappers, strings, verdict objects). Run on its own for the long figure:
//   node --expose-gc tests/node/memory.mjs 1000000
// tests/node/memory.test.mjs runs 50,000 scans of the same mix and asserts flatness.
import { wasm, Screener } from "./load.mjs";

const MiB = 1024 * 1024;

// Short benign, hits (explicit, disguised, combination rules), suppressed matches, emoji,
// astral chars, a lone surrogate, a 2 KB text; every call kind, and errors thrown and caught.
const TEXTS = [
  "今天天气不错，出去走走", "出 冰 毒，要的加微信", "meth for sale 😀", "我是处女座", "f.u.c.k you, bing du 到货",
  "加ｖ信 领彩金", "弓虽女干", "𠀀𠀁 出售冰毒 𠀂", "cafe\u0301 m\u0301e\u0301th", "lone \uD800 surrogate 冰毒",
  "The class starts at nine in Scunthorpe.", "一三八一二三四五六七八 加微信 冰毒", "周末一起爬山吗？".repeat(100),
];

function sample(i) {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { scans: i, wasm: wasm.memory.buffer.byteLength, rss: m.rss, heap: m.heapUsed };
}

/**
 * Runs `n` scans and returns the samples (about 20, the first after a warm-up of n/10 scans).
 * `log` gets a line per sample.
 */
export function run(n, log = () => {}) {
  const screener = new Screener();
  const small = new Screener();
  small.maxInputBytes = 64;
  // Build what screeners build on first need (jieba, the DFAs after 4 MiB scanned) before
  // measuring: a one-time allocation, not a leak.
  screener.warmUp();
  small.warmUp();
  const warmup = Math.max(1000, Math.floor(n / 10));
  const every = Math.max(1, Math.floor(n / 20));
  const samples = [];
  let hits = 0, errors = 0;
  const t0 = performance.now();
  for (let i = 0; i < warmup + n; i++) {
    if (i === warmup) { samples.push(sample(0)); log(samples.at(-1)); }
    const text = TEXTS[i % TEXTS.length];
    switch (i % 5) {
      case 0: case 1: hits += screener.scan(text).hits.length; break;
      case 2: hits += JSON.parse(screener.scanJson(text)).hits.length; break;
      case 3: hits += screener.scanWithProfile(text, "minors").hits.length; break;
      default:
        try { small.scan(text); } catch { errors++; } // over 64 bytes: a thrown Error
    }
    if (i >= warmup && (i - warmup + 1) % every === 0) { samples.push(sample(i - warmup + 1)); log(samples.at(-1)); }
  }
  const seconds = (performance.now() - t0) / 1000;
  screener.free();
  small.free();
  return { samples, hits, errors, seconds };
}

export function summary({ samples }) {
  const first = samples[0], last = samples.at(-1);
  const max = (k) => Math.max(...samples.map((s) => s[k]));
  return {
    wasmGrowth: last.wasm - first.wasm,
    rssGrowth: last.rss - first.rss,
    rssMaxOverFirst: max("rss") - first.rss,
    heapGrowth: last.heap - first.heap,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] || 1_000_000);
  if (!globalThis.gc) console.error("memory.mjs: run with --expose-gc for steadier RSS figures");
  console.log("scans        wasm memory   rss          js heap");
  const fmt = (x) => `${(x / MiB).toFixed(1).padStart(8)} MiB`;
  const result = run(n, (s) => console.log(`${String(s.scans).padStart(9)}  ${fmt(s.wasm)}  ${fmt(s.rss)}  ${fmt(s.heap)}`));
  const s = summary(result);
  console.log(`${n} scans in ${result.seconds.toFixed(1)} s (${(n / result.seconds).toFixed(0)}/s; ${result.hits} hits, ${result.errors} cap errors)`);
  console.log(`after warm-up: wasm memory ${s.wasmGrowth >= 0 ? "+" : ""}${(s.wasmGrowth / MiB).toFixed(1)} MiB, `
    + `rss ${s.rssGrowth >= 0 ? "+" : ""}${(s.rssGrowth / MiB).toFixed(1)} MiB (peak +${(s.rssMaxOverFirst / MiB).toFixed(1)} MiB), `
    + `js heap ${s.heapGrowth >= 0 ? "+" : ""}${(s.heapGrowth / MiB).toFixed(1)} MiB; node ${process.version}`);
}
