#!/bin/bash
# The Kubernetes manifests of examples/kubernetes against the Kubernetes API schema (Debian's
# python3-kubernetes models, strictly) and the Multus NAD CRD's schema; see k8s.py.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_cmd /usr/bin/python3
/usr/bin/python3 -c 'import kubernetes.client, jsonschema, yaml' 2>/dev/null ||
        skip "needs python3-kubernetes, python3-jsonschema and python3-yaml"
/usr/bin/python3 "$OSVIF_SRCDIR/test/pkg/k8s.py" "$OSVIF_SRCDIR"
