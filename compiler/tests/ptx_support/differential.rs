//! Runs a kernel on generated inputs through the interpreter and through
//! another backend, and compares the outputs bit for bit.
//!
//! The inputs mix special values (0, -0, ±inf, NaN, extremes of each
//! integer type, values just past an integer range) with random bits, and
//! strided inputs use a transposed layout or a broadcast (stride 0), so
//! every access pattern reads real, distinct data.

use lazyxp_compiler::interp;
use lazyxp_compiler::kernel_ir::{Access, Kernel};
use lazyxp_runtime::{DType, Scalar};

/// The index space and each strided input's strides for one run.
pub struct Layout {
    /// Outer dimensions, then (reductions) the reduced ones.
    pub dims: Vec<u64>,
    /// How many of `dims` are outer: one launch element (a row) each.
    pub outer: usize,
    /// Per input (empty unless strided), over the dims of its space.
    pub strides: Vec<Vec<i64>>,
}

impl Layout {
    /// A layout for elementwise kernel `k` with `n` elements per dimension
    /// budget: rank 1 has `n` elements, higher ranks small odd sizes, so
    /// tails are exercised.
    pub fn for_kernel(k: &Kernel, n: u64) -> Layout {
        let dims: Vec<u64> = match k.rank {
            0 => vec![],
            1 => vec![n],
            2 => vec![13, 29],
            r => (0..r as u64).map(|d| [5, 7, 11, 3][d as usize % 4]).collect(),
        };
        Layout::with_dims(k, dims, k.rank as usize)
    }

    /// A layout for reduction kernel `k`: `rows` outputs (spread over its
    /// outer dims) of `cols` reduced elements each (spread over its
    /// reduced dims; rounded to a multiple of their small leading sizes).
    pub fn for_reduction(k: &Kernel, rows: u64, cols: u64) -> Layout {
        let spread = |rank: u32, n: u64| -> Vec<u64> {
            let lead = [3u64, 5, 2];
            let mut d: Vec<u64> = (1..rank as usize).map(|i| lead[(i - 1) % 3]).collect();
            if rank > 0 {
                d.push(n / d.iter().product::<u64>().max(1));
            }
            d
        };
        let mut dims = spread(k.rank, rows);
        dims.extend(spread(k.reduce_rank, cols));
        Layout::with_dims(k, dims, k.rank as usize)
    }

    fn with_dims(k: &Kernel, dims: Vec<u64>, outer: usize) -> Layout {
        let strides = k
            .inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                if input.access != Access::Strided {
                    return vec![];
                }
                let dims = &dims[..k.input_rank(i) as usize];
                if i % 2 == 0 {
                    // Column-major: the transposed read.
                    let mut acc = 1i64;
                    dims.iter()
                        .map(|&d| {
                            let s = acc;
                            acc *= d as i64;
                            s
                        })
                        .collect()
                } else {
                    // Broadcast along the first dimension, row-major after.
                    let mut s = vec![0i64; dims.len()];
                    let mut acc = 1i64;
                    for d in (1..dims.len()).rev() {
                        s[d] = acc;
                        acc *= dims[d] as i64;
                    }
                    s
                }
            })
            .collect();
        Layout { dims, outer, strides }
    }

    /// Elements of the whole index space.
    pub fn len(&self) -> u64 {
        self.dims.iter().product()
    }

    /// The launch's elements: rows for a reduction, else every element.
    pub fn launch_len(&self) -> u64 {
        self.dims[..self.outer].iter().product()
    }

    /// Elements of the space input `i` is read over.
    fn space_len(&self, k: &Kernel, i: usize) -> u64 {
        self.dims[..k.input_rank(i) as usize].iter().product()
    }

    /// Elements input `i` spans.
    pub fn input_len(&self, k: &Kernel, i: usize) -> usize {
        let n = self.space_len(k, i) as usize;
        match k.inputs[i].access {
            Access::Contiguous => n,
            Access::Interleaved { .. } => 2 * n,
            Access::Scalar => 1,
            Access::Strided => {
                if n == 0 {
                    return 0;
                }
                let last: i64 = self.dims.iter().zip(&self.strides[i]).map(|(&d, &s)| (d as i64 - 1) * s).sum();
                last as usize + 1
            }
        }
    }

    /// The launch words after the buffer addresses: dims, then strides.
    pub fn tail_words(&self, k: &Kernel) -> Vec<u64> {
        let mut w: Vec<u64> = self.dims.clone();
        for i in k.strided_inputs() {
            w.extend(self.strides[i].iter().map(|&s| s as u64));
        }
        w
    }
}

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn special(ty: DType) -> Vec<Scalar> {
    match ty {
        DType::Float32 => [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 300.7, -129.5, 1e10, -1e10, 3e38, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, 1e-45, f32::MIN_POSITIVE, 4294967296.0, -2147483904.0]
            .into_iter()
            .map(Scalar::F32)
            .collect(),
        DType::Float64 => [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 300.7, -129.5, 1e10, -1e10, 1e300, 1.8446744073709552e19, -9.223372036854778e18, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 5e-324, 3.0]
            .into_iter()
            .map(Scalar::F64)
            .collect(),
        DType::Bool => vec![Scalar::Bool(true), Scalar::Bool(false)],
        t => {
            let bits = t.size() * 8;
            let min = if t.is_signed_int() { 1u128 << (bits - 1) } else { 0 };
            let max = if t.is_signed_int() { (1u128 << (bits - 1)) - 1 } else { u128::MAX >> (128 - bits) };
            [0u128, 1, u128::MAX, 2, 7, min, max, 63, 64]
                .into_iter()
                .map(|b| Scalar::from_bits(t, b))
                .collect()
        }
    }
}

