//! Counter-based randomness and portable math for the simulation.
//!
//! Every random draw comes from a [`Rng`] made fresh from `(seed, stream, tick)`:
//! what happens in one second of virtual time never depends on how the simulation
//! was advanced to get there. The generator is the crate's SplitMix64 (`crate::rng`).
//!
//! The transcendental functions of `std` (`exp`, `ln`, `sin`) are not guaranteed to
//! give the same last bits on every platform (native libm vs wasm32), so the
//! simulation uses the versions below, built only from IEEE-754 `+ - * /` and `sqrt`,
//! which are exactly rounded everywhere: the same seed gives byte-identical
//! `/metrics` bodies in the browser and in the CLI.

use crate::rng::{SplitMix64, hash};

/// Random streams, so that draws for different purposes never share numbers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stream {
    /// An instance's service, one second of virtual time.
    Service = 1,
    /// Built-in schedules (periodic outages).
    Schedule = 2,
    /// Decisions taken when an event starts (which instance goes down).
    Event = 3,
    /// The Python lab's traffic driver (requests sent to the program).
    Lab = 4,
}

/// A SplitMix64 generator keyed by what it is drawn for.
#[derive(Clone, Debug)]
pub(crate) struct Rng(SplitMix64);

impl Rng {
    pub(crate) fn from_key(seed: u64, stream: Stream, a: u64, b: i64) -> Rng {
        Rng(SplitMix64::new(hash(&[seed, stream as u64, a, b as u64])))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        self.0.uniform()
    }

    /// Uniform in (0, 1): safe for logarithms and the normal quantile.
    pub(crate) fn open_uniform(&mut self) -> f64 {
        self.0.open_uniform()
    }

    pub(crate) fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.uniform() < probability
    }

    /// A standard normal draw, by inversion (one uniform, no trigonometry): the
    /// quantile function interpolated in a table, computed exactly in the two tail cells.
    pub(crate) fn normal(&mut self) -> f64 {
        let u = self.open_uniform();
        let table = normal_table();
        let x = u * NORMAL_CELLS as f64;
        let cell = x as usize;
        if !(TAIL_CELLS..NORMAL_CELLS - TAIL_CELLS).contains(&cell) {
            return normal_quantile(u);
        }
        let fraction = x - cell as f64;
        table[cell] + fraction * (table[cell + 1] - table[cell])
    }

    /// A Poisson draw: inversion for small means, a rounded normal for large ones.
    pub(crate) fn poisson(&mut self, mean: f64) -> u64 {
        if mean.is_nan() || mean <= 0.0 {
            return 0;
        }
        if mean < 30.0 {
            let u = self.uniform();
            let mut k = 0u64;
            let mut p = exp(-mean);
            let mut cumulative = p;
            while u > cumulative && k < 1000 {
                k += 1;
                p *= mean / k as f64;
                cumulative += p;
            }
            k
        } else {
            let draw = mean + sqrt(mean) * self.normal() + 0.5;
            if draw <= 0.0 { 0 } else { draw as u64 }
        }
    }

    /// A binomial draw (`n` trials of `p`), approximated by Poisson or normal draws.
    pub(crate) fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        let mean = n as f64 * p;
        let draw = if n <= 12 {
            (0..n).filter(|_| self.chance(p)).count() as u64
        } else if mean < 20.0 {
            self.poisson(mean)
        } else if n as f64 * (1.0 - p) < 20.0 {
            n.saturating_sub(self.poisson(n as f64 * (1.0 - p)))
        } else {
            let sd = sqrt(mean * (1.0 - p));
            let value = mean + sd * self.normal() + 0.5;
            if value <= 0.0 { 0 } else { value as u64 }
        };
        draw.min(n)
    }
}

const NORMAL_CELLS: usize = 1024;
/// Cells at each end computed exactly (0.4% of draws each side).
const TAIL_CELLS: usize = 4;

/// `normal_quantile(i / NORMAL_CELLS)` for i = 0..=NORMAL_CELLS (ends unused), built once.
fn normal_table() -> &'static [f64; NORMAL_CELLS + 1] {
    static TABLE: std::sync::OnceLock<[f64; NORMAL_CELLS + 1]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0.0; NORMAL_CELLS + 1];
        for (i, value) in table.iter_mut().enumerate().take(NORMAL_CELLS).skip(1) {
            *value = normal_quantile(i as f64 / NORMAL_CELLS as f64);
        }
        table
    })
}

fn sqrt(x: f64) -> f64 {
    // IEEE-754 square root is exactly rounded on every platform.
    x.sqrt()
}

/// `1/n` for n = 0..=25 (index 0 unused), so series multiply rather than divide.
const INVERSES: [f64; 26] = {
    let mut table = [0.0; 26];
    let mut n = 1;
    while n < 26 {
        table[n] = 1.0 / n as f64;
        n += 1;
    }
    table
};

/// fdlibm's split of ln 2: `LN2_HI` has trailing zero bits, so `k * LN2_HI` is exact.
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
const LN2: f64 = std::f64::consts::LN_2;

/// `e^r` by its Taylor series, for building the table below at compile time.
const fn series_exp(r: f64) -> f64 {
    let mut term = 1.0;
    let mut n = 24;
    while n >= 1 {
        term = 1.0 + r * term / n as f64;
        n -= 1;
    }
    term
}

/// `2^(j/32)` for j = 0..32, computed by the compiler (IEEE arithmetic, no libm).
const EXP2_FRACTIONS: [f64; 32] = {
    let mut table = [0.0; 32];
    let mut j = 0;
    while j < 32 {
        table[j] = series_exp(j as f64 * LN2 / 32.0);
        j += 1;
    }
    table
};

