//! The run settings and clock speed, kept in storage so a reload brings back the
//! same service. A plain `key=value;…` text: unknown or broken values fall back to
//! the defaults one by one, so an old saved state never breaks the page.

use super::{RunSettings, SPEEDS};
use crate::ui::storage;

const KEY: &str = "run";

pub fn encode(settings: &RunSettings, speed: u32) -> String {
    let c = &settings.controls;
    format!(
        "scenario={};seed={};instances={};interval_ms={};traffic={};errors={};latency={};speed={}",
        settings.scenario,
        settings.seed,
        settings.instances,
        settings.interval_ms,
        c.traffic_rate,
        c.error_ratio,
        c.latency_multiplier,
        speed
    )
}

pub fn decode(text: &str) -> (RunSettings, u32) {
    let mut settings = RunSettings::default();
    let mut speed = 1;
    let known_scenario = |name: &str| crate::sim::scenarios().iter().any(|s| s.name == name);
    // The scenario first: its defaults are the base the other values change.
    if let Some(name) = text.split(';').find_map(|kv| kv.strip_prefix("scenario="))
        && known_scenario(name)
    {
        settings.scenario = name.to_string();
        settings.controls = crate::sim::Controls::for_scenario(name);
    }
    for (key, value) in text.split(';').filter_map(|kv| kv.split_once('=')) {
        let number = value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0);
        match (key, number) {
            ("seed", Some(v)) => settings.seed = v as u64,
            ("instances", Some(v)) if (1.0..=10.0).contains(&v) => settings.instances = v as usize,
            ("interval_ms", Some(v)) if v >= 1000.0 => settings.interval_ms = v as i64,
            ("traffic", Some(v)) => settings.controls.traffic_rate = v,
            ("errors", Some(v)) if v <= 1.0 => settings.controls.error_ratio = v,
            ("latency", Some(v)) if v > 0.0 => settings.controls.latency_multiplier = v,
            ("speed", Some(v)) if SPEEDS.contains(&(v as u32)) => speed = v as u32,
            _ => {}
        }
    }
    (settings, speed)
}

pub fn load() -> (RunSettings, u32) {
    storage::load(KEY)
        .map(|text| decode(&text))
        .unwrap_or_else(|| (RunSettings::default(), 1))
}

pub fn save(settings: &RunSettings, speed: u32) {
    storage::save(KEY, &encode(settings, speed));
}
