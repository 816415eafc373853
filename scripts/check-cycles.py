#!/usr/bin/env python3
"""Finds import circles between the source files of each crate of the workspace.

    scripts/check-cycles.py [CRATE_SRC_DIR ...]    (default: every */src of the workspace)

A file depends on another when it names an item of the other's module: `use crate::a::b`,
`crate::a::b::f()`, `super::x`, `self::x` (resolved to the deepest module that is a file).
Edges from a module file to its own submodules (the `mod x;` declarations and `pub use
x::Item` re-exports of a facade) do not count: a parent that declares and re-exports its
children is their table of contents, not a user. Every other edge counts, so two sibling
modules that use each other, or a child and a parent whose own items the child's items use
while the parent's items use the child's, form a circle.

Prints each circle (a strongly connected set of files) and exits 1 if there is any.
"""

import os
import re
import sys
from pathlib import Path

PATH_RE = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP_RE = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{", re.S)


def module_of(src: Path, file: Path) -> tuple:
    rel = file.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts in (["lib"], ["main"]):
        return ()
    if parts[-1] == "mod" or (parts[0] == "bin" and parts[-1] == "main"):
        parts = parts[:-1]
    return tuple(parts)


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def strip_tests(text: str) -> str:
    """Drops `#[cfg(test)] mod tests { ... }` blocks (tests may use anything)."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def references(text: str, here: tuple):
    """Absolute module paths (tuples) named by `text`, written in module `here`."""
    def resolve(root, rest):
        segs = [s for s in rest.split("::") if s]
        if root == "crate":
            base = []
        elif root == "self":
            base = list(here)
        else:
            base = list(here[:-1]) if here else []
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
        return tuple(base + segs)

    for m in PATH_RE.finditer(text):
        yield resolve(m.group(1), m.group(2))
    for m in USE_GROUP_RE.finditer(text):
        start = m.end()
        depth, j = 1, start
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        prefix = resolve(m.group(1), m.group(2))
        for item in re.split(r"[,{}\s]+", text[start:j - 1]):
            name = item.split("::")[0]
            if name and name not in ("self", "*") and re.match(r"[A-Za-z_]", name):
                yield prefix + tuple(item.split("::"))


def crate_graph(src: Path):
    files = {module_of(src, f): f for f in src.rglob("*.rs")}
    # Binaries under src/bin/NAME/ are separate crates rooted at src/bin/NAME/main.rs.
    edges = {m: set() for m in files}
    for mod, f in files.items():
        text = strip_tests(strip_comments(f.read_text()))
        is_bin = len(mod) >= 2 and mod[0] == "bin"
        for path in references(text, mod if not is_bin else mod[2:]):
            if is_bin:
                path = mod[:2] + path if path else mod[:2]
            # The deepest prefix of `path` that is a file.
            target = None
            for k in range(len(path), -1, -1):
                if path[:k] in files:
                    target = path[:k]
                    break
            if target is None or target == mod:
                continue
            # A parent declaring or re-exporting its children is not a dependency.
            if target[: len(mod)] == mod:
                continue
            edges[mod].add(target)
    return files, edges


def cycles(edges):
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            visit(v)
    return out


def main():
    root = Path(__file__).resolve().parent.parent
    dirs = [Path(d) for d in sys.argv[1:]] or sorted(
        p for p in root.glob("*/src") if (p.parent / "Cargo.toml").exists()
    )
    bad = 0
    for src in dirs:
        files, edges = crate_graph(src)
        found = cycles(edges)
        name = os.path.relpath(src, root)
        if not found:
            print(f"check-cycles: {name}: {len(files)} files, no import circle")
        for comp in found:
            bad += 1
            names = sorted(os.path.relpath(files[m], root) for m in comp)
            print(f"check-cycles: {name}: circle between {', '.join(names)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
