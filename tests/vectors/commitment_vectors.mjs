// Writes the test vectors commitment_vectors.json, withdrawals_vectors.json and
// certificate_vectors.json beside this file, from an implementation independent of the C++ one
// (@noble/hashes SHA-256 and Keccak, @noble/curves secp256k1, the commitment's ABI encoding
// written out here from the Solidity ABI spec and checked against ethers' AbiCoder). The C++
// tests (tests/proofs/*) must reproduce every byte; the Solidity side is checked by
// commitment_solidity_check.mjs, the vault contract by tests/deploy/vault_contract_test.mjs.
// Run: node tests/vectors/commitment_vectors.mjs   Spec: docs/proofs.md.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { AbiCoder } from 'ethers';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const hex = (b) => '0x' + Buffer.from(b).toString('hex');
const unhex = (s) => new Uint8Array(Buffer.from(s.slice(2), 'hex'));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const word = (n) => {  // uint256 big-endian
  const w = new Uint8Array(32);
  let v = BigInt(n);
  for (let i = 31; i >= 0; --i) { w[i] = Number(v & 0xffn); v >>= 8n; }
  if (v !== 0n) throw new Error('does not fit in 256 bits');
  return w;
};
const filled = (b) => hex(new Uint8Array(32).fill(b));

// --- Epoch commitment: abi.encode of the fourteen arguments of docs/proofs.md, in this order ---
const FIELDS = [
  ['network_id', 'bytes32'], ['epoch', 'uint64'], ['previous', 'bytes32'], ['end_time', 'uint64'],
  ['cut_heights', 'uint64[]'], ['cut_hashes', 'bytes32[]'], ['cut_timestamps', 'uint64[]'],
  ['event_counts', 'uint64[]'], ['event_accumulators', 'bytes32[]'],
  ['liabilities_roots', 'bytes32[]'], ['liabilities_totals', 'uint128[]'], ['custody', 'uint128[]'],
  ['pending', 'uint128[]'], ['withdrawal_roots', 'bytes32[]'],
];
const INTEGER_FIELDS = FIELDS.filter(([, t]) => t.startsWith('uint64')).map(([k]) => k);
// One head word of a value of type t: bytes32 as it is, uintN big-endian (refused at 2^N).
function abiWord(t, v) {
  if (t === 'bytes32') {
    const b = unhex(v);
    if (b.length !== 32) throw new Error(`${v} is not 32 bytes`);
    return b;
  }
  const bits = BigInt(t.slice(4));
  if (BigInt(v) < 0n || BigInt(v) >= 1n << bits) throw new Error(`${v} does not fit in ${t}`);
  return word(v);
}
// The Solidity ABI spec's encoding of a tuple of static words and dynamic arrays of words: the
// head holds each static value, or the offset (from the start) of each array's tail; a tail is
// the array's length then its elements.
function encodeCommitment(c) {
  const head = [], tail = [];
  let offset = 32 * FIELDS.length;
  for (const [k, t] of FIELDS) {
    const v = c[k];
    if (v === undefined) throw new Error(`commitment without ${k}`);
    if (!t.endsWith('[]')) { head.push(abiWord(t, v)); continue; }
    head.push(word(offset));
    tail.push(word(v.length), ...v.map((x) => abiWord(t.slice(0, -2), x)));
    offset += 32 * (1 + v.length);
  }
  const enc = concat(...head, ...tail);
  // A second, unrelated implementation must agree: ethers' AbiCoder (pinned in package.json).
  const theirs = AbiCoder.defaultAbiCoder().encode(FIELDS.map(([, t]) => t), FIELDS.map(([k]) => c[k]));
  if (theirs !== hex(enc)) throw new Error('ethers AbiCoder disagrees with the hand-written encoding');
  return enc;
}

