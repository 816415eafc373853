//! Tests of the npy reader: round trips through files for random data and
//! run lists, files written by NumPy, every error variant, truncated files,
//! panic-freedom of the header parser on arbitrary bytes, and agreement with
//! the `npyz` crate's parser on NumPy's headers.

use std::fmt::Debug;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::npy::{self, Dtype, NpyElement, NpyError, NpyErrorKind, NpyHeader};
use proptest::prelude::*;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A uniquely named file under the temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("pdot-npy-test-{}-{tag}-{n}.npy", std::process::id());
        TempFile(std::env::temp_dir().join(name))
    }

    fn with_bytes(tag: &str, bytes: &[u8]) -> Self {
        let file = TempFile::new(tag);
        fs::write(&file.0, bytes).unwrap();
        file
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// A file in format `version` with the given header dict text, padded with
/// spaces and a `'\n'` to a multiple of 64 bytes, followed by `data`.
fn npy_bytes(major: u8, dict: &str, data: &[u8]) -> Vec<u8> {
    let prelude = if major == 1 { 10 } else { 12 };
    let mut header = dict.as_bytes().to_vec();
    while !(prelude + header.len() + 1).is_multiple_of(64) {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[major, 0]);
    if major == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    out
}

fn dict(descr: &str, shape: &str) -> String {
    format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}")
}

fn f64_bytes(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// splitmix64: cheap deterministic data of any length.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Element types under test: bit access and random data with many special
/// values (NaN payloads of both signs, -0.0, infinities, subnormals).
trait Elem: NpyElement + Debug + PartialEq {
    fn bits(self) -> u64;
    fn random(seed: u64, n: usize) -> Vec<Self>;
}

impl Elem for f64 {
    fn bits(self) -> u64 {
        self.to_bits()
    }
    fn random(seed: u64, n: usize) -> Vec<Self> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                let r = next(&mut s);
                let sign = (r >> 63) << 63;
                let m = next(&mut s) & 0x000f_ffff_ffff_ffff;
                f64::from_bits(match r % 8 {
                    0 => sign,                                 // ±0.0
                    1 => sign | 0x7ff0_0000_0000_0000 | m | 1, // NaN, any payload
                    2 => sign | m,                             // subnormal
                    3 => sign | 0x7ff0_0000_0000_0000,         // ±inf
                    _ => next(&mut s),
                })
            })
            .collect()
    }
}

impl Elem for f32 {
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn random(seed: u64, n: usize) -> Vec<Self> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                let r = next(&mut s);
                let sign = ((r >> 63) as u32) << 31;
                let m = (next(&mut s) as u32) & 0x007f_ffff;
                f32::from_bits(match r % 8 {
                    0 => sign,
                    1 => sign | 0x7f80_0000 | m | 1,
                    2 => sign | m,
                    3 => sign | 0x7f80_0000,
                    _ => next(&mut s) as u32,
                })
            })
            .collect()
    }
}

fn bits<T: Elem>(values: &[T]) -> Vec<u64> {
    values.iter().map(|v| v.bits()).collect()
}

/// The elements of `runs`, selected from the full array.
fn select<T: Copy>(data: &[T], runs: &[(usize, usize)]) -> Vec<T> {
    runs.iter()
        .flat_map(|&(s, l)| data[s..s + l].iter().copied())
        .collect()
}

/// A distribution of `n` elements over ranks, seen from one rank.
#[derive(Debug, Clone)]
enum Layout {
    /// Contiguous blocks, rank `rank` of `parts`.
    Block { parts: usize, rank: usize },
    /// Runs of one element every `p`, starting at `rank`.
    Cyclic { p: usize, rank: usize },
    /// Runs of `b` elements every `p * b`, starting at `rank * b`.
    BlockCyclic { p: usize, b: usize, rank: usize },
    /// Arbitrary runs (any order, overlapping, empty), as raw numbers
    /// reduced modulo the array's length.
    Arbitrary(Vec<(u32, u32)>),
}

impl Layout {
    fn runs(&self, n: usize) -> Vec<(usize, usize)> {
        match *self {
            Layout::Block { parts, rank } => {
                let (lo, hi) = (rank * n / parts, (rank + 1) * n / parts);
                vec![(lo, hi - lo)]
            }
            Layout::Cyclic { p, rank } => (rank..n).step_by(p).map(|s| (s, 1)).collect(),
            Layout::BlockCyclic { p, b, rank } => (rank * b..n)
                .step_by(p * b)
                .map(|s| (s, b.min(n - s)))
                .collect(),
            Layout::Arbitrary(ref raw) => raw
                .iter()
                .map(|&(a, b)| {
                    let start = a as usize % (n + 1);
                    (start, b as usize % (n - start + 1))
                })
                .collect(),
        }
    }
}

fn layout() -> impl Strategy<Value = Layout> {
    let p = prop_oneof![3 => 1usize..20, 1 => 1usize..20_000];
    prop_oneof![
        (1usize..9)
            .prop_flat_map(|parts| (Just(parts), 0..parts))
            .prop_map(|(parts, rank)| Layout::Block { parts, rank }),
        p.clone()
            .prop_flat_map(|p| (Just(p), 0..p))
            .prop_map(|(p, rank)| Layout::Cyclic { p, rank }),
        (p, 1usize..300)
            .prop_flat_map(|(p, b)| (Just(p), Just(b), 0..p))
            .prop_map(|(p, b, rank)| Layout::BlockCyclic { p, b, rank }),
        proptest::collection::vec((any::<u32>(), any::<u32>()), 0..40).prop_map(Layout::Arbitrary),
    ]
}

