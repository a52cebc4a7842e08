//! Chart colours come from the page's CSS custom properties, so a chart always
//! matches the theme it is drawn in.

use plotters::style::RGBColor;

use crate::ui::theme::Mode;

/// The colours a chart needs.
#[derive(Clone, Debug)]
pub struct Palette {
    pub background: RGBColor,
    pub foreground: RGBColor,
    pub grid: RGBColor,
    pub series: Vec<RGBColor>,
    /// A sequential scale, low to high (heatmap cells), read from `--chart-heat-1..3`.
    pub heat: Vec<RGBColor>,
}

impl Palette {
    /// Fallback colours when CSS is missing (e.g. in a bare test page).
    pub fn default_for(mode: Mode) -> Self {
        let series = vec![
            RGBColor(0x1f, 0x77, 0xb4),
            RGBColor(0xe6, 0x55, 0x0d),
            RGBColor(0x2c, 0xa0, 0x2c),
            RGBColor(0xd6, 0x27, 0x28),
            RGBColor(0x94, 0x67, 0xbd),
            RGBColor(0x8c, 0x56, 0x4b),
        ];
        match mode {
            Mode::Light => Palette {
                background: RGBColor(0xff, 0xff, 0xff),
                foreground: RGBColor(0x22, 0x26, 0x2e),
                grid: RGBColor(0xe3, 0xe6, 0xeb),
                series,
                heat: vec![
                    RGBColor(0xfe, 0xe6, 0xce),
                    RGBColor(0xfd, 0x8d, 0x3c),
                    RGBColor(0xa6, 0x36, 0x03),
                ],
            },
            Mode::Dark => Palette {
                background: RGBColor(0x18, 0x1b, 0x21),
                foreground: RGBColor(0xd8, 0xdc, 0xe3),
                grid: RGBColor(0x30, 0x35, 0x3e),
                series,
                heat: vec![
                    RGBColor(0x4a, 0x25, 0x10),
                    RGBColor(0xd9, 0x5f, 0x0e),
                    RGBColor(0xfe, 0xe3, 0x91),
                ],
            },
        }
    }

    /// Reads `--chart-bg`, `--chart-fg`, `--chart-grid` and `--chart-series-N` from `el`'s
    /// computed style, falling back to the defaults for `mode` (light when unknown).
    pub fn from_element(el: &web_sys::Element, mode: Option<Mode>) -> Self {
        let mut palette = Palette::default_for(mode.unwrap_or(Mode::Light));
        let Some(style) = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten())
        else {
            return palette;
        };
        let read = |name: &str| {
            style
                .get_property_value(name)
                .ok()
                .and_then(|v| parse_hex_color(&v))
        };
        if let Some(c) = read("--chart-bg") {
            palette.background = c;
        }
        if let Some(c) = read("--chart-fg") {
            palette.foreground = c;
        }
        if let Some(c) = read("--chart-grid") {
            palette.grid = c;
        }
        for (i, slot) in palette.series.iter_mut().enumerate() {
            if let Some(c) = read(&format!("--chart-series-{}", i + 1)) {
                *slot = c;
            }
        }
        for (i, slot) in palette.heat.iter_mut().enumerate() {
            if let Some(c) = read(&format!("--chart-heat-{}", i + 1)) {
                *slot = c;
            }
        }
        palette
    }

    /// The colour of the `i`th series, cycling.
    pub fn series_color(&self, i: usize) -> RGBColor {
        self.series[i % self.series.len()]
    }

    /// The sequential scale at `f` in 0..=1 (clamped), interpolated between the stops.
    pub fn heat_color(&self, f: f64) -> RGBColor {
        let stops = &self.heat;
        match stops.len() {
            0 => self.series_color(0),
            1 => stops[0],
            n => {
                let f = if f.is_finite() {
                    f.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let pos = f * (n - 1) as f64;
                let i = (pos.floor() as usize).min(n - 2);
                let t = pos - i as f64;
                let (a, b) = (stops[i], stops[i + 1]);
                let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
                RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
            }
        }
    }
}

/// Parses `#rgb` or `#rrggbb` (surrounding whitespace allowed).
pub fn parse_hex_color(s: &str) -> Option<RGBColor> {
    let hex = s.trim().strip_prefix('#')?;
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [r, g, b] => Some(RGBColor(r * 17, g * 17, b * 17)),
        [r1, r2, g1, g2, b1, b2] => Some(RGBColor(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
        _ => None,
    }
}
