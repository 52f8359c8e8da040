//! Rust operators on arrays. They return `Result<Array>`, because a shape
//! or dtype error belongs to the expression that caused it:
//! `let z = (&x * 2.0)? + &y;`. Scalars are `f64`, `i64` and `bool` (one
//! impl per literal kind, so `&x + 1` and `&x + 0.5` need no annotations)
//! and follow the standard's rules for Python scalars.

use crate::array::Array;
use crate::elementwise::{self as ew, scalar_like};
use lazyxp_runtime::Result;
use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Sub};

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $func:path) => {
        impl $trait<&Array> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> {
                $func(self, rhs)
            }
        }
        impl $trait<Array> for Array {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> {
                $func(&self, &rhs)
            }
        }
        impl $trait<&Array> for Array {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> {
                $func(&self, rhs)
            }
        }
        impl $trait<Array> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> {
                $func(self, &rhs)
            }
        }
        binary_operator!(@scalars $trait, $method, $func, f64, i64, bool);
    };
    (@scalars $trait:ident, $method:ident, $func:path, $($s:ty),*) => {$(
        impl $trait<$s> for &Array {
            type Output = Result<Array>;
            fn $method(self, rhs: $s) -> Result<Array> {
                $func(self, &scalar_like(self, rhs)?)
            }
        }
        impl $trait<$s> for Array {
            type Output = Result<Array>;
            fn $method(self, rhs: $s) -> Result<Array> {
                $func(&self, &scalar_like(&self, rhs)?)
            }
        }
        impl $trait<&Array> for $s {
            type Output = Result<Array>;
            fn $method(self, rhs: &Array) -> Result<Array> {
                $func(&scalar_like(rhs, self)?, rhs)
            }
        }
        impl $trait<Array> for $s {
            type Output = Result<Array>;
            fn $method(self, rhs: Array) -> Result<Array> {
                $func(&scalar_like(&rhs, self)?, &rhs)
            }
        }
    )*};
}

binary_operator!(Add, add, ew::add);
binary_operator!(Sub, sub, ew::subtract);
binary_operator!(Mul, mul, ew::multiply);
binary_operator!(Div, div, ew::divide);
binary_operator!(BitAnd, bitand, ew::bitwise_and);
binary_operator!(BitOr, bitor, ew::bitwise_or);
binary_operator!(BitXor, bitxor, ew::bitwise_xor);

impl Neg for &Array {
    type Output = Result<Array>;
    fn neg(self) -> Result<Array> {
        ew::negative(self)
    }
}
impl Neg for Array {
    type Output = Result<Array>;
    fn neg(self) -> Result<Array> {
        ew::negative(&self)
    }
}
/// `!x`: logical not for bool arrays, bitwise invert for integers.
impl Not for &Array {
    type Output = Result<Array>;
    fn not(self) -> Result<Array> {
        ew::bitwise_invert(self)
    }
}