fn array_len() -> impl Strategy<Value = usize> {
    // Mostly small; sometimes several 1 MiB windows long.
    prop_oneof![4 => 0usize..3000, 1 => 0usize..400_000]
}

fn round_trip<T: Elem>(seed: u64, n: usize, layout: &Layout) -> Result<(), TestCaseError> {
    let data = T::random(seed, n);
    let file = TempFile::new("roundtrip");
    npy::write(file.path(), &data).unwrap();
    let runs = layout.runs(n);
    let (header, got) = npy::read_runs::<T>(file.path(), runs.iter().copied()).unwrap();
    prop_assert_eq!(header.dtype, T::DTYPE);
    prop_assert_eq!(header.len, n);
    prop_assert_eq!(header.version, (1, 0));
    prop_assert_eq!(header.data_offset % 64, 0);
    prop_assert_eq!(bits(&got), bits(&select(&data, &runs)));
    // ... which is also what selecting from the whole file read back gives.
    let (_, all) = npy::read_all::<T>(file.path()).unwrap();
    prop_assert_eq!(bits(&all), bits(&data));
    prop_assert_eq!(bits(&got), bits(&select(&all, &runs)));
    Ok(())
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(Config::with_cases(200))]

    #[test]
    fn round_trip_f64(seed in any::<u64>(), n in array_len(), layout in layout()) {
        round_trip::<f64>(seed, n, &layout)?;
    }

    #[test]
    fn round_trip_f32(seed in any::<u64>(), n in array_len(), layout in layout()) {
        round_trip::<f32>(seed, n, &layout)?;
    }
}

/// Every rank's cyclic / block-cyclic share, over arrays spanning several
/// read windows and strides on both sides of the coalescing gap limit; the
/// shares of all ranks interleave back into the whole array.
#[test]
fn all_ranks_cover_the_array() {
    let n = 3 * (npy::WINDOW_BYTES / 8) + 12_345;
    let data = f64::random(7, n);
    let file = TempFile::new("ranks");
    npy::write(file.path(), &data).unwrap();
    for (p, b) in [
        (1, 1),
        (3, 1),
        (7, 1),
        (4, 1000),
        (5, 3),
        (9000, 1),
        (2, 200_000),
    ] {
        let mut rebuilt = vec![0u64; n];
        let mut seen = vec![false; n];
        for rank in 0..p {
            let runs = Layout::BlockCyclic { p, b, rank }.runs(n);
            let (_, mine) = npy::read_runs::<f64>(file.path(), runs.iter().copied()).unwrap();
            let mut k = 0;
            for &(s, l) in &runs {
                for i in s..s + l {
                    assert!(!seen[i]);
                    seen[i] = true;
                    rebuilt[i] = mine[k].to_bits();
                    k += 1;
                }
            }
            assert_eq!(k, mine.len());
        }
        assert!(seen.iter().all(|&s| s), "p = {p}, b = {b}");
        assert_eq!(rebuilt, bits(&data), "p = {p}, b = {b}");
    }
}

#[test]
fn runs_in_any_order_overlapping_and_empty() {
    let data: Vec<f64> = (0..1000).map(f64::from).collect();
    let file = TempFile::new("order");
    npy::write(file.path(), &data).unwrap();
    let runs = [
        (900, 5),
        (3, 2),
        (0, 0),
        (3, 4),
        (1000, 0),
        (999, 1),
        (0, 1),
        (500, 0),
    ];
    let (_, got) = npy::read_runs::<f64>(file.path(), runs).unwrap();
    assert_eq!(got, select(&data, &runs));
    let (_, none) = npy::read_runs::<f64>(file.path(), []).unwrap();
    assert!(none.is_empty());
    // Descending cyclic runs.
    let runs: Vec<_> = (0..1000).rev().step_by(3).map(|s| (s, 1)).collect();
    let (_, got) = npy::read_runs::<f64>(file.path(), runs.iter().copied()).unwrap();
    assert_eq!(got, select(&data, &runs));
}

#[test]
fn empty_array() {
    let file = TempFile::new("empty");
    npy::write::<f32>(file.path(), &[]).unwrap();
    let (header, got) = npy::read_runs::<f32>(file.path(), [(0, 0)]).unwrap();
    assert_eq!(header.len, 0);
    assert!(got.is_empty());
    assert!(npy::read_all::<f32>(file.path()).unwrap().1.is_empty());
}

#[test]
fn trailing_bytes_after_the_data_are_ignored() {
    let mut bytes = npy_bytes(1, &dict("<f8", "(2,)"), &f64_bytes(&[1.0, 2.0]));
    bytes.extend_from_slice(b"trailing junk");
    let file = TempFile::with_bytes("trailing", &bytes);
    assert_eq!(npy::read_all::<f64>(file.path()).unwrap().1, [1.0, 2.0]);
}

// ---------------------------------------------------------------------------
// Files written by NumPy 2.4 (`np.save`, `numpy.lib.format.write_array`)
// ---------------------------------------------------------------------------

