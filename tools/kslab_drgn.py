#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# kslab_drgn.py - drgn helpers that see kslab in a crash dump or a live
# kernel, mirroring drgn.helpers.linux.slab for kslab's caches: iterate the
# caches, a /proc/kslabinfo summary of each, classify any address (cache,
# slab, object index, and state: live, on its slab's free list, in a CPU's
# magazine or remote buffer, in a node's depot, quarantined), the owner tracks of a
# SLAB_STORE_USER cache with their stacks, iterate a cache's live objects
# (cast to a type if asked), and each CPU's magazines and node's depot.
# Every layout comes from kslab.ko's debug info (DWARF), never from
# hard-coded offsets; kslab's global variables are found in the module's
# own symbol table in the kernel's memory, which works whether or not
# drgn could place kslab.ko's sections (Debian 12's drgn 0.0.22 cannot on
# Linux 6.4 and later). A small command-line front end at the bottom:
# `kslab_drgn.py -c CORE -s VMLINUX -m kslab.ko slabinfo`, see --help and
# docs/postmortem.md.
"""
kslab
-----

Helpers for kslab, the SLUB-style object cache module, in the style of
:mod:`drgn.helpers.linux.slab`. Each takes the :class:`drgn.Program` (or an
object of it) explicitly, so they work with drgn 0.0.22 as with later ones.
"""

import argparse
import sys
from typing import Dict, Iterator, List, NamedTuple, Optional, Set, Tuple

from drgn import FaultError, Object, Program, cast, reinterpret
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.mm import compound_head, page_to_pfn, page_to_virt, virt_to_page
from drgn.helpers.linux.nodemask import for_each_node
from drgn.helpers.linux.percpu import per_cpu_ptr

__all__ = (
    "KslabObjectInfo",
    "find_kslab_cache",
    "for_each_kslab_cache",
    "kslab_cache_for_each_live_object",
    "kslab_cache_info",
    "kslab_cpu_magazines",
    "kslab_node_depots",
    "kslab_object_info",
    "kslab_slabinfo",
    "kslab_symbol",
    "kslab_track",
)

# Constants of kslab's (module/kslab_int.h), not layouts: macros, which
# DWARF does not carry.
KSLAB_MAGIC_SLAB = 0xA5
KSLAB_NO_FREE = 0xFFFF
# The first word of an object debug.c quarantined ("kslabQRN").
KSLAB_QUARANTINE_MAGIC = 0x4E525162616C736B
# The kernel's (lib/stackdepot.c), as drgn's own stackdepot helper has it.
DEPOT_STACK_ALIGN = 4

_SLAB_LISTS = ("partial", "full", "empty", "isolated")


# Symbols of kslab's module -------------------------------------------------


def _find_module(prog: Program, name: str) -> Object:
    for mod in list_for_each_entry(
        "struct module", prog["modules"].address_of_(), "list"
    ):
        if mod.name.string_().decode() == name:
            return mod
    raise LookupError(f"module {name} is not loaded")


def _module_symbols(prog: Program, name: str = "kslab") -> Dict[str, Tuple[int, int]]:
    """A loaded module's symbols, name: (address, size), from its kallsyms."""
    cache = prog.cache.setdefault("kslab_drgn_syms", {})
    if name not in cache:
        ks = _find_module(prog, name).kallsyms
        strtab = ks.strtab.value_()
        syms = {}
        for i in range(ks.num_symtab.value_()):
            sym = ks.symtab[i]
            sname = prog.read(strtab + sym.st_name.value_(), 128).split(b"\0")[0]
            if sname:
                syms[sname.decode(errors="replace")] = (
                    sym.st_value.value_(),
                    sym.st_size.value_(),
                )
        cache[name] = syms
    return cache[name]


def _kslab_var(prog: Program, name: str, type_name: str) -> Object:
    """kslab's global variable @name, of type @type_name (kslab's DWARF)."""
    addr, _ = _module_symbols(prog)[name]
    return Object(prog, type_name, address=addr)


def kslab_symbol(prog: Program, pc: int) -> str:
    """
    ``function+0xoff/0xsize [module]`` for a code address: vmlinux's from
    drgn's symbols, a module's (kslab's and the test modules') from the
    module's kallsyms.
    """
    try:
        sym = prog.symbol(pc)
        return f"{sym.name}+{pc - sym.address:#x}/{sym.size:#x}"
    except LookupError:
        pass
    for mod in list_for_each_entry(
        "struct module", prog["modules"].address_of_(), "list"
    ):
        mname = mod.name.string_().decode()
        try:
            syms = _module_symbols(prog, mname)
        except FaultError:
            continue
        for sname, (addr, size) in syms.items():
            if addr <= pc < addr + max(size, 1):
                return f"{sname}+{pc - addr:#x}/{size:#x} [{mname}]"
    return f"{pc:#x}"


