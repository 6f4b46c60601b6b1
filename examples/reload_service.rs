//! A small screening service over HTTP on loopback that reloads its lexicon when a file changes.
//!
//! ```text
//! cargo run --release --example reload_service -- \
//!     --lexicon default --lexicon lexicon/examples/event-2026-11.toml [--addr 127.0.0.1:8787] [--threads 4]
//!
//! curl -s --data-binary '进双十一返现群领红包' http://127.0.0.1:8787/scan     # the verdict JSON
//! curl -s http://127.0.0.1:8787/lexicon                                     # name, version, reloads
//! ```
//!
//! Worker threads answer requests through one [`SharedScreener`]. A watcher thread polls the
//! lexicon files' modification times (and the date, so that `expires` takes effect at midnight
//! UTC) once a second; on a change it builds the new screener off to the side — scans go on
//! meanwhile — and swaps it in. Scans that started before the swap finish on the old lexicon and
//! say so in `lexicon.version`; new ones use the new lexicon. A bad edit is reported on stderr
//! (file, line, column) and the old lexicon stays in service.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prescreen::{Date, Format, LexiconBuilder, Screener, SharedScreener};
use tiny_http::{Header, Method, Response, Server};

/// Largest request body read (bytes).
const MAX_BODY: u64 = 1 << 20;
/// How often the watcher looks at the files.
const POLL: Duration = Duration::from_secs(1);

struct Options {
    lexicons: Vec<String>,
    addr: String,
    threads: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options { lexicons: Vec::new(), addr: "127.0.0.1:8787".into(), threads: 4 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--lexicon" => o.lexicons.push(value()?),
            "--addr" => o.addr = value()?,
            "--threads" => o.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.lexicons.is_empty() {
        o.lexicons.push("default".into());
    }
    Ok(o)
}

/// Today's UTC date from the system clock (the core has none).
fn today() -> Date {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
}

/// Reads and compiles the layered lexicon (`default` names the embedded one).
fn build(lexicons: &[String], today: Date) -> Result<Screener, String> {
    let mut builder = LexiconBuilder::new().today(today);
    for path in lexicons {
        builder = if path == "default" {
            builder.try_add_default().map_err(|e| e.to_string())?
        } else {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            builder.add(path, &text, Format::from_path(path)).map_err(|e| e.to_string())?
        };
    }
    let lexicon = builder.build().map_err(|e| e.to_string())?;
    Screener::new(lexicon).map_err(|e| e.to_string())
}

/// What the watcher last saw: each file's modification time, and the day.
#[derive(PartialEq)]
struct Stamp {
    modified: Vec<Option<SystemTime>>,
    day: Date,
}

fn stamp(lexicons: &[String]) -> Stamp {
    let modified = lexicons
        .iter()
        .map(|p| if p == "default" { None } else { std::fs::metadata(p).and_then(|m| m.modified()).ok() })
        .collect();
    Stamp { modified, day: today() }
}

/// Service state shown at `/lexicon`.
struct Status {
    reloads: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// Polls forever; swaps in a freshly built screener whenever a file or the day changes.
fn watch(lexicons: Vec<String>, shared: Arc<SharedScreener>, status: Arc<Status>) {
    let mut seen = stamp(&lexicons);
    loop {
        std::thread::sleep(POLL);
        let now = stamp(&lexicons);
        if now == seen {
            continue;
        }
        // An editor may still be writing: wait one more poll for the file to settle.
        std::thread::sleep(POLL / 4);
        seen = stamp(&lexicons);
        match build(&lexicons, seen.day) {
            Ok(screener) => {
                let version = screener.lexicon().version.clone();
                let old = shared.replace(screener);
                status.reloads.fetch_add(1, Ordering::Relaxed);
                *status.last_error.lock().unwrap() = None;
                eprintln!("reloaded: lexicon {} (was {})", version, old.lexicon().version);
            }
            Err(e) => {
                eprintln!("reload failed, keeping lexicon {}: {e}", shared.current().lexicon().version);
                *status.last_error.lock().unwrap() = Some(e);
            }
        }
    }
}

fn json_response(status: u16, body: String) -> Response<std::io::Cursor<Vec<u8>>> {
    let header = Header::from_bytes("Content-Type", "application/json; charset=utf-8").expect("a valid header");
    Response::from_string(body).with_status_code(status).with_header(header)
}

fn error(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    json_response(status, serde_json::json!({ "error": message }).to_string())
}

fn serve(server: &Server, shared: &SharedScreener, status: &Status) {
    for mut request in server.incoming_requests() {
        let response = match (request.method(), request.url()) {
            (Method::Post, "/scan") => {
                let mut text = String::new();
                match request.as_reader().take(MAX_BODY).read_to_string(&mut text) {
                    // The scan loads the current screener once: the verdict is wholly from it.
                    Ok(_) => {
                        json_response(200, serde_json::to_string(&shared.scan(&text)).expect("verdicts serialize"))
                    }
                    Err(_) => error(400, "the body must be UTF-8 text"),
                }
            }
            (Method::Get, "/lexicon") => {
                let current = shared.current();
                let body = serde_json::json!({
                    "name": current.lexicon().name,
                    "version": current.lexicon().version,
                    "reloads": status.reloads.load(Ordering::Relaxed),
                    "last_error": *status.last_error.lock().unwrap(),
                });
                json_response(200, body.to_string())
            }
            _ => error(404, "POST /scan with the text as the body, or GET /lexicon"),
        };
        let _ = request.respond(response); // the client may have gone away
    }
}

fn main() {
    let o = options().unwrap_or_else(|e| {
        eprintln!("reload_service: {e}");
        std::process::exit(2);
    });
    let screener = build(&o.lexicons, today()).unwrap_or_else(|e| {
        eprintln!("reload_service: {e}");
        std::process::exit(2);
    });
    let shared = Arc::new(SharedScreener::new(screener));
    let status = Arc::new(Status { reloads: AtomicU64::new(0), last_error: Mutex::new(None) });
    let server = Arc::new(Server::http(&o.addr).unwrap_or_else(|e| {
        eprintln!("reload_service: cannot listen on {}: {e}", o.addr);
        std::process::exit(2);
    }));
    eprintln!(
        "serving lexicon {} {} on http://{} ({} threads); watching {}",
        shared.current().lexicon().name,
        shared.current().lexicon().version,
        o.addr,
        o.threads,
        o.lexicons.join(", ")
    );
    {
        let (shared, status, lexicons) = (shared.clone(), status.clone(), o.lexicons.clone());
        std::thread::spawn(move || watch(lexicons, shared, status));
    }
    let workers: Vec<_> = (0..o.threads.max(1))
        .map(|_| {
            let (server, shared, status) = (server.clone(), shared.clone(), status.clone());
            std::thread::spawn(move || serve(&server, &shared, &status))
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
}
