#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Livepatches and target builds with many variants, for the benchmarks.

klp-variants.py keyed LP.ko TARGET.ko N OUT.ko [MODULE.SYMVERS]
    From LP.ko, a livepatch converted without builds (its relocations for
    the target in unversioned .klp.rela.<obj>.<sec> sections), write OUT.ko
    declaring N build-ID variants of <obj>: the unversioned sections are
    renamed to carry TARGET.ko's build ID, so the selected variant holds
    all the relocations, and N - 1 empty sections carry fake build IDs
    that match no module.  The undefined reference to klp_reloc_variants
    that klp-convert adds to versioned livepatches is added too, with its
    __versions entry (CRC from MODULE.SYMVERS) when LP.ko has __versions.

klp-variants.py builds TARGET.ko N DIR
    Write DIR/build<k>.ko for k < N: build 0 is TARGET.ko, the others are
    copies of it with another GNU build ID (the note's 20 bytes replaced
    by a SHA-1 of k), i.e. builds with the same symbols and so the same
    relocations, as klp-convert --keys build-id --build ... takes them.

klp-variants.py onesym LP.ko SYMBOL OUT.ko
    From LP.ko, write OUT.ko whose livepatch relocations all reference
    the .klp.sym symbol of SYMBOL: as many relocations to write, one
    lookup, to tell the cost of writing them from that of resolving.

klp-variants.py build-id MODULE.ko
    Print the module's GNU build ID.

The ELF reader and writer are testbed/klp-craft.py's.
"""
import hashlib
import importlib.util
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'klp_craft', os.path.join(here, '..', 'testbed', 'klp-craft.py'))
kc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kc)

NOTE = struct.Struct('<III')


def build_id_note(elf):
    """(offset of the 20 bytes in the section data, section) of NT_GNU_BUILD_ID."""
    sec = elf.sec('.note.gnu.build-id')
    namesz, descsz, ntype = NOTE.unpack_from(sec.data, 0)
    assert ntype == 3 and descsz == 20 and sec.data[12:16] == b'GNU\0', 'no GNU build ID note'
    return 12 + ((namesz + 3) & ~3), sec


def build_id(path):
    elf = kc.Elf(path)
    off, sec = build_id_note(elf)
    return sec.data[off:off + 20].hex()


def fake_id(k):
    return hashlib.sha1(f'klp-bench fake build {k}'.encode()).hexdigest()


def keyed(lp, target, n, out, symvers=None):
    elf = kc.Elf(lp)
    bid = build_id(target)
    obj = kc.modinfo(target, 'name') or os.path.basename(target).split('.')[0]
    prefix = f'.klp.rela.{obj}.'
    secs = [s for s in elf.klp_secs() if s.name.startswith(prefix)]
    assert secs, f'{lp}: no unversioned section for {obj}'
    for s in secs:
        rest = s.name[len(prefix):]
        assert rest.startswith('.'), f'{s.name}: not unversioned (run klp-convert without builds)'
        s.name = f'{prefix}{bid}.{rest}'
    first, first_rest = secs[0], secs[0].name[len(prefix) + 41:]
    for k in range(1, n):
        key = fake_id(k)
        assert key != bid
        hdr = (0, first.type, first.flags, 0, 0, 0, first.link, first.info,
               first.align, first.entsize)
        elf.secs.append(kc.Section(f'{prefix}{key}.{first_rest}', hdr, b''))
    # The guard: an undefined global, after the other symbols, and with
    # CONFIG_MODVERSIONS its __versions entry (the kernel refuses a
    # versioned module's symbol without one), as klp-convert writes them.
    elf.syms.append(['klp_reloc_variants', (kc.STB_GLOBAL << 4), 0, 0, 0, 0])
    if any(x.name == '__versions' for x in elf.secs):
        assert symvers, f'{lp} has __versions: pass Module.symvers'
        vers = elf.sec('__versions')
        vers.data = bytes(vers.data) + guard_version(symvers)
        vers.size = len(vers.data)
    elf.write(out)


def guard_version(symvers):
    """The __versions entry of klp_reloc_variants: its CRC from SYMVERS,
    then the name, 64 bytes in all (x86_64's struct modversion_info)."""
    with open(symvers) as f:
        crc = next(int(w[0], 16) for w in (ln.split('\t') for ln in f)
                   if w[1:2] == ['klp_reloc_variants'])
    return struct.pack('<Q56s', crc, b'klp_reloc_variants')


def onesym(lp, name, out):
    elf = kc.Elf(lp)
    idx = next(i for i, s in enumerate(elf.syms)
               if s[0].startswith('.klp.sym.') and s[0].split('.', 4)[4].startswith(name + ','))
    n = 0
    for sec in elf.klp_secs():
        relas = elf.relas(sec)
        for r in relas:
            r[1] = (idx << 32) | (r[1] & 0xffffffff)
        n += len(relas)
        elf.set_relas(sec, relas)
    assert n, f'{lp}: no livepatch relocations'
    elf.write(out)


def builds(target, n, outdir):
    os.makedirs(outdir, exist_ok=True)
    with open(target, 'rb') as f:
        img = bytearray(f.read())
    elf = kc.Elf(target)
    off, sec = build_id_note(elf)
    pos = sec.offset + off
    for k in range(n):
        if k:
            img[pos:pos + 20] = bytes.fromhex(fake_id(k))
        with open(os.path.join(outdir, f'build{k}.ko'), 'wb') as f:
            f.write(img)


def main():
    cmd = sys.argv[1]
    if cmd == 'keyed':
        keyed(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5],
              sys.argv[6] if len(sys.argv) > 6 else None)
    elif cmd == 'onesym':
        onesym(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == 'builds':
        builds(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == 'build-id':
        print(build_id(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
