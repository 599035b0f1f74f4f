#!/bin/bash
# Run every libFuzzer harness for a while under ASan and UBSan, growing the corpora in
# test/fuzz/corpus (commit what they add). Needs a build configured with
#     CC=clang ../configure --enable-fuzzing --enable-sanitizers
#     test/fuzz/run.sh BUILD_DIR [SECONDS_EACH]        (default 600)
set -euo pipefail
build=${1:?build dir}
secs=${2:-600}
src=$(cd "$(dirname "$0")/../.." && pwd)
for h in config primitive cni_args result; do
        echo "== fuzz_$h for ${secs}s"
        mkdir -p "$build/fuzz-new/$h"
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                "$build/test/fuzz/fuzz_$h" -max_total_time="$secs" -print_final_stats=1 \
                -max_len=65536 -timeout=10 "$build/fuzz-new/$h" "$src/test/fuzz/corpus/$h" 2>&1 |
                grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY)' || true
        # keep only inputs that add coverage
        "$build/test/fuzz/fuzz_$h" -merge=1 "$src/test/fuzz/corpus/$h" "$build/fuzz-new/$h" >/dev/null 2>&1 || true
done
