// A small protobuf wire-format reader for the few messages the explorer decodes (block headers,
// commit certificates, transactions; proto/regledger.proto). Every read is bounds-checked and
// throws on malformed input: the bytes come from a node or a file, neither trusted.

import { fromUtf8 } from './bytes.js';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  done() {
    return this.at >= this.bytes.length;
  }

  // A varint of at most 10 bytes, as a BigInt (uint64 fields do not fit a Number).
  varint() {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.at >= this.bytes.length) throw new Error('truncated varint');
      const b = this.bytes[this.at++];
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, value);
    }
    throw new Error('varint longer than 10 bytes');
  }

  take(n) {
    if (n < 0 || this.at + n > this.bytes.length) throw new Error('field runs past the message');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

// Splits a message into {fieldNumber: [values]}: BigInt for varints, Uint8Array for
// length-delimited fields. Fixed-width fields are skipped (none of ours uses them).
export function fields(bytes) {
  const r = new Reader(bytes);
  const out = new Map();
  while (!r.done()) {
    const key = r.varint();
    const number = Number(key >> 3n);
    const type = Number(key & 7n);
    if (number === 0) throw new Error('field number 0');
    let value;
    if (type === WIRE_VARINT) value = r.varint();
    else if (type === WIRE_BYTES) {
      const len = r.varint();
      if (len > BigInt(bytes.length)) throw new Error('length past the message');
      value = r.take(Number(len));
    } else if (type === WIRE_FIXED64) {
      r.take(8);
      continue;
    } else if (type === WIRE_FIXED32) {
      r.take(4);
      continue;
    } else throw new Error(`unsupported wire type ${type}`);
    if (!out.has(number)) out.set(number, []);
    out.get(number).push(value);
  }
  return out;
}

// Last value wins for a singular field, as protobuf parsers do.
function last(f, n) {
  const v = f.get(n);
  return v ? v[v.length - 1] : undefined;
}
function bytesField(f, n) {
  const v = last(f, n);
  if (v === undefined) return new Uint8Array(0);
  if (!(v instanceof Uint8Array)) throw new Error(`field ${n} is not length-delimited`);
  return v;
}
function stringField(f, n) {
  return fromUtf8(bytesField(f, n));
}
function uintField(f, n) {
  const v = last(f, n);
  if (v === undefined) return 0n;
  if (typeof v !== 'bigint') throw new Error(`field ${n} is not a varint`);
  return v;
}

// BlockHeader (proto/regledger.proto). Heights stay BigInt; time_ms is an int64.
export function decodeHeader(bytes) {
  const f = fields(bytes);
  return {
    chainId: stringField(f, 1),
    height: uintField(f, 2),
    timeMs: BigInt.asIntN(64, uintField(f, 3)),
    prevBlockHash: bytesField(f, 4),
    txRoot: bytesField(f, 5),
    appHash: bytesField(f, 6),
    validatorsHash: bytesField(f, 7),
    nextValidatorsHash: bytesField(f, 8),
    proposer: Number(uintField(f, 9)),
    txCount: Number(uintField(f, 10)),
    lastCommitHash: bytesField(f, 11),
  };
}

export function decodeCommit(bytes) {
  const f = fields(bytes);
  const signatures = (f.get(4) || []).map((raw) => {
    if (!(raw instanceof Uint8Array)) throw new Error('a commit signature is not a message');
    const s = fields(raw);
    return { validatorIndex: Number(uintField(s, 1)), signature: bytesField(s, 2) };
  });
  return {
    height: uintField(f, 1),
    round: Number(uintField(f, 2)),
    blockHash: bytesField(f, 3),
    signatures,
  };
}

// TxBody payload field numbers and their names as the API prints them (ledger::payload_name).
const PAYLOADS = new Map([
  [10, 'register_organization'],
  [11, 'register_account'],
  [12, 'bind_certificate'],
  [13, 'submit_report'],
  [14, 'revoke_certificate'],
  [15, 'suspend_account'],
  [16, 'propose'],
  [17, 'approve'],
  [18, 'register_device'],
  [19, 'load_device'],
  [20, 'settle_vouchers'],
  [21, 'set_sealed_report_policy'],
  [22, 'review_report'],
  [23, 'grant_filing_extension'],
  [24, 'store_report_chunk'],
]);

export function decodeTx(bytes) {
  const f = fields(bytes);
  const body = bytesField(f, 1);
  const b = fields(body);
  let payload = '';
  for (const [number, name] of PAYLOADS) if (b.has(number)) payload = name;
  return {
    body,
    signature: bytesField(f, 2),
    signerCertId: bytesField(f, 3),
    chainId: stringField(b, 1),
    nonce: uintField(b, 2),
    expiresAtHeight: uintField(b, 3),
    signer: stringField(b, 4),
    payload,
  };
}