/// `np.save(f, np.array([1.0, -0.0, nan, nan with payload 1, -inf, 5e-324]))`.
const NUMPY_F64: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }                                                            \n\x00\x00\x00\x00\x00\x00\xf0?\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x00\x00\xf8\x7f\x01\x00\x00\x00\x00\x00\xf8\x7f\x00\x00\x00\x00\x00\x00\xf0\xff\x01\x00\x00\x00\x00\x00\x00\x00";
/// `np.save(f, np.array([1.5, -0.0, nan], dtype='<f4'))`.
const NUMPY_F32: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }                                                            \n\x00\x00\xc0?\x00\x00\x00\x80\x00\x00\xc0\x7f";
/// `np.save(f, np.array([], dtype='<f8'))`.
const NUMPY_EMPTY: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }                                                            \n";
/// `write_array(f, np.array([1.0, 2.0]), version=(2, 0))`.
const NUMPY_V2: &[u8] = b"\x93NUMPY\x02\x00t\x00\x00\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }                                                          \n\x00\x00\x00\x00\x00\x00\xf0?\x00\x00\x00\x00\x00\x00\x00@";
/// `write_array(f, np.array([1.0, 2.0], dtype='<f4'), version=(3, 0))`.
const NUMPY_V3: &[u8] = b"\x93NUMPY\x03\x00t\x00\x00\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }                                                          \n\x00\x00\x80?\x00\x00\x00@";
/// `write_array_header_1_0(f, {'descr': '<f8', 'fortran_order': True, 'shape': (2,)})`.
const NUMPY_FORTRAN_HEADER: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }                                                             \n";
/// `np.save(f, np.array([1.0], dtype='>f8'))`.
const NUMPY_BIG_ENDIAN: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }                                                            \n?\xf0\x00\x00\x00\x00\x00\x00";
/// `np.save(f, np.array([1], dtype='<i4'))`.
const NUMPY_I4: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }                                                            \n\x01\x00\x00\x00";
/// The header of `np.save(f, np.zeros((2, 3)))`.
const NUMPY_2D_HEADER: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }                                                          \n";
/// The header of `np.save(f, np.array(1.0))`.
const NUMPY_0D_HEADER: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (), }                                                              \n";
/// The header of `np.save(f, np.zeros(2, dtype=[('a', '<f8'), ('b', '<i4')]))`.
const NUMPY_STRUCT_HEADER: &[u8] = b"\x93NUMPY\x01\x00v\x00{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }                                     \n";
/// NumPy's version 1.0 headers for 1-D `'<f8'` arrays of these lengths.
const NUMPY_HEADERS: &[(usize, &[u8])] = &[
    (0, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }                                                            \n"),
    (1, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }                                                            \n"),
    (9, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (9,), }                                                            \n"),
    (10, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }                                                           \n"),
    (99, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (99,), }                                                           \n"),
    (12345, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (12345,), }                                                        \n"),
    (1_000_000_000_000_000, b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000,), }                                             \n"),
];

/// The bits of the values of `NUMPY_F64`: one, minus zero, two NaNs, minus infinity, the
/// smallest subnormal.
const SAMPLE_BITS: [u64; 6] = [
    1.0f64.to_bits(),
    (-0.0f64).to_bits(),
    0x7ff8_0000_0000_0000,
    0x7ff8_0000_0000_0001,
    f64::NEG_INFINITY.to_bits(),
    1,
];

#[test]
fn reads_numpy_files() {
    let file = TempFile::with_bytes("np-f64", NUMPY_F64);
    let (header, got) = npy::read_all::<f64>(file.path()).unwrap();
    let want = SAMPLE_BITS;
    assert_eq!(bits(&got), want);
    assert_eq!(
        header,
        NpyHeader {
            version: (1, 0),
            dtype: Dtype::F64,
            len: 6,
            fortran_order: false,
            data_offset: 128
        }
    );
    let (_, got) = npy::read_runs::<f64>(file.path(), [(3, 2), (1, 1)]).unwrap();
    assert_eq!(bits(&got), [want[3], want[4], want[1]]);

    let file = TempFile::with_bytes("np-f32", NUMPY_F32);
    let (_, got) = npy::read_all::<f32>(file.path()).unwrap();
    assert_eq!(bits(&got), [0x3fc0_0000, 0x8000_0000, 0x7fc0_0000]);

    let file = TempFile::with_bytes("np-empty", NUMPY_EMPTY);
    assert!(npy::read_all::<f64>(file.path()).unwrap().1.is_empty());

    let file = TempFile::with_bytes("np-v2", NUMPY_V2);
    let (header, got) = npy::read_all::<f64>(file.path()).unwrap();
    assert_eq!((header.version, header.data_offset), ((2, 0), 128));
    assert_eq!(got, [1.0, 2.0]);

    let file = TempFile::with_bytes("np-v3", NUMPY_V3);
    let (header, got) = npy::read_runs::<f32>(file.path(), [(1, 1)]).unwrap();
    assert_eq!((header.version, header.dtype), ((3, 0), Dtype::F32));
    assert_eq!(got, [2.0]);

    // fortran_order True is the same layout for a 1-D array.
    let mut bytes = NUMPY_FORTRAN_HEADER.to_vec();
    bytes.extend_from_slice(&f64_bytes(&[3.0, 4.0]));
    let file = TempFile::with_bytes("np-fortran", &bytes);
    let (header, got) = npy::read_all::<f64>(file.path()).unwrap();
    assert!(header.fortran_order);
    assert_eq!(got, [3.0, 4.0]);
}

