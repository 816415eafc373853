//! The shape of the deterministic reduction: a pure function of the number of ranks.
//!
//! Recursive doubling with an ordered combine. Let `q` be the largest power of two `<= P`.
//!
//! 1. **Fold in**: rank `q + i` sends its value to rank `i`, which combines them as
//!    `own ⊕ received` (for every `i < P - q`).
//! 2. **Doubling**: for `k = 0, 1, ..` while `2^k < q`, ranks `r < q` exchange values with
//!    rank `r XOR 2^k`; both compute `lower ⊕ upper`, the value of the lower rank on the left.
//! 3. **Fold out**: rank `i` sends the result to rank `q + i`, which takes it as its own.
//!
//! Both partners of an exchange evaluate the same expression on the same operands, so after
//! step 2 every rank `< q` holds the same bits, and after step 3 every rank does. The
//! expression is a balanced tree over the ranks' values in a fixed order, whatever the MPI
//! library, the message sizes or the timing. With `⊕` exact (Exact partials) the result does
//! not depend on the tree at all, so it is the same for every `P`.
//!
//! ```
//! use pdot_mpi::schedule::{Step, steps};
//!
//! // Three ranks: 2 folds into 0, then 0 and 1 exchange, then 0 hands the result to 2.
//! assert_eq!(
//!     steps(3, 0),
//!     [
//!         Step::Receive { from: 2 },
//!         Step::Exchange { with: 1, mine_first: true },
//!         Step::Send { to: 2 }
//!     ]
//! );
//! assert_eq!(steps(3, 2), [Step::Send { to: 0 }, Step::Replace { from: 0 }]);
//! ```

/// One step of one rank in the reduction.
///
/// ```
/// use pdot_mpi::schedule::Step;
///
/// let s = Step::Exchange { with: 1, mine_first: true };
/// assert_eq!(s.peer(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Send the current value to rank `to`.
    Send {
        /// The receiving rank.
        to: usize,
    },
    /// Receive a value from rank `from` and combine it on the right: `own ⊕ received`.
    Receive {
        /// The sending rank.
        from: usize,
    },
    /// Send the current value to rank `with` and receive its value; combine as
    /// `own ⊕ received` if `mine_first`, else `received ⊕ own`.
    Exchange {
        /// The partner.
        with: usize,
        /// Whether the own value is the left operand (the own rank is the lower one).
        mine_first: bool,
    },
    /// Receive the final value from rank `from`, replacing the own value.
    Replace {
        /// The sending rank.
        from: usize,
    },
}

impl Step {
    /// The other rank of this step.
    ///
    /// ```
    /// # use pdot_mpi::schedule::Step;
    /// assert_eq!(Step::Send { to: 4 }.peer(), 4);
    /// ```
    pub fn peer(self) -> usize {
        match self {
            Step::Send { to } => to,
            Step::Receive { from } | Step::Replace { from } => from,
            Step::Exchange { with, .. } => with,
        }
    }
}

/// The steps of rank `rank` in the reduction over `ranks` ranks, in order (empty for one
/// rank, or for `rank >= ranks`).
///
/// ```
/// use pdot_mpi::schedule::steps;
///
/// assert!(steps(1, 0).is_empty());
/// assert_eq!(steps(8, 5).len(), 3); // log2(8) exchanges
/// ```
pub fn steps(ranks: usize, rank: usize) -> Vec<Step> {
    if rank >= ranks || ranks < 2 {
        return Vec::new();
    }
    let q = 1usize << (usize::BITS - 1 - ranks.leading_zeros());
    let extra = ranks - q;
    let mut out = Vec::new();
    if rank >= q {
        out.push(Step::Send { to: rank - q });
        out.push(Step::Replace { from: rank - q });
        return out;
    }
    if rank < extra {
        out.push(Step::Receive { from: rank + q });
    }
    let mut bit = 1;
    while bit < q {
        let with = rank ^ bit;
        out.push(Step::Exchange {
            with,
            mine_first: rank < with,
        });
        bit <<= 1;
    }
    if rank < extra {
        out.push(Step::Send { to: rank + q });
    }
    out
}

