// The explorer's read-only pages. Each renders into `main` from /v1 answers only (api.js), so
// a viewer sees exactly what the API gives that viewer, no more.

import * as api from './api.js';
import { fromBase64 } from './bytes.js';
import { apiError, el, facts, hashText, link, table, time } from './dom.js';
import { decodeCommit, decodeHeader } from './wire.js';

const HEIGHT = /^\d{1,19}$/;
const TX_ID = /^[0-9a-f]{64}$/;
const BLOCKS_PER_PAGE = 20;

function heading(main, text) {
  main.append(el('h2', {}, text));
}

export async function statusPage(main) {
  heading(main, 'Chain status');
  const r = await api.get('/v1/status');
  if (!r.ok) return main.append(apiError(r, 'status'));
  const s = r.data;
  main.append(
    facts([
      ['Chain', s.chain_id],
      ['Node', s.node],
      ['Suite', s.suite],
      ['Height', link(`block/${s.height}`, String(s.height))],
      ['Block hash', hashText(s.block_hash)],
      ['App hash', hashText(s.app_hash)],
      ['Block time', time(s.block_time_ms)],
      ['Committed transactions', String(s.total_txs)],
      ['Mempool', String(s.mempool_size)],
      ['Genesis hash', hashText(s.genesis_hash)],
    ]),
    el('p', {}, link('blocks', 'Latest blocks'), ' \u00b7 ', link('verify', 'Verify a receipt')),
  );
  main.querySelector('table').id = 'status';
}

// Latest blocks from the public headers (/v1/headers/<h>), which every viewer may read; the
// block itself (/v1/blocks) is data and may need a session.
export async function blocksPage(main, top) {
  heading(main, 'Latest blocks');
  let from = top;
  if (from === undefined) {
    const s = await api.get('/v1/status');
    if (!s.ok) return main.append(apiError(s, 'status'));
    from = s.data.height;
  } else if (!HEIGHT.test(from)) {
    return main.append(el('div', { class: 'error' }, `"${from}" is not a block height`));
  }
  const heights = [];
  for (let h = Number(from); h >= 1 && heights.length < BLOCKS_PER_PAGE; h--) heights.push(h);
  const answers = await Promise.all(heights.map((h) => api.get(`/v1/headers/${h}`)));
  const rows = [];
  for (const [i, r] of answers.entries()) {
    if (!r.ok) {
      rows.push([String(heights[i]), `${r.code}: ${r.message}`, '', '', '', '']);
      continue;
    }
    const h = r.data;
    let proposer = '-';
    let signatures = '-';
    try {
      proposer = String(decodeHeader(fromBase64(h.header)).proposer);
      if (h.commit) signatures = String(decodeCommit(fromBase64(h.commit)).signatures.length);
    } catch {
      proposer = 'undecodable header';
    }
    rows.push([
      link(`block/${h.height}`, String(h.height)),
      time(h.time_ms),
      String(h.tx_count),
      proposer,
      signatures,
      hashText(h.block_hash),
    ]);
  }
  main.append(
    table(['Height', 'Time', 'Txs', 'Proposer', 'Commit signatures', 'Block hash'], rows, {
      id: 'blocks',
    }),
  );
  const older = heights.length ? heights[heights.length - 1] - 1 : 0;
  if (older >= 1) main.append(el('p', {}, link(`blocks/${older}`, 'Older blocks')));
}

export async function blockPage(main, height) {
  heading(main, `Block ${height}`);
  if (!HEIGHT.test(height)) {
    return main.append(el('div', { class: 'error' }, `"${height}" is not a block height`));
  }
  const [b, h] = await Promise.all([
    api.get(`/v1/blocks/${height}`),
    api.get(`/v1/headers/${height}`),
  ]);
  if (!b.ok) return main.append(apiError(b, `block ${height}`));
  const block = b.data;
  const rows = [
    ['Height', String(block.height)],
    ['Block hash', hashText(block.block_hash)],
    ['Time', time(block.time_ms)],
    [
      'Previous block',
      block.height > 1
        ? link(`block/${block.height - 1}`, block.prev_block_hash)
        : hashText(block.prev_block_hash),
    ],
    ['Transactions root', hashText(block.tx_root)],
    ['App hash', hashText(block.app_hash)],
    ['Validators hash', hashText(block.validators_hash)],
    ['Proposer', `validator ${block.proposer}`],
    ['Transactions', String(block.tx_count)],
  ];
  if (h.ok && h.data.commit) {
    try {
      const c = decodeCommit(fromBase64(h.data.commit));
      const who = c.signatures.map((s) => s.validatorIndex).join(', ');
      rows.push(['Commit certificate', `round ${c.round}, signed by validators ${who}`]);
    } catch (e) {
      rows.push(['Commit certificate', `does not decode: ${e.message}`]);
    }
  }
  main.append(facts(rows));
  main.querySelector('table').id = 'block';
  main.append(el('h3', {}, 'Transactions'));
  // The block's tx list as the API gives it to this viewer.
  const txs = block.txs || [];
  main.append(
    txs.length === 0
      ? el('p', {}, 'No transactions visible.')
      : table(['#', 'Transaction id'], txs.map((id, i) => [String(i), link(`tx/${id}`, id)]), {
          id: 'block-txs',
        }),
  );
}