const U64_MAX = (1n << 64n) - 1n, U128_MAX = (1n << 128n) - 1n;
const T0 = 1764470000, SECONDS = 10;  // the certificate genesis' epochs: T_e = T0 + (e + 1) * 10
const EMPTY_CUT = { height: 0, hash: filled(0), timestamp: 0, count: 0, acc: filled(0) };
const cuts = (list) => ({
  cut_heights: list.map((k) => k.height), cut_hashes: list.map((k) => k.hash),
  cut_timestamps: list.map((k) => k.timestamp), event_counts: list.map((k) => k.count),
  event_accumulators: list.map((k) => k.acc),
});
const commitmentCases = [
  {
    // Amounts that balance (per asset: custody over chains = total + pending over chains) and
    // cuts at or before end_time = T_7: what a node signs (the certificate below reuses it).
    name: 'two_chains_two_assets',
    commitment: {
      network_id: filled(0xab), epoch: 7, previous: filled(0x11), end_time: T0 + 8 * SECONDS,
      ...cuts([{ height: 120, hash: filled(0x66), timestamp: T0 + 79, count: 5, acc: filled(0x88) },
               { height: 4410, hash: filled(0x77), timestamp: T0 + 71, count: 12, acc: filled(0x99) }]),
      liabilities_roots: [filled(0x22), filled(0x33)],
      liabilities_totals: ['900000', '2400'],
      custody: ['600000', '2000', '400000', '500'],
      pending: ['0', '100', '100000', '0'],
      withdrawal_roots: [filled(0x44), filled(0x55)],
    },
  },
  {
    name: 'extreme_values_one_chain_one_asset',
    commitment: {
      network_id: filled(0xff), epoch: U64_MAX.toString(), previous: filled(0x00),
      end_time: U64_MAX.toString(),
      ...cuts([{ height: U64_MAX.toString(), hash: filled(0xfd), timestamp: U64_MAX.toString(),
                 count: U64_MAX.toString(), acc: filled(0xfc) }]),
      liabilities_roots: [filled(0xfe)],
      liabilities_totals: [U128_MAX.toString()],
      custody: [U128_MAX.toString()],
      pending: [U128_MAX.toString()],
      withdrawal_roots: [filled(0x01)],
    },
  },
  {
    // Chain 0 still at the empty cut (all zero), chain 1 cut at its real block 0 (nonzero hash,
    // no vault event yet), chain 2 at a height beyond 2^53.
    name: 'three_chains_two_assets_first_epoch_empty_and_block_zero_cuts',
    commitment: {
      network_id: filled(0x5a), epoch: 0, previous: filled(0x00), end_time: T0 + SECONDS,
      ...cuts([EMPTY_CUT,
               { height: 0, hash: filled(0x0f), timestamp: T0 - 20, count: 0, acc: filled(0) },
               { height: '18446744073709551', hash: filled(0x1f), timestamp: T0 + SECONDS, count: 1,
                 acc: filled(0x2f) }]),
      liabilities_roots: [filled(0x0a), filled(0x0b)],
      liabilities_totals: ['0', U128_MAX.toString()],
      custody: ['0', '1', '2', '3', '4', U128_MAX.toString()],
      pending: ['0', '0', '0', '0', '0', '1'],
      withdrawal_roots: [filled(0x0c), filled(0x0d), filled(0x0e)],
    },
  },
  {
    // What relayctl replay writes: no chain data, so end_time 0 and every cut empty.
    name: 'without_chain_data_empty_cuts',
    commitment: {
      network_id: filled(0x3c), epoch: 2, previous: filled(0x3d), end_time: 0,
      ...cuts([EMPTY_CUT, EMPTY_CUT]),
      liabilities_roots: [filled(0x3e)],
      liabilities_totals: ['10'],
      custody: ['6', '7'],
      pending: ['0', '3'],
      withdrawal_roots: [filled(0x3f), filled(0x40)],
    },
  },
  {
    // Every per-asset array empty: the shortest encoding with one chain (24 + 6 words).
    name: 'one_chain_no_assets',
    commitment: {
      network_id: filled(0x01), epoch: 1, previous: filled(0x02), end_time: T0 + 2 * SECONDS,
      ...cuts([{ height: 9, hash: filled(0x03), timestamp: T0 + 2 * SECONDS, count: 2, acc: filled(0x04) }]),
      liabilities_roots: [], liabilities_totals: [], custody: [], pending: [],
      withdrawal_roots: [filled(0x05)],
    },
  },
];
// Key order is commitment order; 64-bit integers become JSON numbers (written exactly by dump).
const asJsonNumbers = (c) => Object.fromEntries(FIELDS.map(([k]) => {
  if (k === 'epoch' || k === 'end_time') return [k, BigInt(c[k])];
  return [k, INTEGER_FIELDS.includes(k) ? c[k].map(BigInt) : c[k]];
}));
for (const k of commitmentCases) {
  const enc = encodeCommitment(k.commitment);
  k.encoding = hex(enc);
  k.hash = hex(sha256(enc));
}