/// Step `at` of rank `rank` in the reduction over `ranks` ranks: `steps(ranks, rank)[at]`,
/// computed on its own (no allocation: what the reduction asks at every step), `None` past
/// the last step.
///
/// ```
/// use pdot_mpi::schedule::{Step, step, steps};
///
/// assert_eq!(step(3, 0, 1), Some(Step::Exchange { with: 1, mine_first: true }));
/// assert_eq!(step(3, 0, 3), None);
/// let all: Vec<Step> = (0..).map_while(|at| step(6, 1, at)).collect();
/// assert_eq!(all, steps(6, 1));
/// ```
pub fn step(ranks: usize, rank: usize, at: usize) -> Option<Step> {
    if rank >= ranks || ranks < 2 {
        return None;
    }
    let q = 1usize << (usize::BITS - 1 - ranks.leading_zeros());
    if rank >= q {
        return match at {
            0 => Some(Step::Send { to: rank - q }),
            1 => Some(Step::Replace { from: rank - q }),
            _ => None,
        };
    }
    let folds = rank < ranks - q;
    let mut i = at;
    if folds {
        if i == 0 {
            return Some(Step::Receive { from: rank + q });
        }
        i -= 1;
    }
    let levels = q.trailing_zeros() as usize;
    if i < levels {
        let with = rank ^ (1 << i);
        return Some(Step::Exchange {
            with,
            mine_first: rank < with,
        });
    }
    (folds && i == levels).then_some(Step::Send { to: rank + q })
}

/// The reduction of `values` (the value of rank `r` at index `r`) as `values.len()` ranks
/// would compute it, on one thread without MPI, with `combine(left, right)` as `⊕`: the
/// schedule's steps executed with in-memory messages. Returns every rank's final value.
///
/// The schedule knows nothing of what it combines; [`crate::simulate`] is this function with
/// the combine of the distributed reduction, and gives the bits
/// [`crate::allreduce`] gives on `values.len()` ranks.
///
/// ```
/// use pdot_mpi::schedule::simulate_with;
///
/// let leaves: Vec<String> = (0..5).map(|r| r.to_string()).collect();
/// let finals = simulate_with(&leaves, |l, r| format!("({l}+{r})"));
/// // Rank 4 folds into rank 0, then 0..4 double up; every rank ends with the same tree.
/// assert!(finals.iter().all(|f| *f == "(((0+4)+1)+(2+3))"));
/// ```
pub fn simulate_with<T: Clone>(values: &[T], combine: impl Fn(&T, &T) -> T) -> Vec<T> {
    use std::collections::{HashMap, VecDeque};
    let ordered = combine;
    let ranks = values.len();
    let programs: Vec<Vec<Step>> = (0..ranks).map(|r| steps(ranks, r)).collect();
    let mut state = values.to_vec();
    let mut at = vec![0usize; ranks];
    // Whether rank r has posted the send of its current exchange.
    let mut sent = vec![false; ranks];
    // mailbox[(to, from)]: messages in flight.
    let mut mailbox: HashMap<(usize, usize), VecDeque<T>> = HashMap::new();
    loop {
        let mut progress = false;
        for r in 0..ranks {
            let Some(&step) = programs[r].get(at[r]) else {
                continue;
            };
            let mut take = |from: usize| mailbox.get_mut(&(r, from)).and_then(VecDeque::pop_front);
            match step {
                Step::Send { to } => {
                    mailbox
                        .entry((to, r))
                        .or_default()
                        .push_back(state[r].clone());
                }
                Step::Receive { from } => match take(from) {
                    Some(theirs) => state[r] = ordered(&state[r], &theirs),
                    None => continue,
                },
                Step::Replace { from } => match take(from) {
                    Some(theirs) => state[r] = theirs,
                    None => continue,
                },
                Step::Exchange { with, mine_first } => {
                    if !sent[r] {
                        sent[r] = true;
                        progress = true;
                        let own = state[r].clone();
                        mailbox.entry((with, r)).or_default().push_back(own);
                    }
                    let Some(theirs) = mailbox.get_mut(&(r, with)).and_then(VecDeque::pop_front)
                    else {
                        continue;
                    };
                    sent[r] = false;
                    state[r] = if mine_first {
                        ordered(&state[r], &theirs)
                    } else {
                        ordered(&theirs, &state[r])
                    };
                }
            }
            at[r] += 1;
            progress = true;
        }
        if !progress {
            // Every rank has finished: the schedule never deadlocks (each receive has its
            // send, posted no later than the receiver's matching step).
            return state;
        }
    }
}
