//! Random chains of views (permute, flip, slices with steps, new axes,
//! squeezes, broadcasts, reshapes), interleaved with arithmetic, against an
//! eager host reference that copies at every step.

use lazyxp as xp;
use proptest::prelude::*;

/// A row-major host array: the reference.
#[derive(Clone, Debug)]
struct Host {
    data: Vec<f64>,
    shape: Vec<usize>,
}

impl Host {
    fn strides(&self) -> Vec<usize> {
        let mut s = vec![1; self.shape.len()];
        for d in (0..self.shape.len().saturating_sub(1)).rev() {
            s[d] = s[d + 1] * self.shape[d + 1];
        }
        s
    }
    /// Builds a new array of `shape` whose element at `idx` is `f(idx)`.
    fn from_fn(shape: Vec<usize>, f: impl Fn(&[usize]) -> f64) -> Host {
        let n: usize = shape.iter().product();
        let mut idx = vec![0; shape.len()];
        let mut data = Vec::with_capacity(n);
        for _ in 0..n {
            data.push(f(&idx));
            for d in (0..shape.len()).rev() {
                idx[d] += 1;
                if idx[d] < shape[d] {
                    break;
                }
                idx[d] = 0;
            }
        }
        Host { data, shape }
    }
    fn at(&self, idx: &[usize]) -> f64 {
        self.data[idx.iter().zip(self.strides()).map(|(i, s)| i * s).sum::<usize>()]
    }
}

#[derive(Clone, Debug)]
enum Op {
    Permute(u64),
    Flip(usize),
    Slice(usize, isize, usize),
    NewAxis(usize),
    SqueezeOnes,
    Broadcast(usize),
    Reshape(bool),
    Scale,
}

fn apply(h: &Host, x: &xp::Array, op: &Op) -> Option<(Host, xp::Array)> {
    let n = h.shape.len();
    match *op {
        Op::Permute(seed) => {
            let mut axes: Vec<usize> = (0..n).collect();
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
                axes.swap(i, (s >> 33) as usize % (i + 1));
            }
            let shape = axes.iter().map(|&a| h.shape[a]).collect();
            let r = Host::from_fn(shape, |idx| {
                let mut src = vec![0; n];
                for (d, &a) in axes.iter().enumerate() {
                    src[a] = idx[d];
                }
                h.at(&src)
            });
            let ia: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
            Some((r, xp::permute_dims(x, &ia).unwrap()))
        }
        Op::Flip(a) if n > 0 => {
            let a = a % n;
            let r = Host::from_fn(h.shape.clone(), |idx| {
                let mut src = idx.to_vec();
                src[a] = h.shape[a] - 1 - idx[a];
                h.at(&src)
            });
            Some((r, xp::flip(x, Some(&[a as isize])).unwrap()))
        }
        Op::Slice(a, step, start) if n > 0 => {
            let a = a % n;
            let len = h.shape[a];
            if len == 0 {
                return None;
            }
            let start = start % len;
            let count = if step > 0 { (len - start).div_ceil(step as usize) } else { (start + 1).div_ceil((-step) as usize) };
            let mut shape = h.shape.clone();
            shape[a] = count;
            let r = Host::from_fn(shape, |idx| {
                let mut src = idx.to_vec();
                src[a] = (start as isize + idx[a] as isize * step) as usize;
                h.at(&src)
            });
            let mut index = vec![xp::Index::Slice { start: None, stop: None, step: None }; n];
            index[a] = xp::Index::Slice { start: Some(start as isize), stop: None, step: Some(step) };
            Some((r, xp::index(x, &index).unwrap()))
        }
        Op::NewAxis(a) if n < 4 => {
            let a = a % (n + 1);
            let mut shape = h.shape.clone();
            shape.insert(a, 1);
            Some((Host { data: h.data.clone(), shape }, xp::expand_dims(x, a as isize).unwrap()))
        }
        Op::SqueezeOnes => {
            let ones: Vec<isize> = (0..n).filter(|&d| h.shape[d] == 1).map(|d| d as isize).collect();
            let shape = h.shape.iter().copied().filter(|&d| d != 1).collect();
            Some((Host { data: h.data.clone(), shape }, xp::squeeze(x, &ones).unwrap()))
        }
        Op::Broadcast(k) if n < 4 && h.data.len() < 200 => {
            let k = 2 + k % 3;
            let mut shape = vec![k];
            shape.extend(h.shape.iter().map(|&d| if d == 1 { k } else { d }));
            let r = Host::from_fn(shape.clone(), |idx| {
                let src: Vec<usize> = idx[1..].iter().zip(&h.shape).map(|(&i, &d)| if d == 1 { 0 } else { i }).collect();
                h.at(&src)
            });
            Some((r, xp::broadcast_to(x, &shape).unwrap()))
        }
        Op::Reshape(flat) => {
            let total = h.data.len() as isize;
            let shape: Vec<isize> = if flat || total < 2 { vec![-1] } else if total % 2 == 0 { vec![2, -1] } else { vec![-1, 1] };
            let r = xp::reshape(x, &shape).unwrap();
            Some((Host { data: h.data.clone(), shape: r.shape().to_vec() }, r))
        }
        Op::Scale => Some((Host { data: h.data.iter().map(|v| v * 3.0 - 1.0).collect(), shape: h.shape.clone() }, ((x * 3.0).unwrap() - 1.0).unwrap())),
        _ => None,
    }
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u64>().prop_map(Op::Permute),
        (0usize..4).prop_map(Op::Flip),
        (0usize..4, prop_oneof![Just(1isize), Just(2), Just(-1), Just(-2), Just(3)], 0usize..5).prop_map(|(a, s, st)| Op::Slice(a, s, st)),
        (0usize..4).prop_map(Op::NewAxis),
        Just(Op::SqueezeOnes),
        (0usize..3).prop_map(Op::Broadcast),
        any::<bool>().prop_map(Op::Reshape),
        Just(Op::Scale),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn view_chains_match_an_eager_reference(
        shape in prop::collection::vec(1usize..5, 1..4),
        ops in prop::collection::vec(op_strategy(), 1..8),
        eval_midway in any::<bool>(),
    ) {
        let n: usize = shape.iter().product();
        let mut h = Host { data: (0..n).map(|i| i as f64 * 0.5 - 3.0).collect(), shape: shape.clone() };
        let mut x = xp::asarray(&h.data, &shape).unwrap();
        for (k, op) in ops.iter().enumerate() {
            if let Some((nh, nx)) = apply(&h, &x, op) {
                h = nh;
                x = nx;
                prop_assert_eq!(x.shape(), h.shape.as_slice());
            }
            if eval_midway && k == ops.len() / 2 {
                x.eval().unwrap();
            }
        }
        prop_assert_eq!(x.to_vec::<f64>().unwrap(), h.data.clone());
        // Reduced along the last axis, the same view chain feeds a reduction.
        if !h.shape.is_empty() {
            let s = xp::sum(&x, Some(&[-1]), false).unwrap().to_vec::<f64>().unwrap();
            let last = *h.shape.last().unwrap();
            let want: Vec<f64> = h.data.chunks(last.max(1)).map(|c| c.iter().sum()).collect();
            if last > 0 {
                for (a, b) in s.iter().zip(&want) { prop_assert!((a - b).abs() < 1e-9); }
            }
        }
    }
}
