//! Does scan time grow linearly with the text? Scans texts of 1, 10 and 100 MB (by default) of
//! ordinary and of pathological content, each in a child process so its peak memory is its own,
//! and prints a Markdown table (size → time, MB/s, peak RSS) and writes an SVG plot (log–log:
//! linear growth is a line of slope one).
//!
//!     cargo run --release --example linear_time                      # 1, 10, 100 MB
//!     cargo run --release --example linear_time -- --sizes 1,4,16 --svg /tmp/curve.svg
//!
//! Inputs (each a pattern repeated to the size; the screener's input cap is lifted to 2 GiB):
//! - `benign-zh`, `benign-en`: real benign lines (`$DATA_DIR/{cn,en}_benign_dev.txt`, default
//!   `/work/shared/data`; a built-in paragraph when absent), default lexicon and model;
//! - `one-char`: one lexicon character repeated (`冰冰冰…`);
//! - `digits`: one digit repeated (a single Latin token of 100 MB);
//! - `dense-hits`: a term, an allow phrase and a contact term every 64 bytes, far apart from
//!   combination-rule partners (many hits, suppressed matches and rule candidates);
//! - `overlap-10k`: a lexicon of 10,000 terms of 6–8 chars over a 10-char alphabet, and random
//!   text over that alphabet (every position inside partial matches of many terms, a full match
//!   about every 100 chars).
//!
//! What is measured is `Screener::scan` on the whole text (folding, both automata, boundary
//! checks, scoring, the learned scorer), not building the text or the screener.

use std::process::Command;
use std::time::Instant;

use prescreen::{Format, LexiconBuilder, Screener, MAX_INPUT_BYTES_LIMIT};

const MB: usize = 1_000_000;
const INPUTS: [&str; 6] = ["benign-zh", "benign-en", "one-char", "digits", "dense-hits", "overlap-10k"];
const ALPHABET: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// `unit` repeated, cut to `bytes` (back to a char boundary).
fn repeat_to(unit: &str, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + unit.len());
    while s.len() < bytes {
        s.push_str(unit);
    }
    let mut end = bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn benign(file: &str, fallback: &str) -> String {
    let dir = std::env::var("DATA_DIR").unwrap_or_else(|_| "/work/shared/data".into());
    std::fs::read_to_string(format!("{dir}/{file}")).unwrap_or_else(|_| fallback.to_string())
}

fn overlap_lexicon() -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seen = std::collections::HashSet::new();
    let mut toml =
        String::from("[lexicon]\nname = \"overlap-10k\"\n\n[[category]]\nid = \"x\"\nreview = 0.4\nblock = 0.85\n");
    while seen.len() < 10_000 {
        let len = 6 + rng.below(3);
        let term: String = (0..len).map(|_| ALPHABET[rng.below(10)]).collect();
        if seen.insert(term.clone()) {
            toml.push_str(&format!(
                "\n[[term]]\ntext = \"{term}\"\ncategory = \"x\"\nsignal = \"implicit\"\nweight = 0.5\n"
            ));
        }
    }
    toml
}

fn input(name: &str, bytes: usize) -> (Screener, String) {
    let default = || Screener::default();
    let (screener, text) = match name {
        "benign-zh" => (
            default(),
            repeat_to(&benign("cn_benign_dev.txt", "今天天气很好，我们一起去公园散步，顺便买点水果。\n"), bytes),
        ),
        "benign-en" => (
            default(),
            repeat_to(&benign("en_benign_dev.txt", "The weather is nice today, so we walked to the park.\n"), bytes),
        ),
        "one-char" => (default(), repeat_to("冰", bytes)),
        "digits" => (default(), repeat_to("1", bytes)),
        "dense-hits" => {
            // 64 bytes: a drug term, a suppressed one (allow phrase), padding; a contact term
            // only at the very end, so rules look for partners across the whole text.
            let mut text = repeat_to("出冰毒，缴获冰毒，今天天气很好我们去公园散步。", bytes);
            text.push_str("加微信");
            (default(), text)
        }
        "overlap-10k" => {
            let lexicon = LexiconBuilder::new()
                .add("overlap-10k.toml", &overlap_lexicon(), Format::Toml)
                .unwrap()
                .build()
                .unwrap();
            let mut rng = Rng(42);
            let mut text = String::with_capacity(bytes + 3);
            while text.len() < bytes {
                text.push(ALPHABET[rng.below(10)]);
            }
            (Screener::new(lexicon).unwrap(), text)
        }
        other => panic!("unknown input {other}"),
    };
    (screener.with_max_input_bytes(MAX_INPUT_BYTES_LIMIT), text)
}

/// Peak resident memory of this process so far, in bytes (Linux).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Child mode: one scan, printing `seconds peak_rss_before peak_rss_after hits suppressed`.
fn one(name: &str, mb: usize) {
    let (screener, text) = input(name, mb * MB);
    let before = peak_rss();
    let start = Instant::now();
    let verdict = screener.scan(&text);
    let seconds = start.elapsed().as_secs_f64();
    println!("{seconds} {before} {} {} {}", peak_rss(), verdict.hits.len(), verdict.suppressed.len());
}

