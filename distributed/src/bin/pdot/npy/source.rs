//! Reading from any seekable source: the header, checked against the
//! source's size, and the coalescing reader of runs.

use std::io::{self, Read, Seek, SeekFrom};

use super::header::{parse_header, parse_preamble};
use super::{MAX_GAP_BYTES, NpyElement, NpyErrorKind, NpyHeader, WINDOW_BYTES};

/// Wraps an io error as the [`NpyErrorKind::Io`] of doing `op`.
pub(super) fn io_error(op: &'static str) -> impl FnOnce(io::Error) -> NpyErrorKind {
    move |e| NpyErrorKind::Io {
        op,
        kind: e.kind(),
        message: e.to_string(),
    }
}

/// Reads into `buf` until it is full or the source ends; returns the count.
fn read_up_to<R: Read>(src: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads and validates the header of the source, checking the data size
/// against the source's size.
pub(super) fn header_from<R: Read + Seek>(src: &mut R) -> Result<NpyHeader, NpyErrorKind> {
    let file_len = src
        .seek(SeekFrom::End(0))
        .map_err(io_error("determine the file size"))?;
    src.seek(SeekFrom::Start(0))
        .map_err(io_error("read the header"))?;
    let mut start = vec![0u8; 12];
    let n = read_up_to(src, &mut start).map_err(io_error("read the header"))?;
    start.truncate(n);
    let (_, prelude_len, header_len) = parse_preamble(&start)?;
    let end = prelude_len + header_len;
    if end as u64 > file_len {
        return Err(NpyErrorKind::TruncatedHeader {
            available: file_len,
            needed: end as u64,
        });
    }
    // `start` may hold a few bytes past a v1 preamble: keep just the preamble.
    start.truncate(prelude_len);
    start.resize(end, 0);
    src.seek(SeekFrom::Start(prelude_len as u64))
        .and_then(|_| src.read_exact(start.get_mut(prelude_len..).unwrap_or_default()))
        .map_err(io_error("read the header"))?;
    let header = parse_header(&start)?;
    let available = file_len - header.data_offset;
    let needed = header.len as u128 * header.dtype.size() as u128;
    if needed > u128::from(available) {
        return Err(NpyErrorKind::TruncatedData {
            len: header.len,
            dtype: header.dtype,
            available,
        });
    }
    Ok(header)
}

/// Fills `dst` with the bytes of the elements from element `start` on, seeking
/// only when the source is not already there.
fn read_bytes<R: Read + Seek>(
    src: &mut R,
    pos: &mut Option<u64>,
    header: &NpyHeader,
    start: usize,
    dst: &mut [u8],
) -> Result<(), NpyErrorKind> {
    let offset = header.data_offset + start as u64 * header.dtype.size() as u64;
    if *pos != Some(offset) {
        *pos = None;
        src.seek(SeekFrom::Start(offset))
            .map_err(io_error("read data"))?;
    }
    src.read_exact(dst).map_err(io_error("read data"))?;
    *pos = Some(offset + dst.len() as u64);
    Ok(())
}

/// [`read_runs`] on any seekable source.
///
/// [`read_runs`]: super::read::read_runs
pub(super) fn read_runs_from<T: NpyElement, R: Read + Seek>(
    src: &mut R,
    runs: impl IntoIterator<Item = (usize, usize)>,
) -> Result<(NpyHeader, Vec<T>), NpyErrorKind> {
    let header = header_from(src)?;
    if header.dtype != T::DTYPE {
        return Err(NpyErrorKind::DtypeMismatch {
            found: header.dtype,
            requested: T::DTYPE,
        });
    }
    // Validate every run before reading anything; drop the empty ones.
    let mut list = Vec::new();
    let mut total = 0usize;
    for (start, len) in runs {
        if start.checked_add(len).is_none_or(|end| end > header.len) {
            return Err(NpyErrorKind::RunOutOfBounds {
                start,
                len,
                array_len: header.len,
            });
        }
        if len > 0 {
            list.push((start, len));
            total = total.saturating_add(len);
        }
    }
    let mut out = Vec::new();
    out.try_reserve_exact(total).map_err(|e| NpyErrorKind::Io {
        op: "allocate memory for the elements read",
        kind: io::ErrorKind::OutOfMemory,
        message: format!("{total} elements: {e}"),
    })?;

    let size = T::DTYPE.size();
    let window = WINDOW_BYTES / size;
    let max_gap = MAX_GAP_BYTES / size;
    let mut buf = Vec::new();
    let mut pos = None;
    let mut i = 0;
    while let Some(&(start, len)) = list.get(i) {
        if len >= window {
            // A long run: window-sized chunks straight into `out`.
            let mut done = 0;
            while done < len {
                // Straight into the output's bytes, no copy.
                let count = (len - done).min(window);
                let old = out.len();
                out.resize(old + count, T::zeroed());
                let fresh = out.get_mut(old..).unwrap_or_default();
                read_bytes(
                    src,
                    &mut pos,
                    &header,
                    start + done,
                    bytemuck::cast_slice_mut(fresh),
                )?;
                T::fix_le(fresh);
                done += count;
            }
            i += 1;
            continue;
        }
        // Grow a group of consecutive runs while its span fits the window
        // and the next run is close to it.
        let (mut lo, mut hi) = (start, start + len);
        let mut j = i + 1;
        while let Some(&(s, l)) = list.get(j) {
            let e = s + l;
            // Elements between the group's span and the run (0 if they overlap).
            let gap = s.saturating_sub(hi).max(lo.saturating_sub(e));
            let (new_lo, new_hi) = (lo.min(s), hi.max(e));
            if gap > max_gap || new_hi - new_lo > window {
                break;
            }
            (lo, hi) = (new_lo, new_hi);
            j += 1;
        }
        buf.resize((hi - lo) * size, 0);
        read_bytes(src, &mut pos, &header, lo, &mut buf)?;
        for &(s, l) in list.get(i..j).unwrap_or_default() {
            let from = (s - lo) * size;
            T::extend_from_le(buf.get(from..from + l * size).unwrap_or_default(), &mut out);
        }
        i = j;
    }
    Ok((header, out))
}

/// [`read_all`] on any seekable source.
#[cfg(test)]
///
/// [`read_all`]: super::read::read_all
pub(super) fn read_all_from<T: NpyElement, R: Read + Seek>(
    src: &mut R,
) -> Result<(NpyHeader, Vec<T>), NpyErrorKind> {
    let header = header_from(src)?;
    read_runs_from(src, [(0, header.len)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npy::Dtype;
    use crate::npy::NpyElement;
    use crate::npy::write::header_bytes;
    use std::io::Cursor;

    /// A source that counts the read calls that reach it.
    struct Counting {
        inner: Cursor<Vec<u8>>,
        reads: usize,
        seeks: usize,
    }

    impl Read for Counting {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            self.inner.read(buf)
        }
    }

    impl Seek for Counting {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.seeks += 1;
            self.inner.seek(pos)
        }
    }

    fn file_of(data: &[f64]) -> Counting {
        let mut bytes = header_bytes(Dtype::F64, data.len());
        f64::extend_le_bytes(data, &mut bytes);
        Counting {
            inner: Cursor::new(bytes),
            reads: 0,
            seeks: 0,
        }
    }

    #[test]
    fn cyclic_runs_are_coalesced() {
        let n = 1 << 20; // 8 MiB of f64
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        for p in [2, 7, 64, 1000] {
            let mut src = file_of(&data);
            let runs = (3 % p..n).step_by(p).map(|s| (s, 1));
            let (_, got) = read_runs_from::<f64, _>(&mut src, runs).unwrap();
            let want: Vec<f64> = data.iter().copied().skip(3 % p).step_by(p).collect();
            assert_eq!(got, want);
            // Header: 2 reads; data: one read per window of 1 MiB (8 windows),
            // plus one where a window boundary splits the span.
            assert!(src.reads <= 2 + 2 * 8 + 2, "p = {p}: {} reads", src.reads);
            assert!(src.seeks <= 4 + 2 * 8 + 2, "p = {p}: {} seeks", src.seeks);
        }
    }

    #[test]
    fn sparse_runs_read_only_what_is_needed() {
        let n = 1 << 20;
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        // Stride 100k elements (800 KB): far beyond the gap limit, so one
        // small read per run, not a 1 MiB window per run.
        let mut src = file_of(&data);
        let runs: Vec<(usize, usize)> = (0..n).step_by(100_000).map(|s| (s, 2)).collect();
        let (_, got) = read_runs_from::<f64, _>(&mut src, runs.iter().copied()).unwrap();
        assert_eq!(got.len(), 2 * runs.len());
        assert_eq!(src.reads, 2 + runs.len());
    }

    #[test]
    fn long_runs_are_read_in_windows() {
        let n = 3 * (WINDOW_BYTES / 8) + 5;
        let data: Vec<f64> = (0..n).map(|i| -(i as f64)).collect();
        let mut src = file_of(&data);
        let (_, got) = read_all_from::<f64, _>(&mut src).unwrap();
        assert_eq!(got, data);
        // Header read twice (read_all reads it before read_runs): 4 reads,
        // then 4 window-sized chunks read sequentially.
        assert_eq!(src.reads, 4 + 4);
    }

    #[test]
    fn descending_runs_are_coalesced() {
        let n = 100_000;
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut src = file_of(&data);
        let runs = (0..n).rev().step_by(5).map(|s| (s, 1));
        let (_, got) = read_runs_from::<f64, _>(&mut src, runs).unwrap();
        let want: Vec<f64> = data.iter().rev().copied().step_by(5).collect();
        assert_eq!(got, want);
        assert!(src.reads <= 2 + 2, "{} reads", src.reads);
    }
}
