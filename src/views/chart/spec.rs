//! What a chart shows, independent of how it is drawn: the kind, the unit of the
//! values, the series. The Query pane, the dashboard and the exposition pane build
//! a `ChartSpec`; the `Chart` component draws it.

/// The kinds of chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ChartKind {
    /// Time-series lines.
    #[default]
    Lines,
    /// Stacked areas (series summed bottom-up).
    Stacked,
    /// Histogram buckets over time (series carry `le`; values are per-bucket
    /// cumulative counts or rates, as `rate(x_bucket[5m])` gives them).
    Heatmap,
    /// The bucket distribution at the last timestamp (series carry `le`).
    Bars,
    /// One big number: the last value of the first series.
    Stat,
    /// The last value of the first series on an arc from `min` to `max`.
    Gauge,
}

/// How values are shown: the axis labels, the legend and the hover readout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    None,
    Seconds,
    Bytes,
    /// 0..1 shown as a percentage.
    Ratio,
    /// Things per second.
    PerSecond,
    /// 0..100 shown with a `%` sign (metrics named `_percent`).
    Percent,
    /// Bytes per second (`rate()` of a `_bytes_total` counter).
    BytesPerSecond,
}

/// One series: its legend name, its labels (for legend templates and isolation)
/// and its points `(unix seconds, value)` in time order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChartSeries {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub points: Vec<(f64, f64)>,
}

/// Everything a chart draws. Build it with a struct literal ending in
/// `..Default::default()` or with [`ChartSpec::new`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub unit: Unit,
    pub series: Vec<ChartSeries>,
    /// Gauge bounds (`Gauge` only; `None`: 0 and 1 for ratios, else 0 and the max seen).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// A Grafana-style legend template (`{{method}} {{path}}`); `None` or empty:
    /// each series' `name` (see [`ChartSeries::display_name`]).
    pub legend: Option<String>,
    /// Moments marked on the time axis (the run's events), for kinds with one.
    pub markers: Vec<ChartMarker>,
    /// The unit of the buckets' bounds (`le`) for Heatmap and Bars, which label
    /// their rows and bars with them (`Seconds`: `5 ms`, `2.5 s`; see
    /// [`Unit::for_buckets`]).
    pub le_unit: Unit,
}

/// A moment on the time axis, drawn as Grafana draws annotations: a dashed line
/// with a tooltip, and a shaded span when it lasts (an incident).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChartMarker {
    /// Unix seconds.
    pub t: f64,
    /// Where its span ends, Unix seconds.
    pub until: Option<f64>,
    /// The tooltip: `10:05:00 outage started (5m)`.
    pub text: String,
    /// A firing alert's span rather than a run event.
    pub alert: bool,
}

/// The run's events as chart markers.
pub fn markers(rows: &[crate::pipeline::EventRow]) -> Vec<ChartMarker> {
    rows.iter()
        .map(|row| ChartMarker {
            t: row.at_ms as f64 / 1000.0,
            until: row.until_ms.map(|ms| ms as f64 / 1000.0),
            text: format!("{} {}", row.time, row.text),
            alert: false,
        })
        .collect()
}

impl ChartMarker {
    /// Where it shows on an x axis spanning `x_range` (Unix seconds): the line's
    /// time if inside, and the span clipped to the axis if it overlaps.
    pub fn placement(&self, (x0, x1): (f64, f64)) -> (Option<f64>, Option<(f64, f64)>) {
        let line = (x0..=x1).contains(&self.t).then_some(self.t);
        let span = self
            .until
            .filter(|&until| self.t < x1 && until > x0)
            .map(|until| (self.t.max(x0), until.min(x1)));
        (line, span)
    }
}

impl ChartSpec {
    /// A spec of `kind` in `unit` over `series`, no bounds, no legend template.
    pub fn new(kind: ChartKind, unit: Unit, series: Vec<ChartSeries>) -> Self {
        ChartSpec {
            kind,
            unit,
            series,
            ..Default::default()
        }
    }

    /// The legend names of every series, in order.
    pub fn names(&self) -> Vec<String> {
        self.series
            .iter()
            .map(|s| s.display_name(self.legend.as_deref()))
            .collect()
    }
}

impl ChartSeries {
    /// The legend name: the template filled from `labels` when there is one, else
    /// `name`, else Prometheus's `name{label="value", ...}` form of `labels`.
    pub fn display_name(&self, template: Option<&str>) -> String {
        match template {
            Some(t) if !t.trim().is_empty() => super::legend::legend_name(t, &self.labels),
            _ if !self.name.is_empty() => self.name.clone(),
            _ => super::legend::prometheus_name(&self.labels),
        }
    }

    /// The value of label `name`, if present.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
