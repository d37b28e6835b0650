#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""klp-craft: write crafted (malformed) livepatch modules for the guest.

Usage: klp-craft.py TEST_MODULES_DIR OUT_DIR

CRAFT_SKIP (environment): form names to leave out, space separated; for
a run that must get past a form known to crash the kernel.

Reads the good livepatch modules the selftests build (test_klp_variants.ko:
two versioned sections, one per build of test_klp_variant_mod, and the
guard reference) and writes one module per form to OUT_DIR, each a single
named mutation of a good one, plus OUT_DIR/forms: one line per form,
tab-separated,

    name  stage  errno  expect  what

  stage   where the kernel must refuse it: 'load' (the module loader's
          checks, klp_check_module_relocs()), 'enable' (klp_enable_patch()
          with the target loaded), 'coming' (the livepatch loads, the
          target's load is refused), 'coming-build-b' (as 'coming', and
          then build B of the target loads and is patched), or 'works'
          (loads and applies)
  errno   the errno of the refusal, EINVAL or ENOEXEC ('-' for 'works')
  expect  an extended regex the kernel log must match; for 'works' the
          string the target's 'origin' parameter must read
  what    the mutation, for the reader

Python with only the standard library: the host needs nothing beyond the
python3 the testbed already requires, and every mutation is a few lines
on a parsed ELF64 (section headers, names, symbols, relocations) that is
written back whole, so any section may change size or name.  Only what
the x86_64 module loader reads is supported: little-endian ELF64
relocatable objects.
"""

import os
import re
import struct
import subprocess
import sys

SHT_NULL, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS, SHT_REL = 0, 2, 3, 4, 8, 9
SHF_ALLOC = 0x2
SHF_RELA_LIVEPATCH = 0x00100000
SHN_ABS = 0xfff1
SHN_LIVEPATCH = 0xff20
STB_GLOBAL, STB_WEAK = 1, 2
RELA_SIZE = 24

EHDR = struct.Struct('<16sHHIQQQIHHHHHH')
SHDR = struct.Struct('<IIQQQQIIQQ')
SYM = struct.Struct('<IBBHQQ')
RELA = struct.Struct('<QQq')


class Section:
    def __init__(self, name, hdr, data):
        (self.sh_name, self.type, self.flags, self.addr, self.offset,
         self.size, self.link, self.info, self.align, self.entsize) = hdr
        self.name = name
        self.data = data
        # Set to write this sh_name verbatim instead of the name's offset.
        self.raw_name = None


class Elf:
    """A relocatable ELF64 object, parsed into sections and symbols."""

    def __init__(self, path):
        with open(path, 'rb') as f:
            img = f.read()
        self.ehdr = list(EHDR.unpack_from(img, 0))
        shoff, shnum, shstrndx = self.ehdr[6], self.ehdr[12], self.ehdr[13]
        hdrs = [SHDR.unpack_from(img, shoff + i * SHDR.size) for i in range(shnum)]
        strs = hdrs[shstrndx]
        shstr = img[strs[4]:strs[4] + strs[5]]
        self.secs = []
        for h in hdrs:
            name = shstr[h[0]:shstr.index(b'\0', h[0])].decode()
            data = b'' if h[1] in (SHT_NULL, SHT_NOBITS) else img[h[4]:h[4] + h[5]]
            self.secs.append(Section(name, h, data))
        self.shstrtab = self.secs[shstrndx]
        self.symtab = next(s for s in self.secs if s.type == SHT_SYMTAB)
        self.strtab = self.secs[self.symtab.link]
        st = self.strtab.data
        self.syms = []
        for i in range(len(self.symtab.data) // SYM.size):
            name, info, other, shndx, value, size = SYM.unpack_from(self.symtab.data, i * SYM.size)
            self.syms.append([st[name:st.index(b'\0', name)].decode(), info, other, shndx, value, size])

    # Lookups.
    def sec(self, name):
        return next(s for s in self.secs if s.name == name)

    def index(self, sec):
        return self.secs.index(sec)

    def sym(self, name):
        return next(i for i, s in enumerate(self.syms) if s[0] == name)

    def klp_secs(self):
        return [s for s in self.secs if s.flags & SHF_RELA_LIVEPATCH]

    def relas(self, sec):
        return [list(RELA.unpack_from(sec.data, i * RELA_SIZE))
                for i in range(len(sec.data) // RELA_SIZE)]

    def set_relas(self, sec, relas):
        sec.data = b''.join(RELA.pack(*r) for r in relas)
        sec.size = len(sec.data)

    def drop_symbol(self, i):
        """Remove symbol i and renumber the relocations after it."""
        if i < self.symtab.info:
            self.symtab.info -= 1
        del self.syms[i]
        for s in self.secs:
            if s.type != SHT_RELA or s.link != self.index(self.symtab):
                continue
            relas = self.relas(s)
            for r in relas:
                si = r[1] >> 32
                assert si != i, f'symbol {i} still used by {s.name}'
                if si > i:
                    r[1] -= 1 << 32
            self.set_relas(s, relas)

    # Output: string tables rebuilt from the names, then every section's
    # data in index order, then the section header table.
    @staticmethod
    def _strtab(names):
        blob, off = bytearray(b'\0'), {'': 0}
        for n in names:
            if n not in off:
                off[n] = len(blob)
                blob += n.encode() + b'\0'
        return bytes(blob), off

    def write(self, path):
        self.strtab.data, soff = self._strtab(s[0] for s in self.syms)
        self.strtab.size = len(self.strtab.data)
        self.symtab.data = b''.join(SYM.pack(soff[s[0]], *s[1:]) for s in self.syms)
        self.symtab.size = len(self.symtab.data)
        self.shstrtab.data, noff = self._strtab(s.name for s in self.secs)
        self.shstrtab.size = len(self.shstrtab.data)

        out = bytearray(EHDR.size)
        for s in self.secs:
            if s.type in (SHT_NULL, SHT_NOBITS) and not s.data:
                s.offset = len(out) if s.type == SHT_NOBITS else 0
                continue
            out += b'\0' * (-len(out) % max(s.align, 1))
            s.offset = len(out)
            out += s.data
        out += b'\0' * (-len(out) % 8)
        ehdr = list(self.ehdr)
        ehdr[6], ehdr[12], ehdr[13] = len(out), len(self.secs), self.index(self.shstrtab)
        for s in self.secs:
            sh_name = s.raw_name if s.raw_name is not None else noff[s.name]
            out += SHDR.pack(sh_name, s.type, s.flags, s.addr, s.offset, s.size,
                             s.link, s.info, s.align, s.entsize)
        out[:EHDR.size] = EHDR.pack(*ehdr)
        with open(path, 'wb') as f:
            f.write(out)


def modinfo(path, key):
    with open(path, 'rb') as f:
        m = re.search(rb'\0' + key.encode() + rb'=([^\0]*)\0', f.read())
    return m.group(1).decode() if m else None


# The forms.  Each is a function of (elf, c) that mutates a parsed copy of
# its base module; FORMS lists it with where the kernel refuses it, the errno
# and the log message expected.  c.key is build A's srcversion, c.a_sec the
# section keyed by it (the one build A selects; None in a module without
# it) and c.a_symi the symbol index of that section's first relocation.

FORMS = []


def form(name, stage, errno, expect, what, base='test_klp_variants.ko'):
    def reg(fn):
        FORMS.append((name, stage, errno, expect, what, base, fn))
        return fn
    return reg


EINVAL = 'EINVAL'
OBJ = 'test_klp_variant_mod'
BAD_INFO = r'sh_info [0-9]+ does not name a section that stays allocated'


def rename_a(elf, c, name):
    c.a_sec.name = name


def set_a_sym(elf, c, name):
    """Rename the symbol of build A's relocation."""
    elf.syms[c.a_symi][0] = name


