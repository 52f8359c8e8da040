//! Shared helpers for the integration tests in tests/tests/*.rs: raw bytes
//! of arrays of any dtype, deterministic test data with special values, and
//! typed leaves built from that data.

use lazyxp as xp;
use xp::{Array, DType, Result};

/// All real dtypes lazyxp computes with (complex is not supported in
/// kernels yet).
pub const REAL_DTYPES: [DType; 11] = DType::REAL;


/// The elements of `a` (evaluating with the default engine if it is still
/// pending) as little-endian bytes, so results of any dtype compare bit for
/// bit, NaN payloads included.
pub fn raw_bytes(a: &Array) -> Result<Vec<u8>> {
    macro_rules! go {
        ($t:ty) => {
            a.to_vec::<$t>()?.iter().flat_map(|v| v.to_le_bytes()).collect()
        };
    }
    Ok(match a.dtype() {
        DType::Bool => a.to_vec::<bool>()?.iter().map(|&b| b as u8).collect(),
        DType::Int8 => go!(i8),
        DType::Int16 => go!(i16),
        DType::Int32 => go!(i32),
        DType::Int64 => go!(i64),
        DType::UInt8 => go!(u8),
        DType::UInt16 => go!(u16),
        DType::UInt32 => go!(u32),
        DType::UInt64 => go!(u64),
        DType::Float32 => go!(f32),
        DType::Float64 => go!(f64),
        DType::Complex64 => a.to_vec::<[f32; 2]>()?.iter().flat_map(|p| p.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<_>>()).collect(),
        DType::Complex128 => a.to_vec::<[f64; 2]>()?.iter().flat_map(|p| p.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<_>>()).collect(),
    })
}

/// splitmix64: a tiny deterministic generator for test data.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Float specials as f64 bit patterns: signed zeros, infinities, quiet and
/// signalling NaNs of both signs with payloads, subnormals, extremes, and
/// ties for rounding.
pub const F64_SPECIALS: &[u64] = &[
    0x0000_0000_0000_0000, // +0
    0x8000_0000_0000_0000, // -0
    0x7ff0_0000_0000_0000, // +inf
    0xfff0_0000_0000_0000, // -inf
    0x7ff8_0000_0000_0000, // qNaN
    0xfff8_0000_0000_0000, // -qNaN
    0x7ff8_0000_0000_1234, // qNaN with payload
    0x7ff0_0000_0000_0001, // sNaN
    0x0000_0000_0000_0001, // smallest subnormal
    0x8010_0000_0000_0000, // -smallest normal
    0x7fef_ffff_ffff_ffff, // max
    0xffef_ffff_ffff_ffff, // -max
];
pub const F32_SPECIALS: &[u32] = &[
    0x0000_0000, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0xffc0_0000, 0x7fc0_1234, 0x7f80_0001,
    0x0000_0001, 0x8080_0000, 0x7f7f_ffff, 0xff7f_ffff,
];
/// Ordinary values worth having: rounding ties, values near casts' limits.
pub const NICE: &[f64] = &[
    1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, 100.0, 127.0, 128.0, 255.5, 256.0, -129.0, 65535.0, 2147483647.0,
    2147483648.0, -2147483649.0, 4294967296.0, 9.3e18, 1.9e19, -9.3e18, 1e30, 1e-30, 3.14159,
];

/// One value of `dtype` as raw little-endian bits: a special value a
/// quarter of the time, random bits a quarter, an ordinary value otherwise.
pub fn random_bits(rng: &mut Rng, dtype: DType) -> u64 {
    let pick = rng.below(8);
    match dtype {
        DType::Bool => rng.below(2),
        DType::Float64 => match pick {
            0 | 1 => F64_SPECIALS[rng.below(F64_SPECIALS.len() as u64) as usize],
            2 | 3 => rng.next(),
            4 | 5 => NICE[rng.below(NICE.len() as u64) as usize].to_bits(),
            _ => (((rng.below(4001) as f64) - 2000.0) / 16.0).to_bits(),
        },
        DType::Float32 => (match pick {
            0 | 1 => F32_SPECIALS[rng.below(F32_SPECIALS.len() as u64) as usize],
            2 | 3 => rng.next() as u32,
            4 | 5 => (NICE[rng.below(NICE.len() as u64) as usize] as f32).to_bits(),
            _ => ((((rng.below(4001) as f64) - 2000.0) / 16.0) as f32).to_bits(),
        }) as u64,
        d => {
            let bits = d.size() as u32 * 8;
            let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
            let signed = d.is_signed_int();
            let min = if signed { 1u64 << (bits - 1) } else { 0 };
            let max = if signed { min - 1 } else { mask };
            let v = match pick {
                0 => [0, 1, mask, min, max, min.wrapping_add(1), max.wrapping_sub(1)][rng.below(7) as usize],
                1 | 2 | 3 => rng.next(),
                _ => (rng.below(41) as i64 - 20) as u64,
            };
            v & mask
        }
    }
}

