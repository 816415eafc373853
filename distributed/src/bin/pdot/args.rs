//! The command line of `pdot`.

use std::path::PathBuf;

use pdot_kernels::Accuracy;
use pdot_mpi::Layout;

use crate::generate::Gen;

pub const HELP: &str = "\
pdot: the dot product x·y of two long vectors distributed over MPI ranks, with the same bits
on every rank and every run (and, with --accuracy exact, for any number of ranks and layout).

USAGE
    mpiexec -n P pdot --n N [OPTIONS]            generated data
    mpiexec -n P pdot --x x.npy --y y.npy [OPTIONS]   data from NumPy files
    pdot ...                                      without mpiexec: one rank

OPTIONS
    --n N                 global length (e.g. 1000000, 1e8); with --x/--y it must match the files
    --layout L            how elements are dealt to ranks [default: block]
                            block           one contiguous range per rank
                            cyclic          element i on rank i % P
                            block-cyclic:B  blocks of B elements dealt round robin
    --accuracy A          [default: fast]
                            fast         the speed of the best BLAS; deterministic for fixed P
                            compensated  about twice the working precision; deterministic for fixed P
                            exact        correctly rounded; the same bits for every P and layout
    --precision T         element and result types [default: f64]
                            f64      f64 inputs, f64 result
                            f32      f32 inputs, f32 result
                            f32-f64  f32 inputs, f64 result (products and sums in f64)
    --gen G               generated data, a pure function of (seed, global index), so the same
                          for any P [default: random]
                            random           uniform in [-1, 1)
                            seed-lesson      magnitudes spread over 2^-30..2^30: the sum's
                                             rounding depends on the order, so a plain
                                             MPI_Allreduce gives different bits for different P
                            ill-conditioned  products that cancel in pairs up to a tiny rest
                                             (condition numbers of 1e13 and beyond for f64,
                                             growing with n)
    --seed S              seed of the generated data [default: 1]
    --x PATH, --y PATH    1-D little-endian .npy files (f8 for --precision f64, f4 otherwise);
                          each rank reads only its own elements
    --repeat K            compute the dot product K times and report the median time [default: 1]
    --json                print one JSON object instead of text
    -h, --help            this help
    -V, --version         the version

OUTPUT
    The result, its bit pattern in hex, n, the ranks, layout, accuracy and precision, the time
    of the distributed dot product (slowest rank; median over --repeat), the bandwidth
    (2·n·element size / time), and the largest peak resident memory of any rank.
    --json fields: result, result_bits, n, ranks, layout, accuracy, precision, gen, seed,
    seconds, seconds_min, seconds_max, repeat, gbytes_per_s, peak_rss_bytes_max.

EXIT STATUS
    0 success, 1 a failure during the run (the same message on every rank), 2 a usage error.
";

/// The element and result types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    F64,
    F32,
    F32F64,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
            Precision::F32F64 => "f32-f64",
        }
    }

    /// Bytes per input element.
    pub fn element_bytes(self) -> usize {
        match self {
            Precision::F64 => 8,
            Precision::F32 | Precision::F32F64 => 4,
        }
    }
}

/// Where the data comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Generated {
        n: usize,
        generator: Gen,
        seed: u64,
    },
    Files {
        x: PathBuf,
        y: PathBuf,
        n: Option<usize>,
    },
}