#[test]
fn writer_matches_numpy_byte_for_byte() {
    let file = TempFile::new("np-write-empty");
    npy::write::<f64>(file.path(), &[]).unwrap();
    assert_eq!(fs::read(file.path()).unwrap(), NUMPY_EMPTY);
    let file = TempFile::new("np-write-f64");
    let bits = SAMPLE_BITS;
    npy::write(file.path(), &bits.map(f64::from_bits)).unwrap();
    assert_eq!(fs::read(file.path()).unwrap(), NUMPY_F64);
    let file = TempFile::new("np-write-f32");
    let values = [0x3fc0_0000, 0x8000_0000, 0x7fc0_0000].map(f32::from_bits);
    npy::write(file.path(), &values).unwrap();
    assert_eq!(fs::read(file.path()).unwrap(), NUMPY_F32);

    for &(len, numpy) in NUMPY_HEADERS {
        let header = npy::parse_header(numpy).unwrap();
        assert_eq!((header.len, header.data_offset), (len, numpy.len() as u64));
        if len <= 12345 {
            let file = TempFile::new("np-write-len");
            npy::write(file.path(), &vec![0.0f64; len]).unwrap();
            let ours = fs::read(file.path()).unwrap();
            assert_eq!(&ours[..numpy.len()], numpy, "len {len}");
            assert_eq!(ours.len(), numpy.len() + 8 * len);
        }
    }
}

#[test]
fn hand_crafted_headers() {
    let cases: &[(u8, &str, usize, bool)] = &[
        // Keys in another order, double quotes, no trailing comma.
        (
            2,
            r#"{"shape": (3,), "descr": "<f8", "fortran_order": False}"#,
            3,
            false,
        ),
        // Newlines and tabs between tokens, spaces inside the tuple.
        (
            3,
            "{\n\t'fortran_order' : True ,\n 'shape':( 3 , ),'descr':'<f8',\n}",
            3,
            true,
        ),
        // Python 2's unicode strings.
        (
            1,
            "{u'descr': u'<f8', U\"fortran_order\": False, u'shape': (3,), }",
            3,
            false,
        ),
        // Python 2's long integers.
        (
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }",
            3,
            false,
        ),
        // Leading whitespace, as ast.literal_eval allows.
        (
            1,
            "  {'descr': '<f8', 'fortran_order': False, 'shape': (3,)}",
            3,
            false,
        ),
    ];
    for &(major, text, len, fortran) in cases {
        let bytes = npy_bytes(major, text, &f64_bytes(&[1.0, 2.0, 3.0]));
        let file = TempFile::with_bytes("crafted", &bytes);
        let (header, got) = npy::read_all::<f64>(file.path()).unwrap();
        assert_eq!(header.version, (major, 0), "{text}");
        assert_eq!((header.len, header.fortran_order), (len, fortran), "{text}");
        assert_eq!(got, [1.0, 2.0, 3.0], "{text}");
    }
    // An old NumPy's header aligned to 16 bytes, without the growth spaces.
    let text = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    let pad = (16 - (10 + text.len() + 1) % 16) % 16;
    bytes.extend_from_slice(&((text.len() + pad + 1) as u16).to_le_bytes());
    bytes.extend_from_slice(text);
    bytes.extend(std::iter::repeat_n(b' ', pad));
    bytes.push(b'\n');
    bytes.extend_from_slice(&f64_bytes(&[9.5]));
    let file = TempFile::with_bytes("old16", &bytes);
    let (header, got) = npy::read_all::<f64>(file.path()).unwrap();
    assert_eq!(header.data_offset % 16, 0);
    assert_eq!(got, [9.5]);
    // A header with no final newline.
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(text.len() as u16).to_le_bytes());
    bytes.extend_from_slice(text);
    bytes.extend_from_slice(&f64_bytes(&[8.5]));
    let file = TempFile::with_bytes("nonewline", &bytes);
    assert_eq!(npy::read_all::<f64>(file.path()).unwrap().1, [8.5]);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Reads `bytes` as a file of f64 and returns the error, checking that its
/// message starts with the file's name and contains every one of `words`.
fn error_of(bytes: &[u8], words: &[&str]) -> NpyErrorKind {
    let file = TempFile::with_bytes("error", bytes);
    let err = npy::read_runs::<f64>(file.path(), [(0, 0)]).unwrap_err();
    check_message(&err, file.path(), words);
    // read_header reports the same problem (except a dtype mismatch).
    if !matches!(err.kind(), NpyErrorKind::DtypeMismatch { .. }) {
        assert_eq!(npy::read_header(file.path()).unwrap_err(), err);
    }
    err.kind().clone()
}

fn check_message(err: &NpyError, path: &Path, words: &[&str]) {
    let message = err.to_string();
    assert_eq!(err.path(), path);
    assert!(
        message.starts_with(&format!("{}: ", path.display())),
        "{message}"
    );
    for word in words {
        assert!(message.contains(word), "{message:?} lacks {word:?}");
    }
}

#[test]
fn error_cannot_open() {
    let path = std::env::temp_dir().join("pdot-npy-test-does-not-exist/x.npy");
    let err = npy::read_runs::<f64>(&path, [(0, 1)]).unwrap_err();
    assert!(matches!(
        err.kind(),
        NpyErrorKind::Io {
            kind: io::ErrorKind::NotFound,
            ..
        }
    ));
    check_message(&err, &path, &["cannot open the file"]);
    assert_eq!(io::Error::from(err).kind(), io::ErrorKind::NotFound);
}

#[test]
fn error_cannot_read() {
    // A directory opens on Unix but cannot be read as a file.
    let dir = std::env::temp_dir();
    let err = npy::read_header(&dir).unwrap_err();
    assert!(matches!(err.kind(), NpyErrorKind::Io { .. }), "{err}");
    check_message(&err, &dir, &["cannot "]);
}

