#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for tests, CI and trying hydra/launcher=submitit_slurm
# locally (Debian/Ubuntu, as root):
#   bash scripts/slurm_cluster.sh start    # installs slurmctld, slurmd, slurm-client, munge with apt if missing
#   bash scripts/slurm_cluster.sh status   # exit 0 when running, 3 when not
#   bash scripts/slurm_cluster.sh stop     # cancels the cluster's jobs, stops only what start started
# All the cluster's state (slurm.conf, pid files, logs, spool dirs, a private munged's key and socket)
# lives in ${ZOO_SLURM_DIR:-/var/tmp/zoo-slurm}. export SLURM_CONF=<that dir>/slurm.conf to use it;
# while it runs, /etc/slurm/slurm.conf is also a link to it when that file did not exist, so plain
# sbatch/squeue/scancel work too. The node: this host, all of nproc's CPUs (CR_CPU), no GPUs, no
# accounting (sacct exits 1: "Slurm accounting storage is disabled"), partition "debug". A requeued
# job waits ~cred_expire (10 s) before it can start again (SLURM's default is 120 s). As on any
# SLURM, --signal=USR2@30 reaches job steps (srun) only, B:USR2@30 the batch shell, and both come up
# to ~60 s early; time limits are enforced up to ~30 s late.
set -euo pipefail

state="${ZOO_SLURM_DIR:-/var/tmp/zoo-slurm}"
conf="$state/slurm.conf"
etc_conf=/etc/slurm/slurm.conf
etc_marker="$state/etc-slurm-conf-link"  # exists when start made $etc_conf a link to $conf
munge_dir="$state/munge"
munge_socket="$munge_dir/munge.socket"
host="$(hostname -s)"
partition=debug
cred_expire=10  # seconds; also how long a requeued job waits before it may start again (min 5)
export SLURM_CONF="$conf"
export PATH="$PATH:/usr/sbin:/sbin"
daemons=(munged slurmctld slurmd)

say() { echo "slurm_cluster: $*"; }

need_root() {
  if [[ $EUID -ne 0 ]]; then
    echo "slurm_cluster: $1 must run as root (it installs packages and runs the SLURM daemons as root)." >&2
    exit 2
  fi
}

alive() {  # pid, name: that process runs (a zombie left for init to reap does not count)
  local stat
  [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == "$2"* ]] || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ ${stat:0:1} != [ZX] ]]
}

pid_of() {  # pid of our daemon $1 when it runs (checked against its name, not only the file)
  local pid
  pid="$(cat "$state/$1.pid" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" "$1" || return 1
  echo "$pid"
}

running() { pid_of "$1" > /dev/null; }

node_state() { sinfo -h -N -n "$host" -o %T 2>/dev/null | head -n1; }

fail() {  # message, log file
  say "$1; last lines of $2:" >&2
  tail -n 25 "$2" >&2 2>/dev/null || true
  exit 1
}

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

free_port() {  # the first port of base, base+100, ... that nothing listens on
  local p
  for p in $(seq "$1" 100 $(($1 + 2000))); do
    port_in_use "$p" || { echo "$p"; return; }
  done
  echo "$1"
}

have_binaries() {
  local b
  for b in slurmctld slurmd slurmstepd sbatch squeue sacct scontrol scancel srun sinfo munged mungekey munge; do
    command -v "$b" > /dev/null 2>&1 || return 1
  done
}

daemon_pids() { pgrep -x 'munged|slurmctld|slurmd' 2>/dev/null | sort || true; }

