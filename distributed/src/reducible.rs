//! The values the deterministic reduction combines: the [`Reducible`] trait, its impls for
//! the kernels' partials, arrays and tuples, their wire form, and the ordered combine `⊕`.
//! Nothing here communicates; [`simulate`] runs the [schedule](crate::schedule) on one
//! thread with this combine.

use pdot_kernels::{CompensatedPartial, ExactPartial, FastPartial, NormPartial, Partial, Real};

use crate::schedule::simulate_with;

/// A value the deterministic reduction can combine: a wire form of at most
/// [`Reducible::WIRE_LEN`] bytes, an ordered combine `left ⊕ right`, and a name of its kind
/// (what an error says when ranks pass values of different kinds).
///
/// A type implements the fixed-size form ([`Reducible::write_wire`], [`Reducible::read_wire`]),
/// which the reduction sends unless the type also overrides [`Reducible::encode`] and
/// [`Reducible::decode`] with a shorter variable-length form (as [`ExactPartial`] does: only the
/// nonzero digits of its sum).
///
/// Implemented for the kernels' partials ([`FastPartial`], [`CompensatedPartial`],
/// [`ExactPartial`]) and norm partials ([`NormPartial`]), for arrays and for tuples of up to four, so that several dot products,
/// or a solver's own values, travel in one message. The combine need not be associative or
/// commutative: the reduction evaluates the same expression on every rank. Implement it for
/// your own type:
///
/// ```
/// use pdot_mpi::Reducible;
///
/// /// The largest residual seen by any rank.
/// #[derive(Clone, Debug)]
/// struct MaxResidual(f64);
///
/// impl Reducible for MaxResidual {
///     const WIRE_LEN: usize = 8;
///     fn write_wire(&self, out: &mut [u8]) {
///         out.copy_from_slice(&self.0.to_le_bytes());
///     }
///     fn read_wire(bytes: &[u8]) -> Option<Self> {
///         Some(MaxResidual(f64::from_le_bytes(bytes.try_into().ok()?)))
///     }
///     fn combine(&mut self, right: &Self) {
///         self.0 = self.0.max(right.0);
///     }
///     // Optional: the default is the type's name.
///     fn kind_name() -> String {
///         "largest residual".into()
///     }
/// }
///
/// let mut m = MaxResidual(1.0);
/// m.combine(&MaxResidual(3.0));
/// assert_eq!(m.0, 3.0);
/// ```
pub trait Reducible: Clone {
    /// The length in bytes of the fixed-size wire form, and the most bytes
    /// [`Reducible::encode`] appends.
    const WIRE_LEN: usize;
    /// Writes the wire form into `out`, which is exactly [`Reducible::WIRE_LEN`] bytes long.
    fn write_wire(&self, out: &mut [u8]);
    /// The value whose wire form is `bytes` (exactly [`Reducible::WIRE_LEN`] long), or `None`
    /// if no value has it.
    fn read_wire(bytes: &[u8]) -> Option<Self>;
    /// `self ← self ⊕ right`, with `self` the left operand.
    fn combine(&mut self, right: &Self);
    /// Appends the wire form the reduction sends to `out`: at most [`Reducible::WIRE_LEN`]
    /// bytes that [`Reducible::decode`] reads back. The default is the fixed-size form.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, FastPartial, Partial};
    /// use pdot_mpi::Reducible;
    ///
    /// let p = ExactPartial::<f64>::of(&[1.0, 2.0], &[3.0, 4.0]);
    /// let f = FastPartial::<f32>::of(&[1.5f32], &[2.0]);
    /// let mut bytes = vec![];
    /// p.encode(&mut bytes);
    /// (f, p.clone()).encode(&mut bytes);
    /// assert!(bytes.len() < 2 * ExactPartial::<f64>::WIRE_LEN);
    /// let mut rest = &bytes[..];
    /// assert_eq!(ExactPartial::<f64>::decode(&mut rest), Some(p.clone()));
    /// assert_eq!(<(FastPartial<f32>, ExactPartial<f64>)>::decode(&mut rest), Some((f, p)));
    /// assert!(rest.is_empty());
    /// ```
    fn encode(&self, out: &mut Vec<u8>) {
        let at = out.len();
        out.resize(at + Self::WIRE_LEN, 0);
        self.write_wire(&mut out[at..]);
    }
    /// The value whose wire form (as [`Reducible::encode`] writes it) starts `bytes`, which
    /// it advances past that form; `None` if no value's form starts them.
    fn decode(bytes: &mut &[u8]) -> Option<Self> {
        let (form, rest) = bytes.split_at_checked(Self::WIRE_LEN)?;
        let value = Self::read_wire(form)?;
        *bytes = rest;
        Some(value)
    }
    /// `self ← self ⊕ v`, or `self ← v ⊕ self` if not `mine_first`, for the value `v` whose
    /// wire form (as [`Reducible::encode`] writes it) starts `bytes`, which it advances past
    /// that form; `None` if no value's form starts them (`self` is then meaningless). What
    /// the reduction does with each value it receives.
    ///
    /// The default decodes `v` ([`Reducible::decode`]) and combines. A type may combine the
    /// form in place, without building `v` (as [`ExactPartial`] does), if that gives the
    /// bits of the default.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, Partial};
    /// use pdot_mpi::Reducible;
    ///
    /// let (a, b) = (FastPartial::<f64>::of(&[1.0], &[2.0]), FastPartial::<f64>::of(&[3.0], &[4.0]));
    /// let mut bytes = vec![];
    /// b.encode(&mut bytes);
    /// let mut got = a;
    /// got.combine_wire(&mut &bytes[..], true).unwrap();
    /// assert_eq!(got.finish(), 14.0);
    /// ```
    fn combine_wire(&mut self, bytes: &mut &[u8], mine_first: bool) -> Option<()> {
        let mut theirs = Self::decode(bytes)?;
        if mine_first {
            combine_into(self, &theirs);
        } else {
            combine_into(&mut theirs, self);
            *self = theirs;
        }
        Some(())
    }
    /// The name of this kind of value, as errors show it ("Exact partial of f64"): the
    /// ranks of a reduction must pass values of the same kind (the same name and wire
    /// length). The default is the type's name ([`std::any::type_name`]).
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, FastPartial};
    /// use pdot_mpi::Reducible;
    ///
    /// assert_eq!(ExactPartial::<f64>::kind_name(), "Exact partial of f64");
    /// assert_eq!(
    ///     <(FastPartial<f32>, [ExactPartial<f64>; 2])>::kind_name(),
    ///     "(Fast partial of f32, [Exact partial of f64; 2])"
    /// );
    /// ```
    fn kind_name() -> String {
        std::any::type_name::<Self>().to_owned()
    }
}

