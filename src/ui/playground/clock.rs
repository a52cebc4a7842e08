//! The virtual clock the page runs the simulation on: paused or running at 1×, 10×,
//! 60× or 600× wall time.

/// The speeds the clock offers (0: paused).
pub const SPEEDS: [u32; 5] = [0, 1, 10, 60, 600];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VirtualClock {
    /// Virtual time now, ms since 1970.
    pub now_ms: i64,
    /// Virtual seconds per wall second; 0 is paused.
    pub speed: u32,
}

impl VirtualClock {
    /// Advances by `wall_ms` of wall time at the current speed; returns the new time.
    /// A long gap (a hidden tab) advances at most `max_wall_ms`, so the page catches
    /// up in bounded work rather than all at once.
    pub fn tick(&mut self, wall_ms: f64, max_wall_ms: f64) -> i64 {
        let wall = wall_ms.clamp(0.0, max_wall_ms);
        self.now_ms += (wall * self.speed as f64).round() as i64;
        self.now_ms
    }

    pub fn label(speed: u32) -> String {
        if speed == 0 {
            "pause".to_string()
        } else {
            format!("{speed}×")
        }
    }
}
