#!/usr/bin/env bash
# The end-to-end demo behind `make demo`: a one-validator network from genesis/local/, an
# institution enrolls a reporting unit, submits a signed report, gets a receipt and verifies it
# offline; a tampered receipt is refused. Exits 0 only if every step did what it should.
set -euo pipefail

BUILD=${1:-build/release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RL="$ROOT/$BUILD/client/regledger"
RLD="$ROOT/$BUILD/node/regledgerd"
WORK=$(mktemp -d /tmp/regledger-demo.XXXXXX)
NODE_PID=""

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '   \033[32mok\033[0m %s\n' "$*"; }
die() { printf '\n\033[31mDEMO FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

cleanup() {
  if [[ -n "$NODE_PID" ]] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[[ -x "$RL" && -x "$RLD" ]] || die "binaries not built in $BUILD (run make build)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

step "1. Create a one-validator network from genesis/local/network.json"
PORT=$(free_port)
"$RL" genesis init --definition "$ROOT/genesis/local/network.json" --out "$WORK/net" --api-port "$PORT"
NET="$WORK/net"
ADMIN="$NET/accounts/regulator-admin"
export REGLEDGER_NODE="https://127.0.0.1:$PORT" REGLEDGER_CA="$NET/ca/root.pem"
openssl verify -CAfile "$NET/ca/root.pem" "$NET/nodes/node0/node.pem" >/dev/null \
  || die "openssl does not accept the node certificate"
ok "openssl verify accepts the node certificate"

step "2. Start the validator (regledgerd --home $NET/nodes/node0)"
"$RLD" --home "$NET/nodes/node0" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 100); do
  curl -sf --cacert "$NET/ca/root.pem" "$REGLEDGER_NODE/healthz" >/dev/null 2>&1 && break
  kill -0 "$NODE_PID" 2>/dev/null || { cat "$WORK/node.log"; die "node exited during start-up"; }
  sleep 0.1
done
"$RL" status
ok "node is serving HTTPS (TLS 1.3) on 127.0.0.1:$PORT"

step "3. The regulator registers an institution and its reporting account"
"$RL" org register --as "$ADMIN" --id bank-a --name "Bank A plc" --kind institution
printf 'demo-password-%s\n' "$RANDOM$RANDOM" >"$WORK/reporter.pw"
"$RL" account register --as "$ADMIN" --id bank-a-reporting --org bank-a --role reporter \
  --permission 0105 --password-file "$WORK/reporter.pw"
ok "account bank-a-reporting: permission 0105 (input+output, level 05)"

step "4. Enroll the reporting unit: key pair, CSR, certificate from the issuing CA, bound on the ledger"
"$RL" account enroll --as "$ADMIN" --account bank-a-reporting --org bank-a \
  --issuer-cert "$NET/ca/issuing.pem" --issuer-key "$NET/ca/issuing.key" --out "$WORK/bank-a"
openssl verify -CAfile "$NET/ca/root.pem" -untrusted "$NET/ca/issuing.pem" "$WORK/bank-a/cert.pem" >/dev/null \
  || die "openssl does not accept the account certificate"
ok "openssl verify accepts the account certificate"

step "5. Submit a signed capital adequacy report and wait for the commit"
cat >"$WORK/report.json" <<'JSON'
{"institution": "bank-a", "period": "2026-Q3", "cet1_ratio": 14.2, "total_capital": 1250000000}
JSON
"$RL" report submit --as "$WORK/bank-a" --template capital-adequacy --period 2026-Q3 \
  --file "$WORK/report.json" --receipt "$WORK/receipt.json"

step "6. Query the ledger"
"$RL" report list --org bank-a
TX=$("$RL" --json report list --org bank-a \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["reports"][0]["report_id"])')
"$RL" tx get "$TX" | head -n 8

step "7. Verify the receipt offline, with nothing but genesis.json"
"$RL" verify "$WORK/receipt.json" --genesis "$NET/genesis.json" || die "valid receipt refused"

step "8. Flip one byte of the signed transaction in the receipt: verification must fail"
python3 - "$WORK/receipt.json" "$WORK/tampered.json" <<'PY'
import base64, json, sys
r = json.load(open(sys.argv[1]))
tx = bytearray(base64.b64decode(r["tx"]))
tx[len(tx) // 2] ^= 0x01
r["tx"] = base64.b64encode(bytes(tx)).decode()
json.dump(r, open(sys.argv[2], "w"), indent=2)
PY
if "$RL" verify "$WORK/tampered.json" --genesis "$NET/genesis.json"; then
  die "a tampered receipt was accepted"
fi
ok "tampered receipt refused"

step "9. Stop the node cleanly (SIGTERM)"
kill -TERM "$NODE_PID"
wait "$NODE_PID" && rc=0 || rc=$?
NODE_PID=""
tail -n 2 "$WORK/node.log"
[[ $rc -eq 0 ]] || die "node exited with status $rc"
ok "node stopped with status 0"

printf '\n\033[1;32mDEMO PASSED\033[0m: enroll, submit, commit, query, receipt verified offline, tampering detected.\n'