@form('identity', 'works', '-', 'one.c of build A',
      'no mutation: the module parsed and written back by this tool')
def _(elf, c):
    pass


# Section names.
@form('name-empty-object', 'load', EINVAL,
      r'section \.klp\.rela\.\.[0-9A-F]{23}\.\.text: object name must have 1 to 55 characters',
      'object name empty: .klp.rela..<KEY>..text')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela..{c.key}..text')


@form('name-object-56', 'load', EINVAL,
      r'section \.klp\.rela\.o{56}\.[0-9A-F]{23}\.\.text: object name must have 1 to 55 characters',
      'object name of 56 characters')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{"o" * 56}.{c.key}..text')


@form('key-22-digits', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{22}}\.\.text: variant key is neither a build ID',
      'key of 22 hex digits (one dropped)')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{c.key[:22]}..text')


@form('key-24-digits', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{24}}\.\.text: variant key is neither a build ID',
      'key of 24 hex digits (one added)')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{c.key}0..text')


@form('key-lower-case', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9a-f]{{23}}\.\.text: variant key is neither a build ID',
      'key of 23 lower-case hex digits')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{c.key.lower()}..text')


@form('key-40-upper-case', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{40}}\.\.text: variant key is neither a build ID',
      'key of 40 hex digits with upper-case letters (neither srcversion nor build ID)')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{(c.key * 2)[:40]}..text')


