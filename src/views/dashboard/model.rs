//! What a dashboard is, as data: a title and panels (query, chart kind, legend
//! template, unit), and its saved text form. No web APIs here, so the browser
//! tests can check the logic directly.
//!
//! The saved form is line based, one `key value` per line, after a version line:
//!
//! ```text
//! promplay-dashboard 1
//! title Four golden signals: HTTP API
//! panel Requests per second, by path
//! query sum by (path) (rate(http_requests_total[$__rate_interval]))
//! kind lines
//! legend {{path}}
//! unit per_second
//! ```
//!
//! `panel` starts a panel; `query`, `kind`, `legend` and `unit` describe the
//! panel above them (missing ones take the defaults of [`Panel::new`]). Values are
//! escaped so a value is always one line: `\\` for a backslash, `\n` for a newline.
//! Anything else (another version, an unknown key or value) makes the whole text
//! unreadable, and the page falls back to the default dashboard rather than
//! showing half of a dashboard it misread.

use crate::views::chart::{ChartKind, Unit};

/// The first line of the saved form; a new layout gets a new number.
pub const FORMAT_HEADER: &str = "promplay-dashboard 1";

#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub title: String,
    pub panels: Vec<Panel>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub title: String,
    /// PromQL, with Grafana's `$__rate_interval`, `$__interval` and `$__range`.
    pub query: String,
    pub kind: ChartKind,
    /// Grafana legend template (`{{path}} {{status}}`); `None`: the series' labels.
    pub legend: Option<String>,
    pub unit: Unit,
}

impl Panel {
    /// A panel with the defaults of the saved form: lines, no legend template, no unit.
    pub fn new(title: &str, query: &str) -> Panel {
        Panel {
            title: title.to_string(),
            query: query.to_string(),
            kind: ChartKind::Lines,
            legend: None,
            unit: Unit::None,
        }
    }

    pub fn kind(mut self, kind: ChartKind) -> Panel {
        self.kind = kind;
        self
    }

    pub fn legend(mut self, template: &str) -> Panel {
        self.legend = Some(template.to_string());
        self
    }

    pub fn unit(mut self, unit: Unit) -> Panel {
        self.unit = unit;
        self
    }
}

/// Every chart kind with its saved name and its label in the editor.
pub const KINDS: [(ChartKind, &str, &str); 6] = [
    (ChartKind::Lines, "lines", "Lines"),
    (ChartKind::Stacked, "stacked", "Stacked areas"),
    (ChartKind::Heatmap, "heatmap", "Heatmap"),
    (ChartKind::Bars, "bars", "Bars (last value)"),
    (ChartKind::Stat, "stat", "Stat (last value)"),
    (ChartKind::Gauge, "gauge", "Gauge (last value)"),
];

/// Every unit with its saved name and its label in the editor.
pub const UNITS: [(Unit, &str, &str); 5] = [
    (Unit::None, "none", "None"),
    (Unit::Seconds, "seconds", "Seconds"),
    (Unit::Bytes, "bytes", "Bytes"),
    (Unit::Ratio, "ratio", "Ratio (0–1 as %)"),
    (Unit::PerSecond, "per_second", "Per second"),
];

pub fn kind_name(kind: ChartKind) -> &'static str {
    KINDS.iter().find(|k| k.0 == kind).map_or("lines", |k| k.1)
}

pub fn kind_from_name(name: &str) -> Option<ChartKind> {
    KINDS.iter().find(|k| k.1 == name).map(|k| k.0)
}

pub fn unit_name(unit: Unit) -> &'static str {
    UNITS.iter().find(|u| u.0 == unit).map_or("none", |u| u.1)
}

pub fn unit_from_name(name: &str) -> Option<Unit> {
    UNITS.iter().find(|u| u.1 == name).map(|u| u.0)
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            other => return Err(format!("bad escape \\{}", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

/// The saved form of `dashboard` (see the module comment).
pub fn encode(dashboard: &Dashboard) -> String {
    let mut out = format!("{FORMAT_HEADER}\ntitle {}\n", escape(&dashboard.title));
    for p in &dashboard.panels {
        out.push_str(&format!("panel {}\n", escape(&p.title)));
        out.push_str(&format!("query {}\n", escape(&p.query)));
        out.push_str(&format!("kind {}\n", kind_name(p.kind)));
        if let Some(legend) = &p.legend {
            out.push_str(&format!("legend {}\n", escape(legend)));
        }
        out.push_str(&format!("unit {}\n", unit_name(p.unit)));
    }
    out
}

/// Reads a saved form; any line it does not understand makes the whole text an error.
pub fn decode(text: &str) -> Result<Dashboard, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim_end() == FORMAT_HEADER => {}
        _ => return Err(format!("the first line is not {FORMAT_HEADER:?}")),
    }
    let mut dashboard = Dashboard {
        title: String::new(),
        panels: Vec::new(),
    };
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let (key, raw) = line.split_once(' ').unwrap_or((line, ""));
        let value = unescape(raw).map_err(|e| format!("line {}: {e}", i + 1))?;
        let unknown = || format!("line {}: unknown {key} {value:?}", i + 1);
        if key == "title" {
            dashboard.title = value;
            continue;
        }
        if key == "panel" {
            dashboard.panels.push(Panel::new(&value, ""));
            continue;
        }
        let panel = dashboard
            .panels
            .last_mut()
            .ok_or_else(|| format!("line {}: {key} before any panel", i + 1))?;
        match key {
            "query" => panel.query = value,
            "kind" => panel.kind = kind_from_name(&value).ok_or_else(unknown)?,
            "legend" => panel.legend = Some(value),
            "unit" => panel.unit = unit_from_name(&value).ok_or_else(unknown)?,
            _ => return Err(unknown()),
        }
    }
    Ok(dashboard)
}

/// Fills a Grafana legend template (`{{path}}`, `{{ status }}`) from a series'
/// labels; a label the series lacks becomes empty, as in Grafana.
pub fn apply_legend<'a>(template: &str, label: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..open + 2 + close].trim();
        out.push_str(label(name).unwrap_or(""));
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}
