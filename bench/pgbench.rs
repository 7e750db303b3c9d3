//! Running pgbench scripts the way PostgREST runs requests (a transaction that sets the role and
//! the JWT claims, then the statement), and reading its figures.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use crate::support::pg::Database;

/// A pgbench script of one PostgREST-style request per transaction, as the user whose number
/// pgbench draws in `\set uid` (see [`user_id`]).
pub fn request(statement: &str, uid: &str) -> String {
    format!(
        "{uid}\nbegin;\nselect set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{{\"sub\":\"{USER_PREFIX}' || lpad(:uid::text, 12, '0') || '\",\"role\":\"authenticated\"}}', true);\n{statement};\ncommit;\n"
    )
}

/// Users are `00000000-0000-4000-8000-<n, 12 digits>`.
pub const USER_PREFIX: &str = "00000000-0000-4000-8000-";

pub fn user_id(n: u32) -> String {
    format!("{USER_PREFIX}{n:012}")
}

/// What one pgbench run measured.
pub struct Run {
    pub tps: f64,
    /// Latency of each transaction but each client's first, ms, sorted (when logged).
    pub latencies: Vec<f64>,
    pub latency_average: f64,
}

impl Run {
    /// The `q`-quantile (0.5, 0.99) of the logged latencies, ms.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.latencies.len();
        assert!(n > 0, "no transaction was logged");
        let index = ((n as f64 * q).ceil() as usize).clamp(1, n) - 1;
        self.latencies[index]
    }
}

/// Runs `script` with `args` (clients, duration, rate, ...), logging every transaction into
/// `dir`; panics with pgbench's output if it fails or any transaction failed.
pub fn run(db: &Database<'_>, dir: &Path, name: &str, script: &str, args: &[&str]) -> Run {
    let file = dir.join(format!("{name}.sql"));
    std::fs::write(&file, script).expect("write the pgbench script");
    let prefix = dir.join(name);
    let mut all = vec![
        "-M".to_string(),
        "prepared".to_string(),
        "-f".to_string(),
        file.display().to_string(),
        "-l".to_string(),
        format!("--log-prefix={}", prefix.display()),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    let words: Vec<&str> = all.iter().map(String::as_str).collect();
    let out = db
        .pgbench(&words, Duration::from_secs(600))
        .unwrap_or_else(|e| panic!("pgbench {name}: {e}"));
    let number = |label: &str| -> f64 {
        out.lines()
            .find_map(|line| line.strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("pgbench {name}: no `{label}` in:\n{out}"))
    };
    let failed = out
        .lines()
        .find_map(|line| line.strip_prefix("number of failed transactions: "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("0");
    assert_eq!(failed, "0", "pgbench {name}: transactions failed:\n{out}");
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the log folder") {
        let path = entry.expect("entry").path();
        let logged = path
            .file_name()
            .and_then(|f| f.to_str())
            .is_some_and(|f| f.starts_with(&format!("{name}.")) && !f.ends_with(".sql"));
        if !logged {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a pgbench log");
        // `client transaction latency_us script epoch us [lag_us]`. Each client's first
        // transaction is left out: pgbench opens a new connection per client, whose first call
        // plans every statement of the functions it runs, while PostgREST's pooled connections
        // have planned them long before (the run before warms the server's other caches).
        latencies.extend(text.lines().filter_map(|line| {
            let mut fields = line.split_whitespace();
            let transaction = fields.nth(1)?;
            if transaction == "0" {
                return None;
            }
            fields
                .next()
                .and_then(|us| us.parse::<f64>().ok())
                .map(|us| us / 1000.0)
        }));
        std::fs::remove_file(&path).expect("remove a pgbench log");
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    Run {
        tps: number("tps = "),
        latency_average: number("latency average = "),
        latencies,
    }
}

/// The median of some figures.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

pub fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0} ms")
    } else if value >= 1.0 {
        format!("{value:.2} ms")
    } else {
        format!("{value:.3} ms")
    }
}
