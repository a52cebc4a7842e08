//! Fewer points than pixels: per pixel column keep the lowest and the highest point
//! (in time order), so spikes survive however many samples share a column.

/// Reduces time-ordered `points` to at most two per column when there are more than
/// two per column on average (`columns` columns spanning the points' first to last
/// time); otherwise returns them unchanged. Non-finite values are kept where they
/// are, so lines still break at gaps.
pub fn downsample(points: &[(f64, f64)], columns: usize) -> Vec<(f64, f64)> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns {
        return points.to_vec();
    }
    let x0 = points.first().map_or(0.0, |p| p.0);
    let x1 = points.last().map_or(0.0, |p| p.0);
    let width = x1 - x0;
    if !(width.is_finite() && width > 0.0) {
        return points.to_vec();
    }
    let column_of = |x: f64| (((x - x0) / width * columns as f64) as usize).min(columns - 1);
    let mut out = Vec::with_capacity(2 * columns + 2);
    // The current column's lowest and highest finite points, by index.
    let mut current: Option<(usize, usize, usize)> = None; // (column, min index, max index)
    let flush = |out: &mut Vec<(f64, f64)>, c: Option<(usize, usize, usize)>| {
        if let Some((_, lo, hi)) = c {
            if lo == hi {
                out.push(points[lo]);
            } else {
                out.push(points[lo.min(hi)]);
                out.push(points[lo.max(hi)]);
            }
        }
    };
    for (i, &(x, y)) in points.iter().enumerate() {
        if !y.is_finite() {
            flush(&mut out, current.take());
            out.push((x, y));
            continue;
        }
        let col = column_of(x);
        match current {
            Some((c, lo, hi)) if c == col => {
                let lo = if y < points[lo].1 { i } else { lo };
                let hi = if y > points[hi].1 { i } else { hi };
                current = Some((c, lo, hi));
            }
            _ => {
                flush(&mut out, current.take());
                current = Some((col, i, i));
            }
        }
    }
    flush(&mut out, current);
    out
}