@form('key-nothing-after', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{23}}: no section name after the variant key',
      'nothing after the key: .klp.rela.<obj>.<KEY>')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{c.key}')


@form('key-dot-after', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{23}}\.: no section name after the variant key',
      'only a dot after the key: .klp.rela.<obj>.<KEY>.')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{c.key}.')


@form('key-dot-dot-after', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{23}}\.\.: no section name after the variant key',
      'section part a lone dot: .klp.rela.<obj>.<KEY>..')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.{c.key}..')


@form('vmlinux-srcversion', 'load', EINVAL,
      r'section \.klp\.rela\.vmlinux\.[0-9A-F]{23}\.\.text: vmlinux has no srcversion',
      'srcversion-keyed vmlinux section (its symbol renamed to a vmlinux one)')
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.vmlinux.{c.key}..text')
    set_a_sym(elf, c, '.klp.sym.vmlinux.variant_file,1')


# Section headers.
@form('type-rel', 'load', EINVAL,
      r'section [0-9]+: livepatch relocation section of type 9, not SHT_RELA',
      'sh_type SHT_REL')
def _(elf, c):
    c.a_sec.type = SHT_REL


@form('type-null-name-past-strtab', 'load', 'ENOEXEC',
      r'ELF Spec violation: section [0-9]+ is SHT_NULL but has SHF_ALLOC',
      'sh_type SHT_NULL, sh_name past the end of .shstrtab (inside the file)')
def _(elf, c):
    c.a_sec.type = SHT_NULL
    c.a_sec.raw_name = -1  # resolved in craft(): .shstrtab's size + 16


@form('no-alloc', 'load', EINVAL,
      rf'section \.klp\.rela\.{OBJ}\.[0-9A-F]{{23}}\.\.text: livepatch relocation section without SHF_ALLOC',
      'SHF_ALLOC cleared')
def _(elf, c):
    c.a_sec.flags &= ~SHF_ALLOC


@form('link-strtab', 'load', EINVAL,
      r'section \.klp\.rela\..*: sh_link [0-9]+ is not the symbol table',
      'sh_link names .strtab instead of .symtab')
def _(elf, c):
    c.a_sec.link = elf.index(elf.strtab)


@form('info-zero', 'load', EINVAL, r'section \.klp\.rela\..*: sh_info 0 does not name',
      'sh_info 0')