#[test]
fn error_bad_magic() {
    // An .npz (zip) file is the classic mix-up.
    let kind = error_of(
        b"PK\x03\x04\x14\x00\x00\x00",
        &["not an npy file", "PK\\x03"],
    );
    assert_eq!(
        kind,
        NpyErrorKind::BadMagic {
            found: b"PK\x03\x04\x14\x00".to_vec()
        }
    );
    let kind = error_of(b"\x93NUMP", &["truncated header"]);
    assert_eq!(
        kind,
        NpyErrorKind::TruncatedHeader {
            available: 5,
            needed: 10
        }
    );
    let kind = error_of(b"\x93NUMX", &["not an npy file"]);
    assert!(matches!(kind, NpyErrorKind::BadMagic { .. }));
}

#[test]
fn error_unsupported_version() {
    for (major, minor) in [(4, 0), (1, 1), (0, 0), (255, 255)] {
        let mut bytes = b"\x93NUMPY".to_vec();
        bytes.extend_from_slice(&[major, minor, 0, 0, 0, 0]);
        let words = &[&format!("unsupported npy format version {major}.{minor}")[..]];
        assert_eq!(
            error_of(&bytes, words),
            NpyErrorKind::UnsupportedVersion { major, minor }
        );
    }
}

#[test]
fn error_header_too_large() {
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    let kind = error_of(&bytes, &["header too large", "4294967295"]);
    assert_eq!(
        kind,
        NpyErrorKind::HeaderTooLarge {
            header_len: u64::from(u32::MAX),
            max: npy::MAX_HEADER_LEN as u64
        }
    );
}

