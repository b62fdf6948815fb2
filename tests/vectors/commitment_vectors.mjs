// Writes the test vectors commitment_vectors.json, withdrawals_vectors.json and
// certificate_vectors.json beside this file, from an implementation independent of the C++ one
// (@noble/hashes SHA-256 and Keccak, @noble/curves secp256k1, ABI encoding written out here from
// the Solidity ABI spec). The C++ tests (tests/proofs/*) must reproduce every byte; the Solidity
// side is checked by commitment_solidity_check.mjs. Run: node tests/vectors/commitment_vectors.mjs
// Spec: docs/proofs.md.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
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

// --- Epoch commitment: abi.encode(bytes32, uint64, bytes32, uint64[], bytes32[], uint128[],
//     uint128[], bytes32[]) ---
function encodeCommitment(c) {
  const arrays = [
    c.finalized_heights.map((h) => word(h)),
    c.liabilities_roots.map((r) => unhex(r)),
    c.liabilities_totals.map((a) => word(a)),
    c.custody.map((a) => word(a)),
    c.withdrawal_roots.map((r) => unhex(r)),
  ];
  const head = [unhex(c.network_id), word(c.epoch), unhex(c.previous)];
  let offset = 8 * 32;
  const tails = [];
  for (const a of arrays) {
    head.push(word(offset));
    tails.push(word(a.length), ...a);
    offset += 32 * (1 + a.length);
  }
  return concat(...head, ...tails);
}

const U64_MAX = (1n << 64n) - 1n, U128_MAX = (1n << 128n) - 1n;
const commitmentCases = [
  {
    name: 'two_chains_two_assets',
    commitment: {
      network_id: filled(0xab), epoch: 7, previous: filled(0x11),
      finalized_heights: [120, 4410],
      liabilities_roots: [filled(0x22), filled(0x33)],
      liabilities_totals: ['1000000', '2500'],
      custody: ['600000', '2000', '400000', '500'],
      withdrawal_roots: [filled(0x44), filled(0x55)],
    },
  },
  {
    name: 'extreme_values_one_chain_one_asset',
    commitment: {
      network_id: filled(0xff), epoch: U64_MAX.toString(), previous: filled(0x00),
      finalized_heights: [U64_MAX.toString()],
      liabilities_roots: [filled(0xfe)],
      liabilities_totals: [U128_MAX.toString()],
      custody: [U128_MAX.toString()],
      withdrawal_roots: [filled(0x01)],
    },
  },
  {
    name: 'three_chains_two_assets_first_epoch',
    commitment: {
      network_id: filled(0x5a), epoch: 0, previous: filled(0x00),
      finalized_heights: [0, 1, '18446744073709551'],
      liabilities_roots: [filled(0x0a), filled(0x0b)],
      liabilities_totals: ['0', '340282366920938463463374607431768211455'],
      custody: ['0', '1', '2', '3', '4', '340282366920938463463374607431768211455'],
      withdrawal_roots: [filled(0x0c), filled(0x0d), filled(0x0e)],
    },
  },
];
const asJsonNumbers = (c) => ({ ...c, epoch: BigInt(c.epoch), finalized_heights: c.finalized_heights.map(BigInt) });
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
  type: 'relay-epoch-certificate', version: 1,
  commitment: asJsonNumbers(certCommitment),
  commitment_hash: hex(certHash),
  signatures: chosen.map((s) => s.signature),
};

// JSON with 64-bit integers kept exact (JSON.stringify cannot print BigInt).
const dump = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `@@${x}@@` : x), 2)
  .replace(/"@@(\d+)@@"/g, '$1') + '\n';
writeFileSync(join(here, 'commitment_vectors.json'), dump({
  spec: 'docs/proofs.md "Epoch commitment"; generated by commitment_vectors.mjs',
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
