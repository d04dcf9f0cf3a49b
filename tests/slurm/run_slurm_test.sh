#!/usr/bin/env bash
# The Slurm test of issue 12: a single-node Slurm cluster on 127.0.0.1, in a temporary folder,
# runs scripts/slurm/vigia-array.sh as a job array over a multi-city manifest; `vigia merge`
# then builds the alliance files from the array's city files, and the golden tool must find
# them identical, value for value (timings aside), to a single-process `vigia run` of the same
# manifest.
#
#   usage: run_slurm_test.sh VIGIA GOLDEN SOURCE_DIR      the test (CTest: slurm.ArrayThenMerge...)
#          run_slurm_test.sh --smoke                      only the cluster and an `sbatch --wrap`
#
# The cluster is Debian's slurm-wlm 22.05 and munge, started as root: munged (its key, socket,
# pid and log in the temporary folder), slurmctld -D and slurmd -D, all reading the slurm.conf
# written here (SLURM_CONF), on two free TCP ports of 127.0.0.1. Every daemon started is
# stopped on exit, whatever happens. If they cannot start (not root, packages missing, a
# daemon dies or the node never comes up), the reason is printed and the exit code is 77,
# CTest's skip (SKIP_RETURN_CODE). VIGIA_SLURM_KEEP=1 keeps the temporary folder.
set -uo pipefail

