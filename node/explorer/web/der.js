// Just enough DER for the receipt verifier: the SubjectPublicKeyInfo, names and validity of an
// X.509 certificate, and ECDSA signatures turned from DER into the raw r||s form WebCrypto
// takes. Strict: definite lengths only, no trailing bytes, minimal integers.

import { fromBase64, fromUtf8 } from './bytes.js';

// One TLV at `at`: {tag, start (of the TLV), body (start of its contents), end}.
function tlv(bytes, at, limit = bytes.length) {
  if (at + 2 > limit) throw new Error('DER element truncated');
  const tag = bytes[at];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER high tag numbers are not used here');
  let len = bytes[at + 1];
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new Error('DER length form not supported');
    if (body + n > limit) throw new Error('DER length truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | bytes[body + i];
    if (len < 0x80 || (n > 1 && bytes[body] === 0)) throw new Error('DER length not minimal');
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new Error('DER element runs past its parent');
  return { tag, start: at, body, end };
}

// The children of a constructed element.
function children(bytes, el) {
  const out = [];
  for (let at = el.body; at < el.end; ) {
    const c = tlv(bytes, at, el.end);
    out.push(c);
    at = c.end;
  }
  return out;
}

function expect(el, tag, what) {
  if (el.tag !== tag) throw new Error(`${what}: unexpected DER tag 0x${el.tag.toString(16)}`);
  return el;
}

export function pemToDer(pem, label = 'CERTIFICATE') {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (!m) throw new Error(`no ${label} PEM block`);
  return fromBase64(m[1].replace(/\s+/g, ''));
}

const OID_COMMON_NAME = '2.5.4.3';

function oidText(bytes) {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function commonName(bytes, name) {
  for (const rdn of children(bytes, name)) {
    for (const atv of children(bytes, rdn)) {
      const [oid, value] = children(bytes, atv);
      if (oidText(bytes.subarray(oid.body, oid.end)) === OID_COMMON_NAME) {
        return fromUtf8(bytes.subarray(value.body, value.end));
      }
    }
  }
  return '';
}

// An X.509 certificate: the parts the verifier needs, as byte views into `der`.
export function parseCertificate(der) {
  const cert = expect(tlv(der, 0), 0x30, 'certificate');
  if (cert.end !== der.length) throw new Error('bytes after the certificate');
  const [tbs, alg, sig] = children(der, cert);
  expect(tbs, 0x30, 'tbsCertificate');
  expect(alg, 0x30, 'signatureAlgorithm');
  expect(sig, 0x03, 'signature');
  let parts = children(der, tbs);
  if (parts[0].tag === 0xa0) parts = parts.slice(1);  // [0] version
  const [, , issuer, validity, subject, spki] = parts;
  if (!spki) throw new Error('tbsCertificate too short');
  expect(spki, 0x30, 'subjectPublicKeyInfo');
  if (der[sig.body] !== 0) throw new Error('signature BIT STRING has unused bits');
  return {
    der,
    tbs: der.subarray(tbs.start, tbs.end),
    signatureAlgorithm: der.subarray(alg.start, alg.end),
    signature: der.subarray(sig.body + 1, sig.end),
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
    subjectCommonName: commonName(der, subject),
    validity: children(der, validity).map((t) => timeMs(der, t)),
    spki: der.subarray(spki.start, spki.end),
  };
}

// UTCTime (0x17) or GeneralizedTime (0x18), Z only, as unix milliseconds.
function timeMs(bytes, el) {
  const text = String.fromCharCode(...bytes.subarray(el.body, el.end));
  let m;
  if (el.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))) {
    const yy = Number(m[1]);
    return Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, m[2] - 1, m[3], m[4], m[5], m[6]);
  }
  if (el.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))) {
    return Date.UTC(Number(m[1]), m[2] - 1, m[3], m[4], m[5], m[6]);
  }
  throw new Error('certificate validity time is not in a supported form');
}

// DER ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER } -> 64 bytes r||s (P-256). Only the
// canonical encoding is accepted, as OpenSSL's verifier accepts only that.
export function ecdsaDerToRaw(der, size = 32) {
  const seq = expect(tlv(der, 0), 0x30, 'ECDSA signature');
  if (seq.end !== der.length) throw new Error('bytes after the ECDSA signature');
  const ints = children(der, seq);
  if (ints.length !== 2) throw new Error('ECDSA signature is not two integers');
  const out = new Uint8Array(2 * size);
  ints.forEach((el, i) => {
    expect(el, 0x02, 'ECDSA integer');
    let v = der.subarray(el.body, el.end);
    if (v.length === 0 || v[0] & 0x80) throw new Error('ECDSA integer is empty or negative');
    if (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) throw new Error('ECDSA integer not minimal');
    if (v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new Error('ECDSA integer too large for the curve');
    out.set(v, (i + 1) * size - v.length);
  });
  return out;
}
