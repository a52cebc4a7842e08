//! The simulated dispatcher against a real Alertmanager 0.25 (Debian's
//! `prometheus-alertmanager`, installed with amtool), run on loopback with a
//! webhook receiver served by this test: the same alerts posted at the same
//! offsets give the same notifications (group keys, statuses, alerts) at the
//! same flushes. Real time: about 13 seconds, with a second between each post
//! and each flush so scheduling noise cannot reorder them.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use promplay::alertmanager::{Alert, Alertmanager, UNSET_MS, parse};

const BINARY: &str = "prometheus-alertmanager";

/// Two webhooks on one receiver: the first sends resolved notifications (the
/// default), the second not.
fn config(hook_port: u16) -> String {
    format!(
        "route:
  receiver: team
  group_by: [alertname]
  group_wait: 2s
  group_interval: 3s
  repeat_interval: 1h
receivers:
  - name: team
    webhook_configs:
      - url: http://127.0.0.1:{hook_port}/a
      - url: http://127.0.0.1:{hook_port}/b
        send_resolved: false
"
    )
}

/// (second of the post, instance, resolved).
const POSTS: [(u64, &str, bool); 4] = [
    (0, "1", false),
    (3, "2", false),
    (6, "1", true),
    (9, "2", true),
];
const END_S: u64 = 12;

/// A notification as both sides give it: second, webhook path, status, group
/// key, alerts as `instance` plus `!` when resolved.
type Seen = (u64, String, String, String, String);

/// Ends the child process when dropped, so a failing test leaves nothing running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Reads one HTTP request (headers, then Content-Length bytes of body).
fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        let Some(head_end) = text.find("\r\n\r\n") else {
            continue;
        };
        let head = &text[..head_end];
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_string())
            })
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if data.len() >= head_end + 4 + length {
            let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
            let body =
                String::from_utf8_lossy(&data[head_end + 4..head_end + 4 + length]).to_string();
            return Some((path, body));
        }
    }
}

/// Serves the webhooks: every request's arrival time, path and body.
fn serve_webhooks(listener: TcpListener, sink: mpsc::Sender<(Instant, String, String)>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            if let Some((path, body)) = read_request(&mut stream) {
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                if sink.send((Instant::now(), path, body)).is_err() {
                    return;
                }
            }
        }
    });
}

fn http(port: u16, method: &str, path: &str, body: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

fn rfc3339_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    promplay::time::format_rfc3339(now.as_secs() as i64)
}

/// The alert of a post as JSON for `POST /api/v2/alerts`: no start (Alertmanager
/// takes the arrival), an end at the post's time when resolved.
fn alert_json(instance: &str, resolved: bool) -> String {
    let end = match resolved {
        true => format!(",\"endsAt\":\"{}\"", rfc3339_now()),
        false => String::new(),
    };
    format!("[{{\"labels\":{{\"alertname\":\"A\",\"instance\":\"{instance}\"}}{end}}}]")
}

fn simulated() -> Vec<Seen> {
    let mut am = Alertmanager::new(parse(&config(1)).unwrap());
    let t0 = 1_700_000_000_000;
    for (second, instance, resolved) in POSTS {
        let now = t0 + second as i64 * 1000;
        let mut alert = Alert::new(&[("alertname", "A"), ("instance", instance)], UNSET_MS);
        if resolved {
            alert = alert.ending_at(now);
        }
        am.post_alerts(now, vec![alert]).unwrap();
    }
    am.advance_to(t0 + END_S as i64 * 1000);
    am.notifications()
        .iter()
        .map(|n| {
            let alerts: Vec<String> = n
                .alerts
                .iter()
                .map(|a| {
                    let instance = a
                        .labels
                        .iter()
                        .find(|(k, _)| k == "instance")
                        .map_or("", |(_, v)| v);
                    format!(
                        "{instance}{}",
                        if a.ends_at_ms == UNSET_MS { "" } else { "!" }
                    )
                })
                .collect();
            (
                ((n.at_ms - t0) / 1000) as u64,
                ["/a", "/b"][n.integration_index].to_string(),
                n.status.as_str().to_string(),
                n.group_key.clone(),
                alerts.join(","),
            )
        })
        .collect()
}

#[test]
fn notifications_match_a_live_alertmanager() {
    if !common::reference_tool("amtool") {
        return;
    }
    let runs = Command::new(BINARY)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        common::missing_reference(&format!(
            "{BINARY} is not installed (apt-get install prometheus-alertmanager)"
        ));
        return;
    }
    let hooks = TcpListener::bind("127.0.0.1:0").unwrap();
    let hook_port = hooks.local_addr().unwrap().port();
    let (sink, received) = mpsc::channel();
    serve_webhooks(hooks, sink);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-am-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("am.yml"), config(hook_port)).unwrap();
    let port = free_port();
    let _am = Running(
        Command::new(BINARY)
            .arg(format!("--config.file={}", dir.join("am.yml").display()))
            .arg(format!("--storage.path={}", dir.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let ready_by = Instant::now() + Duration::from_secs(20);
    while http(port, "GET", "/-/ready", "") != Some(200) {
        assert!(Instant::now() < ready_by, "Alertmanager did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let t0 = Instant::now();
    for (second, instance, resolved) in POSTS {
        let at = t0 + Duration::from_secs(second);
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        assert_eq!(
            http(
                port,
                "POST",
                "/api/v2/alerts",
                &alert_json(instance, resolved)
            ),
            Some(200)
        );
    }
    std::thread::sleep(
        (t0 + Duration::from_millis(END_S * 1000 + 500)).saturating_duration_since(Instant::now()),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let mut live: Vec<Seen> = received
        .try_iter()
        .map(|(at, path, body)| {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            let alerts: Vec<String> = v["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    let resolved = a["status"] == "resolved";
                    format!(
                        "{}{}",
                        a["labels"]["instance"].as_str().unwrap(),
                        if resolved { "!" } else { "" }
                    )
                })
                .collect();
            (
                at.duration_since(t0).as_secs(),
                path,
                v["status"].as_str().unwrap().to_string(),
                v["groupKey"].as_str().unwrap().to_string(),
                alerts.join(","),
            )
        })
        .collect();
    // The two webhooks of one flush are sent concurrently.
    live.sort();
    let mut expected = simulated();
    expected.sort();
    assert_eq!(live, expected);
    // What that is, so a change on both sides is noticed too.
    let lines: Vec<String> = expected
        .iter()
        .map(|(s, p, st, _, a)| format!("{s}s {p} {st} {a}"))
        .collect();
    assert_eq!(
        lines,
        [
            "2s /a firing 1",
            "2s /b firing 1",
            "5s /a firing 1,2",
            "5s /b firing 1,2",
            "8s /a firing 1!,2",
            "11s /a resolved 2!",
        ]
    );
}
