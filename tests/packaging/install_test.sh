#!/usr/bin/env bash
# Packaging check (ctest label `tool`, decision 0069). From a Release build directory:
#   1. `cmake --install` into a temporary DESTDIR with prefix /usr, as the package does: every
#      file where it belongs, with its mode;
#   2. the installed unit: every hardening key present, `systemd-analyze verify` silent, and
#      `systemd-analyze security --offline` exposure at most 2.0;
#   3. the installed regledgerd --check-config accepts the installed default config (with a
#      genesis, key and certificates from the installed `regledger genesis init`) and refuses it
#      with a typo'd key or a bad log level, naming them;
#   4. `cpack -G DEB` builds the package; dpkg-deb lists the expected files, library dependencies
#      from dpkg-shlibdeps, the conffile and the maintainer scripts.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/regledger-install-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DEST=$WORK/root

passed=0
ok() {
  echo "ok: $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL: $*" >&2
  echo "$passed passed, 1 failed" >&2
  exit 1
}
# expect_output NAME WANT_STATUS WANT_TEXT COMMAND...: runs COMMAND, checks its exit status and
# that its combined output contains WANT_TEXT.
expect_output() {
  local name=$1 want_status=$2 want_text=$3
  shift 3
  local out status=0
  out=$("$@" 2>&1) || status=$?
  [[ $status -eq $want_status ]] || fail "$name: exit status $status, expected $want_status: $out"
  [[ $out == *"$want_text"* ]] || fail "$name: output lacks '$want_text': $out"
  ok "$name: $out"
}

# ---- 1. make install's rules into a DESTDIR ------------------------------------------------
DESTDIR=$DEST cmake --install "$BUILD" --prefix /usr >"$WORK/install.log"
echo "installed $(grep -c '^-- Installing' "$WORK/install.log") files into $DEST"
for f in usr/bin/regledgerd usr/bin/regledger; do
  [[ -x $DEST/$f ]] || fail "$f is not installed as an executable"
done
for f in usr/lib/systemd/system/regledgerd.service usr/lib/sysusers.d/regledger.conf \
  usr/lib/tmpfiles.d/regledger.conf etc/regledger/config.json \
  usr/share/doc/regledger/README.md usr/share/doc/regledger/operations.md \
  usr/share/doc/regledger/architecture.md usr/share/doc/regledger/api/openapi.yaml \
  usr/share/doc/regledger/prometheus/alerts.yml; do
  [[ -f $DEST/$f ]] || fail "$f is not installed"
done
mode() { stat -c %a "$DEST/$1"; }
[[ $(mode etc/regledger) == 750 ]] || fail "etc/regledger has mode $(mode etc/regledger), not 750"
[[ $(mode etc/regledger/config.json) == 640 ]] ||
  fail "etc/regledger/config.json has mode $(mode etc/regledger/config.json), not 640"
grep -qx 'u regledger - "RegLedger node" /var/lib/regledger /usr/sbin/nologin' \
  "$DEST/usr/lib/sysusers.d/regledger.conf" || fail "sysusers.d does not create the regledger user"
ok "installed: binaries, unit, sysusers.d, tmpfiles.d, /etc/regledger/config.json (0640 in a 0750 directory), docs"

# A second install keeps the operator's config and puts the default beside it.
echo '{"name": "edited by the operator"}' >"$DEST/etc/regledger/config.json"
DESTDIR=$DEST cmake --install "$BUILD" --prefix /usr >"$WORK/reinstall.log"
grep -q 'edited by the operator' "$DEST/etc/regledger/config.json" ||
  fail "a second install overwrote the operator's config.json"
cmp -s "$DEST/etc/regledger/config.json.default" "$SRC/packaging/config.json" ||
  fail "a second install did not write config.json.default"
mv "$DEST/etc/regledger/config.json.default" "$DEST/etc/regledger/config.json"
ok "reinstall: the operator's config.json kept, the default written as config.json.default"