/// `len` elements of `ty` as bytes: special values first, then random
/// bits (for floats half random bits, half moderate random values).
pub fn gen_input(ty: DType, len: usize, rng: &mut Rng) -> Vec<u8> {
    let specials = special(ty);
    let size = ty.size();
    let mut out = vec![0u8; len * size];
    for i in 0..len {
        let s = if rng.next() % 3 == 0 {
            specials[(rng.next() % specials.len() as u64) as usize]
        } else {
            let r = rng.next();
            match ty {
                DType::Float32 if r & 1 == 0 => Scalar::F32(((r >> 11) as f64 / (1u64 << 53) as f64 * 200.0 - 100.0) as f32),
                DType::Float64 if r & 1 == 0 => Scalar::F64((r >> 11) as f64 / (1u64 << 53) as f64 * 200.0 - 100.0),
                _ => Scalar::from_bits(ty, r as u128 | ((rng.next() as u128) << 64)),
            }
        };
        s.write(&mut out[i * size..(i + 1) * size]);
    }
    out
}

/// Inputs for every kernel input under `layout`.
pub fn gen_inputs(k: &Kernel, layout: &Layout, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..k.inputs.len()).map(|i| gen_input(k.inputs[i].dtype, layout.input_len(k, i), &mut rng)).collect()
}

/// Output byte sizes (an output stored at a step spans that many times
/// its elements).
pub fn output_sizes(k: &Kernel, layout: &Layout) -> Vec<usize> {
    let stored = if k.row_outputs { layout.len() } else { layout.launch_len() } as usize;
    (0..k.outputs.len()).map(|o| k.ty(k.outputs[o]).size() * k.output_step(o) * stored).collect()
}

/// The interpreter's outputs for `inputs`.
pub fn run_interp(k: &Kernel, layout: &Layout, inputs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut outs: Vec<Vec<u8>> = output_sizes(k, layout).into_iter().map(|n| vec![0u8; n.max(1)]).collect();
    let mut words: Vec<u64> = inputs.iter().map(|b| b.as_ptr() as u64).collect();
    words.extend(outs.iter_mut().map(|b| b.as_mut_ptr() as u64));
    words.extend(layout.tail_words(k));
    // SAFETY: buffers sized by `Layout` for every element of the space.
    unsafe { interp::run(k, words.as_ptr(), 0, layout.launch_len() as usize) };
    for (o, n) in outs.iter_mut().zip(output_sizes(k, layout)) {
        o.truncate(n);
    }
    outs
}

/// Compares outputs element by element: identical bits, or both NaN
/// (NVIDIA hardware produces one canonical NaN where x86 keeps payloads).
/// Returns the first mismatches, described.
pub fn compare(k: &Kernel, want: &[Vec<u8>], got: &[Vec<u8>]) -> Vec<String> {
    let mut bad = Vec::new();
    for (o, (w, g)) in want.iter().zip(got).enumerate() {
        let ty = k.ty(k.outputs[o]);
        let size = ty.size();
        // Only the stored elements: the ones between steps are no one's.
        let step = k.output_step(o);
        for e in (0..w.len() / size).step_by(step) {
            let a = Scalar::read(ty, &w[e * size..]);
            let b = Scalar::read(ty, &g[e * size..]);
            let both_nan = ty.is_float() && a.as_f64().is_nan() && b.as_f64().is_nan();
            if a != b && !both_nan {
                bad.push(format!("{}: out{o}[{e}] expected {a} ({:#x}), got {b} ({:#x})", k.name, a.to_bits(), b.to_bits()));
                if bad.len() >= 10 {
                    return bad;
                }
            }
        }
    }
    bad
}
