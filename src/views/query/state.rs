//! A query panel's settings, and their text form: Prometheus UI's URL parameters
//! (`g0.expr=...&g0.tab=0&g0.range_input=1h`), so its links open here, ours open
//! there, and the same text keeps the panels across reloads.

/// The panel's view, numbered as Prometheus's `gN.tab` (0 graph, 1 table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Graph,
    Table,
    Explain,
}

impl Tab {
    fn number(self) -> u8 {
        match self {
            Tab::Graph => 0,
            Tab::Table => 1,
            Tab::Explain => 2,
        }
    }

    fn from_number(n: &str) -> Tab {
        match n {
            "1" => Tab::Table,
            "2" => Tab::Explain,
            _ => Tab::Graph,
        }
    }
}

/// Points per graph, as Prometheus UI's resolution choices (range / N).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Low,
    Medium,
    High,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [Resolution::Low, Resolution::Medium, Resolution::High];

    pub fn points(self) -> i64 {
        match self {
            Resolution::Low => 100,
            Resolution::Medium => 250,
            Resolution::High => 750,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Resolution::Low => "low",
            Resolution::Medium => "medium",
            Resolution::High => "high",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PanelState {
    pub expr: String,
    pub tab: Tab,
    pub range_ms: i64,
    /// The graph's end (Unix ms); `None` follows the live clock.
    pub end_ms: Option<i64>,
    pub resolution: Resolution,
    pub stacked: bool,
    /// Legend template, Grafana style (`{{method}} {{path}}`); empty: the series' labels.
    pub legend: String,
}

impl Default for PanelState {
    fn default() -> PanelState {
        PanelState {
            expr: "sum by (path) (rate(http_requests_total[5m]))".into(),
            tab: Tab::Graph,
            range_ms: 3_600_000,
            end_ms: None,
            resolution: Resolution::Medium,
            stacked: false,
            legend: String::new(),
        }
    }
}

impl PanelState {
    /// The step of the graph: range / points, at least a second, whole seconds.
    pub fn step_ms(&self) -> i64 {
        ((self.range_ms / self.resolution.points()) / 1000 * 1000).max(1000)
    }
}

fn duration_text(ms: i64) -> String {
    crate::time::format_duration(ms)
}

fn parse_duration(text: &str) -> Option<i64> {
    crate::time::parse_duration_ms(text)
        .ok()
        .filter(|&ms| ms > 0)
}

/// `g0.expr=...&g0.tab=0...` for every panel (values percent-encoded by `encode`).
pub fn to_params(panels: &[PanelState], encode: impl Fn(&str) -> String) -> String {
    let mut out = Vec::new();
    for (i, p) in panels.iter().enumerate() {
        out.push(format!("g{i}.expr={}", encode(&p.expr)));
        out.push(format!("g{i}.tab={}", p.tab.number()));
        out.push(format!("g{i}.range_input={}", duration_text(p.range_ms)));
        if let Some(end) = p.end_ms {
            out.push(format!("g{i}.end_input={}", end as f64 / 1000.0));
        }
        out.push(format!("g{i}.res={}", p.resolution.name()));
        out.push(format!("g{i}.stacked={}", u8::from(p.stacked)));
        if !p.legend.is_empty() {
            out.push(format!("g{i}.legend={}", encode(&p.legend)));
        }
    }
    out.join("&")
}

/// The panels in `params` (a query string with or without `?`); unknown keys and
/// bad values are ignored, so an old or hand-edited link never breaks the page.
pub fn from_params(params: &str, decode: impl Fn(&str) -> Option<String>) -> Vec<PanelState> {
    let mut panels: Vec<(usize, PanelState)> = Vec::new();
    for pair in params.trim_start_matches('?').split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let Some((g, field)) = key.strip_prefix('g').and_then(|k| k.split_once('.')) else {
            continue;
        };
        let Ok(i) = g.parse::<usize>() else {
            continue;
        };
        if i > 16 {
            continue;
        }
        let Some(value) = decode(&value.replace('+', " ")) else {
            continue;
        };
        let slot = match panels.iter().position(|(n, _)| *n == i) {
            Some(k) => k,
            None => {
                panels.push((i, PanelState::default()));
                panels.len() - 1
            }
        };
        let p = &mut panels[slot].1;
        match field {
            "expr" => p.expr = value,
            "tab" => p.tab = Tab::from_number(&value),
            "range_input" => p.range_ms = parse_duration(&value).unwrap_or(p.range_ms),
            // Unix seconds (ours); Prometheus's date form is left to "now".
            "end_input" => p.end_ms = value.parse::<f64>().ok().map(|s| (s * 1000.0) as i64),
            "res" => {
                if let Some(r) = Resolution::ALL.into_iter().find(|r| r.name() == value) {
                    p.resolution = r;
                }
            }
            "stacked" => p.stacked = value == "1",
            "legend" => p.legend = value,
            _ => {}
        }
    }
    crate::sort::sort_by_key(&mut panels[..], |(i, _)| *i);
    panels.into_iter().map(|(_, p)| p).collect()
}
