//! `crosswalk-bench`: Crosswalk's benchmarks, kept out of the test suite on
//! purpose (timed tests are flaky on shared machines; numbers belong in a
//! report a person reads). Each subcommand runs one benchmark, repeats every
//! measurement, runs its baseline side by side in the same process and the
//! same minutes, and prints a markdown fragment for docs/BENCHMARKS.md.
//!
//! ```text
//! cargo build --release -p crosswalk-cli -p crosswalk-bench
//! target/release/crosswalk-bench all      (each of the below with its defaults, under headings)
//! target/release/crosswalk-bench import   [--sizes 500,5000,50000] [--runs 3]
//! target/release/crosswalk-bench ingest   [--mib 1024] [--runs 3] [--no-drop-caches] [--cli PATH]
//! target/release/crosswalk-bench coverage [--controls 10000] [--evidence 100000] [--runs 5]
//! target/release/crosswalk-bench report   [--sizes 100,1000,10000] [--runs 3] [--cli PATH]
//! target/release/crosswalk-bench package  [--sizes 1000,10000] [--big-mib 256] [--runs 3] [--cli PATH]
//! target/release/crosswalk-bench ingest-lab [--mib 1024] [--runs 3]   (where ingest time goes)
//! target/release/crosswalk-bench oscal    [--runs 10] [--file CATALOG.json] [--venv DIR]  (vs compliance-trestle)
//! target/release/crosswalk-bench vault-ingest [--mib 1024] [--runs 3] [--cli PATH]  (encrypted vs plain vs openssl+cp)
//! target/release/crosswalk-bench env      (the machine, for the document's header)
//! ```
//!
//! Scratch data goes to `--dir DIR` (default: the system temp dir) and is
//! deleted afterwards.
mod coverage;
mod gen;
mod import;
mod ingest;
mod ingest_lab;
mod oscal;
mod package;
mod report;
mod util;
mod vault;

use std::process::ExitCode;

#[global_allocator]
static HEAP: util::heap::Counting = util::heap::Counting;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("usage: crosswalk-bench (all | import | ingest | ingest-lab | coverage | report | package | env) [options]; see the doc comment in bench/src/main.rs");
        return ExitCode::from(2);
    };
    let opts = match util::Opts::parse(rest) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let load_before = util::loadavg();
    let result = match cmd.as_str() {
        "import" => import::run(&opts),
        "ingest" => ingest::run(&opts),
        "coverage" => coverage::run(&opts),
        "report" => report::run(&opts),
        "package" => package::run(&opts),
        "coverage-once" => coverage::once(&opts),
        "ingest-lab" => ingest_lab::run(&opts),
        "oscal" => oscal::run(&opts),
        "vault-ingest" => vault::run(&opts),
        "env" => {
            println!("{}", util::machine_markdown());
            Ok(())
        }
        "all" => all(&opts),
        other => Err(format!("unknown benchmark `{other}`; use all, import, ingest, ingest-lab, oscal, coverage, report, package or env")),
    };
    if result.is_ok() && !matches!(cmd.as_str(), "env" | "coverage-once" | "all") {
        println!(
            "\n_Load average (1/5/15 min) before: {load_before}; after: {}. Measured {}._",
            util::loadavg(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
        );
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every benchmark in turn, each under a heading; one failing does not stop the others.
fn all(opts: &util::Opts) -> Result<(), String> {
    println!("### Machine\n\n{}\n", util::machine_markdown());
    type Bench = fn(&util::Opts) -> Result<(), String>;
    let benches: [(&str, Bench); 6] = [
        ("Import", import::run),
        ("Evidence ingest", ingest::run),
        ("Where ingest time goes (ingest-lab)", ingest_lab::run),
        ("Coverage", coverage::run),
        ("Reports", report::run),
        ("Auditor packages", package::run),
    ];
    let mut failed = Vec::new();
    for (name, run) in benches {
        println!("### {name}\n");
        let before = util::loadavg();
        match run(opts) {
            Ok(()) => println!(
                "\n_Load average (1/5/15 min) before: {before}; after: {}. Measured {}._\n",
                util::loadavg(),
                chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
            ),
            Err(e) => {
                eprintln!("error: {name}: {e}");
                println!("(not measured: {e})\n");
                failed.push(name);
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(", ")))
    }
}
