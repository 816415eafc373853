//! The command line of `pdot`, parsed with clap.

use std::path::PathBuf;

use clap::Parser;
use pdot_kernels::{Accuracy, Precision};
use pdot_mpi::Layout;

use crate::count;
use crate::generate::Gen;

/// What `pdot --help` prints after the options.
const AFTER_HELP: &str = "\
OUTPUT
    The result, its bit pattern in hex, n, the ranks, layout, accuracy and precision, the time
    of the distributed dot product (slowest rank; median over --repeat), the bandwidth
    (2·n·element size / time), and the largest peak resident memory of any rank.
    --json prints one object with the keys result, result_bits, n, ranks, layout, accuracy,
    precision, data, seed, seconds, seconds_min, seconds_max, repeat, gbytes_per_s,
    peak_rss_bytes_max. result is a JSON number when it is finite, else one of the strings
    \"NaN\", \"inf\", \"-inf\"; result_bits (hex) is always there and exact.

COUNTS
    --n and --repeat take whole numbers: 1000000, 1_000_000, 1e6 or 2.5e6 (computed exactly);
    signs, fractions and values beyond the machine's size are refused.

EXIT STATUS
    0 success, 1 a failure during the run (the same message on every rank), 2 a usage error.";

/// pdot: the dot product x·y of two long vectors distributed over MPI ranks, with the same
/// bits on every rank and every run (and, with --accuracy exact, for any number of ranks and
/// layout).
#[derive(Parser, Debug)]
#[command(
    name = "pdot",
    version,
    override_usage = "mpiexec -n P pdot --n N [OPTIONS]              generated data\n       \
                      mpiexec -n P pdot --x x.npy --y y.npy [OPTIONS]  data from NumPy files\n       \
                      pdot ...                                      without mpiexec: one rank",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Global length (e.g. 1000000, 1e8); with --x/--y it must match the files
    #[arg(long, value_name = "N", value_parser = count::parse, required_unless_present = "x",
          allow_hyphen_values = true)]
    n: Option<usize>,

    /// How elements are dealt to ranks
    ///
    ///   block           one contiguous range per rank
    ///   cyclic          element i on rank i % P
    ///   block-cyclic:B  blocks of B elements dealt round robin
    #[arg(long, value_name = "L", default_value = "block", verbatim_doc_comment)]
    layout: Layout,

    /// fast, compensated or exact
    ///
    ///   fast         the speed of the best BLAS; deterministic for fixed P
    ///   compensated  about twice the working precision; deterministic for fixed P
    ///   exact        correctly rounded; the same bits for every P and layout
    #[arg(long, value_name = "A", default_value = "fast", verbatim_doc_comment)]
    accuracy: Accuracy,

    /// Element and result types [default: f64; with --x/--y, the files' dtype]
    ///
    ///   f64      f64 inputs, f64 result
    ///   f32      f32 inputs, f32 result
    ///   f32-f64  f32 inputs, f64 result (products and sums in f64)
    /// Without --precision, files of '<f8' run as f64 and files of '<f4' as f32;
    /// --precision f64 reads '<f8' files, f32 and f32-f64 read '<f4' files.
    #[arg(long, value_name = "T", verbatim_doc_comment)]
    precision: Option<Precision>,

    /// Generated data: random, seed-lesson or ill-conditioned [default: random]
    ///
    /// A pure function of (seed, global index), so the same for any P.
    ///   random           uniform in [-1, 1)
    ///   seed-lesson      magnitudes spread over 2^-30..2^30: the sum's rounding depends
    ///                    on the order, so a plain MPI_Allreduce gives different bits for
    ///                    different P
    ///   ill-conditioned  products that cancel in pairs up to a tiny rest (condition
    ///                    numbers of 1e13 and beyond for f64, growing with n)
    #[arg(
        long = "gen",
        value_name = "G",
        conflicts_with = "x",
        verbatim_doc_comment
    )]
    generator: Option<Gen>,

    /// Seed of the generated data [default: 1]
    #[arg(
        long,
        value_name = "S",
        conflicts_with = "x",
        allow_hyphen_values = true
    )]
    seed: Option<u64>,

    /// x: a 1-D little-endian .npy file ('<f8' or '<f4'); each rank reads only its own part
    #[arg(long, value_name = "PATH", requires = "y")]
    x: Option<PathBuf>,

    /// y: like --x, of the same length and dtype
    #[arg(long, value_name = "PATH", requires = "x")]
    y: Option<PathBuf>,

    /// Compute the dot product K times and report the median time
    #[arg(long, value_name = "K", default_value = "1", value_parser = count::parse_positive,
          allow_hyphen_values = true)]
    repeat: usize,

    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
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
    /// `None`: from the files' dtype (generated data: f64).
    pub precision: Option<Precision>,
    pub repeat: usize,
    pub json: bool,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Run(Args),
    /// `--help` or `--version`: the text to print on standard output.
    Print(String),
}