struct Row {
    input: &'static str,
    mb: usize,
    seconds: f64,
    /// Peak RSS before the scan (screener and text) and the growth of the peak during it.
    rss: u64,
    scan_rss: u64,
    hits: usize,
    suppressed: usize,
}

fn svg(rows: &[Row], sizes: &[usize]) -> String {
    let (w, h, left, bottom, top, right) = (720.0, 440.0, 70.0, 50.0, 40.0, 170.0);
    let xs: Vec<f64> = sizes.iter().map(|&s| (s as f64).log10()).collect();
    let (x0, x1) = (xs[0] - 0.1, xs[xs.len() - 1] + 0.1);
    let ys: Vec<f64> = rows.iter().map(|r| r.seconds.max(1e-4).log10()).collect();
    let (y0, y1) =
        (ys.iter().cloned().fold(f64::MAX, f64::min).floor(), ys.iter().cloned().fold(f64::MIN, f64::max).ceil());
    let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| h - bottom - (y - y0) / (y1 - y0).max(1e-9) * (h - bottom - top);
    let colors = ["#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00", "#00838f"];
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/><text x="{left}" y="22" font-size="14" font-weight="bold">prescreen: scan time against text size (log–log; linear = slope 1)</text>"#
    );
    for y in (y0 as i64)..=(y1 as i64) {
        let yy = py(y as f64);
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            w - right,
            left - 6.0,
            yy + 4.0,
            fmt_seconds(10f64.powi(y as i32))
        );
    }
    for (&x, &mb) in xs.iter().zip(sizes) {
        let xx = px(x);
        s += &format!(
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{top}" y2="{}" stroke="#eee"/><text x="{xx:.1}" y="{}" text-anchor="middle">{mb} MB</text>"##,
            h - bottom,
            h - bottom + 18.0
        );
    }
    for (k, name) in INPUTS.iter().enumerate() {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.input == *name)
            .map(|r| (px((r.mb as f64).log10()), py(r.seconds.max(1e-4).log10())))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let c = colors[k % colors.len()];
        let path: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        s += &format!(r#"<polyline points="{}" fill="none" stroke="{c}" stroke-width="2"/>"#, path.join(" "));
        for (x, y) in &pts {
            s += &format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{c}"/>"#);
        }
        let ly = top + 20.0 + k as f64 * 20.0;
        s += &format!(
            r#"<line x1="{}" x2="{}" y1="{ly}" y2="{ly}" stroke="{c}" stroke-width="2"/><text x="{}" y="{}">{name}</text>"#,
            w - right + 15.0,
            w - right + 35.0,
            w - right + 40.0,
            ly + 4.0
        );
    }
    s += &format!(
        r##"<text x="{left}" y="{}" fill="#666">each point: one scan of the whole text in its own process</text></svg>"##,
        h - 8.0
    );
    s + "\n"
}

fn fmt_seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.0} ms", s * 1000.0)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        return one(&args[2], args[3].parse().unwrap());
    }
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let sizes: Vec<usize> =
        flag("--sizes").unwrap_or_else(|| "1,10,100".into()).split(',').map(|s| s.trim().parse().unwrap()).collect();
    let svg_path = flag("--svg").unwrap_or_else(|| "docs/linear-time.svg".into());
    let only: Vec<String> = flag("--inputs").map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default();
    let exe = std::env::current_exe().unwrap();
    let mut rows = Vec::new();
    println!("| input | size | scan time | MB/s | ns/byte | RSS before | peak RSS growth in scan | growth / input byte | hits | suppressed |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for name in INPUTS.iter().filter(|n| only.is_empty() || only.iter().any(|o| o == *n)) {
        for &mb in &sizes {
            let out = Command::new(&exe).args(["--one", name, &mb.to_string()]).output().unwrap();
            assert!(out.status.success(), "{name} {mb} MB: {}", String::from_utf8_lossy(&out.stderr));
            let line = String::from_utf8(out.stdout).unwrap();
            let f: Vec<&str> = line.split_whitespace().collect();
            let (before, after): (u64, u64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
            let row = Row {
                input: name,
                mb,
                seconds: f[0].parse().unwrap(),
                rss: before,
                scan_rss: after - before,
                hits: f[3].parse().unwrap(),
                suppressed: f[4].parse().unwrap(),
            };
            let bytes = (mb * MB) as f64;
            println!(
                "| {} | {} MB | {:.3} s | {:.1} | {:.1} | {:.0} MB | {:.0} MB | {:.1} | {} | {} |",
                row.input,
                mb,
                row.seconds,
                bytes / row.seconds / 1e6,
                row.seconds * 1e9 / bytes,
                row.rss as f64 / 1e6,
                row.scan_rss as f64 / 1e6,
                row.scan_rss as f64 / bytes,
                row.hits,
                row.suppressed
            );
            rows.push(row);
        }
    }
    std::fs::write(&svg_path, svg(&rows, &sizes)).unwrap();
    eprintln!("wrote {svg_path}");
}
