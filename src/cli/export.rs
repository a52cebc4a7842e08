//! `promplay export`: the run's stack as a folder to `docker compose up` (see
//! `crate::export`): the scenario's program (or yours), Prometheus with its rule
//! file, Alertmanager and Grafana with the dashboard.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::alertmanager::defaults::DEFAULT_CONFIG;
use crate::export::{ExportSpec, export};
use crate::rules::defaults::default_rules;
use crate::time::parse_duration_ms;
use crate::views::dashboard::defaults::default_dashboard;
use crate::views::dashboard::model::decode;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The scenario (as `simulate --scenario`).
    #[arg(long)]
    scenario: String,
    /// Instances of the service (default: the scenario's).
    #[arg(long)]
    instances: Option<usize>,
    /// The scrape (and rule evaluation) interval.
    #[arg(long, default_value = "15s")]
    scrape_interval: String,
    /// A Python program to run instead of the scenario's own (the Python lab's).
    #[arg(long)]
    program: Option<PathBuf>,
    /// The rule file (default: the scenario's tutorial rules).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// `alertmanager.yml` (default: the playground's).
    #[arg(long)]
    alertmanager: Option<PathBuf>,
    /// A dashboard in the Dashboard pane's saved form (default: the scenario's).
    #[arg(long)]
    dashboard: Option<PathBuf>,
    /// The folder to write (created; files in it are replaced).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: ExportArgs) -> ExitCode {
    match write(&args) {
        Ok(count) => {
            println!("wrote {count} files to {}", args.out.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("export: {message}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(args: &ExportArgs) -> Result<usize, String> {
    let Some(info) = crate::sim::scenarios()
        .iter()
        .find(|s| s.name == args.scenario)
    else {
        let names: Vec<&str> = crate::sim::scenarios().iter().map(|s| s.name).collect();
        return Err(format!(
            "unknown scenario {:?} (one of {})",
            args.scenario,
            names.join(", ")
        ));
    };
    let scrape_interval_ms =
        parse_duration_ms(&args.scrape_interval).map_err(|e| format!("--scrape-interval: {e}"))?;
    let dashboard = match &args.dashboard {
        Some(path) => decode(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
        None => default_dashboard(info.name),
    };
    let spec = ExportSpec {
        scenario: info.name.to_string(),
        instances: args
            .instances
            .unwrap_or_else(|| crate::sim::SimConfig::new(info.name, 1, 0).instances),
        scrape_interval_ms,
        program: args.program.as_deref().map(read).transpose()?,
        rules: match &args.rules {
            Some(path) => read(path)?,
            None => default_rules(info.name),
        },
        alertmanager: match &args.alertmanager {
            Some(path) => read(path)?,
            None => DEFAULT_CONFIG.to_string(),
        },
        dashboard,
    };
    let files = export(&spec)?;
    for file in &files {
        let path = args.out.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(files.len())
}