# Caches --------------------------------------------------------------------


def for_each_kslab_cache(prog: Program) -> Iterator[Object]:
    """Every kslab cache (``struct kslab_cache *``), in /proc/kslabinfo's order."""
    head = _kslab_var(prog, "kslab_caches", "struct list_head")
    return list_for_each_entry("struct kslab_cache", head.address_of_(), "list")


def find_kslab_cache(prog: Program, name: str) -> Optional[Object]:
    """The kslab cache called @name, or None."""
    for s in for_each_kslab_cache(prog):
        if s.name.string_().decode() == name:
            return s
    return None


def _nodes(s: Object) -> Iterator[Tuple[int, Object]]:
    for nid in for_each_node(s.prog_):
        yield nid, s.node[nid]


def _signed(x: int) -> int:
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >> 63 else x


class KslabCacheInfo(NamedTuple):
    """A cache's figures as /proc/kslabinfo prints them (stat.c's cache_info())."""

    name: str
    active_objs: int
    num_objs: int
    objsize: int
    objperslab: int
    pagesperslab: int
    num_slabs: int
    partial_slabs: int
    inuse_objs: int
    depot_objs: int


def _live_objects(s: Object) -> int:
    """stat.c's stat_live_objects(): allocs - frees, from the per-CPU counters."""
    prog = s.prog_
    af, as_, ff, fs = (
        prog[n].value_()
        for n in (
            "KSLAB_ALLOC_FASTPATH",
            "KSLAB_ALLOC_SLOWPATH",
            "KSLAB_FREE_FASTPATH",
            "KSLAB_FREE_SLOWPATH",
        )
    )
    live = s.live_bias.value_()
    for cpu in for_each_possible_cpu(prog):
        c = per_cpu_ptr(s.cpu, cpu)
        st = c.stat
        live += _signed(
            st[af].value_() + st[as_].value_() - st[ff].value_() - st[fs].value_()
        )
        # the fast paths count nothing: their difference is fast_diff less
        # the loaded magazine's count; the remote batch is counted as freed
        live += c.fast_diff.value_() - c.loaded.count.value_()
        live -= c.nr_remote.value_()
    return live


def kslab_cache_info(s: Object) -> KslabCacheInfo:
    """A cache's /proc/kslabinfo figures (exact on a quiet cache, as there)."""
    num_slabs = num_objs = partial = inuse = depot = 0
    for _, n in _nodes(s):
        num_slabs += n.nr_slabs.value_()
        num_objs += n.total_objects.value_()
        partial += n.nr_partial.value_()
        inuse += n.inuse.value_()
        depot += n.depot_objects.value_()
    live = _live_objects(s)
    return KslabCacheInfo(
        name=s.name.string_().decode(),
        active_objs=min(max(live, 0), num_objs),
        num_objs=num_objs,
        objsize=s.size.value_(),
        objperslab=s.objects.value_(),
        pagesperslab=1 << s.order.value_(),
        num_slabs=num_slabs,
        partial_slabs=partial,
        inuse_objs=inuse,
        depot_objs=depot,
    )


def kslab_slabinfo(prog: Program) -> str:
    """/proc/kslabinfo, byte for byte as proc.c formats it."""
    out = []
    for s in for_each_kslab_cache(prog):
        i = kslab_cache_info(s)
        if not out:
            out.append("slabinfo - version: 2.1\n")
            out.append(
                "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
                " : tunables <limit> <batchcount> <sharedfactor>"
                " : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
            )
        out.append(
            f"{i.name:<17} {i.active_objs:6} {i.num_objs:6} {i.objsize:6} "
            f"{i.objperslab:4} {i.pagesperslab:4}"
            f" : tunables {0:4} {0:4} {0:4}"
            f" : slabdata {i.num_slabs:6} {i.num_slabs:6} {0:6}\n"
        )
    return "".join(out)


# Magazines, depots, remote buffers ---------------------------------------


def _mag_objects(mag: Object) -> List[int]:
    return [mag.objs[i].value_() for i in range(mag.count.value_())]