# ---- 2. the unit ---------------------------------------------------------------------------
UNIT=$DEST/usr/lib/systemd/system/regledgerd.service
required=(
  "User=regledger"
  "Group=regledger"
  "ExecStartPre=/usr/bin/regledgerd --home /etc/regledger --check-config"
  "ExecStart=/usr/bin/regledgerd --home /etc/regledger"
  "RestartPreventExitStatus=2"
  "StateDirectory=regledger"
  "RuntimeDirectory=regledger"
  "ReadWritePaths=/var/lib/regledger"
  "UMask=0077"
  "NoNewPrivileges=yes"
  "CapabilityBoundingSet="
  "AmbientCapabilities="
  "ProtectSystem=strict"
  "ProtectHome=yes"
  "PrivateTmp=yes"
  "PrivateDevices=yes"
  "ProtectKernelTunables=yes"
  "ProtectKernelModules=yes"
  "ProtectControlGroups=yes"
  "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"
  "RestrictNamespaces=yes"
  "RestrictSUIDSGID=yes"
  "MemoryDenyWriteExecute=yes"
  "LockPersonality=yes"
  "SystemCallArchitectures=native"
  "SystemCallFilter=@system-service"
  "SystemCallFilter=~@privileged"
)
for line in "${required[@]}"; do
  grep -qxF -- "$line" "$UNIT" || fail "the installed unit lacks the line '$line'"
done
ok "unit: all ${#required[@]} required lines present (user, paths, hardening)"

# systemd-analyze verify resolves ExecStart= on this machine, so it checks a copy whose binary
# paths point into DESTDIR; everything else is the installed unit byte for byte. It exits 0 on
# unknown keys and bad values, so any output at all is a failure.
command -v systemd-analyze >/dev/null ||
  fail "systemd-analyze is missing (scripts/install-deps.sh installs Debian's systemd package)"
mkdir -p "$WORK/verify"
sed "s#=/usr/bin/regledgerd#=$DEST/usr/bin/regledgerd#" "$UNIT" >"$WORK/verify/regledgerd.service"
grep -q "^ExecStart=$DEST/usr/bin/regledgerd" "$WORK/verify/regledgerd.service" ||
  fail "could not point the unit's ExecStart into DESTDIR"
verify_out=$(cd "$WORK" && systemd-analyze verify "$WORK/verify/regledgerd.service" 2>&1) ||
  fail "systemd-analyze verify failed: $verify_out"
[[ -z $verify_out ]] || fail "systemd-analyze verify reported: $verify_out"
ok "systemd-analyze verify: no complaint (systemd $(systemd-analyze --version | head -1 | awk '{print $2}'))"
security_out=$(cd "$WORK" &&
  systemd-analyze security --offline=true --threshold=20 "$WORK/verify/regledgerd.service" 2>&1) ||
  fail "systemd-analyze security: exposure above 2.0: $(tail -1 <<<"$security_out")"
ok "systemd-analyze security --offline: $(tail -1 <<<"$security_out" | sed 's/^→ //')"

# ---- 3. --check-config on the installed default config --------------------------------------
# The installed config in place, with what the operator copies in from `genesis init`'s home.
"$DEST/usr/bin/regledger" genesis init --definition "$SRC/genesis/local/network.json" \
  --out "$WORK/net" >"$WORK/genesis.log" 2>&1 || fail "genesis init: $(cat "$WORK/genesis.log")"
HOME_DIR=$DEST/etc/regledger
for f in genesis.json node.pem node.key ca.pem kek.key; do
  cp -p "$WORK/net/nodes/node0/$f" "$HOME_DIR/$f"
done
expect_output "check-config, installed config" 0 \
  "config OK: node0 (validator), chain regledger-local, api 127.0.0.1:8443, p2p 127.0.0.1:26656, metrics 127.0.0.1:9464, log_level info" \
  "$DEST/usr/bin/regledgerd" --home "$HOME_DIR" --check-config

