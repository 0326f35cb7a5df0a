//! Webhooks: each alert POSTed as JSON (the [`Alert`] of `/api/alerts`) to the output's
//! target, signed, retried, logged.
//!
//! Headers: `Content-Type: application/json`, `X-Tocsin-Signature: sha256=<hex HMAC-SHA256 of
//! the body with the output's secret>` (when a secret is set), `Idempotency-Key` and
//! `X-Tocsin-Seq` (the alert's sequence: a receiver that sees a key twice has seen the alert
//! before), `X-Tocsin-Pipeline`. Delivery is at least once, in sequence order: a 2xx is
//! delivered; a timeout, connection error, 408, 429 or 5xx is retried with doubling backoff
//! (1 s, 2 s, 4 s … at most 60 s) up to `max_attempts`, then the round stops and the same
//! alert is tried again next round; any other 4xx is a rejection, logged, and skipped.

use std::time::Duration;

use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::OutputConfig;
use crate::model::Alert;
use crate::store::Delivery;

/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// `sha256=<hex>`: the HMAC-SHA256 of `body` keyed with `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Whether `signature` (`sha256=<hex>`) is the HMAC of `body` with `secret`, in constant time.
pub fn verify(secret: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex) = signature.strip_prefix("sha256=") else { return false };
    let Some(bytes) = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

/// How delivering one alert ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver accepted it (2xx).
    Delivered,
    /// The receiver refused it for good (4xx other than 408 and 429): skipped.
    Rejected,
    /// Every attempt failed: try again next round.
    Failed,
    /// Shutdown came first: try again after the restart.
    Interrupted,
}

impl Outcome {
    /// Whether the output's cursor moves past the alert.
    pub fn advances(self) -> bool {
        matches!(self, Outcome::Delivered | Outcome::Rejected)
    }
}

/// A webhook output, ready to post.
#[derive(Debug, Clone)]
pub struct Webhook {
    client: reqwest::Client,
    name: String,
    url: String,
    secret: Option<String>,
    max_attempts: u32,
}

impl Webhook {
    /// Build from an `[[output]] kind = "webhook"`.
    pub fn new(output: &OutputConfig) -> Result<Self, reqwest::Error> {
        // The crate is built without a default TLS provider; install ring's once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(output.timeout)
            .user_agent(concat!("tocsin/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Webhook {
            client,
            name: output.name(),
            url: output.target.clone().unwrap_or_default(),
            secret: output.secret(),
            max_attempts: output.max_attempts.max(1),
        })
    }

    /// The output's name in the delivery log.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Deliver one alert with retries; every attempt is passed to `log` as it ends. Waits
    /// between attempts end early when `stop` turns true.
    pub async fn deliver(
        &self,
        alert: &Alert,
        stop: &mut tokio::sync::watch::Receiver<bool>,
        mut log: impl FnMut(Delivery),
    ) -> Outcome {
        let body = serde_json::to_vec(alert).expect("alerts serialise");
        let mut wait = Duration::from_secs(1);
        for attempt in 1..=self.max_attempts {
            let (status, error) = self.post(alert, &body).await;
            let delivered = status.is_some_and(|s| (200..300).contains(&s));
            let rejected = status.is_some_and(|s| (400..500).contains(&s) && s != 408 && s != 429);
            log(Delivery {
                output: self.name.clone(),
                seq: alert.seq,
                attempt,
                at: Utc::now(),
                status,
                error,
                delivered,
            });
            if delivered {
                return Outcome::Delivered;
            }
            if rejected {
                return Outcome::Rejected;
            }
            if attempt < self.max_attempts {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.wait_for(|s| *s) => return Outcome::Interrupted,
                }
                wait = (wait * 2).min(MAX_BACKOFF);
            }
        }
        Outcome::Failed
    }

    async fn post(&self, alert: &Alert, body: &[u8]) -> (Option<u16>, Option<String>) {
        let mut req = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("idempotency-key", alert.seq.to_string())
            .header("x-tocsin-seq", alert.seq.to_string())
            .header("x-tocsin-pipeline", &alert.pipeline)
            .body(body.to_vec());
        if let Some(secret) = &self.secret {
            req = req.header("x-tocsin-signature", sign(secret, body));
        }
        match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let error = (!resp.status().is_success()).then(|| format!("HTTP {status}"));
                (Some(status), error)
            }
            Err(e) => (None, Some(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_rfc_4231_vector_and_verify() {
        // RFC 4231 test case 2.
        let s = sign("Jefe", b"what do ya want for nothing?");
        assert_eq!(s, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(verify("Jefe", b"what do ya want for nothing?", &s));
        assert!(!verify("Jefe", b"what do ya want for nothing!", &s));
        assert!(!verify("Jefe", b"x", "sha256=zz"));
    }
}
