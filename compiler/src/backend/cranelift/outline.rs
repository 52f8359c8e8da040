//! Cold regions compiled out of line, once per process.
//!
//! A cold region (`kernel_ir/cold.rs`), such as the exact huge-argument
//! reduction of sin/cos/tan, is a few hundred instructions that almost
//! never run. Emitted inline, it tripled the time to compile every kernel
//! that uses sin and left the hot loop with a large cold block around it.
//! Instead each region becomes its own function, keyed by its IR text (with
//! its inputs renumbered) and lane count, compiled the first time any kernel
//! needs it and called from the kernel's cold block. The callee is emitted
//! by the same `Emitter` from the same kernel IR, so the bits are those of
//! the inline code and of the interpreter.

use super::emit::Emitter;
use super::Jit;
use crate::kernel_ir::{cold_regions, Access, Input, Inst, Kernel, Op, Space, Value, SMALL_REGION};
use cranelift_codegen::ir::{AbiParam, FuncRef, Function, InstBuilder, Type, Value as CValue};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{FuncId, Linkage, Module};
use hashbrown::HashMap;
use lazyxp_runtime::{Error, Result};

/// One cold region of a kernel and the function that computes it.
pub(super) struct Outlined {
    /// The region's `cold_begin` and `cold_end` instructions.
    pub begin: usize,
    pub end: usize,
    pub func: FuncRef,
    /// Kernel values passed to the callee, in parameter order.
    pub live_ins: Vec<Value>,
    pub params: Vec<Type>,
}

/// Callees compiled so far, by region text, lanes and lane width.
pub(super) type Callees = HashMap<(String, u32, u32), FuncId>;

/// The callee of every cold region of `k` for `lanes`, compiled now unless
/// an earlier kernel needed the same region, and declared in `func`.
pub(super) fn outline_regions(jit: &mut Jit, k: &Kernel, lanes: u32, lane_bytes: u32, func: &mut Function) -> Result<Vec<Outlined>> {
    let regions = cold_regions(k).map_err(|message| Error::Compile { kernel: k.name.clone(), message })?;
    let mut out = Vec::with_capacity(regions.len());
    // A region with values of another element size than a vector path's
    // lanes (complex64 `tanh` works in f64) only ever runs one element at a
    // time, per row of a reduction kernel (`lanes::vector_part`): its
    // vector callee would not even compile (an f64x4).
    let fits = |b: usize, e: usize| lanes == 1 || k.insts[b..=e].iter().all(|i| i.ty.is_bool() || i.ty.size() * lanes as usize == 16);
    for (begin, end) in regions.into_iter().filter(|&(b, e)| e - b > SMALL_REGION && fits(b, e)) {
        let (sub, live_ins) = region_kernel(k, begin, end);
        let key = (sub.to_string(), lanes, lane_bytes);
        let em = Emitter::new(&sub, lanes, lane_bytes, Vec::new());
        let params: Vec<Type> = sub.inputs.iter().map(|i| em.vty(i.dtype)).collect();
        let id = match jit.callees.get(&key) {
            Some(&id) => id,
            None => {
                let id = compile_callee(jit, &em, &params)?;
                jit.callees.insert(key, id);
                id
            }
        };
        let func_ref = jit.module.declare_func_in_func(id, func);
        out.push(Outlined { begin, end, func: func_ref, live_ins, params });
    }
    Ok(out)
}

/// The region `begin..end` of `k` as a kernel of its own: values from
/// outside become inputs (constants are re-created inside), the region's
/// result its one output.
fn region_kernel(k: &Kernel, begin: usize, end: usize) -> (Kernel, Vec<Value>) {
    let mut sub = Kernel { name: "cold_region".into(), rank: 1, reduce_rank: 0, row_outputs: false, inputs: Vec::new(), insts: Vec::new(), outputs: Vec::new(), output_steps: Vec::new() };
    let mut live_ins = Vec::new();
    let mut map: HashMap<u32, Value> = HashMap::new();
    let mut import = |sub: &mut Kernel, map: &mut HashMap<u32, Value>, v: Value| {
        if map.contains_key(&v.0) {
            return;
        }
        let inst = &k.insts[v.0 as usize];
        let op = match inst.op {
            Op::Const(c) => Op::Const(c),
            _ => {
                sub.inputs.push(Input { dtype: inst.ty, access: Access::Contiguous, space: Space::Outer });
                live_ins.push(v);
                Op::Load(sub.inputs.len() as u32 - 1)
            }
        };
        sub.insts.push(Inst { op, ty: inst.ty });
        map.insert(v.0, Value(sub.insts.len() as u32 - 1));
    };
    for i in begin + 1..end {
        let inst = &k.insts[i];
        // Loads are the loop's business: a load inside the region is a
        // value the kernel passes in.
        if matches!(inst.op, Op::Load(_)) {
            import(&mut sub, &mut map, Value(i as u32));
            continue;
        }
        inst.op.for_each_operand(|v| import(&mut sub, &mut map, v));
        let op = inst.op.map_operands(|v| map[&v.0]);
        sub.insts.push(Inst { op, ty: inst.ty });
        map.insert(i as u32, Value(sub.insts.len() as u32 - 1));
    }
    let Op::ColdEnd(_, result) = k.insts[end].op else { unreachable!("a region ends with cold_end") };
    import(&mut sub, &mut map, result);
    sub.outputs.push(map[&result.0]);
    sub.output_steps.push(1);
    (sub, live_ins)
}

fn compile_callee(jit: &mut Jit, em: &Emitter, params: &[Type]) -> Result<FuncId> {
    let sub = em.kernel;
    let fail = |message: String| Error::Compile { kernel: "cold_region".into(), message };
    let mut sig = jit.module.make_signature();
    sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
    let result = sub.outputs[0];
    sig.returns.push(AbiParam::new(em.vty(sub.ty(result))));
    jit.counter += 1;
    let name = format!("cold_region_{}", jit.counter);
    let id = jit.module.declare_function(&name, Linkage::Local, &sig).map_err(|e| fail(e.to_string()))?;
    let mut ctx = Context::new();
    ctx.func.signature = sig;
    let mut fctx = FunctionBuilderContext::new();
    let mut fb = FunctionBuilder::new(&mut ctx.func, &mut fctx);
    let entry = fb.create_block();
    fb.append_block_params_for_function_params(entry);
    fb.switch_to_block(entry);
    let args: Vec<CValue> = fb.block_params(entry).to_vec();
    let mut vals: Vec<CValue> = Vec::with_capacity(sub.insts.len());
    for (i, inst) in sub.insts.iter().enumerate() {
        let v = match inst.op {
            Op::Load(n) => args[n as usize],
            _ => em.emit(&mut fb, i, &|v: Value| vals[v.0 as usize]),
        };
        vals.push(v);
    }
    let r = em.as_type(&mut fb, vals[result.0 as usize], em.vty(sub.ty(result)));
    fb.ins().return_(&[r]);
    fb.seal_all_blocks();
    fb.finalize(jit.module.target_config());
    jit.module.define_function(id, &mut ctx).map_err(|e| fail(format!("{e:?}")))?;
    Ok(id)
}