# bad_config HOME SED-EXPRESSION: a copy of the installed home with config.json edited.
bad_config() {
  rm -rf "$WORK/bad" && cp -a "$HOME_DIR" "$WORK/bad"
  sed -i "$1" "$WORK/bad/config.json"
  cmp -s "$HOME_DIR/config.json" "$WORK/bad/config.json" && fail "sed '$1' changed nothing"
  return 0
}
bad_config 's/"port": 8443/"prot": 8443/'
expect_output "check-config, typo in a section" 1 \
  "config check FAILED: bad_config: unknown key 'api.prot' in config.json" \
  "$DEST/usr/bin/regledgerd" --home "$WORK/bad" --check-config
bad_config 's/"admin_socket"/"admin_sokcet"/'
expect_output "check-config, typo at the top level" 1 \
  "config check FAILED: bad_config: unknown key 'admin_sokcet' in config.json" \
  "$DEST/usr/bin/regledgerd" --home "$WORK/bad" --check-config
bad_config 's/"log_level": "info"/"log_level": "verbose"/'
expect_output "check-config, bad log level" 1 "log_level 'verbose' is not one of" \
  "$DEST/usr/bin/regledgerd" --home "$WORK/bad" --check-config

# ---- 4. the Debian package ---------------------------------------------------------------
(cd "$WORK" && cpack -G DEB -B "$WORK/pkg" --config "$BUILD/CPackConfig.cmake") \
  >"$WORK/cpack.log" 2>&1 || fail "cpack: $(cat "$WORK/cpack.log")"
DEB=$(ls "$WORK"/pkg/regledger_*.deb 2>/dev/null | head -1)
[[ -n $DEB ]] || fail "cpack made no regledger_*.deb: $(cat "$WORK/cpack.log")"
dpkg-deb -c "$DEB" >"$WORK/contents"
for f in ./usr/bin/regledgerd ./usr/bin/regledger ./usr/lib/systemd/system/regledgerd.service \
  ./usr/lib/sysusers.d/regledger.conf ./usr/lib/tmpfiles.d/regledger.conf \
  ./etc/regledger/config.json ./usr/share/doc/regledger/operations.md; do
  grep -q " $f\$" "$WORK/contents" || fail "the package lacks $f"
done
grep -q '^-rw-r----- root/root .* ./etc/regledger/config.json$' "$WORK/contents" ||
  fail "config.json is not 0640 root/root in the package: $(grep config.json "$WORK/contents")"
dpkg-deb -I "$DEB" >"$WORK/info"
depends=$(sed -n 's/^ Depends: //p' "$WORK/info")
for lib in libssl3 libprotobuf libstdc++6 libtcmalloc-minimal4 libprometheus-cpp 'adduser | systemd'; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
mkdir "$WORK/control" && dpkg-deb -e "$DEB" "$WORK/control"
grep -qx /etc/regledger/config.json "$WORK/control/conffiles" || fail "config.json is not a conffile"
for s in postinst prerm postrm; do
  [[ -x $WORK/control/$s ]] || fail "maintainer script $s missing or not executable"
  sh -n "$WORK/control/$s" || fail "maintainer script $s does not parse"
done
grep -q 'systemd-sysusers /usr/lib/sysusers.d/regledger.conf' "$WORK/control/postinst" ||
  fail "postinst does not create the user"
mkdir "$WORK/x" && dpkg-deb -x "$DEB" "$WORK/x"
cmp -s "$WORK/x/usr/lib/systemd/system/regledgerd.service" "$UNIT" ||
  fail "the packaged unit differs from the one make install wrote"
ok "package $(basename "$DEB") ($(du -k "$DEB" | cut -f1) KiB, $(grep -c . "$WORK/contents") entries): Depends: $depends"

echo "$passed passed, 0 failed"
