//! Kahan-Neumaier summation, as Prometheus's `util/kahansum`: PromQL's sums and
//! means and native histograms' additions use the one step here.

/// One step: adds `inc` to `sum` with compensation `c`; returns the new sum and
/// compensation. The final value is `sum + c` (unless the sum overflowed).
pub fn inc(inc: f64, sum: f64, c: f64) -> (f64, f64) {
    let t = sum + inc;
    let c = if t.is_infinite() {
        0.0
    } else if sum.abs() >= inc.abs() {
        c + ((sum - t) + inc)
    } else {
        c + ((inc - t) + sum)
    };
    (t, c)
}
