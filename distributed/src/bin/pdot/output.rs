//! What `pdot` prints: a few lines of text, or one JSON object (serde).
//!
//! JSON rule for non-finite numbers: every floating-point field (`result`, `seconds`,
//! `seconds_min`, `seconds_max`, `gbytes_per_s`) is a JSON number when it is finite, else
//! the string `"NaN"`, `"inf"` or `"-inf"` (JSON has no such numbers). `result_bits`, the
//! result's bit pattern in hex, is always present and exact, whatever the result.

use serde::{Serialize, Serializer};

use crate::args::{Args, Data};

/// The outcome of a run, as `--json` prints it (one key per field, in this order).
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(serialize_with = "number")]
    result: f64,
    result_bits: String,
    n: usize,
    ranks: usize,
    layout: String,
    accuracy: &'static str,
    precision: &'static str,
    /// The generator's name, or the two files.
    data: String,
    /// `null` for files.
    seed: Option<u64>,
    #[serde(serialize_with = "number")]
    seconds: f64,
    #[serde(serialize_with = "number")]
    seconds_min: f64,
    #[serde(serialize_with = "number")]
    seconds_max: f64,
    repeat: usize,
    #[serde(serialize_with = "number")]
    gbytes_per_s: f64,
    peak_rss_bytes_max: u64,
}

/// What a run measured, besides the arguments.
pub struct Measured {
    /// The result, widened to f64 (exact), and its bits in hex.
    pub result: (f64, String),
    pub n: usize,
    pub ranks: usize,
    /// The precision that ran (from --precision or the files).
    pub precision: &'static str,
    /// Bytes per input element.
    pub element_bytes: usize,
    /// The slowest rank's time of each repetition.
    pub times: Vec<f64>,
    pub peak_rss_bytes_max: u64,
}

/// A float as a JSON number when finite, else as the string "NaN", "inf" or "-inf".
fn number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else {
        s.serialize_str(&v.to_string())
    }
}

impl Report {
    pub fn new(args: &Args, m: Measured) -> Report {
        let mut times = m.times;
        times.sort_by(f64::total_cmp);
        let seconds = times.get(times.len() / 2).copied().unwrap_or(0.0);
        let bytes = 2.0 * m.n as f64 * m.element_bytes as f64;
        let (data, seed) = match &args.data {
            Data::Generated {
                generator: g, seed, ..
            } => (g.name().to_owned(), Some(*seed)),
            Data::Files { x, y, .. } => (format!("{} · {}", x.display(), y.display()), None),
        };
        Report {
            result: m.result.0,
            result_bits: m.result.1,
            n: m.n,
            ranks: m.ranks,
            layout: args.layout.to_string(),
            accuracy: args.accuracy.name(),
            precision: m.precision,
            data,
            seed,
            seconds,
            seconds_min: times.first().copied().unwrap_or(0.0),
            seconds_max: times.last().copied().unwrap_or(0.0),
            repeat: times.len(),
            gbytes_per_s: if seconds > 0.0 {
                bytes / seconds / 1e9
            } else {
                0.0
            },
            peak_rss_bytes_max: m.peak_rss_bytes_max,
        }
    }

    /// The text, or the JSON object on one line.
    pub fn render(&self, json: bool) -> Result<String, String> {
        if json {
            serde_json::to_string(self).map_err(|e| format!("cannot write the JSON output: {e}"))
        } else {
            Ok(self.text())
        }
    }

    fn text(&self) -> String {
        let seed = self.seed.map(|s| format!(", seed {s}")).unwrap_or_default();
        format!(
            "x·y = {:e}\n\
             bits {}\n\
             n {}, {} ranks, layout {}, accuracy {}, precision {}, data {}{}\n\
             time {:.6} s (median of {}; min {:.6}, max {:.6}), {:.2} GB/s\n\
             peak memory per rank (largest) {:.1} MiB",
            self.result,
            self.result_bits,
            self.n,
            self.ranks,
            self.layout,
            self.accuracy,
            self.precision,
            self.data,
            seed,
            self.seconds,
            self.repeat,
            self.seconds_min,
            self.seconds_max,
            self.gbytes_per_s,
            self.peak_rss_bytes_max as f64 / (1 << 20) as f64,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Command, parse};

    fn report(args: &[&str], result: f64) -> serde_json::Value {
        let Ok(Command::Run(args)) = parse(std::iter::once("pdot").chain(args.iter().copied()))
        else {
            panic!("bad arguments");
        };
        let m = Measured {
            result: (result, format!("0x{:016x}", result.to_bits())),
            n: 10,
            ranks: 3,
            precision: "f64",
            element_bytes: 8,
            times: vec![0.5, 0.25, 1.0],
            peak_rss_bytes_max: 1 << 20,
        };
        let text = Report::new(&args, m).render(true).unwrap();
        assert!(!text.contains('\n'));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn json_has_every_key() {
        let v = report(
            &["--n", "10", "--layout", "cyclic", "--gen", "seed-lesson"],
            1.5,
        );
        let keys = [
            "result",
            "result_bits",
            "n",
            "ranks",
            "layout",
            "accuracy",
            "precision",
            "data",
            "seed",
            "seconds",
            "seconds_min",
            "seconds_max",
            "repeat",
            "gbytes_per_s",
            "peak_rss_bytes_max",
        ];
        let object = v.as_object().unwrap();
        assert_eq!(object.len(), keys.len());
        for key in keys {
            assert!(object.contains_key(key), "{key}");
        }
        assert_eq!(v["result"], 1.5);
        assert_eq!(v["result_bits"], "0x3ff8000000000000");
        assert_eq!((v["n"].as_u64(), v["ranks"].as_u64()), (Some(10), Some(3)));
        assert_eq!(
            (v["layout"].as_str(), v["data"].as_str()),
            (Some("cyclic"), Some("seed-lesson"))
        );
        assert_eq!(
            (v["seed"].as_u64(), v["repeat"].as_u64()),
            (Some(1), Some(3))
        );
        assert_eq!(v["seconds"], 0.5);
        assert_eq!(
            (v["seconds_min"].as_f64(), v["seconds_max"].as_f64()),
            (Some(0.25), Some(1.0))
        );
    }

    #[test]
    fn non_finite_results_are_strings_and_bits_stay() {
        for (value, text) in [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            let v = report(&["--n", "10"], value);
            assert_eq!(v["result"], text);
            assert_eq!(v["result_bits"], format!("0x{:016x}", value.to_bits()));
        }
        let v = report(&["--x", "a.npy", "--y", "b \"q\".npy"], 2.0);
        assert_eq!(v["data"], "a.npy · b \"q\".npy");
        assert!(v["seed"].is_null());
        // Finite results round-trip exactly.
        let v = report(&["--n", "10"], 0.1 + 0.2);
        assert_eq!(v["result"].as_f64(), Some(0.1 + 0.2));
    }
}
