//! `LAZYXP_DUMP=<dir>` writes every stage of every compiled kernel. Its
//! own test binary with a single test, because the variable is read once
//! per process, at the first kernel compiled.

use lazyxp as xp;

#[test]
fn lazyxp_dump_writes_every_stage() {
    let dir = std::env::temp_dir().join(format!("lazyxp-dump-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // Before any lazyxp call in this process (edition 2021: safe to call;
    // this binary has no other threads yet).
    std::env::set_var("LAZYXP_DUMP", &dir);

    let x = xp::linspace(0.0, 1.0, 100, xp::DType::Float32).unwrap();
    let y = xp::log(&(xp::sin(&x).unwrap() + 5.0).unwrap()).unwrap();
    let z = (xp::astype(&x, xp::DType::Int32).unwrap() * 3).unwrap();
    xp::eval(&[&y]).unwrap();
    z.eval().unwrap();

    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} was not created: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let with = |suffix: &str| names.iter().filter(|n| n.ends_with(suffix)).cloned().collect::<Vec<_>>();
    for ext in [".kir", ".expanded.kir", ".clif", ".asm", ".txt"] {
        assert!(!with(ext).is_empty(), "no {ext} file among {names:?}");
    }
    let kernel_stem = |n: &str| n.starts_with("fused_sin_add_log_f32-");
    assert!(names.iter().any(|n| kernel_stem(n) && n.ends_with(".kir")), "{names:?}");
    let evals: Vec<String> = names.iter().filter(|n| n.starts_with("eval-") && n.ends_with(".txt")).cloned().collect();
    assert_eq!(evals.len(), 2, "one eval-*.txt per eval: {names:?}");

    // The files hold what their names say.
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    let kir = names.iter().find(|n| kernel_stem(n) && n.ends_with(".kir") && !n.ends_with(".expanded.kir")).unwrap();
    let kir_text = read(kir);
    assert!(kir_text.starts_with("kernel fused_sin_add_log_f32(rank 1) {"), "{kir_text}");
    // A dumped kernel parses back to itself.
    let parsed = lazyxp_compiler::kernel_ir::parse_kernel(&kir_text).unwrap();
    assert_eq!(parsed.to_string(), kir_text.trim_end());
    let stem = kir.trim_end_matches(".kir");
    assert!(read(&format!("{stem}.clif")).contains("function"));
    assert!(read(&format!("{stem}.asm")).lines().count() > 10, "disassembly is written when dumping");
    assert!(read(&format!("{stem}.txt")).contains("cache key"));
    let mut eval_texts: Vec<String> = evals.iter().map(|n| read(n)).collect();
    eval_texts.sort();
    assert!(eval_texts.iter().any(|t| t.contains("fused_sin_add_log_f32") && t.contains("== fusion plan")), "{eval_texts:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