/// An array of `dtype` and `shape` holding `bits` (one value per element,
/// truncated to the dtype's width).
pub fn array_from_bits(dtype: DType, shape: &[usize], bits: &[u64]) -> Result<Array> {
    macro_rules! go {
        ($t:ty, $conv:expr) => {
            xp::asarray::<$t>(&bits.iter().map(|&b| $conv(b)).collect::<Vec<$t>>(), shape)
        };
    }
    match dtype {
        DType::Bool => go!(bool, |b: u64| b & 1 != 0),
        DType::Int8 => go!(i8, |b: u64| b as i8),
        DType::Int16 => go!(i16, |b: u64| b as i16),
        DType::Int32 => go!(i32, |b: u64| b as i32),
        DType::Int64 => go!(i64, |b: u64| b as i64),
        DType::UInt8 => go!(u8, |b: u64| b as u8),
        DType::UInt16 => go!(u16, |b: u64| b as u16),
        DType::UInt32 => go!(u32, |b: u64| b as u32),
        DType::UInt64 => go!(u64, |b: u64| b),
        DType::Float32 => go!(f32, |b: u64| f32::from_bits(b as u32)),
        DType::Float64 => go!(f64, |b: u64| f64::from_bits(b)),
        // Two words per complex element: the real part's, the imaginary's.
        DType::Complex64 => xp::asarray(&bits.chunks(2).map(|p| [f32::from_bits(p[0] as u32), f32::from_bits(p[1] as u32)]).collect::<Vec<_>>(), shape),
        DType::Complex128 => xp::asarray(&bits.chunks(2).map(|p| [f64::from_bits(p[0]), f64::from_bits(p[1])]).collect::<Vec<_>>(), shape),
    }
}

/// `n` random values of `dtype` from `seed`, as raw bits (two words per
/// complex value, its parts, for `array_from_bits`).
pub fn random_data(dtype: DType, n: usize, seed: u64) -> Vec<u64> {
    let mut rng = Rng(seed);
    let words = if dtype.is_complex() { 2 * n } else { n };
    (0..words).map(|_| random_bits(&mut rng, dtype.real_part())).collect()
}

/// Hex dump of the first differing element, for assertion messages.
pub fn first_difference(a: &[u8], b: &[u8], elem: usize) -> Option<String> {
    if a.len() != b.len() {
        return Some(format!("lengths differ: {} vs {}", a.len(), b.len()));
    }
    a.chunks(elem.max(1)).zip(b.chunks(elem.max(1))).enumerate().find(|(_, (x, y))| x != y).map(|(i, (x, y))| {
        let hex = |s: &[u8]| s.iter().rev().map(|b| format!("{b:02x}")).collect::<String>();
        format!("element {i}: 0x{} vs 0x{}", hex(x), hex(y))
    })
}

/// Like `first_difference` for results of `dtype`, except that two NaNs
/// count as equal whatever their sign and payload. IEEE 754 (6.2.3) leaves
/// open which input's payload an operation with two NaN operands returns,
/// and both LLVM (compiling the interpreter) and Cranelift treat `a * b`
/// and `a + b` as commutative, so the choice is not stable across engines.
/// Every other bit, signed zeros included, must still match.
pub fn first_difference_nan_equal(a: &[u8], b: &[u8], dtype: DType) -> Option<String> {
    if dtype.is_complex() {
        // Part by part (element k's parts are 2k and 2k + 1).
        return first_difference_nan_equal(a, b, dtype.real_part()).map(|d| format!("{d} (a part; complex element = part / 2)"));
    }
    let elem = dtype.size();
    if a.len() != b.len() {
        return Some(format!("lengths differ: {} vs {}", a.len(), b.len()));
    }
    let is_nan = |s: &[u8]| match dtype {
        DType::Float32 => f32::from_le_bytes(s.try_into().unwrap()).is_nan(),
        DType::Float64 => f64::from_le_bytes(s.try_into().unwrap()).is_nan(),
        _ => false,
    };
    a.chunks(elem.max(1)).zip(b.chunks(elem.max(1))).enumerate().find(|(_, (x, y))| x != y && !(is_nan(x) && is_nan(y))).map(|(i, (x, y))| {
        let hex = |s: &[u8]| s.iter().rev().map(|b| format!("{b:02x}")).collect::<String>();
        format!("element {i}: 0x{} vs 0x{}", hex(x), hex(y))
    })
}
