//! Several dot products of local pieces, at an accuracy chosen at run time, reduced in one
//! message.

use mpi::topology::Communicator;
use pdot_kernels::{
    Accuracy, Backend, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real, Strided,
};

use crate::agreement::{Agreement, Problem};
use crate::error::{Error, Quantity, accuracy_code};
use crate::mdot::push_partials;
use crate::pending_dots::PendingDots;
use crate::reduce;
use crate::reducible::Reducible;

/// Several dot products of this rank's pieces of vectors, at one accuracy chosen at run
/// time, combined over the ranks in **one** reduction message: what a pipelined or
/// communication-avoiding solver needs (the Chronopoulos–Gear CG reduces `r·r` and `r·Ar`
/// together, s-step methods a whole Gram matrix).
///
/// [`LocalDots::push`] adds the partial of one local dot product; [`LocalDots::allreduce`]
/// combines every rank's partials with the deterministic reduction and returns the finished
/// dot products, in push order. Each one has the bits [`crate::dot_local_as`] gives for the
/// same pieces (at Exact: the correctly rounded dot product of the concatenated vectors,
/// for any split and any `P`). The partials travel in their own wire form, one kind per
/// accuracy, so the message is as small as with typed partials.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::LocalDots;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let accuracy: Accuracy = "compensated".parse().unwrap(); // a solver option
/// let (r, ar) = (vec![1.0f64; 100], vec![0.5f64; 100]); // this rank's rows
/// let mut dots = LocalDots::<f64>::new(accuracy);
/// dots.push(&r, &r);
/// dots.push(&r, &ar);
/// let [rr, rar] = dots.allreduce_array(&world)?; // one message
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LocalDots<O: Real> {
    accuracy: Accuracy,
    partials: Partials<O>,
    /// The first pair of pieces of different lengths: its index and the two lengths.
    problem: Option<(usize, usize, usize)>,
    /// The caller's code of [`LocalDots::reject`], if it rejected its input.
    rejected: Option<u64>,
}

/// The partials, of the type of the accuracy level.
#[derive(Clone, Debug, PartialEq)]
enum Partials<O: Real> {
    Fast(Vec<FastPartial<O>>),
    Compensated(Vec<CompensatedPartial<O>>),
    Exact(Vec<ExactPartial<O>>),
    /// A level this crate does not handle (yet): only counted; reported by `allreduce`.
    Unsupported(usize),
}

impl<O: Real> LocalDots<O> {
    /// No dot products yet, at `accuracy`.
    ///
    /// ```
    /// use pdot_kernels::Accuracy;
    /// use pdot_mpi::LocalDots;
    ///
    /// let dots = LocalDots::<f32>::new(Accuracy::Exact);
    /// assert!(dots.is_empty());
    /// assert_eq!(dots.accuracy(), Accuracy::Exact);
    /// ```
    pub fn new(accuracy: Accuracy) -> Self {
        let partials = match accuracy {
            Accuracy::Fast => Partials::Fast(Vec::new()),
            Accuracy::Compensated => Partials::Compensated(Vec::new()),
            Accuracy::Exact => Partials::Exact(Vec::new()),
            _ => Partials::Unsupported(0),
        };
        LocalDots {
            accuracy,
            partials,
            problem: None,
            rejected: None,
        }
    }

    /// The accuracy level.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// assert_eq!(LocalDots::<f64>::new(Accuracy::Fast).accuracy(), Accuracy::Fast);
    /// ```
    pub fn accuracy(&self) -> Accuracy {
        self.accuracy
    }

