"""Compares result files (the same number of u64 words per case) case by case against a reference.

usage: compare.py CASES.tsv REF_NAME=REF.bin NAME=FILE.bin [NAME=FILE.bin ...]
Exit status 0 if every file equals the reference bit for bit, 1 otherwise.
"""

from __future__ import annotations

import struct
import sys
from collections import defaultdict


def shown(bits: int, elem: str) -> str:
    if elem == "f32":
        v = struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]
        return f"{v!r} ({bits:#010x})"
    return f"{struct.unpack('<d', struct.pack('<Q', bits))[0]!r} ({bits:#018x})"


def main() -> int:
    cases_path, *named = sys.argv[1:]
    rows = [line.rstrip("\n").split("\t") for line in open(cases_path)][1:]
    slots = 0
    files = []
    for spec in named:
        name, path = spec.split("=", 1)
        words = [w for (w,) in struct.iter_unpack("<Q", open(path, "rb").read())]
        slots = slots or len(words) // max(len(rows), 1)
        if len(words) != slots * len(rows):
            print(f"{name}: {len(words)} words for {len(rows)} cases of {slots}")
            return 1
        files.append((name, words))
    (ref_name, ref), others = files[0], files[1:]
    ok = True
    for name, got in others:
        diff = [i for i in range(len(rows))
                if ref[i * slots:(i + 1) * slots] != got[i * slots:(i + 1) * slots]]
        if not diff:
            print(f"{name} == {ref_name}: all {len(rows)} cases bit-identical")
            continue
        ok = False
        print(f"{name} != {ref_name}: {len(diff)} of {len(rows)} cases differ")
        groups = defaultdict(list)
        for i in diff:
            _, data, op, elem, acc, layout, n = rows[i]
            groups[(data, op, elem, acc, layout)].append(n)
        for key, ns in sorted(groups.items()):
            more = " ..." if len(ns) > 12 else ""
            print(f"  {' '.join(f'{k:9}' for k in key)}: {len(ns)} lengths: n = "
                  f"{', '.join(ns[:12])}{more}")
        for i in diff[:8]:
            _, data, op, elem, acc, layout, n = rows[i]
            for s in range(slots):
                a, b = ref[i * slots + s], got[i * slots + s]
                if a != b:
                    print(f"    case {i} ({data}, {op}, {elem}, {acc}, {layout}, n={n}) result "
                          f"{s}: {ref_name} {shown(a, elem)} vs {name} {shown(b, elem)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
