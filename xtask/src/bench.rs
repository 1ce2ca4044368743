//! `cargo xtask bench`: what the SDK adds to a page. Builds the release package,
//! measures its size, then serves it with the bench pages (bench/) beside the API and
//! has bench/run.mjs drive headless Chromium through start-up, per-call cost,
//! throughput and memory, with a hand-written fetch measured side by side in the same
//! run. Prints one table and writes it to target/bench/RESULTS.md.

use crate::devserver;
use crate::package;
use crate::process::{run_bounded, Result};
use crate::size::{Sizes, BUDGET_KIB, GOAL_KIB};
use crate::toolchain::{self, Tools};
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The per-call goal: the SDK's median within 5 % of raw fetch's, or within 50 µs.
const GOAL_RATIO: f64 = 1.05;
const GOAL_US: f64 = 50.0;

/// The budgets and goals the bench reports against, beside the size the test guards:
/// (measure, budget, goal), each a bound on the SDK's extra time over raw fetch in µs,
/// or on start-up in ms.
const START_UP_MS: (f64, f64) = (5.0, 3.0);
const PER_CALL_US: (f64, f64) = (100.0, 50.0);
const PER_CALL_STUBBED_US: (f64, f64) = (50.0, 25.0);
const PLAN_STUBBED_US: (f64, f64) = (150.0, 100.0);
/// The browser run takes a few minutes on a busy 2-core machine; more means it hangs.
const BROWSER_LIMIT: Duration = Duration::from_secs(20 * 60);

/// `cargo xtask bench`.
pub fn run(root: &Path) -> Result {
    let tools = toolchain::ensure(root)?;
    let bench = root.join("bench");
    toolchain::ensure_npm_deps(&bench, "")?;
    let pkg = package::build(root, &tools, false)?;
    let sizes = Sizes::measure(&pkg)?;
    let items = crate::breakdown::measure(root, &tools)?;

    let out = root.join("target/bench");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let bin = devserver::build(root)?;
    // The lenient flavor answers every cancel of an already cancelled project with 200
    // and the same body: the bench can cancel one project any number of times.
    let args: Vec<String> = vec![
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--flavor".into(),
        "lenient".into(),
        "--www".into(),
        bench.display().to_string(),
        "--pkg".into(),
        pkg.display().to_string(),
        // The getPlan row makes a project with a 50-task plan through /__dev/projects.
        "--faults".into(),
    ];
    let server = devserver::start(&bin, &args, Some(&out.join("devserver.log")))?;

    let json = out.join("results.json");
    run_bounded(
        Command::new("node")
            .current_dir(&bench)
            .arg("run.mjs")
            .env("DEEPWORK_BENCH_URL", &server.base_url)
            .env("DEEPWORK_BENCH_TOKEN", &server.token)
            .env("DEEPWORK_BENCH_OUT", &json),
        BROWSER_LIMIT,
    )?;
    drop(server);
    let text = fs::read_to_string(&json).map_err(|e| format!("{}: {e}", json.display()))?;
    let browser: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;

    let results = Results(&browser);
    let table = table(&machine(&tools), &sizes, &results)?;
    let budgets = budgets(&sizes, &results)?;
    let breakdown = crate::breakdown::tables(&items);
    println!("\n{table}\n## Budgets\n\n{budgets}\n## Where the bytes go\n\n{breakdown}");
    let results = out.join("RESULTS.md");
    let markdown = format!(
        "# deepwork-client: performance\n\nMeasured by `cargo xtask bench`.\n\n{table}\n\
         ## Budgets\n\n{budgets}\n## Where the bytes go\n\n{breakdown}"
    );
    fs::write(&results, markdown).map_err(|e| format!("{}: {e}", results.display()))?;
    eprintln!("bench: table written to {}", results.display());
    Ok(())
}

/// The machine and the tools the package was built with.
struct Machine {
    cpu: String,
    cores: usize,
    rustc: String,
    wasm_bindgen: String,
    wasm_opt: String,
    node: String,
}

