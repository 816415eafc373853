"""Just enough ELF64 reading to place a static, non-PIE x86-64 executable in guest memory:
its loadable segments, its symbols, and glibc's IRELATIVE relocations (IFUNCs)."""

from __future__ import annotations

import struct

PT_LOAD = 1
SHT_SYMTAB = 2
SHT_RELA = 4
R_X86_64_IRELATIVE = 37


class Elf:
    def __init__(self, path: str) -> None:
        self.data = d = open(path, "rb").read()
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            raise SystemExit(f"{path}: not a little-endian ELF64 file")
        (e_type, _, _, _, self.phoff, shoff, _, _, self.phentsize, self.phnum,
         shentsize, shnum, _) = struct.unpack_from("<HHIQQQIHHHHHH", d, 16)
        if e_type != 2:
            raise SystemExit(f"{path}: not ET_EXEC (build it with -C relocation-model=static)")
        self.sections = []
        for i in range(shnum):
            (_, typ, _, _, off, size, link, _, _, _) = struct.unpack_from(
                "<IIQQQQIIQQ", d, shoff + i * shentsize)
            self.sections.append((typ, off, size, link))

    def loads(self):
        """(file offset, address, bytes in the file, bytes in memory) of each PT_LOAD."""
        for i in range(self.phnum):
            typ, _, off, vaddr, _, filesz, memsz, _ = struct.unpack_from(
                "<IIQQQQQQ", self.data, self.phoff + i * self.phentsize)
            if typ == PT_LOAD:
                yield off, vaddr, filesz, memsz

    def symbols(self) -> dict[str, int]:
        out = {}
        for typ, off, size, link in self.sections:
            if typ != SHT_SYMTAB:
                continue
            strtab = self.sections[link][1]
            for at in range(off, off + size, 24):
                name, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", self.data, at)
                if name:
                    a = strtab + name
                    out[self.data[a:self.data.index(b"\0", a)].decode()] = value
        return out

    def irelative(self):
        """(slot, resolver) of every R_X86_64_IRELATIVE; any other relocation is refused."""
        for typ, off, size, _ in self.sections:
            if typ != SHT_RELA:
                continue
            for at in range(off, off + size, 24):
                r_offset, r_info, r_addend = struct.unpack_from("<QQq", self.data, at)
                kind = r_info & 0xFFFFFFFF
                if kind == R_X86_64_IRELATIVE:
                    yield r_offset, r_addend
                elif kind != 0:
                    raise SystemExit(f"unsupported relocation type {kind}")
