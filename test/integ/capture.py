"""Capture neighbour announcements on every interface of this netns (AF_PACKET, ETH_P_ALL).

capture.py SECONDS READY_FILE: touches READY_FILE once listening, then prints one line per
announcement seen within SECONDS: "garp <ip> <mac>" for an ARP request whose sender and
target address are the same, "na <target> <mac>" for an ICMPv6 neighbour advertisement with
the override flag and a target link-layer address option.
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sock.settimeout(0.2)
open(sys.argv[2], "w").close()
deadline = time.time() + float(sys.argv[1])
seen = set()


def mac(b):
    return ":".join("%02x" % x for x in b)


while time.time() < deadline:
    try:
        frame = sock.recv(2048)
    except socket.timeout:
        continue
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == 0x0806 and len(frame) >= 42:
        op = struct.unpack("!H", frame[20:22])[0]
        sha, spa, tpa = frame[22:28], frame[28:32], frame[38:42]
        if op == 1 and spa == tpa:
            seen.add("garp %s %s" % (socket.inet_ntop(socket.AF_INET, spa), mac(sha)))
    elif ethertype == 0x86DD and len(frame) >= 14 + 40 + 24:
        ip6 = frame[14:54]
        icmp = frame[54:]
        if ip6[6] == 58 and icmp[0] == 136 and icmp[4] & 0x20:
            target = socket.inet_ntop(socket.AF_INET6, icmp[8:24])
            opt = icmp[24:32]
            if len(opt) == 8 and opt[0] == 2:
                seen.add("na %s %s" % (target, mac(opt[2:8])))
for line in sorted(seen):
    print(line)
