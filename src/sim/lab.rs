//! The Python lab's traffic driver: the requests a scenario's real Python program
//! is sent, drawn as the Rust services draw theirs (the same controls, daily curve,
//! outages and slow releases, the same counter-based randomness), so a lab run is
//! as reproducible as a simulated one. The program itself runs in the page's
//! Python worker; this only says what to ask it and when.
//!
//! Each second of virtual time gets a Poisson number of requests, spread over the
//! second, each to one of the scenario's routes (by weight) with a concrete path.
//! A request may carry a fault (the handler raises: a 500) at the error ratio, and
//! a `slow` factor that multiplies its `time.sleep`s. Batch jobs are started by
//! "cron" instead. A plan for `(from, to]` is the same however the span is cut.

use super::controls::{
    Conditions, Controls, EventKind, daily_factor, instance_skew, minute_wobble, scheduled_outage,
};
use super::rng::{Rng, Stream};
use super::{Simulation, TICK_MS};

/// One route of a scenario's program, with how much of the traffic it gets and
/// the concrete paths a request to it uses (`{n}` is replaced by a number).
#[derive(Clone, Debug, PartialEq)]
pub struct LabRoute {
    pub method: String,
    /// The route as the program declares it (`/api/users/<id>`).
    pub rule: String,
    pub weight: f64,
    pub paths: Vec<String>,
}

/// What the worker is told to do, in time order.
#[derive(Clone, Debug, PartialEq)]
pub enum Work {
    /// An HTTP request to the program's app.
    Request {
        at_ms: i64,
        method: String,
        path: String,
        /// The handler raises (a server error).
        fault: bool,
        /// Multiplies the handler's sleeps (latency controls and incidents).
        slow: f64,
    },
    /// Start the program again, as cron starts a batch job.
    Cron { at_ms: i64 },
}

impl Work {
    pub fn at_ms(&self) -> i64 {
        match self {
            Work::Request { at_ms, .. } | Work::Cron { at_ms } => *at_ms,
        }
    }
}

/// How a scenario's program is driven: routes and their weights, or cron.
#[derive(Clone, Debug, PartialEq)]
pub struct LabTraffic {
    pub routes: Vec<LabRoute>,
    /// Batch jobs: started every this many ms (on the wall-clock multiples).
    pub cron_every_ms: Option<i64>,
}

/// (method, rule, weight, paths) of each scenario's routes, as its program declares them.
type RouteRow = (&'static str, &'static str, f64, &'static [&'static str]);

const ROUTES: [(&str, &[RouteRow]); 9] = [
    (
        "api",
        &[
            (
                "GET",
                "/api/products",
                0.45,
                &["/api/products", "/api/products?q=shoes"],
            ),
            ("GET", "/api/users/<id>", 0.3, &["/api/users/{n}"]),
            ("POST", "/api/orders", 0.1, &["/api/orders"]),
            ("GET", "/api/orders/<id>", 0.05, &["/api/orders/{n}"]),
            ("GET", "/healthz", 0.1, &["/healthz"]),
        ],
    ),
    (
        "course_catalog",
        &[
            ("GET", "/", 0.3, &["/"]),
            ("GET", "/courses", 0.4, &["/courses"]),
            (
                "GET",
                "/search",
                0.3,
                &[
                    "/search?q=promql",
                    "/search?q=prometheus",
                    "/search?q=kubernetes",
                    "/search",
                ],
            ),
        ],
    ),
    (
        "flask_app",
        &[
            ("GET", "/", 0.8, &["/"]),
            ("GET", "/database", 0.2, &["/database"]),
        ],
    ),
    (
        "treecounter",
        &[(
            "GET",
            "*",
            1.0,
            &[
                "/treecounter",
                "/treecounter",
                "/treecounter",
                "/favicon.ico",
            ],
        )],
    ),
    ("random_facts", &[("GET", "/fact", 1.0, &["/fact"])]),
    ("worker", &[]),
    ("hello_world", &[("GET", "/", 1.0, &["/"])]),
    ("batch", &[]),
    // The demo service sends itself its traffic (its client loops), as the Go
    // service does: its routes are known, with no traffic from the lab.
    (
        "demo",
        &[
            ("GET", "/api/foo", 0.0, &["/api/foo"]),
            ("POST", "/api/foo", 0.0, &["/api/foo"]),
            ("GET", "/api/bar", 0.0, &["/api/bar"]),
            ("POST", "/api/bar", 0.0, &["/api/bar"]),
        ],
    ),
];

/// The largest number `{n}` in a path becomes (ids from 1; some do not exist).
const MAX_ID: u64 = 1200;
/// Batch jobs run every five minutes, as the program's crontab line says.
pub const CRON_EVERY_MS: i64 = 5 * 60_000;

