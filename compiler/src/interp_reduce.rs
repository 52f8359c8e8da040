//! The reference interpreter for reduction kernels: the accumulation order
//! of `kernel_ir::reduce` spelled out one element at a time.

use crate::interp::{binary, eval_inst, unravel};
use crate::kernel_ir::{Access, Kernel, Op, ReduceOp, Space, Value, REDUCE_BLOCK, REDUCE_LANES};
use lazyxp_runtime::{DType, Scalar};

/// One reduction's state for one output element.
struct Acc {
    op: ReduceOp,
    ty: DType,
    lanes: [Scalar; REDUCE_LANES],
    /// Running total: f64 when the op widens, else the value type.
    total: Scalar,
    /// Neumaier compensation (f64 sums only).
    comp: f64,
}

impl Acc {
    fn new(op: ReduceOp, ty: DType) -> Acc {
        let id = op.identity(ty);
        let total = if op.widens(ty) { Scalar::F64(if op == ReduceOp::Add { -0.0 } else { 1.0 }) } else { id };
        Acc { op, ty, lanes: [id; REDUCE_LANES], total, comp: 0.0 }
    }

    fn push(&mut self, r: usize, v: Scalar) {
        let j = r % REDUCE_LANES;
        self.lanes[j] = binary(self.op.binary(), self.lanes[j], v);
    }

    /// Folds the eight lanes pairwise into the running total, then resets them.
    fn end_block(&mut self) {
        let f = |a, b| binary(self.op.binary(), a, b);
        let l = self.lanes;
        let block = f(f(f(l[0], l[1]), f(l[2], l[3])), f(f(l[4], l[5]), f(l[6], l[7])));
        self.lanes = [self.op.identity(self.ty); REDUCE_LANES];
        self.total = match (self.op, self.ty, self.total) {
            (ReduceOp::Add, DType::Float64, Scalar::F64(total)) => {
                let b = block.as_f64();
                let t = total + b;
                let c = if total.abs() >= b.abs() { (total - t) + b } else { (b - t) + total };
                if t.is_finite() {
                    self.comp += c;
                }
                Scalar::F64(t)
            }
            (ReduceOp::Add, _, Scalar::F64(total)) => Scalar::F64(total + block.as_f64()),
            (ReduceOp::Mul, _, Scalar::F64(total)) if self.ty == DType::Float32 => Scalar::F64(total * block.as_f64()),
            (_, _, total) => f(total, block),
        };
    }

    fn finish(&self, empty: bool) -> Scalar {
        if empty && self.op == ReduceOp::Add {
            return Scalar::U8(0).cast(self.ty);
        }
        match (self.op, self.ty, self.total) {
            (ReduceOp::Add, DType::Float64, Scalar::F64(t)) => Scalar::F64(t + self.comp),
            (_, DType::Float32, Scalar::F64(t)) => Scalar::F32(t as f32),
            (_, _, total) => total,
        }
    }
}