def kslab_cpu_magazines(s: Object) -> Iterator[Tuple[int, str, List[int]]]:
    """
    Each possible CPU's cached objects: (cpu, "loaded" | "previous" |
    "remote", [object addresses]).
    """
    for cpu in for_each_possible_cpu(s.prog_):
        c = per_cpu_ptr(s.cpu, cpu)
        yield cpu, "loaded", _mag_objects(c.loaded)
        yield cpu, "previous", _mag_objects(c.previous)
        yield cpu, "remote", [
            c.remote[i].value_() for i in range(c.nr_remote.value_())
        ]


def kslab_node_depots(s: Object) -> Iterator[Tuple[int, int, List[int]]]:
    """
    Each node's depot: (node, number of empty magazines, [one list of
    object addresses per full magazine]) as a (nid, nr_empty, mags) tuple.
    """
    for nid, n in _nodes(s):
        mags = []
        mag = n.depot_full
        while mag:
            mags.append(_mag_objects(mag))
            mag = mag.next
        yield nid, n.nr_depot_empty.value_(), mags


def _cached_objects(s: Object) -> Dict[int, str]:
    """Every object a cache holds in magazines, depots and remote buffers."""
    where: Dict[int, str] = {}
    for cpu, kind, objs in kslab_cpu_magazines(s):
        state = "remote" if kind == "remote" else "magazine"
        for o in objs:
            where[o] = f"{state} (cpu {cpu} {kind})"
    for nid, _, mags in kslab_node_depots(s):
        for i, objs in enumerate(mags):
            for o in objs:
                where[o] = f"depot (node {nid} magazine {i})"
    return where


# Slabs and objects ---------------------------------------------------------


def _slab_meta(page: Object) -> Object:
    """struct slab_meta in the head page's index word (kslab_page_word())."""
    try:
        word = page.index
    except AttributeError:  # Linux 6.16 renamed it
        word = page.__folio_index
    return Object(page.prog_, "struct slab_meta", address=word.address_of_().value_())


