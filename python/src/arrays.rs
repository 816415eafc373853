//! NumPy arrays as pdot's strided views, without copying: 1-D float64 or float32 arrays of
//! any stride (negative and zero included). Arrays NumPy may hand over in a form the kernels
//! cannot read in place (misaligned, byte-swapped, a stride that is not a whole number of
//! elements) are copied once with `astype`.

use numpy::npyffi::NPY_ARRAY_ALIGNED;
use numpy::{PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pdot_kernels::Strided;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The element types pdot reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// float64.
    F64,
    /// float32.
    F32,
}

impl Elem {
    /// NumPy's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            Elem::F64 => "float64",
            Elem::F32 => "float32",
        }
    }
}

/// What is wrong with an argument: the Python exception it raises on one core, and the code
/// a rank passes to `LocalDots::reject` in a collective call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bad {
    /// A wrong type (not an array, an unsupported dtype, mixed dtypes): `TypeError`.
    Type(String),
    /// A wrong value (not 1-D, lengths that differ, an unknown accuracy): `ValueError`.
    Value(String),
}

impl Bad {
    /// The code sent to the other ranks: 1 for a type error, 2 for a value error.
    pub fn code(&self) -> u64 {
        match self {
            Bad::Type(_) => 1,
            Bad::Value(_) => 2,
        }
    }

    /// The Python exception of a call on one core.
    pub fn into_err(self) -> PyErr {
        match self {
            Bad::Type(m) => PyTypeError::new_err(m),
            Bad::Value(m) => PyValueError::new_err(m),
        }
    }
}

/// A 1-D float array, held (so that its memory lives) with the layout of its elements.
pub struct Vector<'py> {
    /// The array, held so that its memory lives: the caller's, or the aligned copy made
    /// of it.
    _array: Bound<'py, PyUntypedArray>,
    /// Its element type.
    pub elem: Elem,
    /// The address of element 0.
    first: *const u8,
    /// The number of elements.
    pub len: usize,
    /// The distance between consecutive elements, in elements (any sign, or 0).
    inc: isize,
}

impl<'py> Vector<'py> {
    /// `obj` as a vector; `what` names it in messages (`"x"`, `"ys[2]"`).
    pub fn new(obj: &Bound<'py, PyAny>, what: &str) -> Result<Self, Bad> {
        let Ok(array) = obj.cast::<PyUntypedArray>() else {
            let type_name = obj
                .get_type()
                .name()
                .map_or_else(|_| "?".to_owned(), |n| n.to_string());
            return Err(Bad::Type(format!(
                "{what} must be a 1-D NumPy array of float64 or float32, not {type_name}"
            )));
        };
        if array.ndim() != 1 {
            let dims: Vec<String> = array.shape().iter().map(usize::to_string).collect();
            let shape = match dims.len() {
                1 => format!("({},)", dims[0]),
                _ => format!("({})", dims.join(", ")),
            };
            return Err(Bad::Value(format!(
                "{what} must be 1-D, but has shape {shape}"
            )));
        }
        let dtype = array.dtype();
        let elem = match (dtype.kind(), dtype.itemsize()) {
            (b'f', 8) => Elem::F64,
            (b'f', 4) => Elem::F32,
            _ => {
                let name = dtype
                    .str()
                    .map_or_else(|_| "?".to_owned(), |s| s.to_string());
                return Err(Bad::Type(format!(
                    "{what} has dtype {name}; pdot takes float64 or float32 arrays"
                )));
            }
        };
        let size = dtype.itemsize() as isize;
        let stride = array.strides()[0];
        let ptr = array.as_array_ptr();
        // SAFETY: `ptr` is the live PyArrayObject of `array` (held by this function's borrow);
        // reading its flags field is what NumPy's PyArray_FLAGS macro does.
        let flags = unsafe { (*ptr).flags };
        let readable = flags & NPY_ARRAY_ALIGNED != 0
            && stride % size == 0
            && dtype.is_native_byteorder() != Some(false);
        if !readable {
            let copy = array
                .call_method1("astype", (elem.name(),))
                .and_then(|c| Ok(c.cast_into::<PyUntypedArray>()?))
                .map_err(|e| Bad::Type(format!("{what} could not be copied: {e}")))?;
            return Vector::new(copy.as_any(), what);
        }
        // SAFETY: as above; `data` is the address of element 0 (PyArray_DATA).
        let first = unsafe { (*ptr).data } as *const u8;
        Ok(Vector {
            _array: array.clone(),
            elem,
            first,
            len: array.len(),
            inc: stride / size,
        })
    }

    /// The view of the elements, of type `T` (which must be the array's: `f64` for
    /// [`Elem::F64`], `f32` for [`Elem::F32`]).
    fn view<T: Copy>(&self) -> Strided<'_, T> {
        assert_eq!(
            std::mem::size_of::<T>(),
            self.elem_size(),
            "pdot: view of another type"
        );
        if self.len == 0 {
            return Strided::from(&[][..]);
        }
        let span = (self.len - 1) * self.inc.unsigned_abs();
        // The lowest address of the view: element 0 for a stride >= 0, element n - 1 else.
        let low = if self.inc >= 0 {
            self.first
        } else {
            self.first
                .wrapping_offset(-((span * self.elem_size()) as isize))
        };
        // SAFETY: NumPy's array holds `len` elements of type `T` (its dtype, checked in `new`)
        // at `first + i * inc` elements: all of them lie between `low` and the last one, a
        // region of one allocation that is `span + 1` elements long, aligned for `T` (the
        // ALIGNED flag and a stride that is a whole number of elements, checked in `new`).
        // The array is held by `self.array` for as long as the slice borrows `self`. pdot only
        // reads it; like NumPy's own kernels that run without the GIL, it does not guard
        // against another thread writing to the array meanwhile.
        let data = unsafe { std::slice::from_raw_parts(low.cast::<T>(), span + 1) };
        match Strided::new(data, self.len, self.inc) {
            Ok(view) => view,
            Err(e) => unreachable!("pdot: NumPy view out of its own bounds: {e}"),
        }
    }

    /// The bytes of one element.
    fn elem_size(&self) -> usize {
        match self.elem {
            Elem::F64 => 8,
            Elem::F32 => 4,
        }
    }

    /// The view of a float64 array.
    pub fn f64s(&self) -> Strided<'_, f64> {
        self.view()
    }

    /// The view of a float32 array.
    pub fn f32s(&self) -> Strided<'_, f32> {
        self.view()
    }
}
