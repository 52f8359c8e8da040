//! The scalar operations of kernel IR and their text names.

macro_rules! op_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn name(self) -> &'static str { match self { $($name::$v => $s),* } }
            pub fn from_name(s: &str) -> Option<$name> { match s { $($s => Some($name::$v),)* _ => None } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.name()) }
        }
    };
}

op_enum!(
    /// One-operand operations; the result has the operand's type.
    UnaryOp {
        Neg = "neg",
        Abs = "abs",
        Sqrt = "sqrt",
        Floor = "floor",
        Ceil = "ceil",
        Trunc = "trunc",
        /// Round half to even, as the standard's `round`.
        RoundEven = "round",
        /// Bitwise not on integers, logical not on bool.
        Not = "not",
        Sin = "sin",
        Cos = "cos",
        Exp = "exp",
        Log = "log",
        Tanh = "tanh",
        Expm1 = "expm1",
        Log1p = "log1p",
        Log2 = "log2",
        Log10 = "log10",
        Sinh = "sinh",
        Cosh = "cosh",
        Tan = "tan",
        Asin = "asin",
        Acos = "acos",
        Atan = "atan",
        Asinh = "asinh",
        Acosh = "acosh",
        Atanh = "atanh",
    }
);

op_enum!(
    /// Two-operand operations on values of one type; the result has it too.
    BinaryOp {
        Add = "add",
        Sub = "sub",
        Mul = "mul",
        /// Float division; on integers truncating division with no trap:
        /// x/0 = 0 and MIN/-1 = MIN (wraps), NumPy's answers. The standard's
        /// `divide` promotes integers to float, so only the math library's
        /// floor division uses the integer form.
        Div = "div",
        /// Remainder of truncating division, the sign of the dividend (C's
        /// `%` and `fmod`, exact for floats); integers: x%0 = 0, MIN%-1 = 0.
        Rem = "rem",
        /// NaN if either operand is NaN; -0 < +0.
        Min = "min",
        Max = "max",
        And = "and",
        Or = "or",
        Xor = "xor",
        /// Shift counts are taken modulo the bit width, as hardware does.
        Shl = "shl",
        /// Arithmetic for signed types, logical for unsigned.
        Shr = "shr",
        Pow = "pow",
        Atan2 = "atan2",
        Hypot = "hypot",
        LogAddExp = "logaddexp",
        /// Magnitude of the first operand, sign bit of the second.
        CopySign = "copysign",
        /// The representable value after the first in the second's direction.
        NextAfter = "nextafter",
        /// NumPy's `floor_divide`: rounds the quotient towards -inf.
        FloorDiv = "floordiv",
        /// NumPy's `remainder`: the sign of the divisor.
        Remainder = "remainder",
    }
);

op_enum!(
    /// Comparisons, producing bool. Ordered for floats (false with NaN),
    /// except `ne`, which is true with NaN as in IEEE 754 and NumPy.
    CmpOp {
        Eq = "eq",
        Ne = "ne",
        Lt = "lt",
        Le = "le",
        Gt = "gt",
        Ge = "ge",
    }
);

impl UnaryOp {
    /// Transcendental functions, which the math library expands into
    /// primitive arithmetic before any backend sees them.
    pub fn is_math(self) -> bool {
        !matches!(
            self,
            UnaryOp::Neg
                | UnaryOp::Abs
                | UnaryOp::Sqrt
                | UnaryOp::Floor
                | UnaryOp::Ceil
                | UnaryOp::Trunc
                | UnaryOp::RoundEven
                | UnaryOp::Not
        )
    }
}

impl BinaryOp {
    /// Functions of two operands that the math library expands, like the
    /// transcendental unary ops (and the sign rules of floor division).
    pub fn is_math(self) -> bool {
        matches!(
            self,
            BinaryOp::Pow
                | BinaryOp::Atan2
                | BinaryOp::Hypot
                | BinaryOp::LogAddExp
                | BinaryOp::CopySign
                | BinaryOp::NextAfter
                | BinaryOp::FloorDiv
                | BinaryOp::Remainder
        )
    }
}
