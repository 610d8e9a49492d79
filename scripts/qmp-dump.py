#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# qmp-dump.py SOCKET CORE - over QEMU's QMP socket, write the guest's memory
# to CORE as a compressed kdump file (dump-guest-memory: the guest is
# stopped while it runs; with -device vmcoreinfo it carries the kernel's
# VMCOREINFO, which drgn reads as it reads a kdump vmcore), then quit QEMU. Used by
# scripts/boot.sh's dump mode. In kdump's compressed format, which drgn
# reads through libkdumpfile: QEMU 7.2's ELF dumps do not serve drgn
# 0.0.22. Without paging, an ELF dump holds physical addresses only, and
# drgn 0.0.22 reads the top level of the kernel's page table
# (swapper_pg_dir) by its virtual address: "recursive address
# translation". With paging, QEMU writes no data past the first RAM block
# (here node 0's memory): node 1's memory reads as zeroes.
import json
import os
import socket
import struct
import sys

sock_path, core = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
f = s.makefile("rw")


def command(name, **args):
    f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
    f.flush()
    while True:  # skip asynchronous events (STOP, RESUME, DUMP_COMPLETED)
        reply = json.loads(f.readline())
        if "return" in reply:
            return reply["return"]
        if "error" in reply:
            sys.exit(f"qmp-dump: {name}: {reply['error'].get('desc')}")


json.loads(f.readline())  # the greeting
command("qmp_capabilities")
flat = core + ".flat"
command("dump-guest-memory", paging=False, protocol="file:" + flat, format="kdump-zlib")
command("quit")

# QEMU 7.2 writes makedumpfile's flattened format (what `makedumpfile -R`
# reassembles): a 4 KiB header, then records of a big-endian offset and
# size and that many bytes to write at the offset, up to an offset of -1.
with open(flat, "rb") as src, open(core, "wb") as dst:
    if not src.read(4096).startswith(b"makedumpfile"):
        sys.exit("qmp-dump: not a flattened kdump file: " + flat)
    while True:
        offset, size = struct.unpack(">qq", src.read(16))
        if offset < 0:
            break
        dst.seek(offset)
        dst.write(src.read(size))
os.unlink(flat)

# QEMU fills only the machine of the header's utsname; libkdumpfile takes
# none of it (and so no architecture) unless all five fields are set.
with open(core, "r+b") as f:
    head = f.read(1 << 20)
    at = head.find(b"OSRELEASE=")
    release = head[at + 10:head.index(b"\n", at)] if at >= 0 else b"0.0.0"
    for i, field in enumerate((b"Linux", b"kslab-guest", release, b"#1")):
        f.seek(12 + 65 * i)  # struct new_utsname after the 8-byte signature and version
        f.write(field[:64].ljust(65, b"\0"))
