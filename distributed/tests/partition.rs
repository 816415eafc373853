//! Tests of `pdot_mpi::Partition` and `pdot_mpi::Layout`: exhaustive checks over small
//! lengths, rank counts and layouts (bijection, inverse, order, runs, balance), property tests
//! on huge lengths against independent formulas written from the layouts' definitions, and
//! the errors of `Partition::new` and of layout parsing; partitions from per-rank counts
//! (`Counts`, `Partition::from_counts`) against their definition.

use pdot_mpi::{Counts, Error, Layout, Partition};
use proptest::prelude::*;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The layouts of the exhaustive tests: block, cyclic, block-cyclic with small and with
/// large block sizes (larger than every `n` tested, and the largest possible).
fn small_layouts() -> Vec<Layout> {
    let mut out = vec![Layout::Block, Layout::Cyclic];
    out.extend((1..=12).map(Layout::BlockCyclic));
    out.extend(
        [50, 199, 200, 201, 1000, usize::MAX / 2, usize::MAX]
            .into_iter()
            .map(Layout::BlockCyclic),
    );
    out
}

fn part(n: usize, ranks: usize, rank: usize, layout: Layout) -> Partition {
    Partition::new(n, ranks, rank, layout)
        .unwrap_or_else(|e| panic!("Partition::new({n}, {ranks}, {rank}, {layout}): {e}"))
}

/// The global indices of the local elements, in local order, via `global_index`.
fn globals(p: &Partition) -> Vec<usize> {
    (0..p.local_len())
        .map(|i| {
            p.global_index(i)
                .unwrap_or_else(|| panic!("{p:?}: global_index({i}) is None"))
        })
        .collect()
}

/// The owner of global element `g` from the layout's definition, in `u128` so that no
/// overflow of the formula can hide one in the code under test.
fn owner_by_definition(n: u128, p: u128, layout: Layout, g: u128) -> u128 {
    assert!(g < n);
    match layout {
        // The first `n % p` ranks hold `n / p + 1` elements, the others `n / p`.
        Layout::Block => {
            let (q, rem) = (n / p, n % p);
            let big = rem * (q + 1);
            if g < big {
                g / (q + 1)
            } else {
                rem + (g - big) / q
            }
        }
        Layout::Cyclic => g % p,
        Layout::BlockCyclic(b) => (g / b as u128) % p,
    }
}

/// How many elements rank `r` owns, from the layout's definition: the count of indices
/// `i < n` with `i % p == r` (block and cyclic have the same counts), or the number of whole
/// blocks `r, r + p, r + 2p, ..` below `ceil(n / b)`, less what the last block lacks.
fn local_len_by_definition(n: u128, p: u128, r: u128, layout: Layout) -> u128 {
    match layout {
        Layout::Block | Layout::Cyclic => {
            if r < n {
                (n - r).div_ceil(p)
            } else {
                0
            }
        }
        Layout::BlockCyclic(b) => {
            let b = b as u128;
            let blocks = n.div_ceil(b);
            if r >= blocks {
                return 0;
            }
            let owned = (blocks - 1 - r) / p + 1;
            let owns_last = (blocks - 1) % p == r;
            let last_len = n - (blocks - 1) * b;
            owned * b - if owns_last { b - last_len } else { 0 }
        }
    }
}

/// The first global index of rank `r`'s share from the definition (block: the sum of the
/// lengths of the ranks before it), or `None` if it owns nothing.
fn first_by_definition(n: u128, p: u128, r: u128, layout: Layout) -> Option<u128> {
    if local_len_by_definition(n, p, r, layout) == 0 {
        return None;
    }
    Some(match layout {
        Layout::Block => {
            let (q, rem) = (n / p, n % p);
            if r <= rem {
                r * (q + 1)
            } else {
                rem * (q + 1) + (r - rem) * q
            }
        }
        Layout::Cyclic => r,
        Layout::BlockCyclic(b) => r * b as u128,
    })
}

// ---------------------------------------------------------------------------
// Exhaustive checks over small parameters
// ---------------------------------------------------------------------------

