#!/bin/bash
# schemas/cni-result-1.1.schema.json against the results libcni prints (test/data/results):
# the 1.0.0 and 1.1.0 ones are valid, those of older versions are not (the schema describes
# 1.x only; older results are conversions). The config's schema is held to the examples, the
# corpus and osvif by test/pkg/examples.sh. No root needed.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema (/usr/bin/python3)"

exec /usr/bin/python3 - "$OSVIF_SRCDIR/schemas/cni-result-1.1.schema.json" "$OSVIF_TEST_DATA/results" <<'PY'
import glob, json, os, sys
from jsonschema import Draft202012Validator as V

with open(sys.argv[1]) as f:
    schema = json.load(f)
V.check_schema(schema)
check = V(schema)
bad, n1 = [], 0
results = sorted(glob.glob(os.path.join(sys.argv[2], "*.json")))
for p in results:
    with open(p) as f:
        doc = json.load(f)
    v1 = doc.get("cniVersion", "").startswith("1.")
    n1 += v1
    errors = [e.message[:200] for e in check.iter_errors(doc)]
    if v1 and errors:
        bad.append(f"{os.path.basename(p)}: {errors[0]}")
    elif not v1 and not errors:
        bad.append(f"{os.path.basename(p)}: a {doc.get('cniVersion')} result is valid")
if n1 < 3 or n1 == len(results):
    bad.append(f"fixtures: {n1} of {len(results)} results are 1.x; expected some of each")
for b in bad:
    print("FAIL:", b, file=sys.stderr)
print(f"{len(results)} results checked, {n1} of them 1.x")
sys.exit(1 if bad else 0)
PY
