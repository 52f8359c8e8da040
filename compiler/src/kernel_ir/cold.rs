//! Cold regions: instructions a backend may skip for a whole vector of
//! lanes, such as the huge-argument reduction of sin and cos.
//!
//! `vb = cold_begin cond, fast` opens the region and `cold_end vb, v`
//! closes it; their values are `fast` and `v`. The producer guarantees
//! that `v` equals `fast` in every lane where `cond` is false, so a
//! backend may branch around the region when no lane needs it and take
//! `fast`, while the interpreter simply computes everything: both give the
//! same bits. For the branch to be valid SSA the region must be closed:
//! nothing after `cold_end` (nor the outputs) uses a value defined inside
//! it, and `cold_begin`'s value is used by its `cold_end` only, which is
//! where a backend keeps its join point. Regions do not nest.

use super::{Kernel, Op};

/// Regions of at most this many instructions (exp's general scaling, not
/// sin's exact reduction) are small enough for a backend to copy freely:
/// inline in every vector step on the CPU (a call would clobber every
/// vector register), into each of the 16 elements of a run of a GPU
/// reduction's lanes (a GPU elementwise kernel copies any region into its
/// four).
pub const SMALL_REGION: usize = 48;

/// Whether every cold region of `k` is small (`SMALL_REGION`).
pub fn cold_regions_small(k: &Kernel) -> bool {
    cold_regions(k).is_ok_and(|r| r.iter().all(|&(b, e)| e - b <= SMALL_REGION))
}

/// The `(begin, end)` instruction indices of every cold region, or why
/// the kernel's regions are malformed.
pub fn cold_regions(k: &Kernel) -> Result<Vec<(usize, usize)>, String> {
    let mut regions = Vec::new();
    let mut open: Option<usize> = None;
    for (i, inst) in k.insts.iter().enumerate() {
        match inst.op {
            Op::ColdBegin(..) if open.is_some() => return Err(format!("v{i}: cold regions do not nest")),
            Op::ColdBegin(..) => open = Some(i),
            Op::ColdEnd(b, _) if open == Some(b.0 as usize) => {
                regions.push((b.0 as usize, i));
                open = None;
            }
            Op::ColdEnd(..) => return Err(format!("v{i}: cold_end does not close the open region")),
            _ => {}
        }
    }
    if let Some(b) = open {
        return Err(format!("v{b}: cold region without cold_end"));
    }
    for &(b, e) in &regions {
        let escapes = |v: usize| v >= b && v < e;
        for (i, inst) in k.insts.iter().enumerate() {
            let mut bad = None;
            inst.op.for_each_operand(|v| {
                let v = v.0 as usize;
                let inside_use = i > b && i < e;
                if (escapes(v) && !inside_use && i != e) || (v == b && i != e) || (v == b && inside_use) {
                    bad = Some(v);
                }
            });
            if let Some(v) = bad {
                return Err(format!("v{i} uses v{v} of the cold region v{b}..v{e} from outside it"));
            }
        }
        if let Some(v) = k.outputs.iter().find(|v| escapes(v.0 as usize)) {
            return Err(format!("an output stores v{}, inside the cold region v{b}..v{e}", v.0));
        }
    }
    Ok(regions)
}