/// Runs outer elements `[start, end)` of a reduction kernel with the
/// launch words of `lazyxp_runtime::launch` (dims: outer then inner; each
/// strided input has strides for the dims of its space).
///
/// Each row is walked once per level of reductions (`Kernel::levels`):
/// pass `p` folds the reductions of level `p + 1`, whose operands may use
/// the results of earlier passes; a row kernel then walks the row once more
/// to store its outputs.
///
/// # Safety
/// As `interp::run`: `args` must describe live, large-enough buffers.
pub unsafe fn run(k: &Kernel, args: *const u64, start: usize, end: usize) {
    let word = |i: usize| unsafe { *args.add(i) };
    let n_in = k.inputs.len();
    let n_bufs = n_in + k.outputs.len();
    let (rank, rrank) = (k.rank as usize, k.reduce_rank as usize);
    let dims: Vec<u64> = (0..rank + rrank).map(|d| word(n_bufs + d)).collect();
    let inner_len: usize = dims[rank..].iter().product::<u64>() as usize;
    let mut strides: Vec<Vec<i64>> = vec![Vec::new(); n_in];
    let mut next = n_bufs + rank + rrank;
    for i in k.strided_inputs() {
        let r = k.input_rank(i) as usize;
        strides[i] = (0..r).map(|d| word(next + d) as i64).collect();
        next += r;
    }
    let level = k.levels();
    let inner = k.inner_insts();
    let passes = k.reduction_passes();
    let mut idx = vec![0u64; rank + rrank];
    let mut vals: Vec<Option<Scalar>> = vec![None; k.insts.len()];
    let eval = |i: usize, vals: &[Option<Scalar>], flat: usize, idx: &[u64], o: usize| {
        let load = |n: u32| load(k, word, n as usize, &strides[n as usize], o, flat, idx);
        eval_inst(&k.insts[i], |x: Value| vals[x.0 as usize].expect("operand precedes use"), load)
    };
    for o in start..end {
        vals.iter_mut().for_each(|v| *v = None);
        for pass in 0..=passes {
            // Per-row values this pass makes available (the row's start
            // stands for the inner index of outer loads).
            idx.iter_mut().for_each(|i| *i = 0);
            unravel(o as u64, &dims[..rank], &mut idx[..rank]);
            for i in 0..k.insts.len() {
                if k.is_row_value(i, pass, &inner, &level) {
                    vals[i] = Some(eval(i, &vals, o * inner_len, &idx, o));
                }
            }
            if pass == passes {
                break;
            }
            let mut accs: Vec<Option<Acc>> = k
                .insts
                .iter()
                .zip(&level)
                .map(|(inst, &l)| match inst.op {
                    Op::Reduce(op, _) if l == pass + 1 => Some(Acc::new(op, inst.ty)),
                    _ => None,
                })
                .collect();
            for r in 0..inner_len {
                let flat = o * inner_len + r;
                unravel(flat as u64, &dims, &mut idx);
                for i in 0..k.insts.len() {
                    if inner[i] && level[i] <= pass {
                        vals[i] = Some(eval(i, &vals, flat, &idx, o));
                    }
                }
                for (i, inst) in k.insts.iter().enumerate() {
                    if let (Op::Reduce(_, a), Some(acc)) = (&inst.op, accs[i].as_mut()) {
                        acc.push(r, vals[a.0 as usize].unwrap());
                        if (r + 1) % REDUCE_BLOCK == 0 || r + 1 == inner_len {
                            acc.end_block();
                        }
                    }
                }
            }
            for (i, acc) in accs.iter().enumerate() {
                if let Some(acc) = acc {
                    vals[i] = Some(acc.finish(inner_len == 0));
                }
            }
        }
        if k.row_outputs {
            for r in 0..inner_len {
                let flat = o * inner_len + r;
                unravel(flat as u64, &dims, &mut idx);
                for i in 0..k.insts.len() {
                    if inner[i] {
                        vals[i] = Some(eval(i, &vals, flat, &idx, o));
                    }
                }
                store(k, word, n_in, flat, &vals);
            }
        } else {
            store(k, word, n_in, o, &vals);
        }
    }
}

/// Writes every output at element `at` of its buffer.
fn store(k: &Kernel, word: impl Fn(usize) -> u64, n_in: usize, at: usize, vals: &[Option<Scalar>]) {
    for (n, v) in k.outputs.iter().enumerate() {
        let s = vals[v.0 as usize].expect("outputs are computed");
        let size = s.dtype().size();
        let addr = word(n_in + n) as usize + at * k.output_step(n) * size;
        // SAFETY: outputs cover the kernel's output space at their step.
        s.write(unsafe { std::slice::from_raw_parts_mut(addr as *mut u8, size) });
    }
}

/// Reads input `n` at outer element `o` / full flat index `flat` (whose
/// multi-index over outer+inner dims is `idx`).
fn load(k: &Kernel, word: impl Fn(usize) -> u64, n: usize, strides: &[i64], o: usize, flat: usize, idx: &[u64]) -> Scalar {
    let inp = k.inputs[n];
    let size = inp.dtype.size() as i64;
    let elem: i64 = match (inp.access, inp.space) {
        (Access::Scalar, _) => 0,
        (Access::Contiguous, Space::Outer) => o as i64,
        (Access::Contiguous, Space::Inner) => flat as i64,
        (Access::Interleaved { part }, Space::Outer) => 2 * o as i64 + part as i64,
        (Access::Interleaved { part }, Space::Inner) => 2 * flat as i64 + part as i64,
        (Access::Strided, Space::Outer) => dot(&idx[..k.rank as usize], strides),
        (Access::Strided, Space::Inner) => dot(idx, strides),
    };
    let addr = (word(n) as i64).wrapping_add(elem.wrapping_mul(size));
    // SAFETY: the caller guarantees buffers cover every reachable element.
    Scalar::read(inp.dtype, unsafe { std::slice::from_raw_parts(addr as usize as *const u8, size as usize) })
}

fn dot(idx: &[u64], strides: &[i64]) -> i64 {
    idx.iter().zip(strides).map(|(&i, &s)| (i as i64).wrapping_mul(s)).fold(0, i64::wrapping_add)
}