#[test]
fn error_malformed_header() {
    let cases: &[(&str, &str)] = &[
        ("", "expected '{'"),
        ("['descr', '<f8']", "expected '{'"),
        (
            "{'descr': '<f8', 'shape': (3,)}",
            "missing key 'fortran_order'",
        ),
        (
            "{'fortran_order': False, 'shape': (3,)}",
            "missing key 'descr'",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False}",
            "missing key 'shape'",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
            "unexpected key `'extra'`",
        ),
        (
            "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}",
            "duplicate key `'descr'`",
        ),
        ("{1: 2}", "the key `1` is not a string"),
        (
            "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}",
            "'fortran_order' must be True or False, found `0`",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
            "'shape' must be a tuple of integers such as (5,), found `[3]`",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3)}",
            "'shape' must be a tuple of integers such as (5,), found `(3)`",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}",
            "'shape' entry `-3` is not a valid length",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
            "'shape' entry `99999999999999999999999` is not a valid length",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,)}",
            "malformed number `3.`",
        ),
        (
            "{'descr': '<f8', 'fortran_order': false, 'shape': (3,)}",
            "unexpected name `false`",
        ),
        ("{'descr: '<f8'}", "expected ':' after a key"),
        ("{'descr': '<f8", "unterminated string"),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} x",
            "only spaces and newlines after the header dict",
        ),
        (
            "{'descr': '<f8' 'fortran_order': False}",
            "expected ',' or '}' at byte 16 of the header",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3 }",
            "expected ',' or ')'",
        ),
        ("{'descr': ", "found the end of the header"),
    ];
    for &(text, reason) in cases {
        let bytes = npy_bytes(1, text, &[0; 64]);
        let kind = error_of(&bytes, &["malformed header: ", reason]);
        assert!(
            matches!(kind, NpyErrorKind::MalformedHeader { .. }),
            "{text}"
        );
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = format!(
        "{{'descr': {}0{}, 'fortran_order': False, 'shape': (3,)}}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let bytes = npy_bytes(2, &deep, &[]);
    error_of(&bytes, &["malformed header: ", "nested deeper than 16"]);
    // A non-ASCII byte outside a string.
    let mut bytes = npy_bytes(1, &dict("<f8", "(1,)"), &[0; 8]);
    bytes[10] = 0xff;
    error_of(&bytes, &["malformed header: ", "found '\\xff'"]);
}

#[test]
fn error_unsupported_dtype() {
    let kind = error_of(NUMPY_BIG_ENDIAN, &["unsupported dtype '>f8' (big-endian)"]);
    assert_eq!(
        kind,
        NpyErrorKind::UnsupportedDtype {
            descr: ">f8".into()
        }
    );
    let kind = error_of(
        NUMPY_I4,
        &["unsupported dtype '<i4'", "'<f4' (f32) and '<f8' (f64)"],
    );
    assert_eq!(
        kind,
        NpyErrorKind::UnsupportedDtype {
            descr: "<i4".into()
        }
    );
    let kind = error_of(
        NUMPY_STRUCT_HEADER,
        &["unsupported dtype '[('a', '<f8'), ('b', '<i4')]' (structured)"],
    );
    assert!(matches!(kind, NpyErrorKind::UnsupportedDtype { .. }));
    for descr in ["<f2", "<c16", "f8", "=f8", "<F8", "|u1", "<f8 "] {
        let bytes = npy_bytes(1, &dict(descr, "(1,)"), &[0; 8]);
        let kind = error_of(&bytes, &[&format!("unsupported dtype '{descr}'")]);
        assert_eq!(
            kind,
            NpyErrorKind::UnsupportedDtype {
                descr: descr.into()
            }
        );
    }
}

#[test]
fn error_dtype_mismatch() {
    let file = TempFile::with_bytes("mismatch", NUMPY_F32);
    let err = npy::read_runs::<f64>(file.path(), [(0, 1)]).unwrap_err();
    assert_eq!(
        *err.kind(),
        NpyErrorKind::DtypeMismatch {
            found: Dtype::F32,
            requested: Dtype::F64
        }
    );
    check_message(
        &err,
        file.path(),
        &["dtype mismatch: the file holds '<f4' (f32) but '<f8' (f64) was requested"],
    );
    assert_eq!(io::Error::from(err).kind(), io::ErrorKind::InvalidInput);
    let file = TempFile::with_bytes("mismatch", NUMPY_F64);
    let err = npy::read_all::<f32>(file.path()).unwrap_err();
    check_message(&err, file.path(), &["holds '<f8' (f64) but '<f4' (f32)"]);
}

#[test]
fn error_not_one_dimensional() {
    let mut bytes = NUMPY_2D_HEADER.to_vec();
    bytes.extend_from_slice(&[0; 48]);
    let kind = error_of(
        &bytes,
        &["not a 1-D array: the shape is (2, 3) (2 dimensions)"],
    );
    assert_eq!(kind, NpyErrorKind::NotOneDimensional { shape: vec![2, 3] });
    let mut bytes = NUMPY_0D_HEADER.to_vec();
    bytes.extend_from_slice(&[0; 8]);
    let kind = error_of(&bytes, &["the shape is () (0 dimensions)"]);
    assert_eq!(kind, NpyErrorKind::NotOneDimensional { shape: vec![] });
    let bytes = npy_bytes(1, &dict("<f8", "(1, 2, 3,)"), &[0; 48]);
    error_of(&bytes, &["the shape is (1, 2, 3) (3 dimensions)"]);
}

#[test]
fn error_truncated_data() {
    let bytes = npy_bytes(1, &dict("<f8", "(10,)"), &[0; 79]);
    let kind = error_of(
        &bytes,
        &[
            "truncated data: the header promises 10 '<f8' elements (80 bytes) but the file has 79 bytes of data",
        ],
    );
    assert_eq!(
        kind,
        NpyErrorKind::TruncatedData {
            len: 10,
            dtype: Dtype::F64,
            available: 79
        }
    );
    // A length whose byte count overflows u64 is still just "truncated".
    let max = usize::MAX;
    let bytes = npy_bytes(1, &dict("<f8", &format!("({max},)")), &[]);
    let want = format!("({} bytes)", max as u128 * 8);
    assert!(matches!(
        error_of(&bytes, &[&want]),
        NpyErrorKind::TruncatedData { available: 0, .. }
    ));
}

/// Every prefix of a valid file is refused with the precise reason.
#[test]
fn every_truncation_of_a_file_is_reported() {
    for major in [1u8, 2] {
        let data = f64_bytes(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let full = npy_bytes(major, &dict("<f8", "(5,)"), &data);
        let data_offset = full.len() - data.len();
        let prelude = if major == 1 { 10 } else { 12 };
        for cut in 0..full.len() {
            let file = TempFile::with_bytes("cut", &full[..cut]);
            let err = npy::read_runs::<f64>(file.path(), [(0, 1)]).unwrap_err();
            let want = if cut < 8 {
                NpyErrorKind::TruncatedHeader {
                    available: cut as u64,
                    needed: 10,
                }
            } else if cut < prelude {
                NpyErrorKind::TruncatedHeader {
                    available: cut as u64,
                    needed: prelude as u64,
                }
            } else if cut < data_offset {
                NpyErrorKind::TruncatedHeader {
                    available: cut as u64,
                    needed: data_offset as u64,
                }
            } else {
                NpyErrorKind::TruncatedData {
                    len: 5,
                    dtype: Dtype::F64,
                    available: (cut - data_offset) as u64,
                }
            };
            assert_eq!(*err.kind(), want, "version {major}, cut at {cut}");
            let words = if cut < data_offset {
                [
                    "truncated header: the file has ",
                    "bytes but its preamble and header need",
                ]
            } else {
                ["truncated data: ", "bytes of data"]
            };
            check_message(&err, file.path(), &words);
        }
        let file = TempFile::with_bytes("uncut", &full);
        assert_eq!(npy::read_all::<f64>(file.path()).unwrap().1.len(), 5);
    }
}

#[test]
fn error_run_out_of_bounds() {
    let file = TempFile::new("bounds");
    npy::write(file.path(), &[0.0f32; 10]).unwrap();
    let cases = [(8, 3), (11, 0), (10, 1), (usize::MAX, 2), (0, usize::MAX)];
    for (start, len) in cases {
        // Valid runs before the bad one do not matter: all are checked first.
        let err = npy::read_runs::<f32>(file.path(), [(0, 10), (start, len), (1, 1)]).unwrap_err();
        assert_eq!(
            *err.kind(),
            NpyErrorKind::RunOutOfBounds {
                start,
                len,
                array_len: 10
            }
        );
        check_message(
            &err,
            file.path(),
            &[&format!(
                "run out of bounds: the run of {len} elements starting at {start} reaches \
                 beyond the array's length 10"
            )],
        );
    }
    // The edges that are fine.
    let (_, got) = npy::read_runs::<f32>(file.path(), [(10, 0), (0, 10), (9, 1)]).unwrap();
    assert_eq!(got.len(), 11);
}

#[test]
fn error_traits() {
    fn is_error<E: std::error::Error + Clone + Eq + Send + Sync + 'static>(_: &E) {}
    let file = TempFile::with_bytes("traits", NUMPY_I4);
    let err = npy::read_header(file.path()).unwrap_err();
    is_error(&err);
    is_error(err.kind());
    assert_eq!(err.clone(), err);
    assert_eq!(io::Error::from(err).kind(), io::ErrorKind::InvalidData);
}

// ---------------------------------------------------------------------------
// The parser never panics, and agrees with itself
// ---------------------------------------------------------------------------

/// Checks what every `Ok` from `parse_header` must satisfy.
fn check_consistent(bytes: &[u8]) -> Result<(), TestCaseError> {
    let result = npy::parse_header(bytes);
    // Deterministic.
    prop_assert_eq!(&npy::parse_header(bytes), &result);
    if let Ok(header) = result {
        let prelude: u64 = match header.version {
            (1, 0) => 10,
            (2, 0) | (3, 0) => 12,
            v => return Err(TestCaseError::fail(format!("version {v:?}"))),
        };
        let header_len = if prelude == 10 {
            u64::from(u16::from_le_bytes([bytes[8], bytes[9]]))
        } else {
            u64::from(u32::from_le_bytes([
                bytes[8], bytes[9], bytes[10], bytes[11],
            ]))
        };
        prop_assert_eq!(header.data_offset, prelude + header_len);
        prop_assert!(header.data_offset <= bytes.len() as u64);
        // The header alone suffices; later bytes do not matter.
        let end = header.data_offset as usize;
        prop_assert_eq!(npy::parse_header(&bytes[..end]), Ok(header));
        let mut longer = bytes[..end].to_vec();
        longer.extend_from_slice(b"\x00garbage");
        prop_assert_eq!(npy::parse_header(&longer), Ok(header));
    }
    Ok(())
}

/// Tokens from which header-like dicts are assembled at random.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\t",
    "'",
    "\"",
    "\\",
    "'descr'",
    "'shape'",
    "'fortran_order'",
    "\"descr\"",
    "'<f8'",
    "'<f4'",
    "'>f8'",
    "True",
    "False",
    "None",
    "0",
    "3",
    "-1",
    "18446744073709551616",
    "3L",
    "1.5",
    "x",
    "\u{e9}",
    "\x00",
];

fn token_dict() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)
        .prop_map(|tokens| tokens.concat().into_bytes())
}

