// Run by tests/cluster/explorer_browser.py inside the explorer's page (Selenium's
// execute_async_script): the page's own modules, imported from the node, against malformed
// protobuf and DER, and against the good receipt changed one field at a time. Arguments:
// the genesis text, the good receipt's text, and the callback. Each case answers
// [name, "ok" or what happened instead].
const [genesisText, receiptText, done] = arguments;
(async () => {
  const wire = await import('./wire.js');
  const der = await import('./der.js');
  const { verifyReceipt } = await import('./receipt_verify.js');
  const out = [];
  const throws = (name, f, needle) => {
    try {
      f();
      out.push([name, 'did not throw']);
    } catch (e) {
      out.push([name, e.message.includes(needle) ? 'ok' : `threw "${e.message}"`]);
    }
  };
  const bytes = (...b) => new Uint8Array(b);
  throws('wire: a truncated varint is refused', () => wire.fields(bytes(0x08, 0x80)), 'truncated');
  throws('wire: an 11-byte varint is refused',
    () => wire.fields(bytes(0x08, ...Array(10).fill(0xff), 0x01)), 'longer than 10');
  throws('wire: a length past the message is refused',
    () => wire.fields(bytes(0x0a, 0x05, 0x01)), 'past the message');
  throws('wire: a huge length is refused',
    () => wire.fields(bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f)), 'length past');
  throws('wire: field number 0 is refused', () => wire.fields(bytes(0x00, 0x01)), 'field number 0');
  throws('wire: wire type 3 is refused', () => wire.fields(bytes(0x0b)), 'unsupported wire type');
  throws('wire: a string field holding a varint is refused',
    () => wire.decodeHeader(bytes(0x08, 0x01)), 'not length-delimited');
  throws('der: a non-minimal ECDSA integer is refused',
    () => der.ecdsaDerToRaw(bytes(0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01)),
    'not minimal');
  throws('der: a negative ECDSA integer is refused',
    () => der.ecdsaDerToRaw(bytes(0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01)), 'negative');
  throws('der: bytes after an ECDSA signature are refused',
    () => der.ecdsaDerToRaw(bytes(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00)),
    'bytes after');
  throws('der: an element longer than its parent is refused',
    () => der.ecdsaDerToRaw(bytes(0x30, 0x06, 0x02, 0x09, 0x01, 0x02, 0x01, 0x01)), 'runs past');
  throws('der: a non-minimal length is refused',
    () => der.ecdsaDerToRaw(bytes(0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01)),
    'not minimal');
  throws('der: a certificate that is not DER is refused',
    () => der.parseCertificate(bytes(0x30, 0x03, 0x02, 0x01)), 'runs past');

  // The good receipt with one thing changed: each must fail at its own check, for its reason.
  const good = JSON.parse(receiptText);
  const gen = JSON.parse(genesisText);
  const cases = [
    ['another chain in the receipt', { ...good, chain_id: 'other' }, genesisText,
      'Chain', 'the receipt is for chain "other"'],
    // Which reason depends on where the receipt's tx sits in its block (its place in the batch
    // varies by run): a neighbour with a path of the same length leads to another root, one with
    // a path of another length does not fit the tree. Either way the Merkle check fails.
    ['another index in the block', { ...good, index: (good.index + 1) % good.tx_count },
      genesisText, 'Merkle path', 'Merkle path'],
    ['a proof hash dropped', { ...good, proof: good.proof.slice(1) }, genesisText,
      'Merkle path', 'Merkle path'],
    ['another tx_count', { ...good, tx_count: good.tx_count + 1 }, genesisText,
      'Block header', "tx_count"],
    ['a genesis with one validator fewer', good,
      JSON.stringify({ ...gen, validators: gen.validators.slice(1) }),
      'Validator set', 'does not know'],
    ['a receipt that is not JSON', null, genesisText, 'Receipt format', 'not JSON'],
    ['no signer certificate', { ...good, signer_chain: [] }, genesisText,
      'Signer certificate', 'carries no signer certificate'],
    ['a genesis without its roots', good,
      JSON.stringify({ ...gen, root_certificates: [] }), 'Certificate chain',
      'does not chain to a genesis root'],
  ];
  for (const [name, receipt, genesis, check, reason] of cases) {
    const text = receipt === null ? '{not json' : JSON.stringify(receipt);
    const r = await verifyReceipt(genesis, text);
    const failed = r.checks.filter((c) => c.status === 'fail');
    const ok = r.verdict === 'invalid' && failed.length === 1 && failed[0].name === check &&
      r.reason.includes(reason);
    out.push([`verifier: ${name} fails at "${check}"`,
      ok ? 'ok' : `${r.verdict}: ${failed.map((c) => c.name).join(',')}: ${r.reason}`]);
  }
  return out;
})().then(done, (e) => done([['edge cases ran', `threw ${e.message}`]]));
