#!/bin/bash
# What test/vm/ovs_kernel.sh runs in the guest: the OVS suites on the kernel datapath, then the
# kernel features this host lacks. Every suite runs even after one fails; the first failure's
# status is the result.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/vm/kernel-lib.sh"
require_vm
export OSVIF_OVS_DATAPATH=system
# everything is 10-25 times slower under TCG: ovs_robust's 50 concurrent ADDs become 10
export OSVIF_CONCURRENCY=${OSVIF_CONCURRENCY:-10}
suites="${OSVIF_VM_SUITES:-test/vm/ovs_datapath.sh test/integ/ovs.sh test/integ/ovs_hybrid.sh
        test/integ/ovs_robust.sh test/integ/hostdev_ovs.sh test/vm/vlan.sh test/vm/netdevsim.sh
        test/vm/macvtap.sh test/integ/direct_vlan.sh test/vm/hostdev_pf.sh}"
rc=0
for s in $suites; do
        start=$(date +%s)
        echo "== $s"
        r=0
        bash "$OSVIF_SRCDIR/$s" || r=$?
        echo "== $s: $([ $r = 0 ] && echo PASS || echo "FAIL ($r)") in $(($(date +%s) - start)) s"
        [ $rc != 0 ] || rc=$r
done
exit $rc