impl LabTraffic {
    /// The scenario's own routes, all of them (the traffic an exported stack's
    /// load generator sends its program).
    pub fn for_scenario(scenario: &str) -> LabTraffic {
        let declared: Vec<(String, String)> = ROUTES
            .iter()
            .filter(|(name, _)| *name == scenario)
            .flat_map(|(_, rows)| rows.iter())
            .map(|(method, rule, ..)| (method.to_string(), rule.to_string()))
            .collect();
        LabTraffic::for_program(scenario, &declared)
    }

    /// The scenario's traffic to a program that declares `declared` routes
    /// (method, rule): the scenario's own routes it still has, and any new one
    /// with the average weight and its rule as the path (parameters filled in).
    pub fn for_program(scenario: &str, declared: &[(String, String)]) -> LabTraffic {
        let known: &[RouteRow] = ROUTES
            .iter()
            .find(|(name, _)| *name == scenario)
            .map(|(_, rows)| *rows)
            .unwrap_or(&[]);
        let has = |method: &str, rule: &str| {
            declared
                .iter()
                .any(|(m, r)| m.eq_ignore_ascii_case(method) && (r == rule || r == "*"))
        };
        let mut routes: Vec<LabRoute> = known
            .iter()
            .filter(|(method, rule, ..)| has(method, rule))
            .map(|&(method, rule, weight, paths)| LabRoute {
                method: method.into(),
                rule: rule.into(),
                weight,
                paths: paths.iter().map(|p| p.to_string()).collect(),
            })
            .collect();
        let mean = if routes.is_empty() {
            1.0
        } else {
            routes.iter().map(|r| r.weight).sum::<f64>() / routes.len() as f64
        };
        for (method, rule) in declared {
            let covered = rule == "*"
                || known
                    .iter()
                    .any(|(m, r, ..)| m.eq_ignore_ascii_case(method) && r == rule);
            if !covered && method != "HEAD" && method != "OPTIONS" {
                routes.push(LabRoute {
                    method: method.to_ascii_uppercase(),
                    rule: rule.clone(),
                    weight: mean,
                    paths: vec![fill_parameters(rule)],
                });
            }
        }
        let cron_every_ms = (scenario == "batch").then_some(CRON_EVERY_MS);
        LabTraffic {
            routes,
            cron_every_ms,
        }
    }
}

/// A rule's parameters (`<id>`, `<int:id>`, `{id}`) as the placeholder `{n}`.
fn fill_parameters(rule: &str) -> String {
    let mut out = String::with_capacity(rule.len());
    let mut rest = rule;
    while let Some(open) = rest.find(['<', '{']) {
        let close = if rest.as_bytes()[open] == b'<' {
            '>'
        } else {
            '}'
        };
        let Some(end) = rest[open..].find(close) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("{n}");
        rest = &rest[open + end + 1..];
    }
    out.push_str(rest);
    out
}

impl Simulation {
    /// What the lab's program sees in the second ending at `t_ms`: the first
    /// instance's conditions (the lab runs one process).
    fn lab_conditions(&self, t_ms: i64) -> Conditions {
        let mut outage = self.def.scheduled_outages && scheduled_outage(self.seed, t_ms);
        let mut slow_release = false;
        for event in self.events.iter().filter(|event| event.active_at(t_ms)) {
            match event.kind {
                EventKind::Outage { .. } => outage = true,
                EventKind::SlowRelease => slow_release = true,
            }
        }
        let minute = t_ms.div_euclid(60_000);
        let load =
            daily_factor(t_ms) * instance_skew(self.seed, 0) * minute_wobble(self.seed, 0, minute);
        Conditions::at(&self.controls, load, outage, slow_release)
    }

    /// The work for the program in `(from_ms, to_ms]`, with the controls and
    /// incidents in effect now (the pipeline asks again after every event).
    pub fn lab_plan(&self, traffic: &LabTraffic, from_ms: i64, to_ms: i64) -> Vec<Work> {
        let mut work = Vec::new();
        if to_ms <= from_ms {
            return work;
        }
        if let Some(every) = traffic.cron_every_ms {
            let mut at = (from_ms.div_euclid(every) + 1) * every;
            while at <= to_ms {
                work.push(Work::Cron { at_ms: at });
                at += every;
            }
        }
        let total: f64 = traffic.routes.iter().map(|r| r.weight.max(0.0)).sum();
        if total <= 0.0 {
            return work;
        }
        let first = from_ms.div_euclid(TICK_MS) + 1;
        let last = (to_ms + TICK_MS - 1).div_euclid(TICK_MS);
        for tick in first..=last {
            let end = tick * TICK_MS;
            let conditions = self.lab_conditions(end);
            let mut rng = Rng::from_key(self.seed, Stream::Lab, 0, end);
            let n = rng.poisson(conditions.rate);
            let mut second = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let at_ms = end - TICK_MS + 1 + (rng.uniform() * TICK_MS as f64) as i64;
                let route = pick(&traffic.routes, total, rng.uniform());
                let template =
                    &route.paths[(rng.next_u64() % route.paths.len().max(1) as u64) as usize];
                let id = rng.next_u64() % MAX_ID + 1;
                let fault = rng.chance(conditions.error_ratio);
                second.push(Work::Request {
                    at_ms: at_ms.min(end),
                    method: route.method.clone(),
                    path: template.replace("{n}", &id.to_string()),
                    fault,
                    slow: conditions.latency,
                });
            }
            second.retain(|w| w.at_ms() > from_ms && w.at_ms() <= to_ms);
            work.extend(second);
        }
        // Stable: requests drawn for the same millisecond keep their order.
        crate::sort::sort_by_key(&mut work[..], Work::at_ms);
        work
    }

    /// The controls the lab's requests follow now.
    pub fn lab_controls(&self) -> &Controls {
        &self.controls
    }
}

