#!/usr/bin/env bash
# The Debian package installed for real (ctest label `tool`, decision 0069): `dpkg -i` inside a
# private mount and network namespace whose /etc, /usr, /var and /run are overlays on a tmpfs, so
# nothing reaches the machine and no port is shared with it. Checks that postinst creates the
# user and gives it its directories, that the packaged node runs as that user from the packaged
# config with its home read-only (as ProtectSystem=strict makes it) and the admin socket in
# /run/regledger, stops with status 0 on SIGTERM, and that purge keeps the ledger's data.
# systemd itself does not run here (no PID 1 systemd): the unit's sandbox is checked by
# systemd-analyze in install_test.sh.
# Needs root and mount namespaces; without them it is reported as skipped (exit 77).
# Usage: deb_install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

passed=0
ok() {
  echo "ok: $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL: $*" >&2
  [[ -f ${NODE_LOG:-/nonexistent} ]] && sed 's/^/  node: /' "$NODE_LOG" >&2
  echo "$passed passed, 1 failed" >&2
  exit 1
}

if [[ ${1:-} == --inside ]]; then
  # ---- inside the namespace -----------------------------------------------------------------
  DEB=$2 NET=$3 WORK=$4
  NODE_LOG=$WORK/ov/node.log
  mount --make-rprivate /
  mkdir -p "$WORK/ov" && mount -t tmpfs tmpfs "$WORK/ov"
  for d in etc usr var run; do
    mkdir -p "$WORK/ov/$d/up" "$WORK/ov/$d/work"
    mount -t overlay overlay \
      -o "lowerdir=/$d,upperdir=$WORK/ov/$d/up,workdir=$WORK/ov/$d/work" "/$d"
  done
  ip link set lo up
  if getent passwd regledger >/dev/null; then
    userdel regledger # a leftover on this machine would hide what postinst does
  fi

  dpkg -i "$DEB" >"$WORK/ov/dpkg.log" 2>&1 || fail "dpkg -i: $(cat "$WORK/ov/dpkg.log")"
  passwd_line=$(getent passwd regledger) || fail "postinst created no regledger user"
  [[ $passwd_line == *":/var/lib/regledger:/usr/sbin/nologin" ]] || fail "user: $passwd_line"
  owner() { stat -c '%U:%G %a' "$1"; }
  [[ $(owner /etc/regledger) == "root:regledger 750" ]] || fail "/etc/regledger: $(owner /etc/regledger)"
  [[ $(owner /etc/regledger/config.json) == "root:regledger 640" ]] ||
    fail "config.json: $(owner /etc/regledger/config.json)"
  [[ $(owner /var/lib/regledger) == "regledger:regledger 750" ]] ||
    fail "/var/lib/regledger: $(owner /var/lib/regledger)"
  ok "dpkg -i: user ($passwd_line), /etc/regledger root:regledger 750, config.json 640, /var/lib/regledger regledger 750"

  # What an operator copies in from genesis init's home: public files and the node key readable
  # by the group, the secret files (KEK, offline master key) owned by its user.
  install -o root -g regledger -m 0640 "$NET"/nodes/node0/{genesis.json,node.pem,ca.pem,node.key} \
    /etc/regledger/
  install -o regledger -g regledger -m 0400 "$NET"/nodes/node0/{kek.key,offline-master.key} \
    /etc/regledger/
  as_node() { setpriv --reuid=regledger --regid=regledger --init-groups "$@"; }
  out=$(as_node regledgerd --home /etc/regledger --check-config 2>&1) || fail "check-config: $out"
  ok "check-config as regledger: $out"

  # As the unit runs it: the service user, umask 0077, the home read-only, /run/regledger made
  # for the user (RuntimeDirectory=); the node is the process itself, as under systemd.
  mount --bind /etc/regledger /etc/regledger
  mount -o remount,bind,ro /etc/regledger
  install -d -o regledger -g regledger -m 0750 /run/regledger
  (umask 077 && exec setpriv --reuid=regledger --regid=regledger --init-groups \
    regledgerd --home /etc/regledger) >"$NODE_LOG" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do
    curl -sf --cacert /etc/regledger/ca.pem https://127.0.0.1:8443/healthz >/dev/null && break
    kill -0 $pid 2>/dev/null || fail "the node exited"
    sleep 0.1
  done
  grep -q 'node started' "$NODE_LOG" || fail "the node did not start"
  [[ $(stat -c %U /proc/$pid) == regledger ]] || fail "the node runs as $(stat -c %U /proc/$pid)"
  status=$(curl -sf --cacert /etc/regledger/ca.pem https://127.0.0.1:8443/v1/status) ||
    fail "GET /v1/status"
  [[ $status == *'"chain_id":"regledger-local"'* ]] || fail "status: $status"
  ok "node up as regledger: $(grep -o 'node started.*' "$NODE_LOG")"
  [[ $(owner /run/regledger/admin.sock) == "regledger:regledger 600" ]] ||
    fail "admin socket: $(owner /run/regledger/admin.sock 2>&1)"
  out=$(as_node regledgerd backup --home /etc/regledger 2>&1) || fail "backup: $out"
  [[ $out == *"backup done (online)"* ]] || fail "backup did not reach the node: $out"
  ok "regledgerd backup reached the node through /run/regledger/admin.sock (mode 600)"
  kill -TERM $pid
  code=0
  wait $pid || code=$?
  [[ $code -eq 0 ]] || fail "SIGTERM: exit status $code"
  for d in data audit backups; do
    [[ $(owner /var/lib/regledger/$d) == "regledger:regledger 700" ]] ||
      fail "/var/lib/regledger/$d: $(owner /var/lib/regledger/$d)"
  done
  ok "SIGTERM: exit status 0; stores in /var/lib/regledger (regledger, 0700); the home read-only throughout"
  umount /etc/regledger

  dpkg -P regledger >"$WORK/ov/purge.log" 2>&1 || fail "dpkg -P: $(cat "$WORK/ov/purge.log")"
  [[ ! -e /usr/bin/regledgerd && ! -e /etc/regledger/config.json ]] ||
    fail "purge left the binary or the conffile"
  [[ -f /var/lib/regledger/data-keys.json && -f /etc/regledger/kek.key ]] ||
    fail "purge deleted the node's data or keys"
  ok "dpkg -P: binary and config.json gone; /var/lib/regledger and the keys kept"
  echo "$passed passed, 0 failed"
  exit 0
fi

# ---- outside: build the package and a one-validator network, then enter the namespace -------
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: dpkg -i needs root"
  exit 77
fi
if ! unshare -mn true 2>/dev/null; then
  echo "SKIPPED: no mount and network namespaces here (unshare -mn)"
  exit 77
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/regledger-deb-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && cpack -G DEB -B "$WORK/pkg" --config "$BUILD/CPackConfig.cmake") \
  >"$WORK/cpack.log" 2>&1 || fail "cpack: $(cat "$WORK/cpack.log")"
DEB=$(ls "$WORK"/pkg/regledger_*.deb)
"$BUILD/client/regledger" genesis init --definition "$SRC/genesis/local/network.json" \
  --validators 1 --out "$WORK/net" >"$WORK/genesis.log" 2>&1 ||
  fail "genesis init: $(cat "$WORK/genesis.log")"
unshare -mn bash "$0" --inside "$DEB" "$WORK/net" "$WORK"