def _(elf, c):
    c.a_sec.info = 0


@form('info-out-of-range', 'load', EINVAL, r'section \.klp\.rela\..*: ' + BAD_INFO,
      'sh_info = e_shnum + 100')
def _(elf, c):
    c.a_sec.info = len(elf.secs) + 100


@form('info-not-alloc', 'load', EINVAL, r'section \.klp\.rela\..*: ' + BAD_INFO,
      'sh_info names .comment (not SHF_ALLOC)')
def _(elf, c):
    c.a_sec.info = elf.index(elf.sec('.comment'))


def add_section(elf, name, flags, size):
    """Append a PROGBITS section of @size zero bytes; returns its index."""
    elf.secs.append(Section(name, (0, 1, flags, 0, 0, size, 0, 0, 8, 0), b'\0' * size))
    return len(elf.secs) - 1


@form('info-init', 'load', EINVAL, r'section \.klp\.rela\..*: ' + BAD_INFO,
      'sh_info names .init.text (a 16-byte .init.text section appended)')
def _(elf, c):
    c.a_sec.info = add_section(elf, '.init.text', SHF_ALLOC | 0x4, 16)


@form('info-percpu', 'load', EINVAL, r'section \.klp\.rela\..*: ' + BAD_INFO,
      'sh_info names .data..percpu (a 16-byte .data..percpu section appended)')
def _(elf, c):
    c.a_sec.info = add_section(elf, '.data..percpu', SHF_ALLOC | 0x1, 16)


@form('info-klp-section', 'load', EINVAL, r'section \.klp\.rela\..*: ' + BAD_INFO,
      'sh_info names the other livepatch relocation section')
def _(elf, c):
    c.a_sec.info = elf.index(next(s for s in elf.klp_secs() if s is not c.a_sec))


@form('info-this-module', 'load', EINVAL, r'section \.klp\.rela\..*: ' + BAD_INFO,
      'sh_info names .gnu.linkonce.this_module')
def _(elf, c):
    c.a_sec.info = elf.index(elf.sec('.gnu.linkonce.this_module'))


@form('entsize-16', 'load', EINVAL, r'section \.klp\.rela\..*: sh_entsize 16 is not 24',
      'sh_entsize 16')
def _(elf, c):
    c.a_sec.entsize = 16


@form('size-not-multiple', 'load', EINVAL,
      r'section \.klp\.rela\..*: size 32 is not a multiple of 24',
      'sh_size 32 (the relocation and 8 zero bytes)')
def _(elf, c):
    c.a_sec.data += b'\0' * 8
    c.a_sec.size = len(c.a_sec.data)


@form('offset-past-target', 'load', EINVAL,
      r'section \.klp\.rela\..*: relocation 0 at offset [0-9]+ is outside of section',
      'r_offset = target size - 2 (a 4-byte relocation crossing the end)')
def _(elf, c):
    relas = elf.relas(c.a_sec)
    relas[0][0] = elf.secs[c.a_sec.info].size - 2
    elf.set_relas(c.a_sec, relas)


@form('offset-wraps', 'load', EINVAL,
      r'section \.klp\.rela\..*: relocation 0 at offset 18446744073709551614 is outside of section',
      'r_offset = 2^64 - 2 (offset + width wraps around)')
def _(elf, c):
    relas = elf.relas(c.a_sec)
    relas[0][0] = 2**64 - 2
    elf.set_relas(c.a_sec, relas)


@form('symbol-index-0', 'load', EINVAL,
      r'section \.klp\.rela\..*: relocation 0 has invalid symbol index 0',
      'relocation against symbol index 0')
def _(elf, c):
    relas = elf.relas(c.a_sec)
    relas[0][1] &= 0xffffffff
    elf.set_relas(c.a_sec, relas)


@form('symbol-index-past-end', 'load', EINVAL,
      r'section \.klp\.rela\..*: relocation 0 has invalid symbol index [0-9]+',
      'relocation against symbol index = number of symbols')
