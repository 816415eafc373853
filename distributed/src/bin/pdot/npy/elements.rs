//! [`Elements`]: the elements read from a file, of the type its dtype names.

use std::any::Any;

/// A vector of `f32` or `f64`, as read from a file of dtype `'<f4'` or `'<f8'`.
#[derive(Debug, Clone, PartialEq)]
pub enum Elements {
    /// From a `'<f4'` file.
    F32(Vec<f32>),
    /// From a `'<f8'` file.
    F64(Vec<f64>),
}

impl Elements {
    /// The vector, if its element type is `T` (no copy, every bit kept); `None`
    /// if it holds the other type.
    pub fn into_vec<T: 'static>(self) -> Option<Vec<T>> {
        let boxed: Box<dyn Any> = match self {
            Elements::F32(v) => Box::new(v),
            Elements::F64(v) => Box::new(v),
        };
        boxed.downcast::<Vec<T>>().ok().map(|v| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::Elements;

    #[test]
    fn into_vec_keeps_the_type_it_holds() {
        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        let got = Elements::F64(vec![nan, -0.0]).into_vec::<f64>().unwrap();
        assert_eq!(
            got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            [nan.to_bits(), (-0.0f64).to_bits()]
        );
        assert_eq!(Elements::F32(vec![1.5]).into_vec::<f32>(), Some(vec![1.5]));
        assert_eq!(Elements::F32(vec![1.5]).into_vec::<f64>(), None);
        assert_eq!(Elements::F64(vec![1.5]).into_vec::<f32>(), None);
    }
}
