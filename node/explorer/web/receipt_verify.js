// Receipt verification in the browser, against the genesis file alone (the same checks as
// ledger::verify_receipt and `regledger verify`, decision 0067 says which are left out):
//   tx bytes -> SHA-256 Merkle path -> the block header's tx_root -> the header's hash -> the
//   commit certificate's precommit signatures by more than 2/3 of the genesis validators'
//   power; then the transaction's own signature and its signer's certificate chain.
// Signatures are checked with WebCrypto (ECDSA P-256 with SHA-256). WebCrypto has no SM2 or
// SM3, so an sm2-sm3 network is refused as "cannot verify here", never passed.
//
// verifyReceipt() returns {verdict: 'valid'|'invalid'|'unsupported', reason, checks}, each check
// {name, status: 'pass'|'fail'|'unsupported'|'skipped', detail}. It never throws.

import { concat, equal, fromBase64, fromHex, hex, sha256, uintBE, utf8 } from './bytes.js';
import { ecdsaDerToRaw, parseCertificate, pemToDer } from './der.js';
import { decodeCommit, decodeHeader, decodeTx } from './wire.js';

const SUITE = 'p256-sha256';
// AlgorithmIdentifier { ecdsa-with-SHA256 } (RFC 5758: no parameters).
const ECDSA_WITH_SHA256 = fromHex('300a06082a8648ce3d040302');

// A failed check: carries its reason to the report.
class CheckFailed extends Error {}
// A receipt the browser cannot judge either way (another suite, validator-set handoffs).
class Unsupported extends Error {}

function must(condition, reason) {
  if (!condition) throw new CheckFailed(reason);
}

function importKey(spki) {
  return crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ]);
}

// True when `der` is a valid ECDSA P-256/SHA-256 signature of `message` by `key`; a signature
// that is not canonical DER is simply not valid.
async function ecdsaVerify(key, der, message) {
  let raw;
  try {
    raw = ecdsaDerToRaw(der);
  } catch {
    return false;
  }
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, message);
}

// proto/vote_sign_bytes.hpp
function voteSignBytes(chainId, height, round, blockHash) {
  const id = utf8(chainId);
  return concat(
    utf8('regledger/vote/v1'),
    new Uint8Array([0]),
    uintBE(id.length, 2),
    id,
    uintBE(height, 8),
    uintBE(round, 4),
    new Uint8Array([2, blockHash.length]),  // 2 = precommit
    blockHash,
  );
}

// ledger::validator_set_hash
function validatorSetBytes(validators) {
  const parts = [utf8('regledger/valset/v1'), new Uint8Array([0])];
  for (const v of validators) parts.push(uintBE(v.power, 8), uintBE(v.spki.length, 4), v.spki);
  return concat(...parts);
}

// RFC 9162 section 2.1.3.2, as crypto::merkle_verify_inclusion.
async function merkleRoot(leafHash, index, size, proof) {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) return null;  // a longer path than the tree is deep
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(concat(new Uint8Array([1]), p, r));
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await sha256(concat(new Uint8Array([1]), r, p));
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CheckFailed(`the ${what} is not JSON (${e.message})`);
  }
}

function b64(obj, key, what) {
  must(typeof obj[key] === 'string', `${what} has no "${key}"`);
  try {
    return fromBase64(obj[key]);
  } catch {
    throw new CheckFailed(`${what}'s "${key}" is not base64`);
  }
}

function uint(obj, key, what) {
  const v = obj[key];
  must(Number.isSafeInteger(v) && v >= 0, `${what}'s "${key}" is not a non-negative integer`);
  return v;
}