install_packages() {  # Debian's packages; keeps their postinst from starting the system services
  local pkgs=(slurmctld slurmd slurm-client munge) made_policy=0 before after pid svc log="$state/apt.log"
  before="$(daemon_pids)"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then  # invoke-rc.d (sysv and systemd) asks it: 101 = do not start
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  {
    apt-cache show "${pkgs[@]}" > /dev/null 2>&1 || apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; }
  } > "$log" 2>&1 || { ((made_policy)) && rm -f /usr/sbin/policy-rc.d; fail "apt-get install ${pkgs[*]} failed" "$log"; }
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  # Should a service have started anyway (a policy-rc.d of the machine's own allowing it), stop
  # exactly those: through their service, then by the pids that appeared during the install.
  after="$(daemon_pids)"
  for pid in $(comm -13 <(echo "$before") <(echo "$after")); do
    svc="$(cat "/proc/$pid/comm" 2>/dev/null)" || continue
    [[ $svc == munged ]] && svc=munge
    if [[ -d /run/systemd/system ]]; then systemctl stop "$svc" >> "$log" 2>&1 || true
    else service "$svc" stop >> "$log" 2>&1 || true; fi
    sleep 1
    kill "$pid" 2> /dev/null && echo "stopped $svc (pid $pid) started by its package" >> "$log" || true
  done
  installed="installed ${pkgs[*]}; "
}

write_conf() {
  local cpus mem ctld_port slurmd_port
  cpus="$(cpus)"
  mem="$(free -m | awk '/^Mem:/ {print int($2 * 0.95)}')"
  ctld_port="$(free_port 6817)"
  slurmd_port="$(free_port 6818)"
  cat > "$conf" << EOF
# Written by scripts/slurm_cluster.sh start; rewritten at each start of a stopped cluster.
ClusterName=zoo
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
# a private munged; cred_expire is also the wait before a requeued job may start again
AuthInfo=socket=$munge_socket,cred_expire=$cred_expire
StateSaveLocation=$state/slurmctld-state
SlurmdSpoolDir=$state/slurmd-spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# the configured CPUs/memory stand, whatever slurmd finds (containers, cgroup limits)
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
# jobs start at submission anyway; these make held/requeued/eligible-later jobs start within ~2 s
SchedulerParameters=sched_interval=2,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=300
KillWait=5
JobRequeue=1
InactiveLimit=0
OverTimeLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$partition Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

link_etc_conf() {  # plain sbatch/squeue (no SLURM_CONF) read /etc/slurm/slurm.conf
  if [[ -L $etc_conf && "$(readlink "$etc_conf")" == "$conf" ]]; then
    return
  elif [[ -L $etc_conf && ! -e $etc_conf ]] || [[ ! -e $etc_conf && ! -L $etc_conf ]]; then
    mkdir -p "$(dirname "$etc_conf")"
    ln -sfn "$conf" "$etc_conf"
    echo "$etc_conf" > "$etc_marker"
  else
    note="; $etc_conf is not ours: export SLURM_CONF=$conf"
  fi
}

unlink_etc_conf() {
  if [[ -e $etc_marker ]]; then
    [[ -L $etc_conf && "$(readlink "$etc_conf")" == "$conf" ]] && rm -f "$etc_conf"
    rm -f "$etc_marker"
  fi
}

wait_for() {  # seconds, command...: true once the command succeeds
  local end=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < end)) || return 1; sleep 0.5; done
}

munge_ok() { munge -n -S "$munge_socket" 2>/dev/null | unmunge -S "$munge_socket" > /dev/null 2>&1; }
ctld_ok() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
slurmd_ok() { running slurmd && [[ -n "$(node_state)" && "$(node_state)" != unknown* ]]; }

# the CPUs this process may use; nproc reads OMP_NUM_THREADS too (a test run sets it to 1)
cpus() { env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc; }

summary() { echo "node $host, $(cpus) CPUs, partition $partition, node $(node_state || true)"; }

