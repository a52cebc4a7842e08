//! What a chart shows, browser-free: the spec (kind, unit, series, legend template,
//! markers), units guessed from queries and numbers formatted in them, legend names,
//! axis ticks (round times and values, labels that tell them apart),
//! downsampling, stacking, histogram buckets, hover lookup and legend isolation, and
//! the CSV export. `ui::chart` draws it on a canvas.

mod axis;
mod buckets;
mod downsample;
mod export;
mod hover;
mod legend;
mod native;
mod spec;
mod stack;
mod units;
mod values;

pub use axis::{Tick, bound_labels, time_step, time_ticks, value_ticks};
pub use buckets::{Buckets, buckets, heat_fraction, last_distribution, parse_le};
pub use downsample::downsample;
pub use export::{file_name, to_csv};
pub use hover::{
    Hover, HoverRow, hover_at, is_visible, nearest_index, toggle_isolation, visibility,
};
pub use legend::{legend_name, prometheus_name};
pub use native::{MAX_ROWS as NATIVE_MAX_ROWS, native_bucket_series};
pub use spec::{ChartKind, ChartMarker, ChartSeries, ChartSpec, Unit, markers};
pub use stack::{Stack, stack};
pub use units::short as format_short;
pub use values::{
    break_gaps, finite_runs, format_clock, gauge_fraction, gauge_range, last_value, time_grid,
};