/// A preamble (of a valid or invalid version) around `dict`, with a header
/// length that is exact or off by a little.
fn wrap(major: u8, minor: u8, dict: &[u8], len_delta: i8) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[major, minor]);
    let len = (dict.len() as i64 + i64::from(len_delta)).max(0);
    if major == 1 {
        out.extend_from_slice(&(len as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(len as u32).to_le_bytes());
    }
    out.extend_from_slice(dict);
    out
}

/// A valid header written in one of the many ways NumPy accepts, and the
/// header it must parse to.
fn valid_header() -> impl Strategy<Value = (Vec<u8>, NpyHeader)> {
    (
        1u8..=3,
        any::<bool>(),
        any::<bool>(),
        prop_oneof![any::<usize>(), 0usize..1000],
        0usize..6,
        proptest::collection::vec("[ \t\n\r]{0,3}", 12),
        any::<bool>(),
        any::<bool>(),
        0usize..4,
        0usize..70,
        any::<bool>(),
    )
        .prop_map(
            |(major, f64, fortran, len, order, ws, dq, trailing, shape_style, pad, newline)| {
                let q = if dq { "\"" } else { "'" };
                let descr = if f64 { "<f8" } else { "<f4" };
                let shape = match shape_style {
                    0 => format!("({len},)"),
                    1 => format!("({}{len}{},{})", ws[9], ws[10], ws[11]),
                    2 => format!("({len}L,)"),
                    _ => format!("({len}, )"),
                };
                let fortran_text = if fortran { "True" } else { "False" };
                let entries = [
                    format!("{q}descr{q}{}:{}{q}{descr}{q}", ws[0], ws[1]),
                    format!("{q}fortran_order{q}{}:{}{fortran_text}", ws[2], ws[3]),
                    format!("{q}shape{q}{}:{}{shape}", ws[4], ws[5]),
                ];
                let perms = [
                    [0, 1, 2],
                    [0, 2, 1],
                    [1, 0, 2],
                    [1, 2, 0],
                    [2, 0, 1],
                    [2, 1, 0],
                ];
                let body: Vec<&str> = perms[order].iter().map(|&i| &entries[i][..]).collect();
                let sep = format!(",{}", ws[6]);
                let mut text = format!("{}{{{}", ws[7], body.join(&sep));
                if trailing {
                    text.push(',');
                }
                text.push_str(&ws[8]);
                text.push('}');
                text.extend(std::iter::repeat_n(' ', pad));
                if newline {
                    text.push('\n');
                }
                let bytes = wrap(major, 0, text.as_bytes(), 0);
                let prelude = if major == 1 { 10 } else { 12 };
                let header = NpyHeader {
                    version: (major, 0),
                    dtype: if f64 { Dtype::F64 } else { Dtype::F32 },
                    len,
                    fortran_order: fortran,
                    data_offset: (prelude + text.len()) as u64,
                };
                (bytes, header)
            },
        )
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match *m {
        Mutation::Set(i, b) if n > 0 => bytes[i % n] = b,
        Mutation::Insert(i, b) => bytes.insert(i % (n + 1), b),
        Mutation::Remove(i) if n > 0 => {
            bytes.remove(i % n);
        }
        Mutation::Truncate(i) => bytes.truncate(i % (n + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(Config::with_cases(4000))]

    #[test]
    fn parser_survives_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check_consistent(&bytes)?;
    }

    #[test]
    fn parser_survives_random_dicts(
        dict in token_dict(),
        major in prop_oneof![4 => 1u8..=3, 1 => any::<u8>()],
        minor in prop_oneof![4 => Just(0u8), 1 => any::<u8>()],
        delta in prop_oneof![4 => Just(0i8), 1 => -3i8..3],
    ) {
        check_consistent(&wrap(major, minor, &dict, delta))?;
    }

    #[test]
    fn parser_accepts_every_valid_layout((bytes, header) in valid_header()) {
        prop_assert_eq!(npy::parse_header(&bytes), Ok(header));
        check_consistent(&bytes)?;
    }

    #[test]
    fn parser_survives_mutated_headers(
        (bytes, _) in valid_header(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut bytes = bytes;
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        check_consistent(&bytes)?;
    }

    #[test]
    fn parser_names_unsupported_dtypes(
        descr in "[<>|=]?[a-zA-Z][0-9]{0,2}",
        major in 1u8..=3,
    ) {
        prop_assume!(descr != "<f4" && descr != "<f8");
        let bytes = wrap(major, 0, dict(&descr, "(4,)").as_bytes(), 0);
        prop_assert_eq!(
            npy::parse_header(&bytes),
            Err(NpyErrorKind::UnsupportedDtype { descr })
        );
    }

    #[test]
    fn parser_names_other_shapes(
        shape in proptest::collection::vec(any::<usize>(), 0..6),
        major in 1u8..=3,
    ) {
        prop_assume!(shape.len() != 1);
        let text: Vec<String> = shape.iter().map(usize::to_string).collect();
        let text = match shape.len() {
            0 => "()".to_owned(),
            _ => format!("({})", text.join(", ")),
        };
        let bytes = wrap(major, 0, dict("<f4", &text).as_bytes(), 0);
        prop_assert_eq!(
            npy::parse_header(&bytes),
            Err(NpyErrorKind::NotOneDimensional { shape })
        );
    }
}

proptest! {
    #![proptest_config(Config::with_cases(200))]

    /// Whole files of (mostly) garbage: reading never panics, and a file
    /// that reads is consistent with its header.
    #[test]
    fn reader_survives_random_files(
        (header_bytes, _) in valid_header(),
        mutations in proptest::collection::vec(mutation(), 0..4),
        data in proptest::collection::vec(any::<u8>(), 0..64),
        run in (0usize..10, 0usize..10),
    ) {
        let mut bytes = header_bytes;
        bytes.extend_from_slice(&data);
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        let file = TempFile::with_bytes("fuzz", &bytes);
        let parsed = npy::parse_header(&bytes);
        match npy::read_runs::<f32>(file.path(), [run]) {
            Ok((header, got)) => {
                prop_assert_eq!(Ok(header), parsed);
                prop_assert_eq!(got.len(), run.1);
                let start = header.data_offset as usize + 4 * run.0;
                let want: Vec<u32> = bytes[start..start + 4 * run.1]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                let got: Vec<u32> = got.iter().map(|v| v.to_bits()).collect();
                prop_assert_eq!(got, want);
            }
            Err(err) => {
                prop_assert_eq!(err.path(), file.path());
                if let Err(kind) = parsed {
                    prop_assert_eq!(err.kind(), &kind);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The npyz crate's parser agrees on NumPy's headers (why pdot keeps its own parser: see the
// module documentation)
// ---------------------------------------------------------------------------

#[test]
fn npyz_agrees_on_numpy_headers() {
    let mut files: Vec<&[u8]> = vec![
        NUMPY_F64,
        NUMPY_F32,
        NUMPY_EMPTY,
        NUMPY_V2,
        NUMPY_V3,
        NUMPY_FORTRAN_HEADER,
    ];
    files.extend(NUMPY_HEADERS.iter().map(|&(_, h)| h));
    for bytes in files {
        let ours = npy::parse_header(bytes).unwrap();
        let mut reader = bytes;
        let theirs = npyz::NpyHeader::from_reader(&mut reader).unwrap();
        assert_eq!(theirs.dtype().descr(), format!("'{}'", ours.dtype));
        assert_eq!(theirs.shape(), [ours.len as u64]);
        assert_eq!(theirs.order() == npyz::Order::Fortran, ours.fortran_order);
        // npyz leaves the reader at the data: the same offset.
        assert_eq!(bytes.len() - reader.len(), ours.data_offset as usize);
    }
    // Both refuse what is not a 1-D '<f8'/'<f4' array of NumPy's.
    for bytes in [NUMPY_BIG_ENDIAN, NUMPY_I4, NUMPY_2D_HEADER, NUMPY_0D_HEADER] {
        assert!(npy::parse_header(bytes).is_err());
        let theirs = npyz::NpyHeader::from_reader(bytes).unwrap();
        let plain_1d = theirs.shape().len() == 1
            && matches!(theirs.dtype().descr().as_str(), "'<f8'" | "'<f4'");
        assert!(!plain_1d);
    }
}

/// The files the `npy_files` example writes (with npyz) read back bit for bit.
#[test]
fn reads_files_written_by_npyz() {
    let data = f64::random(11, 5000);
    let file = TempFile::new("npyz-f64");
    npyz::to_file_1d(file.path(), data.iter().copied()).unwrap();
    let (header, got) = npy::read_runs::<f64>(file.path(), [(7, 100), (4000, 1000)]).unwrap();
    assert_eq!(header.len, 5000);
    assert_eq!(bits(&got), bits(&select(&data, &[(7, 100), (4000, 1000)])));
    let data = f32::random(12, 333);
    let file = TempFile::new("npyz-f32");
    npyz::to_file_1d(file.path(), data.iter().copied()).unwrap();
    assert_eq!(
        bits(&npy::read_all::<f32>(file.path()).unwrap().1),
        bits(&data)
    );
}
