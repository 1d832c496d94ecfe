// The receipt verification page: the viewer brings the genesis file (their own trusted copy,
// never one this node serves) and a receipt (a file from `regledger receipt get`, or fetched
// here from the node for a transaction); receipt_verify.js checks it and every check is listed.

import * as api from './api.js';
import { el } from './dom.js';
import { verifyReceipt } from './receipt_verify.js';

const BADGE = { pass: 'PASS', fail: 'FAIL', unsupported: 'CANNOT', skipped: 'SKIPPED' };

const VERDICT_TEXT = {
  valid: 'Receipt VALID',
  invalid: 'Receipt INVALID',
  unsupported: 'Receipt NOT VERIFIED in the browser',
};

// A textarea with a file picker that fills it.
function input(id, label, placeholder) {
  const area = el('textarea', { id, rows: 8, spellcheck: 'false', placeholder });
  const file = el('input', {
    type: 'file',
    id: `${id}-file`,
    accept: '.json,application/json',
    onchange: async (e) => {
      const f = e.target.files[0];
      if (f) area.value = await f.text();
    },
  });
  return el('div', { class: 'field' }, el('label', { for: id }, label), file, area);
}

function renderResult(out, result) {
  out.replaceChildren(
    el(
      'div',
      { id: 'verdict', class: `verdict ${result.verdict}`, 'data-verdict': result.verdict },
      VERDICT_TEXT[result.verdict],
      result.reason ? `: ${result.reason}` : '',
    ),
    el(
      'ol',
      { id: 'checks' },
      result.checks.map((c) =>
        el(
          'li',
          { class: `check ${c.status}`, 'data-status': c.status },
          el('span', { class: 'badge' }, BADGE[c.status]),
          el('strong', {}, c.name),
          el('span', { class: 'detail' }, c.detail),
        ),
      ),
    ),
  );
}

export async function verifyPage(main, txId) {
  main.append(
    el('h2', {}, 'Verify a receipt'),
    el(
      'p',
      { class: 'note' },
      'Checks, in this browser, that a transaction was committed: its bytes, the Merkle path to ' +
        "the block header's tx root, the header hash, and the precommit signatures of more than " +
        '2/3 of the validator power in the genesis file. Use your own copy of the genesis file: ' +
        'a receipt proves nothing against a genesis that the node itself handed you.',
    ),
  );
  const genesis = input('genesis', 'Genesis file (genesis.json)', 'paste the genesis JSON');
  const receipt = input('receipt', 'Receipt', 'paste a receipt (regledger receipt get TX)');
  const out = el('section', { id: 'verify-result', 'aria-live': 'polite' });
  const button = el('button', { id: 'verify-button', type: 'button' }, 'Verify');
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.replaceChildren(el('p', {}, 'Verifying\u2026'));
    try {
      renderResult(out, await verifyReceipt(genesis.querySelector('textarea').value,
        receipt.querySelector('textarea').value));
    } finally {
      button.disabled = false;
    }
  });
  main.append(genesis, receipt, el('p', {}, button), out);
  if (txId) {
    const r = await api.get(`/v1/receipts/${encodeURIComponent(txId)}`);
    if (r.ok) receipt.querySelector('textarea').value = JSON.stringify(r.data, null, 2);
    else out.append(el('div', { class: 'error' }, `receipt ${txId}: ${r.code}: ${r.message}`));
  }
}
