#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write small hand-made seeds for klp-elf-fuzz into a directory.

Each seed is the harness's mode byte (0 name, 1 module) and its data. The
modules are minimal livepatch modules as the 6.12 loader accepts them: a
.modinfo with livepatch=Y, .gnu.linkonce.this_module (of the size given as
second argument, default 0x4c0, sizeof(struct module) of the fast
configuration at 13304423d), one symbol table, and the given .klp.rela
sections.
"""
import os
import struct
import sys

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS = 1, 2, 3, 4, 8
SHF_WRITE, SHF_ALLOC, SHF_EXEC, SHF_INFO_LINK = 1, 2, 4, 0x40
SHF_RELA_LIVEPATCH, SHN_LIVEPATCH, SHN_UNDEF = 0x00100000, 0xff20, 0
R_X86_64_64, R_X86_64_PC32 = 1, 2
KLP = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH
SRCV_A, SRCV_B = "436424C60E6078D939D0E25", "AF6A53B1C9D41CB708EE08C"
BUILD_ID = "0123456789abcdef0123456789abcdef01234567"


def module(klp, syms, module_size, guard=True):
    """klp: [(name, target, [(r_offset, symbol index, type)], size)],
    symbol indexes count from 1 after the guard; syms: .klp.sym names."""
    secs = [("", 0, 0, 0, 0, b"", 0, 0)]  # name type flags link info data

    def add(name, typ, flags, data, link=0, info=0, ent=0):
        secs.append((name, typ, flags, link, info, data, ent, 0))
        return len(secs) - 1

    text = add(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXEC, bytes(64))
    add(".init.text", SHT_PROGBITS, SHF_ALLOC | SHF_EXEC, bytes(16))
    add(".data..percpu", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, bytes(16))
    add(".modinfo", SHT_PROGBITS, SHF_ALLOC, b"livepatch=Y\0name=fz\0")
    add(".gnu.linkonce.this_module", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
        bytes(module_size))
    nklp = len(secs)
    symtab = nklp + len(klp)
    for name, target, relas, _ in klp:
        data = b"".join(struct.pack("<QQq", off, (sym << 32) | typ, 0)
                        for off, sym, typ in relas)
        add(name, SHT_RELA, KLP, data, symtab, target or text, 24)
    names = [""] + (["klp_reloc_variants"] if guard else []) + syms
    strtab = b"\0".join(n.encode() for n in names) + b"\0"
    symdata, pos = b"", 0
    for i, n in enumerate(names):
        shndx = SHN_UNDEF if i == 0 or n == "klp_reloc_variants" else SHN_LIVEPATCH
        bind = 0 if i == 0 else 1  # STB_GLOBAL
        symdata += struct.pack("<IBBHQQ", pos, bind << 4, 0, shndx, 0, 0)
        pos += len(n) + 1
    add(".symtab", SHT_SYMTAB, 0, symdata, symtab + 1, 1, 24)
    add(".strtab", SHT_STRTAB, 0, strtab)
    shstr = b"\0"
    offs = []
    for s in secs:
        offs.append(len(shstr) if s[0] else 0)
        if s[0]:
            shstr += s[0].encode() + b"\0"
    shstrndx = len(secs)
    offs.append(len(shstr))
    shstr += b".shstrtab\0"
    secs.append((".shstrtab", SHT_STRTAB, 0, 0, 0, shstr, 0, 0))

    body, where = b"", []
    for s in secs:
        body += bytes(-len(body) % 8)
        where.append(64 + len(body))
        body += s[5]
    body += bytes(-len(body) % 8)
    shoff = 64 + len(body)
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0,
                       bytes(7), 1, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64,
                       len(secs), shstrndx)
    sh = b""
    for i, (name, typ, flags, link, info, data, ent, _) in enumerate(secs):
        size = len(data)
        for k in klp:
            if k[0] == name and k[3] is not None:
                size = k[3]
        sh += struct.pack("<IIQQQQIIQQ", offs[i], typ, flags, 0,
                          where[i] if i else 0, size if i else 0, link, info,
                          1 if typ != SHT_RELA else 8, ent)
    return ehdr + body + sh


def main():
    out = sys.argv[1]
    msize = int(sys.argv[2], 0) if len(sys.argv) > 2 else 0x4c0
    os.makedirs(out, exist_ok=True)
    obj = ".klp.sym.fz_mod."
    syms = [obj + "foo,0", obj + "bar,2", ".klp.sym.vmlinux.baz,0",
            ".klp.sym.fz_other.qux,1"]
    seeds = {
        "vmlinux": [(".klp.rela.vmlinux..text", 0,
                     [(0, 4, R_X86_64_PC32), (8, 4, R_X86_64_64)], None)],
        "mixed": [(".klp.rela.fz_mod..text", 0, [(0, 2, R_X86_64_PC32)], None),
                  (".klp.rela.fz_mod.%s..text" % SRCV_A, 0,
                   [(4, 2, R_X86_64_PC32), (16, 3, R_X86_64_64)], None),
                  (".klp.rela.fz_mod.%s.text" % SRCV_B, 0,
                   [(8, 3, R_X86_64_PC32)], None),
                  (".klp.rela.fz_mod.%s..data" % SRCV_A, 0, [], 0),
                  (".klp.rela.vmlinux..text", 0, [(32, 4, R_X86_64_64)], None)],
        "declare-only": [(".klp.rela.fz_mod.%s..text" % SRCV_A, 0, [], 0),
                         (".klp.rela.fz_mod..text", 0,
                          [(0, 2, R_X86_64_PC32)], None)],
        "buildid": [(".klp.rela.fz_mod.%s..text" % BUILD_ID, 0,
                     [(0, 2, R_X86_64_PC32)], None),
                    (".klp.rela.vmlinux.%s..text" % BUILD_ID, 0,
                     [(8, 4, R_X86_64_PC32)], None)],
        "old-names": [(".klp.rela.fz_mod", 0, [(0, 2, R_X86_64_PC32)], None),
                      (".klp.rela.fz_mod.text.foo", 0,
                       [(8, 2, R_X86_64_64)], None),
                      (".klp.rela.fz_other..text", 0,
                       [(16, 5, R_X86_64_PC32)], None)],
        "vmlinux-srcversion": [(".klp.rela.vmlinux.%s..text" % SRCV_A, 0,
                                [(0, 4, R_X86_64_PC32)], None)],
        "offset-outside": [(".klp.rela.fz_mod..text", 0,
                            [(0, 2, R_X86_64_PC32), (1000, 2, R_X86_64_64)],
                            None)],
        "offset-straddles": [(".klp.rela.fz_mod..text", 0,
                              [(62, 2, R_X86_64_PC32)], None)],
        "two-objects": [(".klp.rela.fz_mod.%s..text" % SRCV_A, 0,
                         [(0, 2, R_X86_64_PC32)], None),
                        (".klp.rela.fz_other.%s..text" % SRCV_B, 0,
                         [(8, 5, R_X86_64_PC32)], None)],
    }
    seeds["buildid-other-vmlinux"] = seeds["buildid"]
    for name, klp in seeds.items():
        # Mode 3: vmlinux has the build ID of the first vmlinux key.
        mode = b"\x03" if name == "buildid" else b"\x01"
        with open(os.path.join(out, "elf-" + name), "wb") as f:
            f.write(mode + module(klp, syms, msize))
    names = [".klp.rela.vmlinux..text", ".klp.rela.foo.text.bar",
             ".klp.rela.foo", ".klp.rela.foo.%s..text.bar" % SRCV_A,
             ".klp.rela.foo.%s.text" % SRCV_B,
             ".klp.rela.foo.%s..text" % BUILD_ID,
             ".klp.rela.foo.0123456789ABCDEF.x", ".klp.rela.%s.x" % ("o" * 56)]
    for i, n in enumerate(names):
        with open(os.path.join(out, "name-%d" % i), "wb") as f:
            f.write(b"\x00" + n.encode())


if __name__ == "__main__":
    main()
