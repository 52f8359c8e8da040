//! Batched matrix products through the `gemm` crate (tuned, SIMD, threaded)
//! for floats and complex numbers. Integers have no tuned GEMM crate; they use a straightforward
//! i-k-j loop with wrapping arithmetic, exact like NumPy's.

use lazyxp_runtime::{Buffer, DType, Error, Result};

/// `out[b] = a[b] @ c[b]` for contiguous row-major `a: (batch, n, k)` and
/// `c: (batch, k, m)`, returning `out: (batch, n, m)`.
pub fn matmul(a: &Buffer, c: &Buffer, dtype: DType, batch: usize, n: usize, k: usize, m: usize) -> Result<Buffer> {
    let elems = [batch * n * k, batch * k * m];
    if a.len() < elems[0] * dtype.size() || c.len() < elems[1] * dtype.size() {
        return Err(Error::Compile { kernel: "matmul".into(), message: "operand buffers smaller than their shapes".into() });
    }
    let out = Buffer::uninit(lazyxp_runtime::shape::byte_size(&[batch, n, m], dtype)?)?;
    // SAFETY: sizes checked above; `out` is fresh and fully written below.
    unsafe {
        match dtype {
            DType::Float32 => float::<f32>(a, c, &out, batch, n, k, m),
            DType::Float64 => float::<f64>(a, c, &out, batch, n, k, m),
            DType::Complex64 => float::<gemm::c32>(a, c, &out, batch, n, k, m),
            DType::Complex128 => float::<gemm::c64>(a, c, &out, batch, n, k, m),
            DType::Int8 | DType::UInt8 => int::<u8>(a, c, &out, batch, n, k, m),
            DType::Int16 | DType::UInt16 => int::<u16>(a, c, &out, batch, n, k, m),
            DType::Int32 | DType::UInt32 => int::<u32>(a, c, &out, batch, n, k, m),
            DType::Int64 | DType::UInt64 => int::<u64>(a, c, &out, batch, n, k, m),
            DType::Bool => boolean(a, c, &out, batch, n, k, m),
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
unsafe fn float<T: Copy + Default + 'static + num_one::One>(a: &Buffer, c: &Buffer, out: &Buffer, batch: usize, n: usize, k: usize, m: usize) {
    let threads = lazyxp_runtime::parallel::num_threads();
    let par = if n * m * k >= 64 * 64 * 64 && threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
    for b in 0..batch {
        let (pa, pc, po) = (
            (a.as_ptr() as *const T).add(b * n * k),
            (c.as_ptr() as *const T).add(b * k * m),
            (out.as_mut_ptr() as *mut T).add(b * n * m),
        );
        if k == 0 {
            std::slice::from_raw_parts_mut(po, n * m).fill(T::default());
            continue;
        }
        // gemm computes dst (rows x cols) = alpha * dst + beta * lhs @ rhs;
        // with read_dst false only beta matters. Row-major: column stride 1,
        // row stride = row length.
        gemm::gemm(n, m, k, po, 1, m as isize, false, pa, 1, k as isize, pc, 1, m as isize, T::default(), T::one(), false, false, false, par);
    }
}

mod num_one {
    pub trait One {
        fn one() -> Self;
    }
    impl One for f32 {
        fn one() -> f32 {
            1.0
        }
    }
    impl One for f64 {
        fn one() -> f64 {
            1.0
        }
    }
    impl One for gemm::c32 {
        fn one() -> gemm::c32 {
            gemm::c32::new(1.0, 0.0)
        }
    }
    impl One for gemm::c64 {
        fn one() -> gemm::c64 {
            gemm::c64::new(1.0, 0.0)
        }
    }
}

trait Wrapping: Copy + Default {
    fn wmul(self, o: Self) -> Self;
    fn wadd(self, o: Self) -> Self;
}
macro_rules! wrapping {
    ($($t:ty),*) => {$(impl Wrapping for $t {
        fn wmul(self, o: Self) -> Self { self.wrapping_mul(o) }
        fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
    })*};
}
wrapping!(u8, u16, u32, u64);

/// Two's complement wrapping makes signed and unsigned products the same
/// bits, so one unsigned loop serves both.
#[allow(clippy::too_many_arguments)]
unsafe fn int<T: Wrapping>(a: &Buffer, c: &Buffer, out: &Buffer, batch: usize, n: usize, k: usize, m: usize) {
    let a = std::slice::from_raw_parts(a.as_ptr() as *const T, batch * n * k);
    let c = std::slice::from_raw_parts(c.as_ptr() as *const T, batch * k * m);
    let o = std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut T, batch * n * m);
    o.fill(T::default());
    for b in 0..batch {
        for i in 0..n {
            let row = &mut o[(b * n + i) * m..(b * n + i + 1) * m];
            for p in 0..k {
                let x = a[(b * n + i) * k + p];
                let crow = &c[(b * k + p) * m..(b * k + p + 1) * m];
                for (dst, &y) in row.iter_mut().zip(crow) {
                    *dst = dst.wadd(x.wmul(y));
                }
            }
        }
    }
}

/// Bool matmul is "any (a and c)" (NumPy).
#[allow(clippy::too_many_arguments)]
unsafe fn boolean(a: &Buffer, c: &Buffer, out: &Buffer, batch: usize, n: usize, k: usize, m: usize) {
    let a = std::slice::from_raw_parts(a.as_ptr(), batch * n * k);
    let c = std::slice::from_raw_parts(c.as_ptr(), batch * k * m);
    let o = std::slice::from_raw_parts_mut(out.as_mut_ptr(), batch * n * m);
    o.fill(0);
    for b in 0..batch {
        for i in 0..n {
            for p in 0..k {
                if a[(b * n + i) * k + p] != 0 {
                    for j in 0..m {
                        o[(b * n + i) * m + j] |= c[(b * k + p) * m + j];
                    }
                }
            }
        }
    }
}