fn pick(routes: &[LabRoute], total: f64, u: f64) -> &LabRoute {
    let mut left = u * total;
    for route in routes {
        left -= route.weight.max(0.0);
        if left < 0.0 {
            return route;
        }
    }
    &routes[routes.len() - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    /// The routes the scenario's own program declares.
    fn declared(scenario: &str) -> Vec<(String, String)> {
        ROUTES
            .iter()
            .find(|(name, _)| *name == scenario)
            .map(|(_, rows)| {
                rows.iter()
                    .map(|r| (r.0.to_string(), r.1.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn sim(scenario: &str) -> Simulation {
        Simulation::new(SimConfig::new(scenario, 3, 1_714_521_600_000)).unwrap()
    }

    #[test]
    fn a_plan_is_the_same_however_its_span_is_cut() {
        let sim = sim("api");
        let traffic = LabTraffic::for_program("api", &declared("api"));
        assert_eq!(traffic.routes.len(), 5);
        let t0 = 1_714_521_600_000;
        let whole = sim.lab_plan(&traffic, t0, t0 + 60_000);
        let mut cut = sim.lab_plan(&traffic, t0, t0 + 12_345);
        cut.extend(sim.lab_plan(&traffic, t0 + 12_345, t0 + 60_000));
        assert_eq!(whole, cut);
        // About 10 requests a second, at the daily curve's morning value.
        assert!((300..=900).contains(&whole.len()), "{}", whole.len());
        assert!(whole.windows(2).all(|w| w[0].at_ms() <= w[1].at_ms()));
        assert!(
            whole
                .iter()
                .all(|w| matches!(w, Work::Request { path, .. } if !path.contains('{')))
        );
    }

    #[test]
    fn programs_keep_known_routes_and_add_their_own() {
        let declared = vec![
            ("GET".to_string(), "/".to_string()),
            ("GET".to_string(), "/items/<int:item_id>".to_string()),
            ("HEAD".to_string(), "/".to_string()),
        ];
        let traffic = LabTraffic::for_program("flask_app", &declared);
        let rules: Vec<_> = traffic.routes.iter().map(|r| r.rule.as_str()).collect();
        assert_eq!(rules, ["/", "/items/<int:item_id>"]);
        assert_eq!(traffic.routes[1].paths, ["/items/{n}"]);
        assert_eq!(traffic.routes[1].weight, 0.8);
        assert_eq!(
            LabTraffic::for_program("batch", &[]).cron_every_ms,
            Some(300_000)
        );
        assert_eq!(fill_parameters("/a/{x}/b/<path:p>"), "/a/{n}/b/{n}");
    }

    #[test]
    fn the_demo_program_sends_itself_its_traffic() {
        let t0 = 1_714_521_600_000;
        let traffic = LabTraffic::for_program("demo", &declared("demo"));
        assert_eq!(traffic.routes.len(), 4);
        assert!(sim("demo").lab_plan(&traffic, t0, t0 + 60_000).is_empty());
    }

    #[test]
    fn batch_jobs_are_started_by_cron_and_faults_follow_the_error_ratio() {
        let t0 = 1_714_521_600_000;
        let batch = sim("batch");
        let plan = batch.lab_plan(&LabTraffic::for_program("batch", &[]), t0, t0 + 900_000);
        let times: Vec<i64> = plan.iter().map(Work::at_ms).collect();
        assert_eq!(times, [t0 + 300_000, t0 + 600_000, t0 + 900_000]);
        let mut api = sim("api");
        api.set_controls(Controls {
            error_ratio: 0.5,
            ..api.controls().clone()
        });
        let plan = api.lab_plan(
            &LabTraffic::for_program("api", &declared("api")),
            t0,
            t0 + 60_000,
        );
        let faults = plan
            .iter()
            .filter(|w| matches!(w, Work::Request { fault: true, .. }))
            .count();
        let share = faults as f64 / plan.len() as f64;
        assert!((0.4..0.6).contains(&share), "{share}");
    }
}
