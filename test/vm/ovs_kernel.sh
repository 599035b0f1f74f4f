#!/bin/bash
# The kernel features this host's kernel lacks, in a QEMU guest on Debian 12's own kernel
# (test/vm/run.sh): the OVS suites on the kernel datapath (datapath_type=system; with them
# integ/hostdev_ovs.sh, a VF representor as a port of ovs-system), 802.1Q VLAN
# devices, SR-IOV VF settings through a netdevsim PF, a macvtap's /dev/tapN and vhost-net.
# What runs inside is test/vm/kernel.sh.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
exec bash "$OSVIF_SRCDIR/test/vm/run.sh" "$OSVIF_SRCDIR/test/vm/kernel.sh"