def _(elf, c):
    relas = elf.relas(c.a_sec)
    relas[0][1] = (len(elf.syms) << 32) | (relas[0][1] & 0xffffffff)
    elf.set_relas(c.a_sec, relas)


@form('versioned-other-object', 'load', EINVAL,
      r'versioned section references \.klp\.sym\.test_klp_callbacks_mod\.variant_file,1, not a symbol of .test_klp_variant_mod.',
      "build A's section references a symbol of another module")
def _(elf, c):
    set_a_sym(elf, c, '.klp.sym.test_klp_callbacks_mod.variant_file,1')


@form('guard-weak', 'load', EINVAL,
      r'need an undefined global \(not weak\) reference to klp_reloc_variants',
      'the klp_reloc_variants reference made STB_WEAK')
def _(elf, c):
    s = elf.syms[elf.sym('klp_reloc_variants')]
    s[1] = (STB_WEAK << 4) | (s[1] & 0xf)


@form('guard-missing', 'load', EINVAL,
      r'need an undefined global \(not weak\) reference to klp_reloc_variants',
      'the klp_reloc_variants symbol removed')
def _(elf, c):
    elf.drop_symbol(elf.sym('klp_reloc_variants'))


@form('plain-module-klp-section', 'load', 'EINVAL',
      r'test_klp_callbacks_mod: section [0-9]+ is a livepatch relocation section, but the module is not a livepatch',
      'a module that is not a livepatch (test_klp_callbacks_mod) with a valid .klp.rela.vmlinux section '
      'writing the address of jiffies into an 8-byte section of its own',
      base='test_klp_callbacks_mod.ko')
def _(elf, c):
    probe = add_section(elf, '.data.klp_probe', SHF_ALLOC | 0x1, 8)
    elf.syms.append(['.klp.sym.vmlinux.jiffies,0', STB_GLOBAL << 4, 0, SHN_LIVEPATCH, 0, 0])
    rela = RELA.pack(0, (len(elf.syms) - 1) << 32 | 1, 0)  # R_X86_64_64
    elf.secs.append(Section('.klp.rela.vmlinux..data.klp_probe',
                            (0, SHT_RELA, SHF_ALLOC | 0x40 | SHF_RELA_LIVEPATCH, 0, 0, len(rela),
                             elf.index(elf.symtab), probe, 8, RELA_SIZE), rela))


# Refused when the patch is enabled with the target loaded.
@form('versioned-unknown-object', 'enable', EINVAL,
      r"section \.klp\.rela\.test_klp_other\.[0-9A-F]{23}\.\.text: versioned relocations for 'test_klp_other', which the patch does not patch",
      "build A's section and symbol moved to object test_klp_other, which the patch has no klp_object for")
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.test_klp_other.{c.key}..text')
    set_a_sym(elf, c, '.klp.sym.test_klp_other.variant_file,1')


@form('symbol-not-livepatch', 'enable', EINVAL,
      r'symbol \.klp\.sym\.test_klp_variant_mod\.variant_file,1 is not marked as a livepatch symbol',
      "build A's symbol with st_shndx SHN_ABS instead of SHN_LIVEPATCH")
def _(elf, c):
    elf.syms[c.a_symi][3] = SHN_ABS


@form('symbol-no-comma', 'enable', EINVAL,
      r'symbol \.klp\.sym\.test_klp_variant_mod\.variant_file1 has an incorrectly formatted name',
      ".klp.sym name without ',<pos>'")
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.variant_file1')


@form('symbol-bad-position', 'enable', EINVAL,
      r'symbol \.klp\.sym\.test_klp_variant_mod\.variant_file,x has an incorrectly formatted name',
      ".klp.sym position not a number: ',x'")
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.variant_file,x')