/// What to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub data: Data,
    pub layout: Layout,
    pub accuracy: Accuracy,
    pub precision: Precision,
    pub repeat: usize,
    pub json: bool,
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Args),
    Help,
    Version,
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut it = args.into_iter();
    let mut n = None;
    let mut layout = Layout::Block;
    let mut accuracy = Accuracy::Fast;
    let mut precision = Precision::F64;
    let mut gen_ = None;
    let mut seed = None;
    let (mut x, mut y) = (None, None);
    let mut repeat = 1;
    let mut json = false;
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--json" => json = true,
            "--n" => n = Some(parse_count("--n", &value()?)?),
            "--layout" => layout = value()?.parse().map_err(|e| format!("--layout: {e}"))?,
            "--accuracy" => {
                accuracy = value()?.parse().map_err(|e| format!("--accuracy: {e}"))?;
            }
            "--precision" => {
                precision = match value()?.as_str() {
                    "f64" => Precision::F64,
                    "f32" => Precision::F32,
                    "f32-f64" => Precision::F32F64,
                    other => {
                        return Err(format!(
                            "--precision: unknown precision {other:?} (expected f64, f32 or \
                             f32-f64)"
                        ));
                    }
                }
            }
            "--gen" => gen_ = Some(value()?.parse::<Gen>()?),
            "--seed" => {
                let v = value()?;
                seed = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--seed: {v:?} is not a whole number in 0..2^64"))?,
                );
            }
            "--x" => x = Some(PathBuf::from(value()?)),
            "--y" => y = Some(PathBuf::from(value()?)),
            "--repeat" => {
                repeat = parse_count("--repeat", &value()?)?;
                if repeat == 0 {
                    return Err("--repeat must be at least 1".into());
                }
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    let data = match (x, y) {
        (Some(x), Some(y)) => {
            if gen_.is_some() || seed.is_some() {
                return Err("--gen and --seed generate data; they cannot go with --x/--y".into());
            }
            Data::Files { x, y, n }
        }
        (None, None) => Data::Generated {
            n: n.ok_or("give the length with --n N, or data with --x and --y (see --help)")?,
            generator: gen_.unwrap_or(Gen::Random),
            seed: seed.unwrap_or(1),
        },
        _ => return Err("--x and --y go together: give both files".into()),
    };
    Ok(Command::Run(Args {
        data,
        layout,
        accuracy,
        precision,
        repeat,
        json,
    }))
}

/// A count such as `1000000`, `1_000_000` or `1e6`.
fn parse_count(flag: &str, s: &str) -> Result<usize, String> {
    let clean = s.replace('_', "");
    if let Ok(v) = clean.parse::<usize>() {
        return Ok(v);
    }
    match clean.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= 2f64.powi(53) => Ok(v as usize),
        _ => Err(format!(
            "{flag}: {s:?} is not a whole number (e.g. 1000000 or 1e6)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_a_full_command() {
        let Ok(Command::Run(a)) = run(&[
            "--n",
            "1e6",
            "--layout=block-cyclic:8",
            "--accuracy",
            "exact",
            "--precision",
            "f32-f64",
            "--gen",
            "ill-conditioned",
            "--seed",
            "7",
            "--json",
        ]) else {
            panic!("did not parse");
        };
        assert_eq!(
            a.data,
            Data::Generated {
                n: 1_000_000,
                generator: Gen::IllConditioned,
                seed: 7
            }
        );
        assert_eq!(a.layout, Layout::BlockCyclic(8));
        assert_eq!(a.accuracy, Accuracy::Exact);
        assert_eq!(a.precision, Precision::F32F64);
        assert!(a.json);
    }

    #[test]
    fn errors_name_the_problem() {
        let cases: [(&[&str], &str); 9] = [
            (&[], "--n"),
            (&["--n"], "--n needs a value"),
            (&["--n", "1.5"], "not a whole number"),
            (&["--n", "10", "--layout", "diagonal"], "unknown layout"),
            (&["--n", "10", "--accuracy", "perfect"], "--accuracy"),
            (&["--n", "10", "--precision", "f16"], "f16"),
            (&["--x", "a.npy"], "go together"),
            (
                &["--x", "a", "--y", "b", "--gen", "random"],
                "cannot go with",
            ),
            (&["--n", "10", "--frobnicate"], "--frobnicate"),
        ];
        for (args, needle) in cases {
            let err = run(args).unwrap_err();
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_and_version() {
        assert_eq!(run(&["--n", "5", "--help"]), Ok(Command::Help));
        assert_eq!(run(&["-V"]), Ok(Command::Version));
    }
}