SKIP=77
smoke=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
else
  [ $# -eq 3 ] || { sed -n '8,9p' "$0" >&2; exit 2; }
  vigia=$(realpath "$1") golden=$(realpath "$2") src=$(realpath "$3")
fi

say() { echo "slurm-test: $*"; }
skip() { echo "slurm-test: SKIPPED: $*" >&2; [ -n "${tmp:-}" ] && show_logs; exit $SKIP; }
fail() { echo "slurm-test: FAILED: $*" >&2; [ -n "${tmp:-}" ] && show_logs; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "the daemons must start as root (running as $(id -un))"
for tool in munged mungekey slurmctld slurmd sbatch sinfo scontrol scancel setpriv python3; do
  command -v "$tool" >/dev/null ||
    skip "'$tool' not found: install slurm-wlm and munge (scripts/install-deps.sh --test)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigia-slurm.XXXXXX") || skip "cannot create a temporary folder"
chmod 0700 "$tmp"
pids=()            # every daemon this script started, stopped by cleanup()
names=()           # their names, for the messages
munge_socket=$tmp/munge/munge.socket

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --user=root 2>/dev/null || true
  fi
  # Reverse order: slurmd, slurmctld, then munged, which they need to shut down cleanly.
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${VIGIA_SLURM_KEEP:-0}" = 1 ]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints the last lines of what the daemons wrote on stderr (each also has its own log file
# in $tmp/log, with the same lines once it could open it), after a skip or a failure.
show_logs() {
  local f
  for f in "$tmp"/log/*.stderr.log; do
    [ -s "$f" ] || continue
    echo "---- $(basename "$f" .stderr.log) (last lines)" >&2
    tail -n 15 "$f" >&2
  done
}

now_us() { echo "${EPOCHREALTIME/./}"; }
seconds_since() {
  local us=$(($(now_us) - $1))
  printf '%d.%01d s' $((us / 1000000)) $((us % 1000000 / 100000))
}
# Runs a command under a time limit (s), killed with this script like the daemons below.
guard() {
  local limit=$1
  shift
  setpriv --pdeathsig TERM timeout "$limit" "$@"
}

# Starts a daemon in the foreground, in the background of this script, its stderr in
# log/NAME.stderr.log. Should this script be killed without running its trap (CTest's timeout
# sends SIGKILL), the kernel sends the daemon SIGTERM (setpriv --pdeathsig), so none outlives it.
start_daemon() {
  local name=$1
  setpriv --pdeathsig TERM "$@" >>"$tmp/log/$name.stderr.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

# Two free TCP ports of 127.0.0.1, so that the test does not depend on Slurm's default ports
# (6817, 6818) being free on a shared machine.
read -r ctld_port slurmd_port < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
) || skip "no free TCP port on 127.0.0.1"

mkdir -p "$tmp"/{munge,log,state,spool,run}
chmod 0700 "$tmp"/munge

# ---- munge: its own key, socket, pid, seed and log, nothing of /etc/munge or /run/munge
mungekey --create --keyfile="$tmp/munge/munge.key" >"$tmp/log/mungekey.log" 2>&1 ||
  skip "mungekey failed: $(cat "$tmp/log/mungekey.log")"
chmod 0400 "$tmp/munge/munge.key"
# --force: munged refuses a socket folder that not every user may enter (they would all talk to
# it); here only root does, and the folder stays private (0700).
start_daemon munged --foreground --force --socket="$munge_socket" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/run/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  --log-file="$tmp/log/munged.log" --num-threads=2
for _ in $(seq 50); do [ -S "$munge_socket" ] && break; sleep 0.1; done
[ -S "$munge_socket" ] || skip "munged did not create its socket $munge_socket"
if command -v munge >/dev/null && command -v unmunge >/dev/null; then
  munge --socket="$munge_socket" -n | unmunge --socket="$munge_socket" >/dev/null 2>&1 ||
    skip "munged does not answer on $munge_socket"
fi

# ---- slurm.conf: one node, localhost, every path in the temporary folder
cpus=$(nproc)
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
# Written by tests/slurm/run_slurm_test.sh: a single-node cluster on 127.0.0.1.
ClusterName=vigia-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge_socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
# The node as configured here, whatever the hardware's topology.
SlurmdParameters=config_overrides
MaxArraySize=1001
KillWait=5
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=256 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

start_daemon slurmctld -D -i -f "$SLURM_CONF"
start_daemon slurmd -D -N localhost -f "$SLURM_CONF"

# ---- wait until the node is idle (30 s)
up=0
for _ in $(seq 60); do
  for i in "${!pids[@]}"; do
    kill -0 "${pids[i]}" 2>/dev/null || skip "${names[i]} exited at start:" \
      "$(tail -n 1 "$tmp/log/${names[i]}.stderr.log" 2>/dev/null)"
  done
  state=$(sinfo --noheader --nodes=localhost --format=%t 2>/dev/null | head -n 1)
  if [ "$state" = idle ]; then up=1; break; fi
  sleep 0.5
done
[ $up = 1 ] || { skip "the node did not become idle in 30 s (sinfo: '${state:-no answer}')"; }
say "single-node cluster up: $(sinfo --noheader --format='%P %D %t %c CPUs')"

if [ $smoke = 1 ]; then
  t0=$(now_us)
  # shellcheck disable=SC2016 # expanded by the job's shell, on the node
  job=$(guard 60 sbatch --wait --parsable --chdir="$tmp" --output="$tmp/smoke-%j.out" \
    --wrap 'echo "hello from $(hostname), job $SLURM_JOB_ID"')
  rc=$?
  say "sbatch --wait --wrap: exit $rc, job $job, $(seconds_since "$t0")"
  cat "$tmp"/smoke-*.out 2>/dev/null
  [ $rc = 0 ] || { fail "the smoke job failed"; }
  exit 0
fi

# ---- the batch: the three-city fixture, whose Ville-Haute fails by design (its population
# layer has no field 'habitants'), so that a failed task is also exercised
manifest=$src/tests/data/three_cities/alliance.toml
array_script=$src/scripts/slurm/vigia-array.sh
failing=ville-haute
mkdir -p "$tmp"/{plan,array,single}

"$vigia" plan "$manifest" -o "$tmp/plan" >/dev/null || fail "vigia plan exited $?"
[ -f "$tmp/plan/plan.tsv" ] || fail "vigia plan wrote no $tmp/plan/plan.tsv"
tasks=$(($(wc -l <"$tmp/plan/plan.tsv") - 1))
[ "$tasks" -eq 3 ] || fail "plan.tsv has $tasks tasks, expected 3"

# Prints every task's log (on a failure).
show_task_logs() {
  local f
  for f in "$1"/*.out; do
    echo "---- $(basename "$f")" >&2
    cat "$f" >&2
  done
}

# Submits the array, one task per city, each `vigia run --task env` through the real script,
# its logs in $tmp/logs/$1, and waits. sbatch --wait exits with the highest exit code of the
# tasks: 1, since the task of $failing fails. Then checks each task's own exit code, as
# slurmctld keeps it (MinJobAge): 1 for $failing only, 0 for the others.
submit_array() {
  local logs=$tmp/logs/$1 t0 rc index slug line code expected
  mkdir -p "$logs"
  t0=$(now_us)
  job=$(VIGIA=$vigia guard 80 sbatch --wait --parsable --array=0-$((tasks - 1)) \
    --chdir="$tmp" --output="$logs/%A_%a.out" "$array_script" "$manifest" "$tmp/array")
  rc=$?
  say "$1: sbatch --wait --array=0-$((tasks - 1)) vigia-array.sh: exit $rc (job $job)," \
    "$(seconds_since "$t0")"
  [ -n "$job" ] || { fail "sbatch did not submit the array"; }
  [ $rc = 1 ] || { show_task_logs "$logs"; fail "sbatch --wait exited $rc, expected 1"; }
  while read -r index slug _; do
    [ "$index" = index ] && continue
    line=$(scontrol show job "${job}_${index}" 2>/dev/null | tr -s ' ' '\n')
    code=$(grep '^ExitCode=' <<<"$line" | cut -d= -f2 | cut -d: -f1)
    expected=0
    [ "$slug" = "$failing" ] && expected=1
    say "  task $index ($slug): exit ${code:-?}, run time $(grep '^RunTime=' <<<"$line" | cut -d= -f2)"
    [ "$code" = "$expected" ] ||
      { show_task_logs "$logs"; fail "task $index ($slug) exited '${code:-?}', expected $expected"; }
  done <"$tmp/plan/plan.tsv"
}

submit_array first
for f in "$tmp"/array/alliance.*; do
  [ -e "$f" ] && fail "a task wrote $(basename "$f"): tasks write only their city's files"
done

# The alliance files from the array's city files; the plan names the missing task.
t0=$(now_us)
guard 60 "$vigia" merge "$tmp/array" -o "$tmp/array" --plan "$tmp/plan/plan.tsv" \
  >"$tmp/merge.out" 2>"$tmp/merge.err"
rc=$?
say "vigia merge: exit $rc, $(seconds_since "$t0")"
sed 's/^/  /' "$tmp/merge.err"
[ $rc = 1 ] || { cat "$tmp/merge.out"; fail "vigia merge exited $rc, expected 1 (a missing task)"; }
grep -q "1 $failing" "$tmp/merge.err" || fail "vigia merge did not name task 1 ($failing) missing"

# The same manifest in one process, then value by value (timings aside).
t0=$(now_us)
guard 60 "$vigia" run "$manifest" -o "$tmp/single" --quiet >"$tmp/single.out" 2>"$tmp/single.err"
rc=$?
say "vigia run (one process): exit $rc, $(seconds_since "$t0")"
[ $rc = 1 ] || { cat "$tmp/single.err"; fail "the one-process run exited $rc, expected 1"; }
# (alliance_report.html lists the failed city: with its reason in the batch, as a missing task
# of the plan in the merge.)
"$golden" --ignore-file alliance_report.html "$tmp/single" "$tmp/array" >"$tmp/golden.txt" 2>&1
rc=$?
sed 's/^/  vigia_golden: /' "$tmp/golden.txt" | tail -n 20
[ $rc = 0 ] || fail "array + merge differs from the one-process batch (vigia_golden exit $rc)"
say "array + merge equals the one-process batch"

# The whole array again: the complete cities are a no-op (--skip-complete), their files,
# restyled by the merge, untouched; the failed city is re-run, and fails again.
(cd "$tmp/array" && sha256sum -- *) >"$tmp/before.sha256"
submit_array again
for f in "$tmp"/logs/again/*.out; do
  grep -q "$failing" "$f" && continue
  grep -q "nothing to do" "$f" ||
    { show_task_logs "$tmp/logs/again"; fail "$(basename "$f"): a complete task was re-run"; }
done
(cd "$tmp/array" && sha256sum --quiet -c "$tmp/before.sha256") ||
  fail "re-submitting the array changed the outputs of complete tasks"
say "re-submitted: complete tasks were no-ops (--skip-complete), their files unchanged"