/// Parses the arguments (with the program name first). A usage error is the message to
/// print, starting with `error:`.
pub fn parse<I, T>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Ok(Command::Print(text))
                }
                _ => Err(text.trim_end().to_owned()),
            };
        }
    };
    let data = match (cli.x, cli.y) {
        (Some(x), Some(y)) => Data::Files { x, y, n: cli.n },
        (None, None) => Data::Generated {
            // clap requires --n without --x.
            n: cli
                .n
                .ok_or("error: give the length with --n N, or data with --x and --y")?,
            generator: cli.generator.unwrap_or(Gen::Random),
            seed: cli.seed.unwrap_or(1),
        },
        _ => return Err("error: --x and --y go together: give both files".into()),
    };
    Ok(Command::Run(Args {
        data,
        layout: cli.layout,
        accuracy: cli.accuracy,
        precision: cli.precision,
        repeat: cli.repeat,
        json: cli.json,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(std::iter::once("pdot").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
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
            "--repeat",
            "1_0",
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
        assert_eq!(a.precision, Some(Precision::F32F64));
        assert_eq!(a.repeat, 10);
        assert!(a.json);
    }

    #[test]
    fn defaults_and_files() {
        let Ok(Command::Run(a)) = run(&["--n", "10"]) else {
            panic!("did not parse");
        };
        assert_eq!(
            (a.layout, a.accuracy, a.precision),
            (Layout::Block, Accuracy::Fast, None)
        );
        assert_eq!((a.repeat, a.json), (1, false));
        let Ok(Command::Run(a)) = run(&["--x", "a.npy", "--y=b.npy", "--n", "5"]) else {
            panic!("did not parse");
        };
        assert_eq!(
            a.data,
            Data::Files {
                x: "a.npy".into(),
                y: "b.npy".into(),
                n: Some(5)
            }
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let cases: &[(&[&str], &str)] = &[
            (&[], "--n"),
            (&["--n"], "--n"),
            (&["--n", "1.5"], "not a whole number"),
            (&["--n", "-3"], "cannot be negative"),
            (&["--n", "1e30"], "too large"),
            (&["--n", "10", "--layout", "diagonal"], "unknown layout"),
            (&["--n", "10", "--accuracy", "perfect"], "--accuracy"),
            (&["--n", "10", "--precision", "f16"], "f16"),
            (&["--n", "10", "--repeat", "0"], "at least 1"),
            (&["--n", "10", "--seed", "-1"], "--seed"),
            (&["--x", "a.npy"], "--y"),
            (
                &["--x", "a", "--y", "b", "--gen", "random"],
                "cannot be used with",
            ),
            (
                &["--x", "a", "--y", "b", "--seed", "3"],
                "cannot be used with",
            ),
            (&["--n", "10", "--frobnicate"], "--frobnicate"),
        ];
        for &(args, needle) in cases {
            let err = run(args).unwrap_err();
            assert!(err.starts_with("error: "), "{args:?}: {err}");
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_and_version() {
        let Ok(Command::Print(help)) = run(&["--n", "5", "--help"]) else {
            panic!("no help");
        };
        for needle in [
            "--precision",
            "block-cyclic:B",
            "result_bits",
            "\"NaN\"",
            "EXIT STATUS",
        ] {
            assert!(help.contains(needle), "{needle}");
        }
        let Ok(Command::Print(version)) = run(&["-V"]) else {
            panic!("no version");
        };
        assert_eq!(
            version.trim(),
            format!("pdot {}", env!("CARGO_PKG_VERSION"))
        );
    }
}