// Each step reads and extends `s` (the state so far) and returns its detail line.
const STEPS = [
  [
    'Genesis file',
    async (s) => {
      const g = parseJson(s.genesisText, 'genesis file');
      must(g && typeof g.chain_id === 'string' && g.chain_id !== '', 'genesis has no chain_id');
      if (g.suite !== SUITE) {
        throw new Unsupported(
          `this network's suite is "${g.suite}": WebCrypto has no SM2 signatures or SM3 hashes, ` +
            'so the browser cannot verify its receipts. Use `regledger verify` instead.',
        );
      }
      must(Array.isArray(g.validators) && g.validators.length > 0, 'genesis lists no validators');
      s.validators = [];
      for (const [i, v] of g.validators.entries()) {
        const power = v.power === undefined ? 1 : v.power;
        must(Number.isSafeInteger(power) && power > 0, `validator ${i}'s power is not positive`);
        let spki;
        try {
          spki = parseCertificate(pemToDer(v.certificate)).spki;
        } catch (e) {
          throw new CheckFailed(`validator ${i}'s certificate does not parse: ${e.message}`);
        }
        let key;
        try {
          key = await importKey(spki);
        } catch {
          throw new CheckFailed(`validator ${i}'s key is not a P-256 public key`);
        }
        s.validators.push({ name: v.name, power: BigInt(power), spki, key });
      }
      s.totalPower = s.validators.reduce((n, v) => n + v.power, 0n);
      s.genesis = g;
      return `chain "${g.chain_id}", suite ${g.suite}, ${s.validators.length} validators, ` +
        `total power ${s.totalPower}`;
    },
  ],
  [
    'Receipt format',
    async (s) => {
      const r = parseJson(s.receiptText, 'receipt');
      must(r && typeof r === 'object' && !Array.isArray(r), 'the receipt is not a JSON object');
      must(r.version === 1, 'unsupported receipt version');
      must(typeof r.chain_id === 'string', 'the receipt has no chain_id');
      if (Array.isArray(r.validator_handoffs) && r.validator_handoffs.length > 0) {
        throw new Unsupported(
          `the receipt carries ${r.validator_handoffs.length} validator-set change(s); the ` +
            'browser verifies only blocks of the genesis validator set. Use `regledger verify`.',
        );
      }
      s.receipt = {
        chainId: r.chain_id,
        height: uint(r, 'height', 'receipt'),
        index: uint(r, 'index', 'receipt'),
        txCount: uint(r, 'tx_count', 'receipt'),
        tx: b64(r, 'tx', 'receipt'),
        header: b64(r, 'header', 'receipt'),
        commit: b64(r, 'commit', 'receipt'),
      };
      must(s.receipt.index < s.receipt.txCount, 'index is not below tx_count');
      must(Array.isArray(r.proof) && r.proof.length <= 64, 'proof is not an array of hashes');
      s.receipt.proof = r.proof.map((p) => {
        must(typeof p === 'string' && /^[0-9a-f]{64}$/i.test(p), 'a proof entry is not a hash');
        return fromHex(p);
      });
      const chain = Array.isArray(r.signer_chain) ? r.signer_chain : [];
      s.receipt.signerChain = chain.map((c, i) => b64({ c }, 'c', `signer_chain[${i}]`));
      return `height ${s.receipt.height}, tx ${s.receipt.index + 1} of ${s.receipt.txCount}, ` +
        `proof of ${s.receipt.proof.length} hashes`;
    },
  ],
  [
    'Chain',
    async (s) => {
      must(
        s.receipt.chainId === s.genesis.chain_id,
        `the receipt is for chain "${s.receipt.chainId}", the genesis is "${s.genesis.chain_id}"`,
      );
      return `receipt and genesis name chain "${s.genesis.chain_id}"`;
    },
  ],
  [
    'Block header',
    async (s) => {
      try {
        s.header = decodeHeader(s.receipt.header);
      } catch (e) {
        throw new CheckFailed(`the block header does not decode: ${e.message}`);
      }
      must(s.header.chainId === s.genesis.chain_id, 'the block header names another chain');
      must(s.header.height === BigInt(s.receipt.height),
        `the header's height ${s.header.height} differs from the receipt's ${s.receipt.height}`);
      must(s.header.txCount === s.receipt.txCount,
        `the header's tx_count ${s.header.txCount} differs from the receipt's`);
      return `height ${s.header.height}, ${s.header.txCount} txs, ` +
        `time ${new Date(Number(s.header.timeMs)).toISOString()}`;
    },
  ],
  [
    'Validator set',
    async (s) => {
      const h = await sha256(validatorSetBytes(s.validators));
      must(equal(h, s.header.validatorsHash),
        "the genesis validators do not hash to the header's validators_hash: the block was " +
          'made by a validator set this genesis does not know');
      return `the genesis validators hash to the header's validators_hash ${hex(h)}`;
    },
  ],
  [
    'Transaction hash',
    async (s) => {
      try {
        s.tx = decodeTx(s.receipt.tx);
      } catch (e) {
        throw new CheckFailed(`the transaction does not decode: ${e.message}`);
      }
      s.txId = await sha256(s.tx.body);
      s.leaf = await sha256(concat(new Uint8Array([0]), s.receipt.tx));
      return `tx id SHA-256(body) = ${hex(s.txId)}; Merkle leaf ${hex(s.leaf)}`;
    },
  ],
  [
    'Merkle path',
    async (s) => {
      const root = await merkleRoot(s.leaf, s.receipt.index, s.receipt.txCount, s.receipt.proof);
      must(root !== null, 'the Merkle path does not fit a tree of tx_count leaves');
      must(equal(root, s.header.txRoot),
        `Merkle path does not lead to the header's tx root (it leads to ${hex(root)}, the ` +
          `header has ${hex(s.header.txRoot)})`);
      return `leaf ${s.receipt.index} with ${s.receipt.proof.length} sibling hashes leads to ` +
        `tx_root ${hex(root)}`;
    },
  ],
  [
    'Header hash',
    async (s) => {
      s.blockHash = await sha256(s.receipt.header);
      return `block hash SHA-256(header) = ${hex(s.blockHash)}`;
    },
  ],
  [
    'Commit certificate',
    async (s) => {
      try {
        s.commit = decodeCommit(s.receipt.commit);
      } catch (e) {
        throw new CheckFailed(`the commit certificate does not decode: ${e.message}`);
      }
      must(s.commit.height === BigInt(s.receipt.height), 'the certificate is for another height');
      must(equal(s.commit.blockHash, s.blockHash), 'the certificate is for another block hash');
      must(s.commit.signatures.length <= s.validators.length, 'more signatures than validators');
      return `round ${s.commit.round}, ${s.commit.signatures.length} precommit signatures for ` +
        `block ${hex(s.blockHash)}`;
    },
  ],
  [
    'Precommit signatures',
    async (s) => {
      const msg = voteSignBytes(s.genesis.chain_id, s.receipt.height, s.commit.round, s.blockHash);
      const seen = new Set();
      s.signedPower = 0n;
      const signers = [];
      for (const sig of s.commit.signatures) {
        const i = sig.validatorIndex;
        must(i < s.validators.length, `validator index ${i} is not in the genesis set`);
        must(!seen.has(i), `validator ${i} signed twice`);
        seen.add(i);
        const v = s.validators[i];
        must(await ecdsaVerify(v.key, sig.signature, msg),
          `validator ${i} (${v.name})'s precommit signature does not verify`);
        s.signedPower += v.power;
        signers.push(`${i} ${v.name}`);
      }
      return `ECDSA P-256 signatures verify for validators ${signers.join(', ')}`;
    },
  ],
  [
    'Voting power',
    async (s) => {
      must(3n * s.signedPower > 2n * s.totalPower,
        `signed power ${s.signedPower} of ${s.totalPower} is not more than 2/3`);
      return `signed power ${s.signedPower} of ${s.totalPower} is more than 2/3`;
    },
  ],
  [
    'Transaction',
    async (s) => {
      must(s.tx.chainId === s.genesis.chain_id, 'the transaction names another chain');
      return `${s.tx.payload || 'unknown payload'} by ${s.tx.signer}, nonce ${s.tx.nonce}`;
    },
  ],
  [
    'Signer certificate',
    async (s) => {
      must(s.receipt.signerChain.length > 0, 'the receipt carries no signer certificate');
      try {
        s.signerCert = parseCertificate(s.receipt.signerChain[0]);
      } catch (e) {
        throw new CheckFailed(`the signer certificate does not decode: ${e.message}`);
      }
      must(equal(await sha256(s.signerCert.der), s.tx.signerCertId),
        'the signer certificate is not the one the transaction names');
      must(s.signerCert.subjectCommonName === s.tx.signer,
        `the signer certificate names "${s.signerCert.subjectCommonName}", not the signing ` +
          `account "${s.tx.signer}"`);
      return `certificate ${hex(s.tx.signerCertId)} for "${s.tx.signer}"`;
    },
  ],
  [
    'Transaction signature',
    async (s) => {
      let key;
      try {
        key = await importKey(s.signerCert.spki);
      } catch {
        throw new CheckFailed("the signer certificate's key is not a P-256 key");
      }
      const msg = concat(utf8('regledger/tx/v1'), new Uint8Array([0]), s.tx.body);
      must(await ecdsaVerify(key, s.tx.signature, msg),
        'the transaction signature does not verify');
      return "the transaction's ECDSA P-256 signature verifies with the signer certificate's key";
    },
  ],
  [
    'Certificate chain',
    async (s) => {
      const parseAll = (pems, what) =>
        (Array.isArray(pems) ? pems : []).map((pem, i) => {
          try {
            return parseCertificate(pemToDer(pem));
          } catch (e) {
            throw new CheckFailed(`genesis ${what} ${i} does not parse: ${e.message}`);
          }
        });
      const roots = parseAll(s.genesis.root_certificates, 'root certificate');
      const pool = parseAll(s.genesis.intermediate_certificates, 'intermediate certificate');
      for (const [i, der] of s.receipt.signerChain.slice(1).entries()) {
        try {
          pool.push(parseCertificate(der));
        } catch (e) {
          throw new CheckFailed(`signer_chain[${i + 1}] does not decode: ${e.message}`);
        }
      }
      // The ledger checks validity at the block's time, in whole seconds.
      const at = Number(s.header.timeMs / 1000n) * 1000;
      const signs = async (issuer, cert) => {
        if (!equal(issuer.subject, cert.issuer)) return false;
        if (!equal(cert.signatureAlgorithm, ECDSA_WITH_SHA256)) return false;
        try {
          return await ecdsaVerify(await importKey(issuer.spki), cert.signature, cert.tbs);
        } catch {
          return false;
        }
      };
      const path = [];
      let cert = s.signerCert;
      for (let depth = 0; depth < 8; depth++) {
        const [from, to] = cert.validity;
        must(from <= at && at <= to,
          `certificate "${cert.subjectCommonName}" was not valid at the block's time`);
        path.push(cert.subjectCommonName);
        for (const root of roots) {
          if (await signs(root, cert)) {
            const [rfrom, rto] = root.validity;
            must(rfrom <= at && at <= rto, 'the genesis root was not valid at the block\'s time');
            path.push(`${root.subjectCommonName} (genesis root)`);
            return `${path.join(' \u2190 ')}; ECDSA signatures and validity at block time ` +
              'checked (certificate extensions are checked only by `regledger verify`)';
          }
        }
        let next = null;
        for (const c of pool) if (await signs(c, cert)) next = c;
        must(next !== null,
          `certificate "${cert.subjectCommonName}" does not chain to a genesis root`);
        cert = next;
      }
      throw new CheckFailed('the certificate chain is longer than 8');
    },
  ],
];

export async function verifyReceipt(genesisText, receiptText) {
  const s = { genesisText, receiptText };
  const checks = [];
  let verdict = 'valid';
  let reason = '';
  for (const [name, run] of STEPS) {
    if (verdict !== 'valid') {
      checks.push({ name, status: 'skipped', detail: 'not checked: stopped at an earlier check' });
      continue;
    }
    try {
      checks.push({ name, status: 'pass', detail: await run(s) });
    } catch (e) {
      verdict = e instanceof Unsupported ? 'unsupported' : 'invalid';
      reason = e instanceof CheckFailed || e instanceof Unsupported ? e.message
        : `${name}: unexpected error: ${e.message}`;
      const status = verdict === 'unsupported' ? 'unsupported' : 'fail';
      checks.push({ name, status, detail: reason });
    }
  }
  return { verdict, reason, checks };
}