@form('symbol-name-512', 'enable', EINVAL,
      r'symbol \.klp\.sym\.test_klp_variant_mod\.v{512},1 has an incorrectly formatted name',
      '.klp.sym symbol name of 512 characters (KSYM_NAME_LEN)')
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.{"v" * 512},1')


@form('symbol-missing', 'enable', EINVAL,
      r"symbol 'variant_missing' not found in symbol table",
      "build A's variant names a symbol the build does not have")
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.variant_missing,1')


@form('symbol-position-missing', 'enable', EINVAL,
      r"symbol position 3 for symbol 'variant_file' in object 'test_klp_variant_mod' not found",
      "build A's variant names position 3 of a static the build has twice")
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.variant_file,3')


@form('no-variant-for-build', 'enable', 'ENOEXEC',
      r"'test_klp_variants': no relocation variant for module 'test_klp_variant_mod' build ID [0-9a-f]{40} srcversion [0-9A-F]{23}; variants: 0123456789ABCDEF0123456 ",
      "build A's key replaced by another valid srcversion: no variant for the loaded build")
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.0123456789ABCDEF0123456..text')


@form('build-id-other-binary', 'enable', 'ENOEXEC',
      r"'test_klp_variants': no relocation variant for module 'test_klp_variant_mod' build ID [0-9a-f]{40} srcversion [0-9A-F]{23}; variants: 0123456789abcdef0123456789abcdef01234567 ",
      "build A's key replaced by a valid build ID of no build: no variant for the loaded build")
def _(elf, c):
    rename_a(elf, c, f'.klp.rela.{OBJ}.0123456789abcdef0123456789abcdef01234567..text')


@form('vmlinux-other-build-id', 'load', 'ENOEXEC',
      r"'test_klp_variants': no relocation variant for vmlinux build ID [0-9a-f]{40}; variants: 0123456789abcdef0123456789abcdef01234567",
      'vmlinux relocations bound to a build ID that is not the running kernel\'s (empty declaring section)')
def _(elf, c):
    elf.secs.append(empty_section(c, '.klp.rela.vmlinux.0123456789abcdef0123456789abcdef01234567..text'))


# The same refusals when the target comes after the livepatch.
@form('coming-symbol-no-comma', 'coming', EINVAL,
      r'symbol \.klp\.sym\.test_klp_variant_mod\.variant_file1 has an incorrectly formatted name',
      'as symbol-no-comma, the target loaded after the livepatch')
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.variant_file1')


@form('coming-symbol-missing', 'coming', EINVAL,
      r"symbol 'variant_missing' not found in symbol table",
      'as symbol-missing, the target loaded after the livepatch')
def _(elf, c):
    set_a_sym(elf, c, f'.klp.sym.{OBJ}.variant_missing,1')


@form('coming-symbol-not-livepatch', 'coming', EINVAL,
      r'symbol \.klp\.sym\.test_klp_variant_mod\.variant_file,1 is not marked as a livepatch symbol',
      'as symbol-not-livepatch, the target loaded after the livepatch')
def _(elf, c):
    elf.syms[c.a_symi][3] = SHN_ABS


# Issue 9, item 2: the second selected section fails part way.  Build A
# selects the unversioned section, written first, then its own, whose
# added second relocation lands on a place the first section wrote: x86
# refuses it ("existing value is nonzero") after the section's first
# relocation was written.  Both sections must be cleared, so that build
# B, loaded next, finds zeros where its relocations go and is patched.
@form('half-applied', 'coming-build-b', 'ENOEXEC',
      r'x86/modules: Invalid relocation target, existing value is nonzero',
      "build A's section gets a second relocation at the place of the unversioned section's "
      'variant_main relocation', base='test_klp_variants_mixed.ko')