/// Every structural property of one `(n, ranks, layout)`.
fn check_all_ranks(n: usize, ranks: usize, layout: Layout) {
    let ctx = format!("n = {n}, ranks = {ranks}, layout = {layout}");
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut total = 0;
    let mut lens = Vec::with_capacity(ranks);
    for rank in 0..ranks {
        let p = part(n, ranks, rank, layout);
        assert_eq!(
            (p.len(), p.ranks(), p.rank(), p.layout(), p.is_empty()),
            (n, ranks, rank, layout, n == 0),
            "{ctx}"
        );
        let len = p.local_len();
        lens.push(len);
        total += len;
        let g = globals(&p);
        assert_eq!(p.global_index(len), None, "{ctx}, rank {rank}");
        assert_eq!(p.global_index(len + 1), None, "{ctx}, rank {rank}");
        assert_eq!(p.global_index(usize::MAX), None, "{ctx}, rank {rank}");
        // Increasing with the local index.
        assert!(
            g.windows(2).all(|w| w[0] < w[1]),
            "{ctx}, rank {rank}: not increasing: {g:?}"
        );
        for (local, &gi) in g.iter().enumerate() {
            assert!(gi < n, "{ctx}, rank {rank}: global_index({local}) = {gi}");
            // Each global index exactly once.
            assert_eq!(
                owner[gi], None,
                "{ctx}: global {gi} owned twice (rank {rank} local {local})"
            );
            owner[gi] = Some((rank, local));
            assert_eq!(
                owner_by_definition(n as u128, ranks as u128, layout, gi as u128),
                rank as u128,
                "{ctx}: global {gi}"
            );
        }
        // runs(): the concatenation is the local sequence, no empty run, in order.
        let runs: Vec<(usize, usize)> = p.runs().collect();
        assert!(
            runs.iter().all(|&(_, l)| l > 0),
            "{ctx}, rank {rank}: empty run in {runs:?}"
        );
        let flat: Vec<usize> = runs.iter().flat_map(|&(s, l)| s..s + l).collect();
        assert_eq!(flat, g, "{ctx}, rank {rank}: runs {runs:?}");
        // Agrees with the independent formulas.
        assert_eq!(
            len as u128,
            local_len_by_definition(n as u128, ranks as u128, rank as u128, layout),
            "{ctx}, rank {rank}"
        );
        assert_eq!(
            g.first().map(|&x| x as u128),
            first_by_definition(n as u128, ranks as u128, rank as u128, layout),
            "{ctx}, rank {rank}"
        );
        // of_rank sees the same vector from another rank.
        assert_eq!(p.of_rank(rank), Some(p.clone()), "{ctx}");
        assert_eq!(p.of_rank(ranks), None, "{ctx}");
        assert_eq!(
            p.of_rank((rank + 1) % ranks).map(|q| q.rank()),
            Some((rank + 1) % ranks)
        );
    }
    assert_eq!(total, n, "{ctx}: local lengths {lens:?}");
    assert!(owner.iter().all(Option::is_some), "{ctx}: not onto");

    // locate is the inverse, from the point of view of every rank.
    for rank in 0..ranks {
        let p = part(n, ranks, rank, layout);
        for (g, &o) in owner.iter().enumerate() {
            assert_eq!(p.locate(g), o, "{ctx}: locate({g}) seen from rank {rank}");
        }
        assert_eq!(p.locate(n), None, "{ctx}");
        assert_eq!(p.locate(n + 1), None, "{ctx}");
        assert_eq!(p.locate(usize::MAX), None, "{ctx}");
    }

    // Balance.
    let (min, max) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
    let bound = match layout {
        Layout::Block | Layout::Cyclic => 1,
        Layout::BlockCyclic(b) => b,
    };
    assert!(max - min <= bound, "{ctx}: unbalanced {lens:?}");
}

#[test]
fn exhaustive_small() {
    for layout in small_layouts() {
        for ranks in 1..=17 {
            for n in 0..=200 {
                check_all_ranks(n, ranks, layout);
            }
        }
    }
}

