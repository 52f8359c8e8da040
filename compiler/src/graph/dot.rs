//! Graphviz DOT of a graph, for `dot -Tsvg`.

use super::node::NodeRef;
use super::walk::topo_order;

/// The pending graph under `roots` (realized nodes appear as boxes).
pub fn to_dot(roots: &[NodeRef]) -> String {
    let mut out = String::from("digraph lazyxp {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n");
    for (node, inputs) in topo_order(roots) {
        let shape = if inputs.is_empty() { "box" } else { "ellipse" };
        out.push_str(&format!(
            "  n{} [label=\"n{}: {}\\n{}{:?}\", shape={shape}];\n",
            node.id,
            node.id,
            node.op.name().replace('"', "'"),
            node.dtype.short_name(),
            node.shape.as_slice()
        ));
        for i in &inputs {
            out.push_str(&format!("  n{} -> n{};\n", i.id, node.id));
        }
    }
    out.push_str("}\n");
    out
}
