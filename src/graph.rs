//! Graph algorithms on named vertices: cycles and topological order, for
//! the node graphs of jobs and the dependency graph between jobs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Cycles in a directed graph, each reported once, starting at its smallest name.
pub(crate) fn find_cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    let mut cycles = BTreeSet::new();
    for start in edges.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // Iterative depth-first search: the path and, per level, the remaining successors.
        let mut path: Vec<&str> = vec![start];
        let mut pending: Vec<Vec<&str>> = vec![successors(edges, start)];
        marks.insert(start, Mark::Visiting);
        while let Some(next) = pending.last_mut() {
            let Some(node) = next.pop() else {
                pending.pop();
                if let Some(done) = path.pop() {
                    marks.insert(done, Mark::Done);
                }
                continue;
            };
            match marks.get(node) {
                Some(Mark::Visiting) => {
                    if let Some((_, cycle)) =
                        path.iter().position(|n| *n == node).and_then(|at| path.split_at_checked(at))
                    {
                        cycles.insert(canonical_cycle(cycle));
                    }
                }
                Some(Mark::Done) => {}
                None => {
                    marks.insert(node, Mark::Visiting);
                    path.push(node);
                    pending.push(successors(edges, node));
                }
            }
        }
    }
    cycles.into_iter().collect()
}

fn successors<'a>(edges: &'a BTreeMap<String, BTreeSet<String>>, node: &str) -> Vec<&'a str> {
    edges.get(node).map(|targets| targets.iter().rev().map(String::as_str).collect()).unwrap_or_default()
}

/// Rotates a cycle to start at its smallest member and closes it.
fn canonical_cycle(members: &[&str]) -> Vec<String> {
    let start = members.iter().enumerate().min_by_key(|(_, name)| **name).map_or(0, |(i, _)| i);
    let mut cycle: Vec<String> =
        members.iter().cycle().skip(start).take(members.len()).map(|name| (*name).to_owned()).collect();
    if let Some(first) = cycle.first().cloned() {
        cycle.push(first);
    }
    cycle
}

/// The strongly connected components of a directed graph (Tarjan's
/// algorithm, iterative), each sorted, in an order where every component
/// comes after the components its edges lead to: with edges from a job to
/// the jobs it depends on, upstream first. Vertices are the keys of `edges`;
/// edges to other names are ignored.
pub(crate) fn components_upstream_first(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State {
        index: usize,
        low: usize,
        on_stack: bool,
    }
    /// Numbers a vertex, puts it on the stack and returns its frame: the
    /// vertex and the successors still to visit.
    fn open<'e>(
        vertex: &'e str,
        edges: &'e BTreeMap<String, BTreeSet<String>>,
        states: &mut BTreeMap<&'e str, State>,
        stack: &mut Vec<&'e str>,
    ) -> (&'e str, Vec<&'e str>) {
        let index = states.len();
        states.insert(vertex, State { index, low: index, on_stack: true });
        stack.push(vertex);
        (vertex, successors(edges, vertex).into_iter().filter(|next| edges.contains_key(*next)).collect())
    }
    let mut states: BTreeMap<&str, State> = BTreeMap::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut components = Vec::new();
    for root in edges.keys() {
        if states.contains_key(root.as_str()) {
            continue;
        }
        let mut frames = vec![open(root, edges, &mut states, &mut stack)];
        while let Some((vertex, pending)) = frames.last_mut() {
            let vertex = *vertex;
            if let Some(next) = pending.pop() {
                match states.get(next) {
                    None => frames.push(open(next, edges, &mut states, &mut stack)),
                    Some(state) if state.on_stack => {
                        let index = state.index;
                        if let Some(current) = states.get_mut(vertex) {
                            current.low = current.low.min(index);
                        }
                    }
                    Some(_) => {}
                }
                continue;
            }
            frames.pop();
            let (index, low) = states.get(vertex).map_or((0, 0), |state| (state.index, state.low));
            if let Some((parent, _)) = frames.last()
                && let Some(parent) = states.get_mut(parent)
            {
                parent.low = parent.low.min(low);
            }
            if low == index {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    if let Some(state) = states.get_mut(member) {
                        state.on_stack = false;
                    }
                    component.push(member.to_owned());
                    if member == vertex {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}

/// Whether the edges leave the vertices acyclic (Kahn's algorithm).
/// `edges` are `(upstream, downstream)` vertex indices below `count`.
pub(crate) fn is_acyclic(count: usize, mut edges: Vec<(usize, usize)>) -> bool {
    // Sorted so each vertex's edges are a run.
    edges.sort_unstable();
    let mut waiting = vec![0_usize; count];
    for &(_, downstream) in &edges {
        if let Some(count) = waiting.get_mut(downstream) {
            *count += 1;
        }
    }
    let mut ready: Vec<usize> = (0..count).filter(|&v| waiting.get(v) == Some(&0)).collect();
    let mut sorted = 0;
    while let Some(vertex) = ready.pop() {
        sorted += 1;
        let from = edges.partition_point(|&(upstream, _)| upstream < vertex);
        for &(_, downstream) in edges.iter().skip(from).take_while(|(u, _)| *u == vertex) {
            if let Some(count) = waiting.get_mut(downstream) {
                *count -= 1;
                if *count == 0 {
                    ready.push(downstream);
                }
            }
        }
    }
    sorted == count
}

/// Interns borrowed names as vertex indices, in order of first sight.
#[derive(Default)]
pub(crate) struct Vertices<'a>(HashMap<&'a str, usize>);

impl<'a> Vertices<'a> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(HashMap::with_capacity(capacity))
    }

    /// The index of `name`, added when new.
    pub(crate) fn intern(&mut self, name: &'a str) -> usize {
        let next = self.0.len();
        *self.0.entry(name).or_insert(next)
    }

    /// The index of `name`, when it is a vertex.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}