fn machine(tools: &Tools) -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = cpuinfo
        .lines()
        .filter(|line| line.starts_with("processor"))
        .count();
    // The same PATH as the build, so these are the versions that made pkg/.
    let version = |program: &str| {
        tools
            .wasm(program)
            .arg("--version")
            .output()
            .ok()
            .filter(|out| out.status.success())
            // "rustc 1.96.0 (ac68faa20 2026-05-25)": the name and number are enough.
            .map(|out| {
                String::from_utf8_lossy(&out.stdout)
                    .split(" (")
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            })
            .unwrap_or_else(|| format!("{program}: unknown"))
    };
    Machine {
        cpu,
        cores,
        rustc: version("rustc"),
        wasm_bindgen: version("wasm-bindgen"),
        wasm_opt: version("wasm-opt"),
        node: format!("node {}", version("node")),
    }
}

/// What bench/run.mjs measured (its JSON), read by JSON pointer.
struct Results<'a>(&'a Value);

impl Results<'_> {
    fn num(&self, pointer: &str) -> Result<f64> {
        self.0
            .pointer(pointer)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("target/bench/results.json has no number at {pointer}"))
    }

    fn text(&self, pointer: &str) -> Result<String> {
        self.0
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("target/bench/results.json has no text at {pointer}"))
    }
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
}

fn us(ms: f64) -> String {
    format!("{:.0} µs", ms * 1000.0)
}

/// What each budget asks, what was measured now, and whether it is met.
fn budgets(sizes: &Sizes, r: &Results) -> Result<String> {
    let verdict = |now: f64, (budget, goal): (f64, f64)| {
        if now <= goal {
            "goal met"
        } else if now <= budget {
            "budget met"
        } else {
            "**not met**"
        }
    };
    let extra = |at: &str| -> Result<f64> {
        Ok(
            (r.num(&format!("{at}/sdk/medianMs"))? - r.num(&format!("{at}/raw/medianMs"))?)
                * 1000.0,
        )
    };
    let package = sizes.total() as f64 / 1024.0;
    let start_up = r.num("/startup/afterWasmMedianMs")?;
    let per_call = extra("/perCall")?;
    let ratio = r.num("/perCall/sdk/medianMs")? / r.num("/perCall/raw/medianMs")?;
    let stubbed = extra("/perCall/stubbed")?;
    let plan = extra("/plan/stubbed")?;
    let (before, after) = (
        r.num("/memory/before/wasmBytes")?,
        r.num("/memory/after/wasmBytes")?,
    );
    let rows = [
        [
            "whole package, gzip -9 (wasm + JS)".into(),
            format!("{package:.1} KiB"),
            format!("≤ {BUDGET_KIB} KiB (the size test)"),
            format!("≤ {GOAL_KIB} KiB"),
            verdict(package, (BUDGET_KIB, GOAL_KIB)).into(),
        ],
        [
            "start-up after the `.wasm` arrived".into(),
            format!("{start_up:.1} ms"),
            format!("≤ {} ms", START_UP_MS.0),
            format!("≤ {} ms", START_UP_MS.1),
            verdict(start_up, START_UP_MS).into(),
        ],
        [
            "per call, SDK `cancelProject` vs raw fetch".into(),
            format!("×{ratio:.3}, {per_call:+.0} µs"),
            format!("≤ +{} µs", PER_CALL_US.0),
            "≤ 5 %".into(),
            if ratio <= GOAL_RATIO {
                "goal met"
            } else {
                verdict(per_call, (PER_CALL_US.0, f64::NEG_INFINITY))
            }
            .into(),
        ],
        [
            "per call, fetch stubbed (the SDK's own work)".into(),
            format!("{stubbed:+.0} µs"),
            format!("≤ +{} µs", PER_CALL_STUBBED_US.0),
            format!("≤ +{} µs", PER_CALL_STUBBED_US.1),
            verdict(stubbed, PER_CALL_STUBBED_US).into(),
        ],
        [
            "`getPlan` of 50 tasks, fetch stubbed".into(),
            format!("{plan:+.0} µs"),
            format!("≤ +{} µs", PLAN_STUBBED_US.0),
            format!("≤ +{} µs", PLAN_STUBBED_US.1),
            verdict(plan, PLAN_STUBBED_US).into(),
        ],
        [
            format!("wasm memory over {} calls", r.num("/memory/calls")?),
            format!("{} → {}", mib(before), mib(after)),
            "flat".into(),
            "flat".into(),
            if after <= before {
                "goal met"
            } else {
                "**not met**"
            }
            .into(),
        ],
    ];
    let mut markdown = String::from("| measure | now | budget | goal | |\n|---|---|---|---|---|\n");
    for [measure, now, budget, goal, verdict] in rows {
        markdown.push_str(&format!(
            "| {measure} | {now} | {budget} | {goal} | {verdict} |\n"
        ));
    }
    Ok(markdown)
}

