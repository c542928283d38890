"""Sends to a PSIpc mailbox using only what docs/about_PSIpc.md says (standard library only).

usage: mailbox_send.py <pid> <text> <json>     sends <text> as Text, then <json> as a Json message
       mailbox_send.py <pid> -spoof <fake pid> claims another pid in SCM_CREDENTIALS; prints REFUSED <errno name> when
                                               the kernel refuses (as it does for anyone without CAP_SYS_ADMIN)
"""
import errno
import os
import socket
import struct
import sys


def mailbox_path(pid):
    root = os.environ.get("PSIPC_MAILBOX_ROOT") or "/tmp"
    with open(f"/proc/{pid}/status") as status:
        uid = next(int(line.split()[2]) for line in status if line.startswith("Uid:"))
    return f"{root}/psipc-{uid}/{pid}"


def frame(encoding, payload):
    return b"PI\x01" + bytes([encoding]) + struct.pack(">I", len(payload)) + payload


def main():
    pid = int(sys.argv[1])
    path = mailbox_path(pid)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if sys.argv[2] == "-spoof":
        creds = struct.pack("iII", int(sys.argv[3]), os.getuid(), os.getgid())
        try:
            s.sendmsg([b"I am someone else"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)], 0, path)
            print("SENT")
        except OSError as e:
            print("REFUSED", errno.errorcode[e.errno])
        return
    s.connect(path)
    s.send(sys.argv[2].encode())
    s.send(frame(3, sys.argv[3].encode()))


main()