def _(elf, c):
    unversioned = elf.sec(f'.klp.rela.{OBJ}..text')
    place = next(r[0] for r in elf.relas(unversioned) if r[1] & 0xffffffff == 11)  # R_X86_64_32S
    relas = elf.relas(c.a_sec)
    relas.append([place, relas[0][1], relas[0][2]])
    elf.set_relas(c.a_sec, relas)


# Accepted: these must load and apply build A's variant.
def empty_section(c, name):
    """A section that only declares a key: no relocation, A's header."""
    return Section(name, (0, SHT_RELA, c.a_sec.flags, 0, 0, 0, c.a_sec.link, c.a_sec.info,
                          c.a_sec.align, c.a_sec.entsize), b'')


def empty_variant(elf, c, key):
    return empty_section(c, f'.klp.rela.{OBJ}.{key}..text')


def vmlinux_build_id():
    """The GNU build ID of $VMLINUX, the kernel the guest boots."""
    out = subprocess.run(['readelf', '-n', os.environ['VMLINUX']], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r'Build ID: ([0-9a-f]{40})', out)
    assert m, 'vmlinux has no 20-byte build ID'
    return m.group(1)


@form('variants-1000', 'works', '-', 'one.c of build A',
      '998 empty sections declaring other keys, before the two real ones: 1,000 declared variants')
def _(elf, c):
    first = elf.index(elf.klp_secs()[0])
    empties = [empty_variant(elf, c, f'{0xC0FFEE << 68 | i:023X}') for i in range(998)]
    elf.secs[first:first] = empties


@form('vmlinux-bound', 'works', '-', 'one.c of build A',
      "vmlinux relocations bound to the running kernel's build ID (read from vmlinux) by an empty section")
def _(elf, c):
    elf.secs.append(empty_section(c, f'.klp.rela.vmlinux.{vmlinux_build_id()}..text'))


@form('duplicate-keys', 'works', '-', 'one.c of build A',
      'an empty section repeating each declared key (keys listed once, build A applied)')
def _(elf, c):
    for s in list(elf.klp_secs()):
        key = s.name.split('.')[4]
        elf.secs.append(empty_variant(elf, c, key))


# Last: the module loader itself reads the name of every section, SHT_NULL
# ones included, before livepatch sees the module (find_any_unique_sec()).
@form('type-null-name-wild', 'load', 'ENOEXEC',
      r'ELF Spec violation: section [0-9]+ is SHT_NULL but has SHF_ALLOC',
      'sh_type SHT_NULL, sh_name 0x7fffff00 (far outside of .shstrtab and of the file)')
def _(elf, c):
    c.a_sec.type = SHT_NULL
    c.a_sec.raw_name = 0x7fffff00


class Ctx:
    pass


def craft(mods, out):
    key_a = modinfo(os.path.join(mods, f'{OBJ}-a.ko'), 'srcversion')
    assert key_a and re.fullmatch('[0-9A-F]{23}', key_a), 'build A has no srcversion'
    os.makedirs(out, exist_ok=True)
    lines = []
    skip = os.environ.get('CRAFT_SKIP', '').split()
    for name, stage, errno, expect, what, base, fn in FORMS:
        if name in skip:
            print(f'klp-craft: skipping {name} (CRAFT_SKIP)')
            continue
        elf = Elf(os.path.join(mods, base))
        c = Ctx()
        c.key = key_a
        c.a_sec = next((s for s in elf.klp_secs() if s.name.split('.')[4] == key_a), None)
        c.a_symi = c.a_sec and elf.relas(c.a_sec)[0][1] >> 32
        fn(elf, c)
        if c.a_sec and c.a_sec.raw_name == -1:
            c.a_sec.raw_name = len(elf._strtab(s.name for s in elf.secs)[0]) + 16
        elf.write(os.path.join(out, name + '.ko'))
        lines.append('\t'.join((name, stage, errno, expect, what)))
    with open(os.path.join(out, 'forms'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'klp-craft: {len(lines)} forms in {out}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    craft(sys.argv[1], sys.argv[2])