/// The runs are maximal: two consecutive runs of a rank are never contiguous, so that a
/// reader issues as few reads as possible. Kept apart from `exhaustive_small` so that a
/// failure here names exactly this property.
#[test]
fn runs_are_maximal() {
    let mut failures = Vec::new();
    for layout in small_layouts() {
        for ranks in 1..=17 {
            for n in 0..=200 {
                for rank in 0..ranks {
                    let p = part(n, ranks, rank, layout);
                    let runs: Vec<(usize, usize)> = p.runs().collect();
                    if let Some(w) = runs.windows(2).find(|w| w[0].0 + w[0].1 >= w[1].0) {
                        failures.push(format!(
                            "n = {n}, ranks = {ranks}, rank = {rank}, {layout}: runs {:?} and {:?} \
                             are contiguous (of {} runs)",
                            w[0],
                            w[1],
                            runs.len()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} shares have non-maximal runs, e.g.\n{}",
        failures.len(),
        failures[..failures.len().min(8)].join("\n")
    );
}

#[test]
fn block_is_contiguous_in_rank_order() {
    for ranks in 1..=17 {
        for n in 0..=200 {
            let mut next = 0;
            for rank in 0..ranks {
                let p = part(n, ranks, rank, Layout::Block);
                let len = p.local_len();
                assert_eq!(globals(&p), (next..next + len).collect::<Vec<_>>());
                let runs: Vec<_> = p.runs().collect();
                if len == 0 {
                    assert!(runs.is_empty(), "n = {n}, ranks = {ranks}, rank = {rank}");
                } else {
                    assert_eq!(
                        runs,
                        [(next, len)],
                        "n = {n}, ranks = {ranks}, rank = {rank}"
                    );
                }
                // The first n % ranks ranks hold one more element.
                assert_eq!(len, n / ranks + usize::from(rank < n % ranks));
                next += len;
            }
            assert_eq!(next, n);
        }
    }
}

#[test]
fn cyclic_is_block_cyclic_1() {
    for ranks in 1..=17 {
        for n in 0..=200 {
            for rank in 0..ranks {
                let c = part(n, ranks, rank, Layout::Cyclic);
                let b = part(n, ranks, rank, Layout::BlockCyclic(1));
                assert_eq!(c.local_len(), b.local_len());
                for i in 0..=c.local_len() + 1 {
                    assert_eq!(c.global_index(i), b.global_index(i));
                }
                for g in 0..=n + 1 {
                    assert_eq!(c.locate(g), b.locate(g));
                }
                assert!(
                    c.runs().eq(b.runs()),
                    "n = {n}, ranks = {ranks}, rank = {rank}"
                );
                // Element i on rank i % ranks.
                assert!(globals(&c).iter().all(|&g| g % ranks == rank));
            }
        }
    }
}

#[test]
fn doc_examples_by_hand() {
    // 10 elements, 3 ranks, blocks of 2: rank 0 owns 0 1 6 7, rank 1 2 3 8 9, rank 2 4 5.
    let expected: [&[usize]; 3] = [&[0, 1, 6, 7], &[2, 3, 8, 9], &[4, 5]];
    for (rank, want) in expected.iter().enumerate() {
        let p = part(10, 3, rank, Layout::BlockCyclic(2));
        assert_eq!(globals(&p), *want);
    }
    // Block, 10 over 4: 3 3 2 2.
    let lens: Vec<usize> = (0..4)
        .map(|r| part(10, 4, r, Layout::Block).local_len())
        .collect();
    assert_eq!(lens, [3, 3, 2, 2]);
    // More ranks than elements.
    let lens: Vec<usize> = (0..5)
        .map(|r| part(3, 5, r, Layout::Block).local_len())
        .collect();
    assert_eq!(lens, [1, 1, 1, 0, 0]);
    assert_eq!(part(3, 5, 4, Layout::Block).runs().count(), 0);
    assert_eq!(part(3, 5, 2, Layout::Block).locate(2), Some((2, 0)));
}

// ---------------------------------------------------------------------------
// Property tests on large parameters
// ---------------------------------------------------------------------------

fn any_layout(max_b: usize) -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::Block),
        Just(Layout::Cyclic),
        (1..=16usize).prop_map(Layout::BlockCyclic),
        (1..=max_b).prop_map(Layout::BlockCyclic),
    ]
}

/// Checks one share of a possibly huge vector at a few local and global indices.
fn check_large(n: usize, ranks: usize, rank: usize, layout: Layout, picks: [u64; 4]) {
    let ctx = format!("n = {n}, ranks = {ranks}, rank = {rank}, layout = {layout}");
    let p = part(n, ranks, rank, layout);
    let (nn, pp, rr) = (n as u128, ranks as u128, rank as u128);
    let len = p.local_len();
    assert_eq!(
        len as u128,
        local_len_by_definition(nn, pp, rr, layout),
        "{ctx}"
    );
    assert_eq!(p.global_index(len), None, "{ctx}");
    assert_eq!(p.locate(n), None, "{ctx}");
    assert_eq!(
        p.global_index(0).map(|g| g as u128),
        first_by_definition(nn, pp, rr, layout),
        "{ctx}"
    );

    // Local -> global -> local, at the ends and at random places.
    if len > 0 {
        let mut locals = vec![0, len - 1, len / 2];
        locals.extend(picks.iter().map(|&x| (x % len as u64) as usize));
        let mut previous: Option<(usize, usize)> = None;
        locals.sort_unstable();
        for i in locals {
            let g = p
                .global_index(i)
                .unwrap_or_else(|| panic!("{ctx}: global_index({i}) of {len}"));
            assert!(g < n, "{ctx}: global_index({i}) = {g}");
            assert_eq!(p.locate(g), Some((rank, i)), "{ctx}: locate({g})");
            assert_eq!(
                owner_by_definition(nn, pp, layout, g as u128),
                rr,
                "{ctx}: {g}"
            );
            // Increasing, and no more than the gap allows (distinct local indices map to
            // distinct global indices at least as far apart).
            if let Some((pi, pg)) = previous
                && pi < i
            {
                assert!(
                    g as u128 >= pg as u128 + (i - pi) as u128,
                    "{ctx}: {pi} -> {pg}, {i} -> {g}"
                );
            }
            previous = Some((i, g));
        }
    }

    // Global -> (rank, local) -> global, for globals anywhere.
    let mut gs = vec![0, n.saturating_sub(1), n / 2];
    gs.extend(
        picks
            .iter()
            .map(|&x| (x as u128 * nn / (u64::MAX as u128 + 1)) as usize),
    );
    for g in gs.into_iter().filter(|&g| g < n) {
        let (r, l) = p
            .locate(g)
            .unwrap_or_else(|| panic!("{ctx}: locate({g}) is None"));
        assert_eq!(
            r as u128,
            owner_by_definition(nn, pp, layout, g as u128),
            "{ctx}: {g}"
        );
        let q = p.of_rank(r).unwrap();
        assert!(l < q.local_len(), "{ctx}: locate({g}) = ({r}, {l})");
        assert_eq!(
            q.global_index(l),
            Some(g),
            "{ctx}: locate({g}) = ({r}, {l})"
        );
        if let Layout::BlockCyclic(b) = layout {
            // Blocks before g's on rank r: g / b / ranks whole blocks of b.
            let bb = b as u128;
            let want = (g as u128 / bb / pp) * bb + g as u128 % bb;
            assert_eq!(l as u128, want, "{ctx}: {g}");
        }
    }

    // The first few runs tile the beginning of the local sequence.
    let mut local = 0usize;
    let mut last_end: Option<usize> = None;
    for (start, run) in p.runs().take(4) {
        assert!(
            run > 0 && start < n && run <= n - start,
            "{ctx}: run ({start}, {run})"
        );
        if let Some(end) = last_end {
            assert!(start > end, "{ctx}: runs overlap or are out of order");
        }
        assert_eq!(
            p.global_index(local),
            Some(start),
            "{ctx}: run ({start}, {run})"
        );
        assert_eq!(
            p.global_index(local + run - 1),
            Some(start + run - 1),
            "{ctx}: run ({start}, {run})"
        );
        local += run;
        last_end = Some(start + run - 1);
    }
    if p.runs().nth(3).is_none() {
        // Fewer than four runs: they cover the whole share.
        assert_eq!(local, len, "{ctx}");
    }
}

proptest! {
    #![proptest_config(Config {
        cases: 5000,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn large_vectors(
        n in prop_oneof![0..=1_000_000_000_000_000usize, 0..=1000usize],
        ranks in prop_oneof![1..=10_000usize, 1..=20usize],
        rank_pick in any::<u64>(),
        layout in any_layout(1 << 40),
        picks in any::<[u64; 4]>(),
    ) {
        let rank = (rank_pick % ranks as u64) as usize;
        check_large(n, ranks, rank, layout, picks);
    }

    #[test]
    fn local_lengths_sum_to_n(
        n in 0..=1_000_000_000_000_000usize,
        ranks in 1..=10_000usize,
        layout in any_layout(1 << 40),
    ) {
        let p = part(n, ranks, 0, layout);
        let lens: Vec<usize> = (0..ranks).map(|r| p.of_rank(r).unwrap().local_len()).collect();
        prop_assert_eq!(lens.iter().map(|&l| l as u128).sum::<u128>(), n as u128);
        let (min, max) = (*lens.iter().min().unwrap(), *lens.iter().max().unwrap());
        let bound = match layout {
            Layout::BlockCyclic(b) => b,
            _ => 1,
        };
        prop_assert!(max - min <= bound, "unbalanced: min {} max {}", min, max);
    }

    /// Near the top of the range, with block sizes up to beyond `n`: no arithmetic overflows.
    #[test]
    fn no_overflow_near_the_top(
        n in prop_oneof![usize::MAX / 8..=usize::MAX / 4, usize::MAX - 1000..=usize::MAX],
        ranks in prop_oneof![1..=10_000usize, usize::MAX - 10..=usize::MAX],
        rank_pick in any::<u64>(),
        layout in prop_oneof![
            Just(Layout::Block),
            Just(Layout::Cyclic),
            (1..=usize::MAX).prop_map(Layout::BlockCyclic),
            (usize::MAX / 16..=usize::MAX).prop_map(Layout::BlockCyclic),
            (1..=10_000usize).prop_map(Layout::BlockCyclic),
        ],
        picks in any::<[u64; 4]>(),
    ) {
        let rank = if rank_pick.is_multiple_of(4) {
            ranks - 1
        } else {
            (rank_pick % ranks as u64) as usize
        };
        check_large(n, ranks, rank, layout, picks);
    }

    #[test]
    fn parse_round_trip(layout in any_layout(usize::MAX), upper in any::<bool>(), pad in "[ \t]{0,2}") {
        let text = layout.to_string();
        prop_assert_eq!(text.parse::<Layout>(), Ok(layout));
        // Case and surrounding white space are ignored.
        let loose = format!("{pad}{}{pad}", if upper { text.to_uppercase() } else { text.clone() });
        prop_assert_eq!(loose.parse::<Layout>(), Ok(layout));
        prop_assert_eq!(loose.parse::<Layout>().unwrap().to_string(), text);
    }

    #[test]
    fn errors_for_bad_ranks(n in any::<usize>(), ranks in 0..=100_000usize, extra in 0..=1000usize) {
        let rank = ranks + extra;
        for layout in [Layout::Block, Layout::Cyclic, Layout::BlockCyclic(1 + extra)] {
            let err = Partition::new(n, ranks, rank, layout).unwrap_err();
            prop_assert_eq!(&err, &Error::InvalidRank { rank, ranks });
            prop_assert!(err.to_string().contains(&rank.to_string()));
        }
        // An invalid layout is reported whatever the rank.
        for rank in [0, rank] {
            prop_assert_eq!(
                Partition::new(n, ranks, rank, Layout::BlockCyclic(0)),
                Err(Error::InvalidLayout { layout: Layout::BlockCyclic(0) })
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn invalid_partitions() {
    let err = Partition::new(10, 2, 0, Layout::BlockCyclic(0)).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidLayout {
            layout: Layout::BlockCyclic(0)
        }
    );
    assert!(err.to_string().contains("at least 1"), "{err}");
    assert!(!Layout::BlockCyclic(0).is_valid());
    assert!(Layout::BlockCyclic(1).is_valid() && Layout::Block.is_valid());

    for (rank, ranks) in [
        (0, 0),
        (2, 2),
        (3, 2),
        (usize::MAX, 1),
        (usize::MAX, usize::MAX),
    ] {
        assert_eq!(
            Partition::new(10, ranks, rank, Layout::Block),
            Err(Error::InvalidRank { rank, ranks })
        );
    }
    // The largest valid rank is fine.
    let p = part(10, usize::MAX, usize::MAX - 1, Layout::Cyclic);
    assert_eq!(p.local_len(), 0);
    assert_eq!(p.runs().count(), 0);
    assert_eq!(p.locate(9), Some((9, 0)));
    assert_eq!(p.of_rank(usize::MAX), None);
}

#[test]
fn invalid_layout_strings() {
    let cases = [
        ("block-cyclic:0", "at least 1"),
        ("block-cyclic:x", "not a whole number"),
        ("block-cyclic:", "not a whole number"),
        ("block-cyclic:-3", "not a whole number"),
        ("block-cyclic:1.5", "not a whole number"),
        (
            "block-cyclic:99999999999999999999999999",
            "not a whole number",
        ),
        ("", "unknown layout"),
        ("   ", "unknown layout"),
        ("blocks", "unknown layout"),
        ("block-cyclic", "unknown layout"),
        ("block cyclic:4", "unknown layout"),
        ("cyclic:4", "unknown layout"),
    ];
    for (input, why) in cases {
        let err = input
            .parse::<Layout>()
            .expect_err(&format!("{input:?} parsed"));
        let msg = err.to_string();
        assert!(msg.contains(why), "{input:?}: {msg}");
        // The message quotes the input.
        assert!(msg.contains(&format!("{input:?}")), "{input:?}: {msg}");
    }
    assert_eq!(
        "block-cyclic:007".parse::<Layout>(),
        Ok(Layout::BlockCyclic(7))
    );
    assert_eq!(
        format!("block-cyclic:{}", usize::MAX).parse::<Layout>(),
        Ok(Layout::BlockCyclic(usize::MAX))
    );
}

// ---------------------------------------------------------------------------
// Partitions from per-rank counts
// ---------------------------------------------------------------------------

/// Every structural property of the partitions from `counts`, checked against the
/// definition: rank `r` owns `start(r) .. start(r) + counts[r]`, with `start` the prefix sums.
fn check_counts(counts: &[usize]) {
    let ctx = format!("counts {counts:?}");
    let c = Counts::new(counts.iter().copied()).unwrap();
    let (ranks, n) = (counts.len(), counts.iter().sum::<usize>());
    assert_eq!(
        (c.ranks(), c.len(), c.is_empty()),
        (ranks, n, n == 0),
        "{ctx}"
    );
    assert_eq!(c.iter().collect::<Vec<_>>(), counts, "{ctx}");
    let mut start = 0;
    let mut owner = Vec::with_capacity(n);
    for (rank, &count) in counts.iter().enumerate() {
        assert_eq!((c.count(rank), c.start(rank)), (count, start), "{ctx}");
        let p = Partition::from_counts(c.clone(), rank).unwrap();
        assert_eq!(
            (p.len(), p.ranks(), p.rank(), p.layout(), p.counts()),
            (n, ranks, rank, Layout::Block, Some(&c)),
            "{ctx}"
        );
        assert_eq!(p.local_len(), count, "{ctx}, rank {rank}");
        let g = globals(&p);
        assert_eq!(
            g,
            (start..start + count).collect::<Vec<_>>(),
            "{ctx}, rank {rank}"
        );
        assert_eq!(p.global_index(count), None, "{ctx}, rank {rank}");
        assert_eq!(p.global_index(usize::MAX), None, "{ctx}, rank {rank}");
        let runs: Vec<(usize, usize)> = p.runs().collect();
        let expected: Vec<(usize, usize)> = if count > 0 {
            vec![(start, count)]
        } else {
            vec![]
        };
        assert_eq!(runs, expected, "{ctx}, rank {rank}");
        assert_eq!(p.of_rank(rank), Some(p.clone()), "{ctx}");
        assert_eq!(p.of_rank(ranks), None, "{ctx}");
        owner.extend((0..count).map(|local| Some((rank, local))));
        start += count;
    }
    assert_eq!(c.start(ranks), n, "{ctx}");
    for rank in 0..ranks {
        let p = Partition::from_counts(c.clone(), rank).unwrap();
        for (g, &o) in owner.iter().enumerate() {
            assert_eq!(p.locate(g), o, "{ctx}: locate({g}) from rank {rank}");
            assert_eq!(c.owner(g), o.map(|(r, _)| r), "{ctx}: owner({g})");
        }
        assert_eq!(p.locate(n), None, "{ctx}");
        assert_eq!(p.locate(usize::MAX), None, "{ctx}");
    }
    assert_eq!(c.owner(n), None, "{ctx}");
    assert!(matches!(
        Partition::from_counts(c.clone(), ranks),
        Err(Error::InvalidRank { .. })
    ));
}

#[test]
fn counts_exhaustive_small() {
    // Every list of up to 4 counts of 0..=3.
    for ranks in 1..=4u32 {
        for code in 0..4usize.pow(ranks) {
            let counts: Vec<usize> = (0..ranks).map(|k| code / 4usize.pow(k) % 4).collect();
            check_counts(&counts);
        }
    }
}

#[test]
fn counts_agree_with_block_when_balanced() {
    // The counts of Layout::Block give the same shares as the layout itself.
    for n in 0..40 {
        for ranks in 1..9 {
            let counts = Counts::new((0..ranks).map(|r| {
                Partition::new(n, ranks, r, Layout::Block)
                    .unwrap()
                    .local_len()
            }))
            .unwrap();
            for rank in 0..ranks {
                let by_layout = Partition::new(n, ranks, rank, Layout::Block).unwrap();
                let by_counts = Partition::from_counts(counts.clone(), rank).unwrap();
                assert_eq!(globals(&by_layout), globals(&by_counts), "n {n} P {ranks}");
                assert_eq!(
                    by_layout.runs().collect::<Vec<_>>(),
                    by_counts.runs().collect::<Vec<_>>()
                );
                assert_eq!(by_counts.locate(n / 2), by_layout.locate(n / 2));
            }
        }
    }
}

#[test]
fn counts_errors() -> Result<(), Error> {
    assert_eq!(Counts::new([usize::MAX, 1]), Err(Error::CountsOverflow));
    assert_eq!(Counts::new([usize::MAX, 0])?.len(), usize::MAX);
    let none = Counts::new([])?;
    assert_eq!((none.ranks(), none.len()), (0, 0));
    assert_eq!(
        Partition::from_counts(none, 0),
        Err(Error::InvalidRank { rank: 0, ranks: 0 })
    );
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 200, ..Config::default() })]

    #[test]
    fn counts_random(counts in proptest::collection::vec(0..50usize, 1..12)) {
        check_counts(&counts);
    }

    #[test]
    fn counts_huge(
        counts in proptest::collection::vec(0..=usize::MAX / 16, 1..12),
        picks in proptest::collection::vec(any::<u64>(), 8),
    ) {
        let c = Counts::new(counts.iter().copied()).unwrap();
        let n = c.len();
        for (rank, &count) in counts.iter().enumerate() {
            let p = Partition::from_counts(c.clone(), rank).unwrap();
            let start: usize = counts[..rank].iter().sum();
            prop_assert_eq!(p.local_len(), count);
            prop_assert_eq!(p.global_index(0), (count > 0).then_some(start));
            if count > 0 {
                prop_assert_eq!(p.global_index(count - 1), Some(start + count - 1));
                prop_assert_eq!(p.runs().collect::<Vec<_>>(), vec![(start, count)]);
            }
        }
        for &pick in &picks {
            if n == 0 {
                break;
            }
            let g = ((u128::from(pick) * n as u128) >> 64) as usize;
            let p = Partition::from_counts(c.clone(), 0).unwrap();
            let (rank, local) = p.locate(g).unwrap();
            let start: usize = counts[..rank].iter().sum();
            prop_assert!(counts[rank] > local);
            prop_assert_eq!(start + local, g);
        }
    }
}