start() {
  need_root start
  local started=() d
  installed="" note=""
  if running munged && running slurmctld && running slurmd; then
    link_etc_conf
    say "already running ($(summary))$note; state in $state"
    return
  fi
  mkdir -p "$state"
  have_binaries || install_packages
  have_binaries || fail "slurm or munge binaries still missing after the install" "$state/apt.log"
  mkdir -p "$state/slurmctld-state" "$state/slurmd-spool" "$munge_dir"
  chmod 755 "$state" "$munge_dir"
  if ! running slurmctld && ! running slurmd; then write_conf; fi
  link_etc_conf

  if ! running munged; then
    if [[ ! -s $munge_dir/munge.key ]]; then
      mungekey --create --keyfile="$munge_dir/munge.key" > /dev/null 2>&1 ||
        dd if=/dev/urandom of="$munge_dir/munge.key" bs=1024 count=1 status=none
    fi
    chmod 600 "$munge_dir/munge.key"
    rm -f "$munge_socket" "$munge_socket.lock"
    munged --socket="$munge_socket" --key-file="$munge_dir/munge.key" --pid-file="$state/munged.pid" \
      --log-file="$state/munged.log" --seed-file="$munge_dir/munged.seed" >> "$state/munged.log" 2>&1 ||
      fail "munged failed to start" "$state/munged.log"
    wait_for 10 munge_ok || fail "munged does not answer on $munge_socket" "$state/munged.log"
    started+=(munged)
  fi
  if ! running slurmctld; then
    slurmctld -f "$conf" >> "$state/slurmctld.log" 2>&1 || fail "slurmctld failed to start" "$state/slurmctld.log"
    wait_for 20 ctld_ok || fail "slurmctld does not answer" "$state/slurmctld.log"
    started+=(slurmctld)
  fi
  if ! running slurmd; then
    slurmd -f "$conf" >> "$state/slurmd.log" 2>&1 || fail "slurmd failed to start" "$state/slurmd.log"
    wait_for 20 slurmd_ok || fail "slurmd did not register with slurmctld" "$state/slurmd.log"
    started+=(slurmd)
  fi
  local end=$((SECONDS + 30)) s
  while :; do
    s="$(node_state)"
    case "$s" in
      idle | mixed | allocated | completing) break ;;
      down* | drain* | fail*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
    esac
    ((SECONDS < end)) || fail "node $host is '$s', not idle, after 30 s" "$state/slurmctld.log"
    sleep 0.5
  done
  for d in "${daemons[@]}"; do running "$d" || fail "$d died" "$state/$d.log"; done
  say "${installed}started ${started[*]} ($(summary))$note; state in $state"
}

not_alive() { ! alive "$@"; }

stop_pid() {  # name: SIGTERM, SIGKILL after 10 s
  local pid
  pid="$(pid_of "$1")" || return 1
  kill "$pid" 2> /dev/null || true
  wait_for 10 not_alive "$pid" "$1" || {
    kill -9 "$pid" 2> /dev/null || true
    wait_for 5 not_alive "$pid" "$1" || true
  }
  rm -f "$state/$1.pid"
}

stop() {
  need_root stop
  local stopped=() jobs=() d
  if running slurmctld; then
    mapfile -t jobs < <(squeue -h -o %A 2>/dev/null || true)
    if ((${#jobs[@]})); then
      scancel "${jobs[@]}" 2>/dev/null || true
      # let slurmd kill them (KillWait=5) before it goes
      wait_for 20 bash -c '[ -z "$(squeue -h -o %A 2>/dev/null)" ]' || true
    fi
  fi
  for d in slurmd slurmctld munged; do
    if stop_pid "$d"; then stopped+=("$d"); fi
  done
  unlink_etc_conf
  if ((${#stopped[@]})); then
    say "stopped ${stopped[*]} (cancelled ${#jobs[@]} job(s)); state kept in $state"
  else
    say "was not running; state in $state"
  fi
}

status() {
  local up=() down=() d
  for d in "${daemons[@]}"; do if running "$d"; then up+=("$d"); else down+=("$d"); fi; done
  if ((${#down[@]} == 0)); then
    say "running ($(summary)); state in $state"
  elif ((${#up[@]} == 0)); then
    say "not running; state in $state"
    return 3
  else
    say "partly running: ${up[*]} up, ${down[*]} down; state in $state"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