macro_rules! reducible_partial {
    ($($partial:ident $level:literal { $($extra:item)* }),*) => {$(
        /// The fixed-size form is the partial's wire form followed by zeros up to
        /// [`Partial::WIRE_MAX`]; the reduction sends the wire form alone.
        impl<O: Real> Reducible for $partial<O> {
            const WIRE_LEN: usize = <Self as Partial>::WIRE_MAX;
            fn write_wire(&self, out: &mut [u8]) {
                // The length is right (the trait's contract); nothing else can fail.
                let len = Partial::write_wire(self, out).unwrap_or(0);
                out[len..].fill(0);
            }
            fn read_wire(bytes: &[u8]) -> Option<Self> {
                let (p, len) = <Self as Partial>::from_wire_prefix(bytes).ok()?;
                bytes[len..].iter().all(|&b| b == 0).then_some(p)
            }
            fn combine(&mut self, right: &Self) {
                self.merge(right);
            }
            fn encode(&self, out: &mut Vec<u8>) {
                let at = out.len();
                out.resize(at + Self::WIRE_LEN, 0);
                let len = Partial::write_wire(self, &mut out[at..]).unwrap_or(0);
                out.truncate(at + len);
            }
            fn decode(bytes: &mut &[u8]) -> Option<Self> {
                let (p, len) = <Self as Partial>::from_wire_prefix(bytes).ok()?;
                *bytes = &bytes[len..];
                Some(p)
            }
            fn kind_name() -> String {
                format!(concat!($level, " partial of {}"), std::any::type_name::<O>())
            }
            $($extra)*
        }
    )*};
}

reducible_partial!(
    FastPartial "Fast" {},
    CompensatedPartial "Compensated" {},
    ExactPartial "Exact" {
        /// Adds the received digits to this accumulator in place: exact merges are
        /// commutative, so both orders give the bits of the default.
        fn combine_wire(&mut self, bytes: &mut &[u8], _mine_first: bool) -> Option<()> {
            let len = self.merge_wire_prefix(bytes).ok()?;
            *bytes = &bytes[len..];
            Some(())
        }
    }
);