export async function txPage(main, id) {
  heading(main, 'Transaction');
  if (!TX_ID.test(id)) {
    return main.append(el('div', { class: 'error' }, 'a transaction id is 64 hex characters'));
  }
  const r = await api.get(`/v1/txs/${id}`);
  if (!r.ok) return main.append(apiError(r, `transaction ${id}`));
  const t = r.data;
  const rows = [['Id', hashText(t.tx_id)], ['Status', t.status]];
  if (t.status === 'committed') {
    rows.push(
      ['Block', link(`block/${t.height}`, String(t.height))],
      ['Index in block', String(t.index)],
      ['Signer', t.signer ?? '-'],
      ['Nonce', String(t.nonce ?? '-')],
      ['Payload', t.payload ?? '-'],
      ['Size', `${fromBase64(t.tx).length} bytes`],
    );
    // A report's id is the id of the transaction that submitted it.
    if (t.payload === 'submit_report') rows.push(['Report', link(`report/${t.tx_id}`, t.tx_id)]);
  }
  main.append(facts(rows));
  main.querySelector('table').id = 'tx';
  if (t.status === 'committed') {
    main.append(el('p', {}, link(`verify/${t.tx_id}`, 'Verify its receipt in this browser')));
  }
}

function historyTable(history) {
  return table(
    ['Status', 'Height', 'Time', 'By', 'Reasons'],
    (history || []).map((h) => [
      h.status,
      link(`block/${h.height}`, String(h.height)),
      time(h.time_ms),
      h.by,
      (h.reasons || []).join('; '),
    ]),
    { id: 'report-history' },
  );
}

export async function reportPage(main, id) {
  heading(main, 'Report');
  const path = encodeURIComponent(id);
  const [r, v] = await Promise.all([
    api.get(`/v1/reports/${path}`),
    api.get(`/v1/reports/${path}/versions`),
  ]);
  if (!r.ok) return main.append(apiError(r, `report ${id}`));
  const rep = r.data;
  main.append(
    facts([
      ['Report id', hashText(rep.report_id)],
      ['Organization', rep.org],
      ['Submitter', rep.submitter],
      ['Template', `${rep.template} (version ${rep.template_version})`],
      ['Period', rep.period],
      ['Status', rep.status],
      ['Submitted in block', link(`block/${rep.height}`, String(rep.height))],
      ['Transaction', TX_ID.test(rep.report_id) ? link(`tx/${rep.report_id}`, rep.report_id) : '-'],
      ['Submitted at', time(rep.submitted_at_ms)],
      ['Deadline', rep.deadline_ms ? time(rep.deadline_ms) : 'none'],
      ['Late', rep.late ? 'yes' : 'no'],
      ['Payload hash', hashText(rep.payload_hash)],
      ['Size', `${rep.size} bytes${rep.chunks ? ` in ${rep.chunks} chunks` : ''}`],
      ['Data level', String(rep.data_level)],
      ['Sealed', rep.sealed ? 'yes' : 'no'],
      ['Version', String(rep.version)],
      ['Corrects', rep.corrects ? link(`report/${rep.corrects}`, rep.corrects) : '-'],
      [
        'Superseded by',
        rep.superseded_by ? link(`report/${rep.superseded_by}`, rep.superseded_by) : '-',
      ],
    ]),
  );
  main.querySelector('table').id = 'report';
  main.append(el('h3', {}, 'Status history'), historyTable(rep.history));
  main.append(el('h3', {}, 'Versions'));
  if (!v.ok) return main.append(apiError(v, 'versions'));
  main.append(
    table(
      ['Version', 'Report id', 'Status', 'Height'],
      v.data.versions.map((x) => [
        String(x.version),
        link(`report/${x.report_id}`, x.report_id),
        x.status,
        String(x.height),
      ]),
      { id: 'report-versions' },
    ),
  );
}

// Where a search goes: a height is a block; a 64-hex id is a transaction if the API shows one,
// otherwise a report; anything else a report id. `kind` forces one of them.
export async function resolveSearch(kind, q) {
  const text = q.trim();
  const id = text.toLowerCase();
  if (kind === 'block' || (kind === 'any' && HEIGHT.test(text))) {
    return HEIGHT.test(text) ? { route: `block/${text}` } : { error: `"${text}" is not a height` };
  }
  if (kind === 'tx' || (kind === 'any' && TX_ID.test(id))) {
    const r = await api.get(`/v1/txs/${id}`);
    if (r.ok) return { route: `tx/${id}` };
    if (kind === 'tx') return { error: `no transaction ${text}: ${r.code}: ${r.message}` };
  }
  const r = await api.get(`/v1/reports/${encodeURIComponent(text)}`);
  if (r.ok) return { route: `report/${encodeURIComponent(text)}` };
  return { error: `nothing found for "${text}" (${r.code}: ${r.message})` };
}

export async function searchPage(main, kind, q) {
  heading(main, 'Search');
  const found = await resolveSearch(kind, q);
  if (found.route) {
    // The result page replaces the search in history: Back returns to where the search began.
    location.replace(`#/${found.route}`);
    return;
  }
  main.append(el('div', { class: 'error', id: 'search-result' }, found.error));
}
