//! What `pdot` prints: a few lines of text, or one JSON object.

use crate::args::{Args, Data};

/// The outcome of a run.
pub struct Report {
    value: f64,
    bits: String,
    n: usize,
    ranks: usize,
    layout: String,
    accuracy: &'static str,
    precision: &'static str,
    source: String,
    seed: Option<u64>,
    seconds: f64,
    seconds_min: f64,
    seconds_max: f64,
    repeat: usize,
    gbytes_per_s: f64,
    peak_rss_bytes_max: u64,
}

impl Report {
    /// `times`: the slowest rank's time of each repetition.
    pub fn new(
        value: f64,
        bits: String,
        n: usize,
        ranks: usize,
        args: &Args,
        times: &mut [f64],
        peak_rss_bytes_max: u64,
    ) -> Report {
        times.sort_by(f64::total_cmp);
        let seconds = times.get(times.len() / 2).copied().unwrap_or(0.0);
        let bytes = 2.0 * n as f64 * args.precision.element_bytes() as f64;
        let (source, seed) = match &args.data {
            Data::Generated {
                generator: g, seed, ..
            } => (g.name().to_owned(), Some(*seed)),
            Data::Files { x, y, .. } => (format!("{} · {}", x.display(), y.display()), None),
        };
        Report {
            value,
            bits,
            n,
            ranks,
            layout: args.layout.to_string(),
            accuracy: args.accuracy.name(),
            precision: args.precision.name(),
            source,
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
            peak_rss_bytes_max,
        }
    }

    pub fn render(&self, json: bool) -> String {
        if json { self.json() } else { self.text() }
    }

    fn text(&self) -> String {
        let seed = self.seed.map(|s| format!(", seed {s}")).unwrap_or_default();
        format!(
            "x·y = {:e}\n\
             bits {}\n\
             n {}, {} ranks, layout {}, accuracy {}, precision {}, data {}{}\n\
             time {:.6} s (median of {}; min {:.6}, max {:.6}), {:.2} GB/s\n\
             peak memory per rank (largest) {:.1} MiB",
            self.value,
            self.bits,
            self.n,
            self.ranks,
            self.layout,
            self.accuracy,
            self.precision,
            self.source,
            seed,
            self.seconds,
            self.repeat,
            self.seconds_min,
            self.seconds_max,
            self.gbytes_per_s,
            self.peak_rss_bytes_max as f64 / (1 << 20) as f64,
        )
    }

    fn json(&self) -> String {
        let number = |v: f64| {
            if v.is_finite() {
                format!("{v:e}")
            } else {
                format!("\"{v}\"")
            }
        };
        let seed = self.seed.map_or("null".to_owned(), |s| s.to_string());
        format!(
            "{{\"result\": {}, \"result_bits\": \"{}\", \"n\": {}, \"ranks\": {}, \
             \"layout\": \"{}\", \"accuracy\": \"{}\", \"precision\": \"{}\", \"data\": {}, \
             \"seed\": {}, \"seconds\": {}, \"seconds_min\": {}, \"seconds_max\": {}, \
             \"repeat\": {}, \"gbytes_per_s\": {}, \"peak_rss_bytes_max\": {}}}",
            number(self.value),
            self.bits,
            self.n,
            self.ranks,
            self.layout,
            self.accuracy,
            self.precision,
            json_string(&self.source),
            seed,
            number(self.seconds),
            number(self.seconds_min),
            number(self.seconds_max),
            self.repeat,
            number(self.gbytes_per_s),
            self.peak_rss_bytes_max,
        )
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