/// `e^x`, portable (see the module docs); relative error around 1e-15.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    // x = (32m + j) ln2/32 + r, |r| <= ln2/64; e^x = 2^m · 2^(j/32) · e^r.
    let k = (x * (32.0 / LN2) + if x < 0.0 { -0.5 } else { 0.5 }) as i64;
    let r = (x - k as f64 * (LN2_HI / 32.0)) - k as f64 * (LN2_LO / 32.0);
    let mut series = 1.0;
    for inverse in INVERSES[1..=6].iter().rev() {
        series = 1.0 + r * series * inverse;
    }
    scale_by_power_of_two(EXP2_FRACTIONS[(k & 31) as usize] * series, k >> 5)
}

fn scale_by_power_of_two(mut value: f64, mut k: i64) -> f64 {
    while k > 1000 {
        value *= f64::from_bits(((1023 + 1000) as u64) << 52);
        k -= 1000;
    }
    while k < -1000 {
        value *= f64::from_bits(((1023 - 1000) as u64) << 52);
        k += 1000;
    }
    value * f64::from_bits(((1023 + k) as u64) << 52)
}

/// Natural logarithm, portable (see the module docs); NaN for negative input.
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut mantissa, mut exponent) = split_exponent(x);
    if mantissa > std::f64::consts::SQRT_2 {
        mantissa /= 2.0;
        exponent += 1;
    }
    // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
    let s = (mantissa - 1.0) / (mantissa + 1.0);
    let s2 = s * s;
    let mut series = 0.0;
    for n in (0..=12).rev() {
        series = INVERSES[2 * n + 1] + s2 * series;
    }
    2.0 * s * series + exponent as f64 * LN2
}

/// `x = m * 2^e` with m in [1, 2) (subnormals scaled up first).
fn split_exponent(x: f64) -> (f64, i64) {
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * (1u64 << 54) as f64, -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7FF) as i64 - 1023;
    let mantissa = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | (1023u64 << 52));
    (mantissa, exponent + bias)
}

/// `sin(2π · turns)`, portable (see the module docs).
pub(crate) fn sin_turns(turns: f64) -> f64 {
    // Reduce to [-0.5, 0.5) turns, then use symmetry to reach [-0.25, 0.25].
    let mut t = turns - (turns + 0.5).floor();
    if t > 0.25 {
        t = 0.5 - t;
    } else if t < -0.25 {
        t = -0.5 - t;
    }
    let x = t * std::f64::consts::TAU;
    let x2 = x * x;
    // Taylor series of sin x for |x| <= π/2, Horner form.
    let mut series = 1.0;
    for n in (1..=11).rev() {
        series = 1.0 - x2 * series / ((2 * n) * (2 * n + 1)) as f64;
    }
    x * series
}

/// The standard normal quantile (inverse CDF), by Acklam's rational approximation
/// (relative error below 1.2e-9, ample for simulated latencies).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(sqrt(-2.0 * ln(p)))
    } else if p > 1.0 - LOW {
        -tail(sqrt(-2.0 * ln(1.0 - p)))
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_math_matches_std_closely() {
        for i in -400..=400 {
            let x = i as f64 * 0.37;
            let (ours, theirs) = (exp(x), x.exp());
            assert!(((ours - theirs) / theirs).abs() < 1e-14, "exp({x})");
        }
        for i in 1..=2000 {
            let x = i as f64 * 0.0137 + 1e-9 * i as f64;
            for v in [x, 1.0 / x, x * 1e100, x * 1e-300] {
                assert!(
                    (ln(v) - v.ln()).abs() < 1e-13 * v.ln().abs().max(1.0),
                    "ln({v})"
                );
            }
        }
        for i in -500..=500 {
            let t = i as f64 * 0.0123;
            let expected = (t * std::f64::consts::TAU).sin();
            assert!((sin_turns(t) - expected).abs() < 1e-13, "sin_turns({t})");
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn normal_quantile_is_symmetric_and_sane() {
        assert!(normal_quantile(0.5).abs() < 1e-12);
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-7);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-7);
    }

    #[test]
    fn table_normal_is_close_to_the_exact_quantile() {
        let mut a = Rng::from_key(3, Stream::Service, 0, 0);
        let mut b = a.clone();
        for _ in 0..10_000 {
            let table = a.normal();
            let exact = normal_quantile(b.open_uniform());
            assert!((table - exact).abs() < 2e-3, "{table} {exact}");
        }
    }

    #[test]
    fn draws_depend_only_on_their_key() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::from_key(7, Stream::Service, 1, 99).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::from_key(7, Stream::Service, 1, 99).next_u64(),
            Rng::from_key(7, Stream::Service, 1, 100).next_u64()
        );
        assert_ne!(
            Rng::from_key(7, Stream::Service, 1, 99).next_u64(),
            Rng::from_key(8, Stream::Service, 1, 99).next_u64()
        );
    }

    #[test]
    fn poisson_and_binomial_have_the_right_means() {
        let mut rng = Rng::from_key(1, Stream::Service, 0, 0);
        for mean in [0.3, 4.0, 25.0, 80.0] {
            let total: u64 = (0..20_000).map(|_| rng.poisson(mean)).sum();
            let average = total as f64 / 20_000.0;
            assert!(
                (average - mean).abs() < 0.05 * mean + 0.02,
                "{mean}: {average}"
            );
        }
        for (n, p) in [(5, 0.3), (100, 0.02), (1000, 0.5), (200, 0.95)] {
            let total: u64 = (0..20_000).map(|_| rng.binomial(n, p)).sum();
            let average = total as f64 / 20_000.0;
            let mean = n as f64 * p;
            assert!(
                (average - mean).abs() < 0.05 * mean + 0.02,
                "{n},{p}: {average}"
            );
            assert!((0..1000).all(|_| rng.binomial(n, p) <= n));
        }
    }
}
