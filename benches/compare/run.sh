#!/usr/bin/env bash
# Reproduces the README's performance table: builds the release binary,
# generates the 1000-job workspace and bundle, and times each command against
# its baseline (best and median of RUNS runs, wall time), plus peak memory.
#
#   benches/compare/run.sh [JOBS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${1:-1000}
runs=${2:-7}
out=target/bench/ws$jobs
cargo build --release --quiet --bin dlf-bundle --example generate --example floor
[ -f "$out/jobs.zip" ] || ./target/release/examples/generate --jobs "$jobs" --nodes 8 --script-kb 6 --out "$out"
bin=./target/release/dlf-bundle
here=benches/compare

# time_it LABEL COMMAND...: prints "LABEL best median" in seconds.
time_it() {
  local label=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '{a[NR]=$1} END {printf "%-28s best %.3f s  median %.3f s\n", label, a[1], a[int((NR+1)/2)]}'
}

first100=$(seq -f 'job_%05g' 0 99 | tr '\n' ' ')
export_args=()
for job in $first100; do export_args+=(--job "$job"); done

echo "== validate (1000-job bundle: $(du -h "$out/jobs.zip" | cut -f1) zipped)"
time_it "dlf-bundle validate" "$bin" validate --max-entries 1000000 "$out/jobs.zip"
time_it "unzip -p > /dev/null" sh -c "unzip -p '$out/jobs.zip' > /dev/null"
time_it "python zipfile + json" python3 "$here/read_all.py" "$out/jobs.zip"
# The floor (benches/compare/floor.rs): read, inflate with libdeflate, parse into IgnoredAny.
time_it "floor" ./target/release/examples/floor "$out/jobs.zip"
echo "== export of 100 jobs"
time_it "dlf-bundle export" "$bin" export --workspace "$out/workspace" "${export_args[@]}" -o "$out/export.zip"
# shellcheck disable=SC2086
time_it "python export" python3 "$here/export.py" "$out/workspace" "$out/export-py.zip" $first100
echo "== pack of the unpacked workspace"
time_it "dlf-bundle pack" "$bin" pack --max-entries 1000000 "$out/workspace" -o "$out/pack.zip"
time_it "zip -r -6" sh -c "cd '$out/workspace' && rm -f ../zip.zip && zip -qr -6 ../zip.zip ."
echo "sizes: dlf-bundle pack $(stat -c %s "$out/pack.zip") bytes, zip -r -6 $(stat -c %s "$out/zip.zip") bytes"
echo "== remap with every connection mapped, against pack of the same definitions"
printf '[connection]\ndli_conn = "dli_conn_prod"\necs_host = "ecs_host_prod"\nmrs_hive = "mrs_hive_prod"\n' > "$out/prod.toml"
rm -rf "$out/unpacked" && "$bin" unpack "$out/jobs.zip" --dir "$out/unpacked" > /dev/null
time_it "dlf-bundle remap" "$bin" remap "$out/jobs.zip" --map "$out/prod.toml" -o "$out/remapped.zip"
# A map that touches 1% of the entries (the resources of five jobs in a thousand, and their scripts).
printf '[obs_path]\n' > "$out/one-percent.toml"
for i in 0 1 2 3 4; do printf '"obs://dlf-resources/udf_000%s" = "obs://prod-resources/udf_000%s"\n' "$i" "$i" >> "$out/one-percent.toml"; done
time_it "dlf-bundle remap (1%)" "$bin" remap "$out/jobs.zip" --map "$out/one-percent.toml" -o "$out/remapped-1.zip"
time_it "dlf-bundle set (one value)" "$bin" set "$out/jobs.zip" --max-entries 1000000 --job job_00007 --node node_2 retryTimes=3 -o "$out/set.zip"
time_it "dlf-bundle pack (same)" "$bin" pack --max-entries 1000000 "$out/unpacked" -o "$out/repacked.zip"
echo "== diff, against validate of one bundle"
rm -rf "$out/changed" && cp -r "$out/unpacked" "$out/changed"
for job in $(seq -f 'job_%05g' 0 9); do sed -i '0,/"dli_conn"/s//"dli_conn_v2"/' "$out/changed/jobs/$job/$job.job"; done
for script in $(find "$out/changed/jobs/job_00005" -name '*.script' | sort | head -5); do sed -i '0,/select/s//SELECT/' "$script"; done
"$bin" pack --max-entries 1000000 "$out/changed" -o "$out/changed.zip" > /dev/null
rm -rf "$out/one" && cp -r "$out/unpacked" "$out/one"
sed -i '0,/"dli_conn"/s//"dli_conn_v2"/' "$out/one/jobs/job_00007/job_00007.job"
"$bin" pack --max-entries 1000000 "$out/one" -o "$out/one.zip" > /dev/null
time_it "dlf-bundle diff (one job)" "$bin" diff "$out/jobs.zip" "$out/one.zip"
time_it "dlf-bundle diff (15 changed)" "$bin" diff "$out/jobs.zip" "$out/changed.zip"
time_it "dlf-bundle diff (remapped)" "$bin" diff "$out/jobs.zip" "$out/remapped.zip"
time_it "dlf-bundle validate" "$bin" validate --max-entries 1000000 "$out/jobs.zip"
echo "== whole-workspace export in batches, against pack of the workspace"
time_it "dlf-bundle export --split" sh -c "rm -rf '$out/batches' && '$bin' export --workspace '$out/workspace' --all --split 100 -o '$out/batches'"
time_it "dlf-bundle pack (workspace)" "$bin" pack --max-entries 1000000 "$out/workspace" -o "$out/pack.zip"
echo "== peak memory"
/usr/bin/time -f "dlf-bundle validate: %M KiB peak" "$bin" validate --max-entries 1000000 "$out/jobs.zip" > /dev/null
/usr/bin/time -f "dlf-bundle pack: %M KiB peak" "$bin" pack --max-entries 1000000 "$out/workspace" -o "$out/pack.zip" 2>&1 >/dev/null | tail -1
# Instruction counts repeat to 0.1% where wall times do not (a shared machine).
if command -v valgrind > /dev/null; then
  echo "== instructions (callgrind), validate against the floor"
  for side in "$bin validate --max-entries 1000000" ./target/release/examples/floor; do
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file=/dev/null $side "$out/jobs.zip" 2>&1 >/dev/null | sed -n "s|.*Collected : *|${side%% *}: |p"
  done
fi
