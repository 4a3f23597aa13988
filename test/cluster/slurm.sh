#!/usr/bin/env bash
# npm run test:cluster: the study as a Slurm job array on a one-node Slurm started here (root, Debian).
# Installs slurm-wlm and munge where missing, starts munged, slurmctld and slurmd (state and logs in a
# temp folder), submits docs/cluster.md's job script for experiments/small.json as 4 tasks, cancels
# one task while it runs and requeues it, waits, and checks the merged shards against a
# single-process run of the same spec (test/cluster/compare.ts). Stops what it started, also on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
spec=$repo/experiments/small.json
tasks=4

if [ "$(id -u)" != 0 ]; then echo "test:cluster: needs root (it starts the Slurm daemons as root)" >&2; exit 1; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "test:cluster: installing slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
[ -f dist/cli/main.js ] || npm run build:ts >/dev/null

tmp=$(mktemp -d -t scratchnet-slurm.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$tmp/slurmctld.pid" ]; then
    scancel --full "${job:-0}" 2>/dev/null
    for _ in $(seq 30); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 1; done
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${ref_pid:-}" ] && kill "$ref_pid" 2>/dev/null
  if [ "$rc" != 0 ]; then
    echo "test:cluster: FAILED (exit $rc); logs:" >&2
    tail -n 20 "$tmp"/*.log "$tmp"/jobs/slurm-*.out 2>/dev/null >&2
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
host=$(hostname -s)
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/jobs"

# munge: a fresh key, its own socket
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge.key"
munged --force --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed"
pids+=("$(cat "$tmp/munged.pid")")

cat >"$tmp/slurm.conf" <<EOF
ClusterName=scratchnet-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock,cred_expire=10
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
JobCompType=jobcomp/filetxt
JobCompLoc=$tmp/jobcomp.log
JobRequeue=1
KillWait=5
MinJobAge=600
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -D -c -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 & pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$tmp/slurmd.log" 2>&1 & pids+=($!)
for i in $(seq 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  [ "$i" = 60 ] && { echo "test:cluster: the Slurm node did not come up" >&2; exit 1; }
  sleep 1
done
echo "test:cluster: Slurm $(sinfo -V | cut -d' ' -f2) up on $host: $(sinfo -h -o '%P %T %c CPUs')"

# the job script of docs/cluster.md, as written there
sed -n '/<!-- slurm-script:begin -->/,/<!-- slurm-script:end -->/p' docs/cluster.md | sed '1,2d;$d' | sed '$d' >"$tmp/study.sbatch"
grep -q '^#SBATCH --array=1-4' "$tmp/study.sbatch" || { echo "test:cluster: no job script found in docs/cluster.md" >&2; exit 1; }

export SCRATCHNET="node $repo/bin/scratchnet.js" SCRATCHNET_BACKEND=wasm SCRATCHNET_THREADS=1
t0=$SECONDS
job=$(cd "$tmp/jobs" && sbatch --parsable --array=1-$tasks "$tmp/study.sbatch" "$spec")
echo "test:cluster: submitted job array $job (tasks 1-$tasks)"
# the single-process reference, alongside
(cd "$tmp" && $SCRATCHNET ablate --spec "$spec" --out "$tmp/reference.jsonl" >"$tmp/reference.log" 2>&1) & ref_pid=$!

# the task to stop: the 2nd, once it has written a result and is training the next
victim=${job}_2
shard2=$tmp/jobs/runs/small/results-2of$tasks.jsonl
states() { squeue -h -r -j "$job" -o '%i=%T' 2>/dev/null | sort | tr '\n' ' '; }
last=''
watch_states() { local now; now=$(states); [ "$now" != "$last" ] && echo "  t=$((SECONDS - t0))s squeue: ${now:-(none left)}"; last=$now; }
for i in $(seq 600); do
  watch_states
  [ -s "$shard2" ] && [ "$(wc -l <"$shard2")" -ge 3 ] && break
  [ "$i" = 600 ] && { echo "test:cluster: task 2 wrote no results" >&2; exit 1; }
  sleep 0.5
done
before=$(wc -l <"$shard2")
echo "test:cluster: scancel $victim while it runs ($before runs in its file)"
scancel "$victim"
for i in $(seq 60); do
  watch_states
  squeue -h -r -j "$job" -o '%i' | grep -qx "$victim" || break
  sleep 0.5
done
echo "test:cluster: scontrol requeue $victim"
scontrol requeue "$victim"
for i in $(seq 900); do
  watch_states
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  [ "$i" = 900 ] && { echo "test:cluster: the array did not finish in 15 minutes" >&2; exit 1; }
  sleep 1
done
echo "test:cluster: array done after $((SECONDS - t0)) s"
wait "$ref_pid" || { cat "$tmp/reference.log" >&2; exit 1; }
ref_pid=''

echo "test:cluster: job-completion log (jobcomp/filetxt):"
while read -r line; do
  echo "  $(grep -oE '(^| )(ArrayJobId|ArrayTaskId|JobState|StartTime|EndTime|ExitCode)=[^ ]+' <<<"$line" | paste -sd' ' | tr -s ' ')"
done <"$tmp/jobcomp.log"
echo "test:cluster: scontrol: $(scontrol -o show job "$job" | grep -oE 'JobId=[0-9]+ ArrayJobId=[0-9]+ ArrayTaskId=[0-9]+|JobState=[A-Z]+|Restarts=[0-9]+' | paste -sd' ' | sed 's/ JobId=/\n  JobId=/g')"
echo "test:cluster: the requeued task's log:"
victim_log=$tmp/jobs/slurm-scratchnet-study-${job}_2.out
grep -E '^ablate:|^  [a-z]' "$victim_log" | grep -v 'ETA' | sed 's/^/  /' || true
grep -q 'interrupted by SIGTERM' "$victim_log" || { echo "test:cluster: the cancelled task did not stop on SIGTERM" >&2; exit 1; }
grep -q 'resuming from its checkpoint' "$victim_log" || { echo "test:cluster: the requeued task did not resume its run from a checkpoint" >&2; exit 1; }

cd "$tmp/jobs"
$SCRATCHNET ablate --spec "$spec" --status
$SCRATCHNET report runs/small/results-*of$tasks.jsonl --out report/results.md 2>&1 | grep -E '^report: (complete|incomplete|warning)'
cd "$repo"
node --import tsx test/cluster/compare.ts "$spec" "$tmp/reference.jsonl" "$tmp"/jobs/runs/small/results-*of$tasks.jsonl
grep -q 'JobState=CANCELLED' "$tmp/jobcomp.log" || { echo "test:cluster: the job-completion log shows no cancelled task" >&2; exit 1; }
echo "test:cluster: passed in $((SECONDS - t0)) s"