/// A norm partial combines by [`NormPartial::merge`]; its kind is that of its squares:
///
/// ```
/// use pdot_kernels::{ExactPartial, NormPartial};
/// use pdot_mpi::Reducible;
/// assert_eq!(NormPartial::<ExactPartial<f32>>::kind_name(), "norm of Exact partial of f32");
/// ```
impl<P: Partial + Reducible> Reducible for NormPartial<P> {
    const WIRE_LEN: usize = NormPartial::<P>::WIRE_MAX;
    fn write_wire(&self, out: &mut [u8]) {
        // The length is right (the trait's contract); nothing else can fail.
        let len = NormPartial::write_wire(self, out).unwrap_or(0);
        out[len..].fill(0);
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        let (p, len) = NormPartial::from_wire_prefix(bytes).ok()?;
        bytes[len..].iter().all(|&b| b == 0).then_some(p)
    }
    fn combine(&mut self, right: &Self) {
        self.merge(right);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let at = out.len();
        out.resize(at + Self::WIRE_LEN, 0);
        let len = NormPartial::write_wire(self, &mut out[at..]).unwrap_or(0);
        out.truncate(at + len);
    }
    fn decode(bytes: &mut &[u8]) -> Option<Self> {
        let (p, len) = NormPartial::from_wire_prefix(bytes).ok()?;
        *bytes = &bytes[len..];
        Some(p)
    }
    fn kind_name() -> String {
        format!("norm of {}", P::kind_name())
    }
}

impl<R: Reducible, const N: usize> Reducible for [R; N] {
    const WIRE_LEN: usize = N * R::WIRE_LEN;
    fn write_wire(&self, out: &mut [u8]) {
        for (v, chunk) in self.iter().zip(out.chunks_exact_mut(R::WIRE_LEN.max(1))) {
            v.write_wire(chunk);
        }
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        let values: Option<Vec<R>> = (0..N)
            .map(|i| R::read_wire(bytes.get(i * R::WIRE_LEN..(i + 1) * R::WIRE_LEN)?))
            .collect();
        values?.try_into().ok()
    }
    fn combine(&mut self, right: &Self) {
        for (a, b) in self.iter_mut().zip(right) {
            a.combine(b);
        }
    }
    fn encode(&self, out: &mut Vec<u8>) {
        for v in self {
            v.encode(out);
        }
    }
    fn decode(bytes: &mut &[u8]) -> Option<Self> {
        let values: Option<Vec<R>> = (0..N).map(|_| R::decode(bytes)).collect();
        values?.try_into().ok()
    }
    fn kind_name() -> String {
        format!("[{}; {N}]", R::kind_name())
    }
}

macro_rules! reducible_tuple {
    ($(($($t:ident $i:tt),+)),*) => {$(
        impl<$($t: Reducible),+> Reducible for ($($t,)+) {
            const WIRE_LEN: usize = 0 $(+ $t::WIRE_LEN)+;
            fn write_wire(&self, out: &mut [u8]) {
                let mut at = 0;
                $(
                    self.$i.write_wire(&mut out[at..at + $t::WIRE_LEN]);
                    at += $t::WIRE_LEN;
                )+
                let _ = at;
            }
            fn read_wire(bytes: &[u8]) -> Option<Self> {
                let mut at = 0;
                Some(($({
                    let v = $t::read_wire(bytes.get(at..at + $t::WIRE_LEN)?)?;
                    at += $t::WIRE_LEN;
                    v
                },)+))
                .filter(|_| at == bytes.len())
            }
            fn combine(&mut self, right: &Self) {
                $( self.$i.combine(&right.$i); )+
            }
            fn encode(&self, out: &mut Vec<u8>) {
                $( self.$i.encode(out); )+
            }
            fn decode(bytes: &mut &[u8]) -> Option<Self> {
                Some(($($t::decode(bytes)?,)+))
            }
            fn kind_name() -> String {
                let names = [$($t::kind_name()),+];
                format!("({})", names.join(", "))
            }
        }
    )*};
}

reducible_tuple!((A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3));

/// The reduction of `values` (the value of rank `r` at index `r`) as `values.len()` ranks
/// would compute it, on one thread without MPI: [`schedule::simulate_with`] with the ordered
/// combine of the distributed reduction. Returns every rank's final value; they are all the
/// same bits, those [`crate::allreduce`] gives on `values.len()` ranks.
///
/// [`schedule::simulate_with`]: crate::schedule::simulate_with
///
/// ```
/// use pdot_kernels::{FastPartial, Partial};
/// use pdot_mpi::simulate;
///
/// let data = [1e16, 1.0, -1e16, 1.0];
/// let parts: Vec<FastPartial<f64>> =
///     data.iter().map(|&v| FastPartial::of(&[v], &[1.0])).collect();
/// let finals = simulate(&parts);
/// assert!(finals.iter().all(|p| p.finish() == finals[0].finish()));
/// // (1e16 ⊕ 1) ⊕ (−1e16 ⊕ 1): rank 0 pairs with 1, rank 2 with 3, then 0 with 2. Each
/// // inner sum rounds the 1 away, so Fast gives 0 where the exact sum is 2.
/// assert_eq!(finals[0].finish(), 0.0);
/// ```
pub fn simulate<R: Reducible>(values: &[R]) -> Vec<R> {
    simulate_with(values, ordered)
}