// --- Withdrawal tree ---
const leafHash = (l) => sha256(concat(new Uint8Array([0]), unhex(l.id), unhex(l.recipient),
                                      unhex(l.token), word(l.amount)));
const innerHash = (a, b) => sha256(concat(new Uint8Array([1]), a, b));
const rootHash = (count, top) => sha256(concat(new Uint8Array([2]), word(count), top));
const depthOf = (n) => { let d = 0; while ((1 << d) < n) ++d; return d; };

function withdrawalCase(name, leaves) {
  const sorted = [...leaves].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hashes = sorted.map(leafHash);
  leaves = leaves.map(withHex);
  const out = { name, leaves, sorted_ids: sorted.map((l) => l.id), leaf_hashes: hashes.map(hex) };
  if (sorted.length === 0) {
    out.root = hex(rootHash(0, new Uint8Array(32)));
    out.proofs = [];
    return out;
  }
  const depth = depthOf(sorted.length);
  let level = [...hashes];
  while (level.length < (1 << depth)) level.push(new Uint8Array(32));
  const levels = [level];
  while (level.length > 1) {
    const up = [];
    for (let i = 0; i < level.length; i += 2) up.push(innerHash(level[i], level[i + 1]));
    levels.push(up);
    level = up;
  }
  out.root = hex(rootHash(sorted.length, level[0]));
  out.proofs = sorted.map((_, i) => {
    const siblings = [];
    let idx = i;
    for (let d = 0; d < depth; ++d, idx >>= 1) siblings.push(hex(levels[d][idx ^ 1]));
    return { index: i, count: sorted.length, siblings };
  });
  return out;
}
const mkLeaf = (i) => ({
  id: hex(sha256(new TextEncoder().encode('withdrawal ' + i))),
  recipient: hex(keccak_256(new TextEncoder().encode('recipient ' + i)).slice(12)),
  token: i % 2 ? '0x0000000000000000000000000000000000000000' : '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
  amount: (BigInt(i) * 1000000000000000000n + 1n).toString(),
});
const withHex = (l) => ({ ...l, amount_hex: hex(word(l.amount)) });
const range = (n) => [...Array(n).keys()];
const withdrawalCases = [
  withdrawalCase('empty', []),
  withdrawalCase('one', [mkLeaf(1)]),
  withdrawalCase('two', [mkLeaf(2), mkLeaf(1)]),
  withdrawalCase('three', range(3).map((i) => mkLeaf(i + 1)).reverse()),
  withdrawalCase('five_with_max_amount', [...range(4).map((i) => mkLeaf(i + 1)),
    { ...mkLeaf(5), amount: U128_MAX.toString() }]),
  withdrawalCase('four_with_amounts_beyond_128_bits', [mkLeaf(6), mkLeaf(7),
    { ...mkLeaf(8), amount: ((1n << 200n) + 12345n).toString() },
    { ...mkLeaf(9), amount: ((1n << 256n) - 1n).toString() }]),
];

