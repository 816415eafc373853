//! The peak resident memory of this process.

/// The peak resident set size in bytes (`VmHWM` in /proc/self/status), or 0 where the
/// system does not report it.
pub fn peak_rss_bytes() -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn grows_with_a_touched_allocation() {
        let before = super::peak_rss_bytes();
        assert!(before > 0);
        let v = vec![1u8; 64 << 20];
        std::hint::black_box(&v);
        assert!(super::peak_rss_bytes() >= before.max(64 << 20));
    }
}
