#!/usr/bin/python3
"""Ethernet frames through a macvtap's character device, as Kata's QEMU uses it.

  macvtap_frames.py tap-send /dev/tapN DST SRC PAYLOAD   write one frame into the device
  macvtap_frames.py tap-recv /dev/tapN PAYLOAD            wait for a frame carrying PAYLOAD
  macvtap_frames.py sock-send IFNAME DST SRC PAYLOAD      send one frame with a packet socket
  macvtap_frames.py sock-recv IFNAME PAYLOAD              wait for it on a packet socket

A macvtap queue opens with IFF_VNET_HDR set (drivers/net/tap.c, tap_open), so every frame
through the device is preceded by a struct virtio_net_hdr (10 bytes), as QEMU's vhost-net
sees it. Frames use the local experimental EtherType 0x88b5. Receivers print "got" and exit 0,
or exit 1 after 5 s.
"""
import os
import select
import socket
import sys
import time

ETHERTYPE = 0x88B5
VNET_HDR = bytes(10)  # no checksum offload, no GSO


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def frame(dst, src, payload):
    return mac(dst) + mac(src) + ETHERTYPE.to_bytes(2, "big") + payload.encode()


def wait_for(read, payload):
    want = payload.encode()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        data = read(deadline - time.monotonic())
        if data and data[12:14] == ETHERTYPE.to_bytes(2, "big") and want in data:
            print("got")
            return 0
    return 1


def main(argv):
    op = argv[1]
    if op == "tap-send":
        fd = os.open(argv[2], os.O_RDWR)
        os.write(fd, VNET_HDR + frame(argv[3], argv[4], argv[5]))
        return 0
    if op == "tap-recv":
        fd = os.open(argv[2], os.O_RDWR)

        def read(left):
            r, _, _ = select.select([fd], [], [], max(left, 0))
            return os.read(fd, 65536)[len(VNET_HDR):] if r else None

        print("ready", flush=True)
        return wait_for(read, argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
    s.bind((argv[2], ETHERTYPE))
    if op == "sock-send":
        s.send(frame(argv[3], argv[4], argv[5]))
        return 0
    if op == "sock-recv":

        def read(left):
            s.settimeout(max(left, 0.01))
            try:
                return s.recv(65536)
            except socket.timeout:
                return None

        print("ready", flush=True)
        return wait_for(read, argv[3])
    raise SystemExit("unknown operation " + op)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