def _pagemap_has(prog: Program, page: Object) -> bool:
    """pagemap.c's pagemap_has(): is @page a head page kslab recorded?"""
    d = _kslab_var(prog, "pagemap_dir", "struct pagemap_dir *")
    if not d:
        return False
    pfn = page_to_pfn(page).value_()
    chunk_shift = prog["PAGE_SHIFT"].value_() + 3  # PAGEMAP_CHUNK_SHIFT
    i = pfn >> chunk_shift
    if i >= d.nr.value_():
        return False
    chunk = d.chunks[i]
    if not chunk:
        return False
    bit = pfn & ((1 << chunk_shift) - 1)
    return bool(chunk[bit // 64].value_() >> (bit % 64) & 1)


def _freeptr_get(s: Object, obj: int) -> int:
    """slab.c's freeptr_get(): the next free object after @obj."""
    prog = s.prog_
    addr = obj + s.offset.value_()
    v = prog.read_u64(addr)
    secret = s.random.value_()
    if secret:
        v ^= secret ^ int.from_bytes(addr.to_bytes(8, "little"), "big")
    return v


def _slab_free_indices(s: Object, page: Object) -> Set[int]:
    """The indices on a slab's free list (a cut-off list stops where it breaks)."""
    m = _slab_meta(page)
    base = page_to_virt(page).value_()
    size, pad, nobj = s.size.value_(), s.red_left_pad.value_(), m.objects.value_()
    free: Set[int] = set()
    idx = m.free.value_()
    while idx != KSLAB_NO_FREE and idx < nobj and idx not in free:
        free.add(idx)
        nxt = _freeptr_get(s, base + idx * size + pad)
        if not nxt:
            break
        off = nxt - base - pad
        if off < 0 or off % size:
            break
        idx = off // size
    return free


def _for_each_slab(s: Object) -> Iterator[Tuple[int, str, Object]]:
    for nid, n in _nodes(s):
        for lst in _SLAB_LISTS:
            for page in list_for_each_entry(
                "struct page", getattr(n, lst).address_of_(), "lru"
            ):
                yield nid, lst, page


def _marked_quarantined(prog: Program, obj: int) -> bool:
    """Does @obj (off its slab's free list, on a quarantine slab) carry debug.c's mark?"""
    try:
        return prog.read_u64(obj) == KSLAB_QUARANTINE_MAGIC
    except FaultError:
        return False


def kslab_cache_for_each_live_object(
    s: Object, type_name: Optional[str] = None
) -> Iterator[Object]:
    """
    Every live object of a cache: off its slab's free list, in no
    magazine, depot or remote buffer, and not marked quarantined. A
    ``void *``, or a pointer to @type_name. (Objects cut off a corrupt
    free list carry no mark and are listed too: kslab does not record
    which of a slab's objects they are.)
    """
    prog = s.prog_
    ptr_type = prog.pointer_type(prog.type(type_name)) if type_name else prog.type("void *")
    cached = _cached_objects(s)
    size, pad = s.size.value_(), s.red_left_pad.value_()
    for _, _, page in _for_each_slab(s):
        base = page_to_virt(page).value_()
        free = _slab_free_indices(s, page)
        quarantine = _slab_meta(page).quarantine.value_()
        for idx in range(_slab_meta(page).objects.value_()):
            obj = base + idx * size + pad
            if idx in free or obj in cached:
                continue
            if quarantine and _marked_quarantined(prog, obj):
                continue
            yield Object(prog, ptr_type, value=obj)


class KslabTrack(NamedTuple):
    """struct kslab_track: who last allocated or freed an object."""

    addr: int
    cpu: int
    pid: int
    when: int
    stack: List[int]


def _stack_depot_fetch(prog: Program, handle: Object) -> List[int]:
    """The program counters of a stack depot handle (as drgn's stackdepot helper)."""
    if not handle.value_():
        return []
    parts = reinterpret("union handle_parts", handle)
    try:
        pool_index = parts.pool_index_plus_1.value_() - 1
    except AttributeError:
        pool_index = parts.pool_index.value_()
    pool = prog["stack_pools"][pool_index]
    if not pool:
        return []
    rec = Object(
        prog,
        "struct stack_record *",
        value=pool.value_() + (parts.offset.value_() << DEPOT_STACK_ALIGN),
    )
    return [rec.entries[i].value_() for i in range(rec.size.value_())]


def kslab_track(s: Object, obj: int, item: str = "alloc") -> Optional[KslabTrack]:
    """
    The alloc or free track of object @obj (its start), or None when the
    cache keeps none (no SLAB_STORE_USER) or the record is empty.
    """
    prog = s.prog_
    # cache.c gives the tracks an offset (past the object) only with
    # SLAB_STORE_USER, whose value changed in 6.10 and is no DWARF constant
    if not s.track_offset.value_():
        return None
    tracks = Object(
        prog,
        prog.array_type(prog.type("struct kslab_track"), 2),
        address=obj + s.track_offset.value_(),
    )
    t = tracks[0 if item == "alloc" else 1]
    if not t.addr.value_():
        return None
    return KslabTrack(
        addr=t.addr.value_(),
        cpu=t.cpu.value_(),
        pid=t.pid.value_(),
        when=t.when.value_(),
        stack=_stack_depot_fetch(prog, t.handle),
    )


class KslabObjectInfo(NamedTuple):
    """What kslab knows of an address (see kslab_object_info())."""

    cache: Object  # struct kslab_cache *
    slab: Object  # struct page * (the slab's head page)
    address: int  # the object's start
    index: int  # in its slab
    state: str  # live, free-list, magazine, remote, depot (with where), quarantined
    node_list: str  # the node list the slab is on


def kslab_object_info(prog: Program, addr: int) -> Optional[KslabObjectInfo]:
    """
    The kslab object containing @addr, or None when @addr is in no kslab
    slab (the kernel's own slabs, a large kslab_kmalloc() allocation, a
    static variable, anything else). Its state: "live", "free-list" (on its
    slab's free list), "magazine (cpu N loaded|previous)", "remote (cpu
    N remote)", "depot (node N magazine I)", "quarantined" (debug.c found
    it corrupt: its first word is KSLAB_QUARANTINE_MAGIC), "live-or-
    quarantined" (unmarked, on a slab holding quarantined objects: one cut
    off a corrupt free list is not marked), or for an address in the
    slab's tail past the last object "none".
    """
    try:
        page = compound_head(virt_to_page(prog, addr))
        if not _pagemap_has(prog, page):
            return None
        m = _slab_meta(page)
        if m.magic.value_() != KSLAB_MAGIC_SLAB:
            return None
    except FaultError:
        return None
    s = cast("struct kslab_cache *", page.private)
    if s.value_() not in {c.value_() for c in for_each_kslab_cache(prog)}:
        return None
    base = page_to_virt(page).value_()
    size, pad = s.size.value_(), s.red_left_pad.value_()
    idx = (addr - base) // size
    states = ["none", "partial", "full", "empty", "isolated"]
    st = m.state.value_()
    node_list = states[st] if st < len(states) else str(st)
    if idx >= m.objects.value_():
        return KslabObjectInfo(s, page, addr, -1, "none", node_list)
    obj = base + idx * size + pad
    if idx in _slab_free_indices(s, page):
        state = "free-list"
    else:
        state = _cached_objects(s).get(obj, "live")
        if state == "live" and m.quarantine.value_():
            if _marked_quarantined(prog, obj):
                state = "quarantined"
            else:
                state = "live-or-quarantined"
    return KslabObjectInfo(s, page, obj, idx, state, node_list)


# Command line --------------------------------------------------------------


def _open(args: argparse.Namespace) -> Program:
    prog = Program()
    if args.core:
        prog.set_core_dump(args.core)
    else:
        prog.set_kernel()
    paths = [p for p in (args.vmlinux, args.module) if p] + (args.extra or [])
    try:
        if paths:
            prog.load_debug_info(paths, default=not args.vmlinux)
        else:
            prog.load_default_debug_info()
    except Exception as e:  # drgn reports what it could not load; go on
        print("kslab_drgn: note: " + " ".join(str(e).split()), file=sys.stderr)
    return prog


def _print_track(prog: Program, s: Object, obj: int) -> None:
    for item, verb in (("alloc", "allocated"), ("free", "freed")):
        t = kslab_track(s, obj, item)
        if t is None:
            continue
        print(f"  {verb} by {kslab_symbol(prog, t.addr)} cpu {t.cpu} pid {t.pid} jiffies {t.when}")
        for pc in t.stack:
            print(f"    {kslab_symbol(prog, pc)}")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        description="kslab's caches in a crash dump or the running kernel (drgn)"
    )
    ap.add_argument("-c", "--core", help="vmcore / QEMU dump (default: the running kernel)")
    ap.add_argument("-s", "--vmlinux", help="vmlinux with debug info")
    ap.add_argument("-m", "--module", help="kslab.ko with debug info")
    ap.add_argument("-e", "--extra", action="append", help="another module's .ko (symbols, types)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("slabinfo", help="/proc/kslabinfo as it was")
    sub.add_parser("caches", help="each cache: flags, sizes, slabs, live objects")
    p = sub.add_parser("info", help="classify addresses")
    p.add_argument("addr", nargs="+")
    p = sub.add_parser("objects", help="a cache's live objects")
    p.add_argument("cache")
    p.add_argument("-t", "--type", help="cast each to a pointer to this type and print it")
    p = sub.add_parser("magazines", help="a cache's per-CPU magazines and per-node depots")
    p.add_argument("cache")
    args = ap.parse_args(argv)
    prog = _open(args)

    if args.cmd == "slabinfo":
        sys.stdout.write(kslab_slabinfo(prog))
    elif args.cmd == "caches":
        for s in for_each_kslab_cache(prog):
            i = kslab_cache_info(s)
            print(
                f"{s.value_():#x} {i.name}: object_size {s.object_size.value_()} size {i.objsize}"
                f" flags {s.flags.value_():#x} order {s.order.value_()} objects/slab {i.objperslab}"
                f" slabs {i.num_slabs} (partial {i.partial_slabs}) objects {i.num_objs}"
                f" live {i.active_objs} off-slab {i.inuse_objs} in depots {i.depot_objs}"
            )
    elif args.cmd == "info":
        for a in args.addr:
            addr = int(a, 0)
            info = kslab_object_info(prog, addr)
            if info is None:
                print(f"{addr:#x}: not in a kslab slab")
                continue
            print(
                f"{addr:#x}: cache {info.cache.name.string_().decode()} slab {info.slab.value_():#x}"
                f" ({info.node_list}) index {info.index} object {info.address:#x} {info.state}"
            )
            if info.index >= 0:
                _print_track(prog, info.cache, info.address)
    elif args.cmd in ("objects", "magazines"):
        s = find_kslab_cache(prog, args.cache)
        if s is None:
            print(f"kslab_drgn: no cache {args.cache}", file=sys.stderr)
            return 1
        if args.cmd == "objects":
            for o in kslab_cache_for_each_live_object(s, args.type):
                print(o[0] if args.type else f"{o.value_():#x}")
        else:
            for cpu, kind, objs in kslab_cpu_magazines(s):
                if objs or kind == "loaded":
                    shown = " ".join(f"{o:#x}" for o in objs[:8])
                    print(f"cpu {cpu} {kind}: {len(objs)} objects {shown}{' ...' if len(objs) > 8 else ''}")
            for nid, nr_empty, mags in kslab_node_depots(s):
                print(
                    f"node {nid} depot: {len(mags)} full magazines"
                    f" ({sum(len(m) for m in mags)} objects), {nr_empty} empty"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
