// The peer workload for bench/run: the same work as relay-bench's BM_PeerWorkload, done with
// @ethereumjs/mpt (pinned in package.json): insert N random balances (32-byte account ids,
// left-padded 20-byte addresses; 16-byte big-endian balances) into a fresh secure trie (keys
// hashed, like ours), compute the root, generate M proofs. Prints one JSON object.
//   node bench/peer/mpt.mjs [N=100000] [M=10000]
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Resolve the package from the repository root's node_modules, wherever this is run from.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(path.join(root, 'package.json'))
const { createMPT, createMerkleProof } = await import(require.resolve('@ethereumjs/mpt'))

const n = Number(process.argv[2] ?? 100000)
const m = Number(process.argv[3] ?? 10000)

// A small deterministic PRNG (xorshift64*), so runs are repeatable; input made before timing.
let s = 0x9e3779b97f4a7c15n
const next = () => {
  s ^= s >> 12n; s ^= (s << 25n) & 0xffffffffffffffffn; s ^= s >> 27n
  return Number(((s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n)
}
const accounts = []
const balances = []
for (let i = 0; i < n; i++) {
  const a = new Uint8Array(32)
  for (let j = 12; j < 32; j++) a[j] = next() & 0xff
  const b = new Uint8Array(16)
  for (let j = 10; j < 16; j++) b[j] = next() & 0xff
  b[15] |= 1
  accounts.push(a)
  balances.push(b)
}

const t0 = performance.now()
const trie = await createMPT({ useKeyHashing: true })
for (let i = 0; i < n; i++) await trie.put(accounts[i], balances[i])
const t1 = performance.now()
const rootHash = trie.root()
const t2 = performance.now()
let proofBytes = 0
for (let i = 0; i < m; i++) {
  const proof = await createMerkleProof(trie, accounts[(i * 7919) % n])
  for (const node of proof) proofBytes += node.length
}
const t3 = performance.now()

console.log(JSON.stringify({
  peer: '@ethereumjs/mpt',
  n, m,
  insert_ms: t1 - t0,
  root_ms: t2 - t1,
  proofs_ms: t3 - t2,
  total_ms: t3 - t0,
  avg_proof_bytes: proofBytes / m,
  root: Buffer.from(rootHash).toString('hex'),
}))