/// The one table: measure, result, and how it was measured or what it is compared with.
fn table(machine: &Machine, sizes: &Sizes, r: &Results) -> Result<String> {
    let mut rows: Vec<[String; 3]> = Vec::new();
    let mut row =
        |measure: &str, result: String, note: String| rows.push([measure.into(), result, note]);

    row(
        "machine",
        format!("{}, {} cores", machine.cpu, machine.cores),
        "shared and noisy: compare the ratios, not the times".into(),
    );
    row(
        "versions",
        format!(
            "Chromium {} (headless), {}, {}, {}, {}",
            r.text("/chromium")?,
            machine.rustc,
            machine.wasm_bindgen,
            machine.wasm_opt,
            machine.node
        ),
        String::new(),
    );
    row("date", r.text("/date")?, String::new());

    row(
        "`.wasm` raw / gzip",
        format!("{} / {}", kib(sizes.wasm_raw), kib(sizes.wasm_gzip)),
        "gzip -9".into(),
    );
    let parts: Vec<String> = sizes
        .js_gzip
        .iter()
        .map(|(name, size)| format!("{name} {}", kib(*size)))
        .collect();
    row(
        "JS gzip",
        kib(sizes.js_total()),
        format!("{}; each file gzipped on its own", parts.join(" + ")),
    );
    row(
        "whole package gzip",
        kib(sizes.total()),
        "wasm + the JS a browser loads; its budget: below".into(),
    );
    row(
        "for scale",
        "openai-node ≈52 KiB, ky ≈8 KiB".into(),
        "minified + gzipped JS SDKs".into(),
    );

    row(
        "start-up: import → ready",
        format!("median {:.1} ms, p95 {:.1} ms", r.num("/startup/medianMs")?, r.num("/startup/p95Ms")?),
        format!(
            "dynamic `import('/pkg/index.js')`: fetch from localhost, compile, instantiate; {} page loads, each in a new \
             browser context (empty HTTP cache, so no wasm code cache either)",
            r.num("/startup/loads")?
        ),
    );
    row(
        "start-up: after the `.wasm` arrived",
        format!("median {:.1} ms", r.num("/startup/afterWasmMedianMs")?),
        "the part of start-up that is compiling and instantiating; the rest is three fetches in a row \
         (index.js → glue and its snippets → .wasm)"
            .into(),
    );

    let calls = r.num("/perCall/calls")?;
    let isolated =
        r.0.pointer("/perCall/crossOriginIsolated")
            .and_then(Value::as_bool)
            == Some(true);
    let timer = if isolated {
        "5 µs timer (cross-origin isolated page)"
    } else {
        "100 µs timer (page not cross-origin isolated)"
    };
    let (sdk, raw) = (
        r.num("/perCall/sdk/medianMs")?,
        r.num("/perCall/raw/medianMs")?,
    );
    row(
        "per call: SDK `cancelProject`",
        format!("median {}, p99 {}", us(sdk), us(r.num("/perCall/sdk/p99Ms")?)),
        format!("{calls} calls each, SDK and raw alternating call by call, one page, one server; {timer}"),
    );
    row(
        "per call: raw fetch",
        format!(
            "median {}, p99 {}",
            us(raw),
            us(r.num("/perCall/raw/p99Ms")?)
        ),
        "`fetch` + `res.json()` + the SDK's checks, written by hand".into(),
    );
    let met = sdk <= raw * GOAL_RATIO || (sdk - raw) * 1000.0 <= GOAL_US;
    row(
        "per call: SDK / raw",
        format!("×{:.3}, {:+.0} µs", sdk / raw, (sdk - raw) * 1000.0),
        format!(
            "goal: SDK median within {:.0} % (or {GOAL_US:.0} µs) of raw fetch: **{}**",
            (GOAL_RATIO - 1.0) * 100.0,
            if met { "met" } else { "not met" }
        ),
    );

    let phase = |side: &str, i: usize| r.num(&format!("/perCall/{side}/phasesMs/{i}"));
    let mut phases = Vec::new();
    for (i, name) in ["before the request", "request", "after it"]
        .iter()
        .enumerate()
    {
        let (sdk, raw) = (phase("sdk", i)?, phase("raw", i)?);
        phases.push(format!(
            "{name} {} vs {} ({:+.0} µs)",
            us(sdk),
            us(raw),
            (sdk - raw) * 1000.0
        ));
    }
    row(
        "per call, by phase: SDK vs raw",
        phases.join("; "),
        "medians, split by each request's Resource Timing entry: call → request start, request start → last \
         byte of the answer, last byte → promise settled"
            .into(),
    );

    let (sdk, raw) = (
        r.num("/perCall/stubbed/sdk/medianMs")?,
        r.num("/perCall/stubbed/raw/medianMs")?,
    );
    row(
        "per call: fetch stubbed",
        format!(
            "SDK median {} (p99 {}), raw median {} (p99 {}): {:+.0} µs",
            us(sdk),
            us(r.num("/perCall/stubbed/sdk/p99Ms")?),
            us(raw),
            us(r.num("/perCall/stubbed/raw/p99Ms")?),
            (sdk - raw) * 1000.0
        ),
        "the same, with `fetch` answering at once from memory: each side's own JS and wasm work per call".into(),
    );

    // Plain JS doing what the SDK's rules make every request do: that part of the gap
    // is the rules', not the wasm's.
    let plumbed = |at: &str| r.num(&format!("/perCall/plumbed/{at}"));
    let gap = |at: &str| -> Result<f64> {
        Ok((plumbed(&format!("sdk/{at}"))? - plumbed(&format!("raw/{at}"))?) * 1000.0)
    };
    row(
        "per call: raw with the SDK's request plumbing",
        format!(
            "{:+.0} µs over raw (before the request {:+.0} µs, after it {:+.0} µs); fetch stubbed {:+.0} µs",
            gap("medianMs")?,
            gap("phasesMs/0")?,
            gap("phasesMs/2")?,
            (plumbed("stubbed/sdk/medianMs")? - plumbed("stubbed/raw/medianMs")?) * 1000.0
        ),
        "raw in a `Request` with its own `Headers`, `redirect: 'manual'`, an AbortController with a timeout, \
         the three headers the SDK reads: what its timeout, abort and no-redirect rules cost in plain JS, out of \
         the SDK's gap above"
            .into(),
    );

    let tasks = r.num("/plan/tasks")?;
    // The SDK's and raw's medians of one measure under `at`, with their ratio if asked.
    let medians = |at: &str, ratio: bool| -> Result<String> {
        let (sdk, raw) = (
            r.num(&format!("{at}/sdk/medianMs"))?,
            r.num(&format!("{at}/raw/medianMs"))?,
        );
        let ratio = if ratio {
            format!("×{:.3}, ", sdk / raw)
        } else {
            String::new()
        };
        Ok(format!(
            "SDK median {}, raw median {}: {ratio}{:+.0} µs",
            us(sdk),
            us(raw),
            (sdk - raw) * 1000.0
        ))
    };
    row(
        &format!("per call: SDK `getPlan` ({tasks} tasks) / raw"),
        medians("/plan", true)?,
        format!(
            "{} calls each, alternating; raw = `fetch` + `res.json()` + the SDK's checks of the plan, its project and \
             every task's 26 fields",
            r.num("/plan/calls")?
        ),
    );
    row(
        "per call: `getPlan`, fetch stubbed",
        medians("/plan/stubbed", false)?,
        "decoding 50 tasks into serde types and keeping the server's objects, against JS checks of the same".into(),
    );
    row(
        &format!("per poll: SDK `watchProject` ({tasks} tasks) / raw"),
        medians("/watch", true)?,
        format!(
            "{} polls each of an unchanged plan, in rounds that alternate; a poll is timed from its request to the \
             next one's, the wait between them cut to nothing; raw = the `getPlan` above by hand, a compare of \
             status, task statuses and progress, and `setTimeout`",
            r.num("/watch/polls")?
        ),
    );
    row(
        "per poll: `watchProject`, fetch stubbed",
        medians("/watch/stubbed", false)?,
        "the SDK's work per poll beside the fetch: decoding the plan, comparing it, and the wait's timer and \
         listeners"
            .into(),
    );

    let interval = r.num("/watchers/intervalMs")?;
    let groups =
        r.0.pointer("/watchers/oneProject")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
    for i in 0..groups {
        let at = |key: &str| r.num(&format!("/watchers/oneProject/{i}/{key}"));
        let (watchers, sdk, naive) = (at("watchers")?, at("sdkPerSec")?, at("naivePerSec")?);
        row(
            &format!("server requests/s: {watchers} watchers of one project"),
            format!("SDK {sdk:.1}/s, naive {naive:.1}/s"),
            format!(
                "every {interval} ms, each watcher with a client of its own; the SDK's share one poll, \
                 the naive ones are one fetch loop each; counted by the server"
            ),
        );
    }
    let many = |key: &str| r.num(&format!("/watchers/manyProjects/{key}"));
    row(
        &format!("server requests/s: {} watches of different projects", many("projects")?),
        format!(
            "SDK {:.1}/s, naive {:.1}/s",
            many("sdkPerSec")?,
            many("naivePerSec")?
        ),
        "the default interval, 2 s: together 20 polls a second; the SDK's request budget (8/s, burst \
         20) stretches them, the naive loops ask for all 20"
            .into(),
    );

    let levels =
        r.0.pointer("/throughput")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
    for i in 0..levels {
        let in_flight = r.num(&format!("/throughput/{i}/inFlight"))?;
        let sdk = r.num(&format!("/throughput/{i}/sdkPerSec"))?;
        let raw = r.num(&format!("/throughput/{i}/rawPerSec"))?;
        let note = match i {
            0 => "completed calls per second, SDK and raw in alternating rounds",
            _ if in_flight > 6.0 => {
                "HTTP/1.1: Chromium opens at most 6 connections to the server; the rest queue in the browser"
            }
            _ => "",
        };
        row(
            &format!("throughput: {in_flight} in flight"),
            format!("SDK {sdk:.0}/s, raw {raw:.0}/s (×{:.2})", sdk / raw),
            note.into(),
        );
    }

    let memory_calls = r.num("/memory/calls")?;
    row(
        "wasm memory",
        format!(
            "{} at start → {} after {memory_calls} SDK calls",
            mib(r.num("/memory/before/wasmBytes")?),
            mib(r.num("/memory/after/wasmBytes")?)
        ),
        "`WebAssembly.Memory` of the instance index.js started".into(),
    );
    let heap = |at: &str| r.num(&format!("/memory/{at}/jsHeapBytes")).map(mib);
    row(
        "JS heap in use",
        format!("{} → {}", heap("before")?, heap("after")?),
        "whole page, `performance.memory.usedJSHeapSize` after `gc()`".into(),
    );

    let mut markdown = String::from("| measure | result | notes |\n|---|---|---|\n");
    for [measure, result, note] in rows {
        markdown.push_str(&format!("| {measure} | {result} | {note} |\n"));
    }
    Ok(markdown)
}