    /// The number of dot products pushed.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
    /// dots.push(&[1.0], &[2.0]);
    /// assert_eq!(dots.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        match &self.partials {
            Partials::Fast(v) => v.len(),
            Partials::Compensated(v) => v.len(),
            Partials::Exact(v) => v.len(),
            Partials::Unsupported(n) => *n,
        }
    }

    /// Whether no dot product was pushed.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// assert!(LocalDots::<f64>::new(Accuracy::Fast).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the partial of `x_local · y_local`, this rank's pieces of the next dot product
    /// (of any length, including 0; any [`Input`] type for the result type `O`).
    ///
    /// Pieces of different lengths are not a panic: they count as an empty piece here, and
    /// [`LocalDots::allreduce`] reports them on every rank.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    /// dots.push(&[1.0f32, 2.0], &[3.0f32, 4.0]); // f32 pieces, f64 sums
    /// dots.push(&[0.5f64], &[2.0f64]);
    /// assert_eq!(dots.len(), 2);
    /// ```
    pub fn push<E: Input<O>>(&mut self, x_local: &[E], y_local: &[E]) {
        self.push_strided(x_local.into(), y_local.into());
    }

    /// [`LocalDots::push`] on strided views of this rank's pieces (any [`Strided`] view:
    /// BLAS increments, negative ones included, or blocked runs); nothing is copied. The
    /// partial has the bits [`LocalDots::push`] gives for the contiguous copies.
    ///
    /// Views of different lengths are not a panic: they count as empty pieces here, and
    /// [`LocalDots::allreduce`] reports them on every rank.
    ///
    /// ```
    /// # use pdot_kernels::{Accuracy, Strided};
    /// # use pdot_mpi::LocalDots;
    /// let a = [1.0f64, 2.0, 3.0, 4.0];
    /// let mut strided = LocalDots::<f64>::new(Accuracy::Exact);
    /// strided.push_strided(Strided::new(&a, 2, -2)?, a[..2].into()); // (3, 1) · (1, 2)
    /// let mut copied = LocalDots::<f64>::new(Accuracy::Exact);
    /// copied.push(&[3.0, 1.0], &[1.0, 2.0]);
    /// assert_eq!(strided, copied);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn push_strided<E: Input<O>>(&mut self, x_local: Strided<'_, E>, y_local: Strided<'_, E>) {
        let index = self.len();
        let (x, y) = if x_local.len() == y_local.len() {
            (x_local, y_local)
        } else {
            self.problem
                .get_or_insert((index, x_local.len(), y_local.len()));
            (Strided::from(&[][..]), Strided::from(&[][..]))
        };
        match &mut self.partials {
            Partials::Fast(v) => v.push(FastPartial::of_strided(x, y)),
            Partials::Compensated(v) => v.push(CompensatedPartial::of_strided(x, y)),
            Partials::Exact(v) => v.push(ExactPartial::of_strided(x, y)),
            Partials::Unsupported(n) => *n += 1,
        }
    }

    /// Marks this rank's input as unusable, with a code of the caller's choosing: the next
    /// [`LocalDots::allreduce`] (or [`LocalDots::begin`]) still takes part in the reduction,
    /// so no rank waits, and returns [`Error::Rejected`] naming the lowest rank that
    /// rejected (with its code) on every rank, whatever this rank pushed. For bindings that
    /// check their input (types, shapes) before computing: a rank whose input is bad must not
    /// skip the collective call.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    /// dots.reject(3); // say, this rank was given integers
    /// assert!(dots.is_rejected());
    /// ```
    pub fn reject(&mut self, code: u64) {
        self.rejected.get_or_insert(code);
    }

    /// Whether [`LocalDots::reject`] was called.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// assert!(!LocalDots::<f32>::new(Accuracy::Fast).is_rejected());
    /// ```
    pub fn is_rejected(&self) -> bool {
        self.rejected.is_some()
    }

    /// [`LocalDots::push_many`] on strided views: the partials of `x_local · y_j` for every
    /// `y_j` of `ys_local`, by the fused multi-dot kernel (reading `x` once), each with the
    /// bits [`LocalDots::push`] gives for the contiguous copies.
    ///
    /// Views of different lengths are not a panic: they count as empty pieces here, and
    /// [`LocalDots::allreduce`] reports them on every rank.
    ///
    /// ```
    /// # use pdot_kernels::{Accuracy, Strided};
    /// # use pdot_mpi::LocalDots;
    /// let a = [1.0f64, 2.0, 3.0, 4.0];
    /// let x = Strided::new(&a, 2, 2)?; // 1, 3
    /// let mut fused = LocalDots::<f64>::new(Accuracy::Compensated);
    /// fused.push_many_strided(x, &[Strided::new(&a, 2, -1)?, a[2..].into()]);
    /// let mut one_by_one = LocalDots::<f64>::new(Accuracy::Compensated);
    /// one_by_one.push(&[1.0, 3.0], &[2.0, 1.0]);
    /// one_by_one.push(&[1.0, 3.0], &[3.0, 4.0]);
    /// assert_eq!(fused, one_by_one);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn push_many_strided<E: Input<O>>(
        &mut self,
        x_local: Strided<'_, E>,
        ys_local: &[Strided<'_, E>],
    ) {
        let index = self.len();
        if let Some((j, y)) = ys_local
            .iter()
            .enumerate()
            .find(|(_, y)| y.len() != x_local.len())
        {
            self.problem
                .get_or_insert((index + j, x_local.len(), y.len()));
            for _ in ys_local {
                self.push_strided::<E>(Strided::from(&[][..]), Strided::from(&[][..]));
            }
            return;
        }
        match &mut self.partials {
            Partials::Fast(v) => many_strided(x_local, ys_local, v),
            Partials::Compensated(v) => many_strided(x_local, ys_local, v),
            Partials::Exact(v) => many_strided(x_local, ys_local, v),
            Partials::Unsupported(n) => *n += ys_local.len(),
        }
    }

    /// Adds the partials of `x_local · y_j` for every `y_j` of `ys_local` (this rank's
    /// pieces of `k` dot products sharing `x`, as the projections of classical Gram–Schmidt),
    /// computed by the fused multi-dot kernel, which reads `x` once
    /// ([`pdot_kernels::mdot_as`]): each has the bits [`LocalDots::push`] gives for the same
    /// pair.
    ///
    /// Pieces of different lengths are not a panic: they count as empty pieces here, and
    /// [`LocalDots::allreduce`] reports them on every rank.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let (w, v1, v2) = ([1.0f64, 2.0], [3.0f64, 4.0], [0.5f64, 0.25]);
    /// let mut fused = LocalDots::<f64>::new(Accuracy::Compensated);
    /// fused.push_many(&w, &[&v1, &v2]);
    /// let mut one_by_one = LocalDots::<f64>::new(Accuracy::Compensated);
    /// one_by_one.push(&w, &v1);
    /// one_by_one.push(&w, &v2);
    /// assert_eq!(fused, one_by_one);
    /// ```
    pub fn push_many<E: Input<O>>(&mut self, x_local: &[E], ys_local: &[&[E]]) {
        let index = self.len();
        let problem = match &mut self.partials {
            Partials::Fast(v) => push_partials(x_local, ys_local, v),
            Partials::Compensated(v) => push_partials(x_local, ys_local, v),
            Partials::Exact(v) => push_partials(x_local, ys_local, v),
            Partials::Unsupported(n) => {
                *n += ys_local.len();
                None
            }
        };
        if problem.is_some()
            && let Some((j, y)) = ys_local
                .iter()
                .enumerate()
                .find(|(_, y)| y.len() != x_local.len())
        {
            self.problem
                .get_or_insert((index + j, x_local.len(), y.len()));
        }
    }

    /// Combines every rank's partials in one reduction message and returns the dot
    /// products, in push order: the same bits on every rank. Afterwards `self` holds the
    /// combined partials (pushing more and reducing again would count them twice: start
    /// anew with [`LocalDots::new`] or [`LocalDots::clear`]).
    ///
    /// Collective: every rank of `comm` must call it.
    ///
    /// # Errors
    /// The same on every rank: [`Error::Disagree`] if ranks use different accuracies
    /// ([`Quantity::Accuracy`]) or push different numbers of dot products
    /// ([`Quantity::Count`]); [`Error::LengthMismatch`] naming the lowest rank that pushed
    /// pieces of different lengths, and the lengths; [`Error::UnsupportedAccuracy`].
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let (x, y) = (vec![1.0f32; 10], vec![2.0f32; 10]);
    /// let mut dots = LocalDots::<f32>::new(Accuracy::Exact);
    /// dots.push(&x, &x);
    /// dots.push(&x, &y);
    /// dots.push(&y, &y);
    /// let gram: Vec<f32> = dots.allreduce(&world)?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn allreduce<C: Communicator>(&mut self, comm: &C) -> Result<Vec<O>, Error> {
        let agreement = self.agreement(comm.rank() as usize);
        match &mut self.partials {
            Partials::Fast(v) => reduce_finish(comm, agreement, v),
            Partials::Compensated(v) => reduce_finish(comm, agreement, v),
            Partials::Exact(v) => reduce_finish(comm, agreement, v),
            Partials::Unsupported(n) => {
                let mut placeholders = vec![FastPartial::<O>::new(); *n];
                reduce_finish(comm, agreement, &mut placeholders)
            }
        }
    }

    /// Starts the reduction of [`LocalDots::allreduce`] and returns at once: a split-phase
    /// reduction ([`crate::Pending`]), which owns the partials. Its
    /// [`finish`](PendingDots::finish) gives the bits and errors `allreduce` gives.
    ///
    /// Collective: every rank of `comm` must call it (see [`crate::Pending`] for the order
    /// of calls, progress and dropping).
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let (r, ar) = (vec![1.0f64; 10], vec![2.0f64; 10]);
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    /// dots.push(&r, &r);
    /// dots.push(&r, &ar);
    /// let pending = dots.begin(&world);
    /// // ... other work ...
    /// let [rr, rar] = pending.finish_array()?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn begin<C: Communicator>(self, comm: &C) -> PendingDots<O> {
        let agreement = self.agreement(comm.rank() as usize);
        match self.partials {
            Partials::Fast(v) => PendingDots::fast(comm, agreement, v),
            Partials::Compensated(v) => PendingDots::compensated(comm, agreement, v),
            Partials::Exact(v) => PendingDots::exact(comm, agreement, v),
            Partials::Unsupported(n) => {
                PendingDots::fast(comm, agreement, vec![FastPartial::new(); n])
            }
        }
    }

    /// This rank's statements: the accuracy, and its problem if it has one.
    fn agreement(&self, rank: usize) -> Agreement {
        let lengths = self.problem.map(|(_, x, y)| Problem::LengthMismatch {
            x: x as u64,
            y: y as u64,
        });
        let rejected = self.rejected.map(|code| Problem::Rejected { code });
        let problem = rejected.or(lengths);
        let facts = [(Quantity::Accuracy, accuracy_code(self.accuracy))];
        let mut agreement = Agreement::new(rank, &facts, problem);
        if let Partials::Unsupported(_) = self.partials
            && problem.is_none()
        {
            agreement.report(rank, Problem::UnsupportedAccuracy);
        }
        agreement
    }

    /// [`LocalDots::allreduce`] for a number of dot products known at compile time.
    ///
    /// # Errors
    /// As [`LocalDots::allreduce`], and [`Error::CountMismatch`] when `N` is not the number
    /// of dot products pushed (on every rank: the ranks agreed on that number).
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let (r, ar) = (vec![1.0f64; 10], vec![2.0f64; 10]);
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    /// dots.push(&r, &r);
    /// dots.push(&r, &ar);
    /// let [rr, rar] = dots.allreduce_array(&world)?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn allreduce_array<C: Communicator, const N: usize>(
        &mut self,
        comm: &C,
    ) -> Result<[O; N], Error> {
        let values = self.allreduce(comm)?;
        let count = values.len();
        values.try_into().map_err(|_| Error::CountMismatch {
            expected: N,
            found: count,
        })
    }

    /// Removes every dot product (the accuracy stays), to start the next iteration.
    ///
    /// ```
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
    /// dots.push(&[1.0], &[1.0]);
    /// dots.clear();
    /// assert!(dots.is_empty());
    /// ```
    pub fn clear(&mut self) {
        *self = LocalDots::new(self.accuracy);
    }
}

/// Reduces `values` under `agreement` and finishes them.
fn reduce_finish<C, P>(
    comm: &C,
    agreement: Agreement,
    values: &mut [P],
) -> Result<Vec<P::Output>, Error>
where
    C: Communicator,
    P: Partial + Reducible,
{
    reduce::run(comm, agreement, values)?;
    Ok(values.iter().map(Partial::finish).collect())
}

/// Appends the partials of `x · y_j` for every `y_j` of `ys` (all of `x`'s length) to `out`,
/// by the fused multi-dot kernel.
fn many_strided<P: Partial, I: Input<P::Output>>(
    x: Strided<'_, I>,
    ys: &[Strided<'_, I>],
    out: &mut Vec<P>,
) {
    let start = out.len();
    out.resize(start + ys.len(), P::new());
    P::of_many_strided_on(Backend::active(), x, ys, &mut out[start..]);
}