// --- Certificate ---
const genesisText = JSON.stringify({
  network: 'vectors-net',
  quorum: 3,
  validators: [1, 2, 3, 4].map((k) => ({
    name: 'v' + k,
    pubkey: hex(secp256k1.getPublicKey(unhex(hex(word(k))), true)),
    weight: 1,
  })),
  chains: [
    { name: 'alpha', chain_id: 31337, kind: 'evm', vault: '0x1000000000000000000000000000000000000001', finality: { tag: 'finalized' } },
    { name: 'beta', chain_id: 31338, kind: 'evm', vault: '0x2000000000000000000000000000000000000002', finality: { confirmations: 2 } },
  ],
  assets: [
    { id: 'ETH', decimals: 18, tokens: { alpha: { address: '0x0000000000000000000000000000000000000000', decimals: 18 }, beta: { address: '0x0000000000000000000000000000000000000000', decimals: 18 } } },
    { id: 'USDC', decimals: 6, tokens: { alpha: { address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', decimals: 6 } } },
  ],
  epochs: { start_time: T0, seconds: SECONDS },
}, null, 2) + '\n';
const networkId = hex(sha256(new TextEncoder().encode(genesisText)));
const certCommitment = { ...commitmentCases[0].commitment, network_id: networkId };
certCommitment.withdrawal_roots = [withdrawalCases[3].root, withdrawalCases[0].root];
const certHash = sha256(encodeCommitment(certCommitment));
const digest = sha256(concat(unhex(networkId), certHash));
const keys = [1, 2, 3, 4].map((k) => {
  const secret = word(k);
  const pub = secp256k1.getPublicKey(secret, true);
  const full = secp256k1.getPublicKey(secret, false);
  return { name: 'v' + k, secret_key: hex(secret), public_key: hex(pub),
           address: hex(keccak_256(full.slice(1)).slice(12)) };
});
const signatures = keys.map((k) => {
  const s = secp256k1.sign(digest, unhex(k.secret_key), { prehash: false, format: 'recovered' });
  return { signer: k.name, signature: hex(concat(s.slice(1), new Uint8Array([27 + s[0]]))) };
});
// Certificate file: signers v1..v3, in ascending address order as add_signature keeps them.
const chosen = signatures.slice(0, 3).map((s, i) => ({ ...s, address: keys[i].address }))
  .sort((a, b) => (a.address < b.address ? -1 : 1));
const certificate = {
  type: 'relay-epoch-certificate', version: 2,
  commitment: asJsonNumbers(certCommitment),
  commitment_hash: hex(certHash),
  signatures: chosen.map((s) => s.signature),
};

// JSON with 64-bit integers kept exact (JSON.stringify cannot print BigInt).
const dump = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `@@${x}@@` : x), 2)
  .replace(/"@@(\d+)@@"/g, '$1') + '\n';
writeFileSync(join(here, 'commitment_vectors.json'), dump({
  spec: 'docs/proofs.md "Epoch commitment" (fields in commitment order); generated by commitment_vectors.mjs',
  cases: commitmentCases.map((k) => ({ ...k, commitment: asJsonNumbers(k.commitment) })),
}));
writeFileSync(join(here, 'withdrawals_vectors.json'), dump({
  spec: 'docs/proofs.md "Withdrawal commitment"; generated by commitment_vectors.mjs',
  cases: withdrawalCases,
}));
writeFileSync(join(here, 'certificate_vectors.json'), dump({
  spec: 'docs/proofs.md "Signatures" and "Certificate"; generated by commitment_vectors.mjs',
  genesis: genesisText,
  network_id: networkId,
  keys,
  commitment: asJsonNumbers(certCommitment),
  commitment_hash: hex(certHash),
  signing_digest: hex(digest),
  signatures,
  certificate,
  certificate_signers: chosen.map((s) => s.signer),
}));
