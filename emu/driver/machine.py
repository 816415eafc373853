"""An emulated x86-64 CPU with AVX-512 that can call a leaf function: bochscpu (Bochs's CPU
as a library, PyPI `bochscpu-python`), whose default model is an Intel Tiger Lake
(AVX-512F/CD/BW/DQ/VL).

The machine: 64-bit mode at CPL 3; the low 4 GiB identity-mapped with 2 MiB pages (guest
virtual address == guest physical address); physical pages allocated, zeroed, on first
touch; CR4.OSXSAVE set and XCR0 enabling x87, SSE, AVX and the three AVX-512 states, so
that CPUID/XGETBV-based detection (`is_x86_feature_detected!`) reports AVX-512F usable;
MXCSR as Linux sets it. There is no operating system: a system call, a fault, or a return
anywhere but to the sentinel stops the call with an EmuError.
"""

from __future__ import annotations

import ctypes
import os
import struct

# The wheel needs two glibc-2.38 symbols (see isoc23_shim.c); the script builds the shim
# into $AVX512EMU_WORK.
_SHIM = os.path.join(os.environ.get("AVX512EMU_WORK", "."), "libisoc23_shim.so")
if os.path.exists(_SHIM):
    ctypes.CDLL(_SHIM, mode=ctypes.RTLD_GLOBAL)

import bochscpu  # noqa: E402
import bochscpu.cpu  # noqa: E402
import bochscpu.memory  # noqa: E402

PAGE = 0x1000
PML4, PDPT, PD0 = 0x1000, 0x2000, 0x3000  # page tables: 0x1000..0x6fff (4 directories)
SENTINEL = 0x7000  # one `hlt`, the return address of every call (#GP at CPL 3)
STACK_TOP = 0xBFF0_0000  # grows down into demand-zero pages
FS_BASE = 0xBFF8_0000  # thread pointer: a zero page whose first word points at itself
XCR0 = 0xE7  # x87 | SSE | AVX | opmask | ZMM_Hi256 | Hi16_ZMM
EVEX = 0x62  # first byte of an EVEX-encoded (AVX-512) instruction in 64-bit mode
GP = 13


class EmuError(RuntimeError):
    pass


class Machine:
    def __init__(self) -> None:
        self.pages: dict[int, int] = {}
        self.session = bochscpu.Session()
        self.session.missing_page_handler = self._on_missing_page
        self._map_low_4gib()
        self.write(SENTINEL, b"\xf4")
        self.write(FS_BASE, struct.pack("<Q", FS_BASE))
        self.decoded = 0  # instructions decoded (once per decode-cache fill)
        self.decoded_evex = 0  # ... of which EVEX: the AVX-512 code really ran

    def _host_page(self, gpa: int) -> int:
        gpa &= ~(PAGE - 1)
        hva = self.pages.get(gpa)
        if hva is None:
            hva = bochscpu.memory.allocate_host_page()
            if not hva:
                raise EmuError("allocate_host_page failed")
            bochscpu.memory.page_insert(gpa, hva)
            self.pages[gpa] = hva
        return hva

    def _on_missing_page(self, gpa: int) -> None:
        if gpa >= 1 << 32:
            raise EmuError(f"access to physical address {gpa:#x}, beyond the mapped 4 GiB")
        self._host_page(gpa)

    def _pieces(self, addr: int, size: int):
        """(host address, offset, length) of the page pieces of [addr, addr + size)."""
        off = 0
        while off < size:
            a = addr + off
            n = min(size - off, PAGE - (a & (PAGE - 1)))
            yield self._host_page(a) + (a & (PAGE - 1)), off, n
            off += n

    def write(self, addr: int, data: bytes) -> None:
        for hva, off, n in self._pieces(addr, len(data)):
            ctypes.memmove(hva, bytes(data[off:off + n]), n)

    def read(self, addr: int, size: int) -> bytes:
        return b"".join(ctypes.string_at(hva, n) for hva, _, n in self._pieces(addr, size))

    def _map_low_4gib(self) -> None:
        # PML4[0] -> PDPT; PDPT[i] -> PD_i (i < 4); PD_i[j]: 2 MiB page (P|RW|US|PS).
        self.write(PML4, struct.pack("<Q", PDPT | 0x7).ljust(PAGE, b"\0"))
        pdpt = b"".join(struct.pack("<Q", (PD0 + i * PAGE) | 0x7) for i in range(4))
        self.write(PDPT, pdpt.ljust(PAGE, b"\0"))
        for i in range(4):
            self.write(PD0 + i * PAGE, b"".join(
                struct.pack("<Q", ((i * 512 + j) << 21) | 0x87) for j in range(512)))

    def _state(self, rip: int, rsp: int, args) -> "bochscpu.State":
        st = bochscpu.State()
        bochscpu.cpu.set_long_mode(st)
        cr0 = bochscpu.cpu.ControlRegister()
        cr0.PG = cr0.PE = cr0.NE = cr0.ET = cr0.MP = cr0.WP = True
        cr4 = bochscpu.cpu.ControlRegister()
        cr4.PAE = cr4.OSFXSR = cr4.OSXMMEXCPT = cr4.OSXSAVE = True
        st.cr0, st.cr4, st.cr3, st.xcr0 = int(cr0), int(cr4), PML4, XCR0
        st.mxcsr, st.mxcsr_mask, st.fpcw, st.rflags = 0x1F80, 0xFFFF, 0x037F, 0x202
        st.rip, st.rsp = rip, rsp
        for reg, val in zip(("rdi", "rsi", "rdx", "rcx", "r8", "r9"), args):
            setattr(st, reg, val & (2**64 - 1))

        def segment(selector: int, attr: int, base: int = 0) -> "bochscpu.Segment":
            s = bochscpu.Segment()
            s.present, s.selector, s.base, s.limit, s.attr = True, selector, base, 0xFFFF_FFFF, attr
            return s

        st.cs = segment(0x33, 0x22FB)  # 64-bit user code
        st.ds = st.ss = st.es = st.gs = segment(0x2B, 0xCF3)  # user data
        st.fs = segment(0x2B, 0xCF3, FS_BASE)
        return st

    def call(self, fn: int, *args: int) -> int:
        """`fn(args...)` with the SysV ABI (integer and pointer arguments); returns rax."""
        rsp = STACK_TOP - 8  # so that rsp + 8 is 16-byte aligned at entry
        self.write(rsp, struct.pack("<Q", SENTINEL))
        self.session.cpu.state = self._state(fn, rsp, args)
        stop = []

        def on_exception(session, cpu_id, vector, error_code):
            stop.append((vector, error_code))
            session.stop()

        def on_opcode(session, cpu_id, insn, first_byte, length, is32, is64):
            self.decoded += 1
            self.decoded_evex += first_byte == EVEX

        hook = bochscpu.Hook()
        hook.exception = on_exception
        hook.opcode = on_opcode
        self.session.run([hook])
        st = self.session.cpu.state
        if not stop:
            raise EmuError(f"emulation stopped without an exception at rip={st.rip:#x}")
        vector, err = stop[0]
        if vector != GP or st.rip not in (SENTINEL, SENTINEL + 1):
            raise EmuError(f"guest fault: vector {vector}, error {err:#x}, rip={st.rip:#x}, "
                           f"rsp={st.rsp:#x}")
        return st.rax
