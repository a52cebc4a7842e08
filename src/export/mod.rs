//! Export (issue 18): the run as the real stack a tutorial ends with. A folder
//! with the scenario's Python program (or the lab's edited one) and
//! `prometheus_client`, Prometheus scraping it with the run's interval, the run's
//! rule file and `alertmanager.yml`, Alertmanager, and Grafana provisioned with
//! Prometheus as its data source and the Dashboard pane's dashboard, started by
//! one `docker compose up`. Browser-free: the page zips these files, the CLI
//! (`promplay export`) writes them.
//!
//! The compose services are named after the run's instances (`api-1`, ...), so
//! Prometheus scrapes the same `instance` labels the playground shows, and every
//! query, rule and panel carries over unchanged.

mod archive;
mod compose;
mod grafana;
mod program;
mod prometheus;
mod readme;

use crate::alertmanager;
use crate::pipeline::Pipeline;
use crate::rules::file::parse_rule_file;
use crate::sim::{SimConfig, Simulation, TargetSpec};
use crate::views::dashboard::model::Dashboard;

pub use archive::zip;
pub use program::{Program, Requirement};

/// The images the stack runs, pinned: Prometheus and Alertmanager are the
/// versions promplay compares itself with.
pub const PROMETHEUS_IMAGE: &str = "prom/prometheus:v2.42.0";
pub const ALERTMANAGER_IMAGE: &str = "prom/alertmanager:v0.25.0";
pub const GRAFANA_IMAGE: &str = "grafana/grafana:10.4.2";
pub const PUSHGATEWAY_IMAGE: &str = "prom/pushgateway:v1.6.0";
pub const PYTHON_IMAGE: &str = "python:3.12-slim";

/// What to export: the run's scenario and settings and the texts as edited.
#[derive(Clone, Debug)]
pub struct ExportSpec {
    pub scenario: String,
    pub instances: usize,
    pub scrape_interval_ms: i64,
    /// The Python lab's program as edited; `None`: the scenario's own.
    pub program: Option<String>,
    /// The rule file's text.
    pub rules: String,
    /// `alertmanager.yml`'s text.
    pub alertmanager: String,
    pub dashboard: Dashboard,
}

/// One file of the export, by its path in the folder.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportFile {
    pub path: String,
    pub contents: String,
}

/// Where things are in the folder (the compose file mounts these).
pub mod paths {
    pub const COMPOSE: &str = "docker-compose.yml";
    pub const PROMETHEUS: &str = "prometheus/prometheus.yml";
    pub const RULES: &str = "prometheus/rules.yml";
    pub const ALERTMANAGER: &str = "alertmanager/alertmanager.yml";
    pub const DATASOURCE: &str = "grafana/provisioning/datasources/prometheus.yml";
    pub const DASHBOARD_PROVIDER: &str = "grafana/provisioning/dashboards/promplay.yml";
    pub const DASHBOARD: &str = "grafana/dashboards/promplay.json";
    pub const APP_DIR: &str = "app";
    pub const README: &str = "README.md";
}

/// The stack as files, or why the texts cannot be exported (a rule file or
/// `alertmanager.yml` Prometheus or Alertmanager would refuse, with its line).
pub fn export(spec: &ExportSpec) -> Result<Vec<ExportFile>, String> {
    if let Err(errors) = parse_rule_file(&spec.rules, false) {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        return Err(format!("the rule file: {first}"));
    }
    alertmanager::config::parse(&spec.alertmanager)
        .map_err(|e| format!("alertmanager.yml: {e}"))?;
    let stack = Stack::new(spec)?;
    let mut files = vec![
        file(paths::COMPOSE, compose::compose(&stack)),
        file(paths::PROMETHEUS, prometheus::config(&stack)),
        file(paths::RULES, spec.rules.clone()),
        file(paths::ALERTMANAGER, spec.alertmanager.clone()),
        file(paths::DATASOURCE, grafana::datasource()),
        file(paths::DASHBOARD_PROVIDER, grafana::dashboard_provider()),
        file(
            paths::DASHBOARD,
            grafana::dashboard(&spec.dashboard, &stack),
        ),
    ];
    files.extend(
        compose::app_files(&stack)
            .into_iter()
            .map(|(name, contents)| file(&format!("{}/{name}", paths::APP_DIR), contents)),
    );
    files.push(file(paths::README, readme::readme(&stack)));
    Ok(files)
}

/// What the page exports: the run as it stands now, with the Dashboard pane's
/// dashboard for its scenario.
pub fn spec_of(pipeline: &Pipeline, dashboard: Dashboard) -> ExportSpec {
    let run = pipeline.run();
    let settings = pipeline.settings();
    ExportSpec {
        scenario: run.scenario.clone(),
        instances: settings.instances,
        scrape_interval_ms: settings.interval_ms,
        program: pipeline
            .lab_program()
            .and_then(|n| run.programs.get(n))
            .cloned(),
        rules: pipeline.rules_text(),
        alertmanager: pipeline.alertmanager_text(),
        dashboard,
    }
}

fn file(path: &str, contents: String) -> ExportFile {
    ExportFile {
        path: path.to_string(),
        contents,
    }
}

/// What the generators share: the scenario, its program and its scrape targets.
pub(crate) struct Stack<'a> {
    pub spec: &'a ExportSpec,
    pub title: &'static str,
    pub program: Program,
    /// The run's scrape targets, as the playground names them.
    pub targets: Vec<TargetSpec>,
}

impl<'a> Stack<'a> {
    fn new(spec: &'a ExportSpec) -> Result<Stack<'a>, String> {
        let mut config = SimConfig::new(&spec.scenario, 1, 0);
        config.instances = spec.instances.max(1);
        let simulation = Simulation::new(config).map_err(|e| e.to_string())?;
        let own = simulation.python_source();
        let program = match &spec.program {
            Some(code) => Program::read(own.file_name, code),
            None => Program::read(own.file_name, own.code),
        };
        // An edited program may serve `/metrics` on another port than the scenario's.
        let mut targets = simulation.targets();
        if let Some(port) = program.metrics_port {
            for target in targets.iter_mut().filter(|t| !t.honor_labels) {
                target.instance = format!("{}:{port}", Stack::host_of(target));
            }
        }
        Ok(Stack {
            spec,
            title: simulation.scenario().title,
            program,
            targets,
        })
    }

    /// Whether the program pushes to a Pushgateway (a batch job) instead of being scraped.
    pub fn pushes(&self) -> bool {
        self.targets.iter().any(|t| t.honor_labels)
    }

    /// The compose service (and host name) behind a target: its instance's host.
    pub fn host_of(target: &TargetSpec) -> &str {
        target
            .instance
            .rsplit_once(':')
            .map_or(target.instance.as_str(), |(host, _)| host)
    }
}

/// The stack's name: the compose project, the Grafana dashboard's uid and the
/// page's zip folder (`promplay-course-catalog`).
pub fn stack_name(scenario: &str) -> String {
    format!("promplay-{}", scenario.replace('_', "-"))
}

/// YAML's double-quoted scalar, which JSON's string syntax is a subset of.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