/// Appends the wire forms of `values` (as [`Reducible::encode`] writes them) to `out`.
pub(crate) fn encode_values<R: Reducible>(values: &[R], out: &mut Vec<u8>) {
    for v in values {
        v.encode(out);
    }
}

/// How a received value meets the own one at its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meet {
    /// `own ⊕ received`.
    MineFirst,
    /// `received ⊕ own`.
    TheirsFirst,
    /// The received value replaces the own one.
    Replace,
}

/// Decodes one value after another from `bytes` (the wire forms of `values.len()` values,
/// one after the other, and nothing else) and meets each with the own value at its index as
/// `how` says, without collecting them first. Returns `false` if a value does not decode or
/// bytes are left over: the values are then partly combined, and meaningless (the reduction
/// reports an error).
pub(crate) fn meet_wire<R: Reducible>(values: &mut [R], bytes: &[u8], how: Meet) -> bool {
    let mut rest = bytes;
    for mine in values.iter_mut() {
        let met = match how {
            Meet::MineFirst => mine.combine_wire(&mut rest, true),
            Meet::TheirsFirst => mine.combine_wire(&mut rest, false),
            Meet::Replace => R::decode(&mut rest).map(|theirs| *mine = theirs),
        };
        if met.is_none() {
            return false;
        }
    }
    rest.is_empty()
}

/// Nothing: the payload of a reduction that only exchanges an agreement.
#[derive(Clone)]
pub(crate) struct Nothing;

impl Reducible for Nothing {
    const WIRE_LEN: usize = 0;
    fn write_wire(&self, _: &mut [u8]) {}
    fn read_wire(_: &[u8]) -> Option<Self> {
        Some(Nothing)
    }
    fn combine(&mut self, _: &Self) {}
    fn kind_name() -> String {
        "nothing".into()
    }
}

/// `left ⊕ right`, a copy.
pub(crate) fn ordered<R: Reducible>(left: &R, right: &R) -> R {
    let mut out = left.clone();
    combine_into(&mut out, right);
    out
}

/// `left ← left ⊕ right`: the one place the reduction and [`simulate`] combine. Never
/// inlined, so that both partners of an exchange run the same machine code on the same
/// operands in the same order: the sign and payload of a NaN from `a + b` are not
/// specified, and a compiler may commute the operands differently at two inlined call
/// sites, which would give the partners different NaN bits.
#[inline(never)]
pub(crate) fn combine_into<R: Reducible>(left: &mut R, right: &R) {
    left.combine(right);
}

#[cfg(test)]
mod tests {
    use pdot_kernels::{ExactPartial, FastPartial, Partial};

    use super::*;

    fn parts(seed: u64) -> Vec<(ExactPartial<f64>, FastPartial<f64>)> {
        (0..3)
            .map(|i| {
                let v = [
                    1e300 / (seed + i + 1) as f64,
                    -(seed as f64),
                    0.1 * i as f64,
                ];
                let w = [1e-300, 3.0, 7.0];
                (ExactPartial::of(&v, &w), FastPartial::of(&v, &w))
            })
            .collect()
    }

    /// Meeting received wire forms gives the values `ordered` gives, in both orders, and
    /// the received values for `Replace`; a message cut short or with bytes left over fails.
    #[test]
    fn meeting_wire_forms_is_the_ordered_combine() {
        let (mine, theirs) = (parts(1), parts(5));
        let mut bytes = Vec::new();
        encode_values(&theirs, &mut bytes);
        let cases = [
            (Meet::MineFirst, true),
            (Meet::TheirsFirst, false),
            (Meet::Replace, false),
        ];
        for (how, mine_first) in cases {
            let mut got = mine.clone();
            assert!(meet_wire(&mut got, &bytes, how));
            for ((g, m), t) in got.iter().zip(&mine).zip(&theirs) {
                let want = match how {
                    Meet::Replace => t.clone(),
                    _ if mine_first => ordered(m, t),
                    _ => ordered(t, m),
                };
                assert_eq!(g.0, want.0);
                assert_eq!(g.1.finish().to_bits(), want.1.finish().to_bits());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(!meet_wire(&mut mine.clone(), &longer, how));
            assert!(!meet_wire(
                &mut mine.clone(),
                &bytes[..bytes.len() - 1],
                how
            ));
        }
    }
}
