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
    }
);

op_enum!(
    /// Two-operand operations on values of one type; the result has it too.
    BinaryOp {
        Add = "add",
        Sub = "sub",
        Mul = "mul",
        /// Float division only (the standard's `divide` promotes ints to float).
        Div = "div",
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
        matches!(self, UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Exp | UnaryOp::Log | UnaryOp::Tanh)
    }
}

impl BinaryOp {
    pub fn is_math(self) -> bool {
        false
    }
}
