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
}

/// One series: its legend name, its labels (for legend templates and isolation)
/// and its points `(unix seconds, value)` in time order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChartSeries {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub unit: Unit,
    pub series: Vec<ChartSeries>,
    /// Gauge bounds (`Gauge` only; `None`: 0 and 1 for ratios, else 0 and the max seen).
    pub min: Option<f64>,
    pub max: Option<f64>,
}
