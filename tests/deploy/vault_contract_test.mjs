// The vault contract (deploy/contracts/RelayVault.sol) on a real chain: compiled with the pinned
// solc and OpenZeppelin (deploy/lib/vault.mjs), deployed on a local anvil with the ERC-20s of
// tests/deploy/TestToken.sol and EdgeTokens.sol, and exercised through its constructor's
// refusals, deposits, withdrawal requests, certificates and claims, reading events with
// eth_getLogs and refusals from the revert data's custom error. Spec: docs/contract.md,
// docs/node.md ("Commitment"), docs/proofs.md. The token list, custody cap, claimTo and the
// event accumulator have their own files (vault_funds_test.mjs, vault_accumulator_test.mjs).
// Run: node tests/deploy/vault_contract_test.mjs   (CTest label "contract").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compileVault } from '../../deploy/lib/vault.mjs';
import {
  COMMITMENT_FIELDS, Chain, N, ZERO32, ZERO_ADDRESS, account, callData, certify, claimData, commitData, commitment, commitmentBytes,
  commitmentHash, constructorArgs, emptyRoot, encode, encodeInOrder, evmAddress, hex, highS, leaf, recoverAddress,
  selector, sha256, sign, signingDigest, unhex, vectors, withdrawalTree, word,
} from './harness.mjs';

const certVectors = vectors('certificate_vectors.json');
const withdrawalVectors = vectors('withdrawals_vectors.json');
const commitmentVectors = vectors('commitment_vectors.json');

// The network: certificate_vectors.json's genesis (keys k = 1..4, weight 1 each, quorum 3),
// chains alpha (this anvil, index 0) and beta, assets ETH and USDC.
const networkId = certVectors.network_id;
const keys = certVectors.keys;  // v1..v4
const QUORUM = 3;
const outsider = '0x' + '00'.repeat(31) + '05';  // a key that is not a validator
const signers = (...i) => i.map((k) => keys[k]);
const noCode = '0x' + 'ee'.repeat(20);  // listed, but nothing is deployed there

let chain;
let artifacts;
let accounts;
let vault;  // address
let token;  // TestToken's address
const edge = {};  // EdgeTokens.sol name => address

const V = (name, types, values) => callData(artifacts.RelayVault, name, types, values);
const T = (name, types, values) => callData(artifacts.TestToken, name, types, values);
const E = (name, fn, types, values) => callData(artifacts[name], fn, types, values);
const call = (to, data) => chain.call(to, data);
const expectRevert = (...a) => chain.expectRevert(...a);
const logs = (event, fromBlock) => chain.logs(vault, event, fromBlock);
const tokenBalanceOf = async (tok, addr) => BigInt(await call(tok, T('balanceOf', ['address'], [addr])));
const commitTx = (c, sigs) => commitData(artifacts.RelayVault, c, sigs);
const claimTx = (epoch, p) => claimData(artifacts.RelayVault, epoch, p);
const commit = (c, sigs = certify(c, signers(0, 1, 2))) => chain.send(accounts[3], vault, commitTx(c, sigs));

before(async () => {
  artifacts = compileVault({ testTokens: true });
  chain = await Chain.start();
  accounts = chain.accounts;
  token = await chain.deploy(artifacts.TestToken);
  for (const name of ['FalseToken', 'NoReturnToken', 'FeeToken', 'ReentrantToken']) edge[name] = await chain.deploy(artifacts[name]);
  vault = await chain.deploy(artifacts.RelayVault, constructorArgs({
    networkId, validators: keys.map((k) => k.address), weights: keys.map(() => 1), quorum: QUORUM,
    chainId: chain.chainId,
    tokens: [[ZERO_ADDRESS, 18, 18], [token, 6, 6], ...Object.values(edge).map((t) => [t, 18, 18]), [noCode, 6, 6]],
  }));
});

after(() => chain?.stop());

// ---------------------------------------------------------------------------------------------

test('this script reproduces the shared vectors (encodings, signatures, withdrawal trees)', () => {
  for (const k of commitmentVectors.cases) assert.equal(hex(encodeInOrder(k.commitment)), k.encoding, k.name);
  const hash = sha256(encodeInOrder(certVectors.commitment));
  assert.equal(hex(hash), certVectors.commitment_hash);
  assert.equal(hex(signingDigest(networkId, hash)), certVectors.signing_digest);
  keys.forEach((k, i) => {
    assert.equal(evmAddress(k.secret_key), k.address);
    assert.equal(sign(k.secret_key, unhex(certVectors.signing_digest)), certVectors.signatures[i].signature);
    assert.equal(recoverAddress(certVectors.signatures[i].signature, unhex(certVectors.signing_digest)), k.address);
  });
  for (const k of withdrawalVectors.cases) {
    const t = withdrawalTree(k.leaves);
    assert.equal(t.root, k.root, k.name);
    t.proofs.forEach((p, i) => assert.deepEqual(p.siblings, k.proofs[i].siblings, `${k.name} proof ${i}`));
  }
  // The 14-field encoder and the in-order one agree: the field list has docs/node.md's order.
  const c = commitment(networkId, 3, []);
  assert.equal(hex(commitmentBytes(c)), hex(encodeInOrder(c)));
});

test('the vault checks the vector certificate and the vector proofs like the C++ verifier', async () => {
  const c = certVectors.certificate;
  // The vectors hold the fourteen fields of docs/node.md, in commitment order (encodeInOrder
  // encodes them in the file's order), as the C++ certificate writer does.
  assert.deepEqual(Object.keys(c.commitment), COMMITMENT_FIELDS.map(([k]) => k));
  for (const k of commitmentVectors.cases) assert.deepEqual(Object.keys(k.commitment), COMMITMENT_FIELDS.map(([f]) => f));
  const data = V('checkCertificate', ['bytes', 'bytes[]'], [hex(encodeInOrder(c.commitment)), c.signatures]);
  assert.equal(await call(vault, data), hex(Buffer.concat([unhex(certVectors.commitment_hash), word(3)])));
  for (const k of withdrawalVectors.cases) {
    for (const [i, id] of k.sorted_ids.entries()) {
      const l = k.leaves.find((x) => x.id === id);
      const p = k.proofs[i];
      const ok = await call(vault, V('verifyWithdrawal', ['bytes32', ['bytes32', 'address', 'address', 'uint256'],
        'uint256', 'uint256', 'bytes32[]'], [k.root, [l.id, l.recipient, l.token, l.amount], p.index, p.count, p.siblings]));
      assert.equal(BigInt(ok), 1n, `${k.name} proof ${i}`);
    }
  }
});

test('the constructor refuses a bad validator set, quorum, chain index or token list with named errors', async () => {
  // Each deployment attempt fails one check (eth_call with no `to`, then eth_sendTransaction):
  // the rest of its arguments are a valid network's.
  const deployData = (validators, weights, quorum, chainIndex = 0, chainCount = 2, chainId = chain.chainId,
                      tokens = [[ZERO_ADDRESS, 18, 18]]) =>
    artifacts.RelayVault.bytecode + constructorArgs({ networkId, validators, weights, quorum, chainIndex, chainCount,
                                                      chainId, tokens }).toString('hex');
  const refused = (data, signature, types, values) => expectRevert(null, data, signature, types, values);
  const [a0, a1, a2] = keys.map((k) => k.address);
  const mismatch = ['ValidatorListMismatch(uint256,uint256)', ['uint256', 'uint256']];
  await refused(deployData([a0, a1], [1, 1, 1], 1), ...mismatch, [2, 3]);
  await refused(deployData([a0, a1, a2], [1, 1], 1), ...mismatch, [3, 2]);
  await refused(deployData([a0, ZERO_ADDRESS, a2], [1, 1, 1], 1), 'InvalidValidator(uint256,address)',
                ['uint256', 'address'], [1, ZERO_ADDRESS]);
  await refused(deployData([a0, a1, a2], [1, 1, 0], 1), 'ZeroWeight(uint256,address)', ['uint256', 'address'], [2, a2]);
  await refused(deployData([a0, a1, a0], [1, 1, 1], 1), 'DuplicateValidator(uint256,address)',
                ['uint256', 'address'], [2, a0]);
  const quorumErr = ['InvalidQuorum(uint64,uint256)', ['uint64', 'uint256']];
  await refused(deployData([a0, a1, a2], [1, 2, 3], 0), ...quorumErr, [0, 6]);
  await refused(deployData([a0, a1, a2], [1, 2, 3], 7), ...quorumErr, [7, 6]);
  await refused(deployData([], [], 1), ...quorumErr, [1, 0]);  // no validators: no quorum is reachable
  const chainErr = ['InvalidChainIndex(uint32,uint32)', ['uint32', 'uint32']];
  await refused(deployData([a0, a1, a2], [1, 2, 3], 6, 2, 2), ...chainErr, [2, 2]);
  await refused(deployData([a0, a1, a2], [1, 2, 3], 6, 0, 0), ...chainErr, [0, 0]);
  // A vault deployed for another chain (the genesis chain_id of its chainIndex) is refused.
  await refused(deployData([a0, a1, a2], [1, 2, 3], 6, 0, 2, chain.chainId + 1n),
                'WrongChainId(uint256,uint64)', ['uint256', 'uint64'], [chain.chainId, chain.chainId + 1n]);
  // The token list: a token twice, decimals above the genesis' 38, and a deployed token whose
  // decimals() disagrees with the genesis (TestToken has 6).
  const withTokens = (tokens) => deployData([a0, a1, a2], [1, 2, 3], 6, 0, 2, chain.chainId, tokens);
  await refused(withTokens([[token, 6, 6], [ZERO_ADDRESS, 18, 18], [token, 6, 6]]), 'DuplicateToken(uint256,address)',
                ['uint256', 'address'], [2, token]);
  const decimalsErr = ['InvalidDecimals(uint256,uint8,uint8)', ['uint256', 'uint8', 'uint8']];
  await refused(withTokens([[token, 39, 6]]), ...decimalsErr, [0, 39, 6]);
  await refused(withTokens([[ZERO_ADDRESS, 18, 18], [token, 6, 39]]), ...decimalsErr, [1, 6, 39]);
  await refused(withTokens([[token, 18, 6]]), 'TokenDecimalsMismatch(uint256,address,uint8,uint8)',
                ['uint256', 'address', 'uint8', 'uint8'], [0, token, 18, 6]);
  // The bounds themselves are accepted: quorum = total weight, the last chain index, weights
  // whose total overflows uint64 (it is summed in uint256), 38 decimals, no tokens at all.
  const accepted = async (data) => {  // eth_call of a deployment returns the runtime code
    const code = await chain.rpc('eth_call', [{ from: accounts[0], data }, 'latest']);
    assert.ok(code.length > 1000, 'the deployment succeeds');
  };
  await accepted(deployData([a0, a1, a2], [1, 2, 3], 6, 1, 2));
  const max = (1n << 64n) - 1n;
  await accepted(deployData([a0, a1], [max, max], max));
  await refused(deployData([a0, a1], [max, 1], 0), ...quorumErr, [0, max + 1n]);
  await accepted(withTokens([[noCode, 38, 0], [ZERO_ADDRESS, 0, 38]]));
  await accepted(withTokens([]));
});

test('deposits of the native coin and of an ERC-20 emit Deposited(token, account, depositor, amount)', async () => {
  const user = accounts[1];
  const from = await chain.rpc('eth_blockNumber');
  const r1 = await chain.send(user, vault, V('deposit', ['bytes32'], [account(user)]), 6n * 10n ** 18n);
  await chain.send(user, token, T('mint', ['address', 'uint256'], [user, 1000_000000n]));
  await chain.send(user, token, T('approve', ['address', 'uint256'], [vault, 250_000000n]));
  const beneficiary = account('0x' + 'ab'.repeat(20));  // any address's account, not only the depositor's
  const depositToken = (tok, amount, acc) => V('depositToken', ['address', 'uint256', 'bytes32'], [tok, amount, acc]);
  const r2 = await chain.send(user, vault, depositToken(token, 250_000000n, beneficiary));
  const got = await logs('Deposited(address,bytes32,address,uint256)', from);
  assert.equal(got.length, 2);
  const expect = [[r1, ZERO_ADDRESS, account(user), 6n * 10n ** 18n], [r2, token, beneficiary, 250_000000n]];
  got.forEach((log, i) => {
    const [receipt, tok, acc, amount] = expect[i];
    assert.equal(log.transactionHash, receipt.transactionHash);
    assert.equal(log.blockNumber, receipt.blockNumber);
    assert.equal(log.topics[1], account(tok), 'token');
    assert.equal(log.topics[2], acc, 'account');
    assert.equal(log.topics[3], account(user), 'depositor');
    assert.equal(BigInt(log.data), amount, 'amount');
  });
  assert.equal(await chain.balance(vault), 6n * 10n ** 18n);
  assert.equal(await tokenBalanceOf(token, vault), 250_000000n);
  await expectRevert(vault, V('deposit', ['bytes32'], [account(user)]), 'ZeroAmount()', [], []);
  await expectRevert(vault, depositToken(token, 0, beneficiary), 'ZeroAmount()', [], []);
  await expectRevert(vault, depositToken(ZERO_ADDRESS, 1, beneficiary), 'NativeTokenNotAllowed()', [], []);
  // Above the allowance: the token's transferFrom fails, and the vault names it.
  await expectRevert(vault, depositToken(token, 1, beneficiary), 'TransferFailed(address,address,uint256)',
                     ['address', 'address', 'uint256'], [token, vault, 1], { from: user });
});

test('requestWithdrawal emits WithdrawalRequested for the caller\'s account', async () => {
  const user = accounts[1];
  const recipient = accounts[2];
  const from = await chain.rpc('eth_blockNumber');
  const req = (asset, amount, to) => V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'],
                                       [asset, amount, 31338, to]);
  await chain.send(user, vault, req('USDC', 100_000000n, recipient));
  const [log, ...rest] = await logs('WithdrawalRequested(bytes32,string,uint128,uint64,address)', from);
  assert.equal(rest.length, 0);
  assert.equal(log.topics[1], account(user), 'account');
  assert.equal(BigInt(log.topics[2]), 31338n, 'destChainId');
  assert.equal(log.data, hex(encode(['string', 'uint128', 'address'], ['USDC', 100_000000n, recipient])));
  await expectRevert(vault, req('USDC', 0, recipient), 'ZeroAmount()', [], []);
  await expectRevert(vault, req('USDC', 1, ZERO_ADDRESS), 'ZeroRecipient()', [], []);
  // The vault itself (on a devnet every chain's vault has the same address): funds paid there
  // would be credited to no one.
  await expectRevert(vault, req('USDC', 1, vault), 'RecipientIsVault()', [], []);
  // Only a genesis-style asset id (vault/genesis.cpp): any other string would be an event the
  // relay cannot read.
  for (const bad of ['', 'US DC', 'x'.repeat(33), '\u00e9', 'USDC\n', 'a/b'])
    await expectRevert(vault, req(bad, 1, recipient), 'InvalidAsset()', [], []);
  await chain.send(user, vault, req('aZ09_.-' + 'x'.repeat(25), 1, recipient));  // 32 characters, every kind
});

// Withdrawals certified to this chain in epoch 0; paid from the deposits above.
const recipients = ['0x' + '5a'.repeat(20), '0x' + '5b'.repeat(20), '0x' + '5c'.repeat(20)];
let tree;  // built once the token's address is known
let epoch0;

test('commitEpoch refuses bad certificates with named errors', async () => {
  tree = withdrawalTree([
    leaf('w1', recipients[0], ZERO_ADDRESS, '1500000000000000000'),
    leaf('w2', recipients[1], token, '40000000'),
    leaf('w3', recipients[2], ZERO_ADDRESS, '1'),
  ]);
  epoch0 = commitment(networkId, 0, [tree.root]);
  const c = epoch0;
  const three = certify(c, signers(0, 1, 2));
  const idx = ['uint256'];
  const addrErr = ['uint256', 'address'];
  const refused = (data, ...rest) => expectRevert(vault, data, ...rest);
  const ascending = [...signers(0, 1, 2)].sort((a, b) => Buffer.compare(unhex(a.address), unhex(b.address)));

  await refused(commitTx(c, three.slice(0, 2)), 'InsufficientWeight(uint256,uint64)', ['uint256', 'uint64'], [2, QUORUM]);
  await refused(commitTx(c, []), 'InsufficientWeight(uint256,uint64)', ['uint256', 'uint64'], [0, QUORUM]);
  // Unknown signer: a key outside the set, placed so the list stays ascending.
  const digest = signingDigest(networkId, commitmentHash(c));
  const stranger = { address: evmAddress(outsider), signature: sign(outsider, digest) };
  const withStranger = [...ascending.map((k) => ({ address: k.address, signature: sign(k.secret_key, digest) })),
                        stranger].sort((a, b) => Buffer.compare(unhex(a.address), unhex(b.address)));
  await refused(commitTx(c, withStranger.map((s) => s.signature)), 'UnknownSigner(uint256,address)', addrErr,
                [withStranger.indexOf(stranger), stranger.address]);
  // Signatures made for another network recover to unrelated keys (domain separation).
  const otherNet = hex(sha256(Buffer.from('another genesis')));
  const foreign = certify(c, signers(0, 1, 2), otherNet);
  await refused(commitTx(c, foreign), 'UnknownSigner(uint256,address)', addrErr, [0, recoverAddress(foreign[0], digest)]);
  // A commitment naming another network.
  const elsewhere = { ...c, network_id: otherNet };
  await refused(commitTx(elsewhere, certify(elsewhere, signers(0, 1, 2))), 'WrongNetwork(bytes32)', ['bytes32'], [otherNet]);
  // High s: the malleated twin of a valid signature.
  await refused(commitTx(c, [three[0], highS(three[1]), three[2]]), 'HighS(uint256)', idx, [1]);
  await refused(commitTx(c, [three[0], three[0], three[1], three[2]]), 'DuplicateSigner(uint256,address)', addrErr,
                [1, ascending[0].address]);
  await refused(commitTx(c, [three[1], three[0], three[2]]), 'SignersNotAscending(uint256,address)', addrErr,
                [1, ascending[0].address]);
  await refused(commitTx(c, [three[0].slice(0, -2), three[1], three[2]]), 'SignatureLength(uint256,uint256)',
                ['uint256', 'uint256'], [0, 64]);
  await refused(commitTx(c, [three[0].slice(0, -2) + '1d', three[1], three[2]]), 'BadRecoveryId(uint256,uint8)',
                ['uint256', 'uint8'], [0, 29]);
  await refused(commitTx(c, ['0x' + '00'.repeat(64) + '1b', three[1], three[2]]), 'MalformedSignature(uint256)', idx, [0]);
  // A signature over another commitment recovers to some unrelated key.
  const misplaced = certify({ ...c, cut_heights: [1, 2] }, signers(0))[0];
  await refused(commitTx(c, [misplaced, ...certify(c, signers(1, 2, 3))]), 'UnknownSigner(uint256,address)', addrErr,
                [0, recoverAddress(misplaced, digest)]);
  assert.equal(BigInt(await call(vault, V('hasCommitted', [], []))), 0n);
});

test('commitEpoch refuses a commitment whose layout is not the genesis\' (MalformedCommitment)', async () => {
  const c = epoch0;
  const good = commitmentBytes(c);
  // Signed as they are (the layout is checked before the signatures, but a publisher could get
  // any bytes signed only by the validators: the point is that the vault reads nothing else).
  const raw = (bytes) => callData(artifacts.RelayVault, 'commitEpoch', ['bytes', 'bytes[]'], [hex(bytes), []]);
  const malformed = (bytes, why) => expectRevert(vault, raw(bytes), 'MalformedCommitment()', [], []).catch((e) => {
    throw new Error(`${why}: ${e.message}`);
  });
  const withWord = (i, value) => { const b = Buffer.from(good); word(value).copy(b, 32 * i); return b; };
  // Arrays of other lengths than C = 2 chains, A = 2 assets.
  for (const [field, value] of [['withdrawal_roots', [tree.root]], ['cut_hashes', [ZERO32, ZERO32, ZERO32]],
                                ['liabilities_totals', ['1']], ['custody', ['1', '2', '3']], ['pending', []]]) {
    await malformed(commitmentBytes({ ...c, [field]: value }), field);
  }
  await malformed(good.subarray(0, 31), 'shorter than a word');
  await malformed(good.subarray(0, good.length - 32), 'one word short');
  await malformed(Buffer.concat([good, Buffer.alloc(1)]), 'one byte more');
  await malformed(Buffer.concat([good, Buffer.alloc(32)]), 'one word more');
  await malformed(withWord(1, 1n << 64n), 'epoch of 2^64');
  for (let i = 4; i < 14; ++i) {  // each array's offset moved by a word, and its length word changed
    const offset = BigInt(hex(good.subarray(32 * i, 32 * i + 32)));
    await malformed(withWord(i, offset + 32n), `offset of field ${i + 1}`);
    await malformed(withWord(Number(offset / 32n), BigInt(hex(good.subarray(Number(offset), Number(offset) + 32))) + 1n),
                    `length of field ${i + 1}`);
  }
  // This chain's withdrawal root zero: never a tree's root, and it would read as "not committed".
  await malformed(commitmentBytes({ ...c, withdrawal_roots: [ZERO32, emptyRoot] }), 'zero root');
  // The other chain's root may be anything: only this chain's is read.
  const other = { ...c, withdrawal_roots: [tree.root, ZERO32] };
  assert.equal((await call(vault, V('checkCertificate', ['bytes', 'bytes[]'],
    [hex(commitmentBytes(other)), certify(other, signers(0, 1, 2))]))).slice(0, 66), hex(commitmentHash(other)));
});

test('commitEpoch refuses out-of-range r and s, and signatures ecrecover cannot recover, as MalformedSignature', async () => {
  const c = epoch0;  // not committed yet
  const digest = signingDigest(networkId, commitmentHash(c));
  const [first, good, last] = certify(c, signers(0, 1, 2));
  const b = unhex(good);
  const r = BigInt(hex(b.subarray(0, 32)));
  const s = BigInt(hex(b.subarray(32, 64)));
  const HALF_N = N >> 1n;
  const MAX = (1n << 256n) - 1n;
  const sig = (rr, ss, v = b[64]) => hex(Buffer.concat([word(rr), word(ss), Buffer.from([v])]));
  // Always at index 1, after a valid signature: the error names the position.
  const at1 = (bad) => commitTx(c, [first, bad, last]);
  const malformed = (bad) => expectRevert(vault, at1(bad), 'MalformedSignature(uint256)', ['uint256'], [1]);
  const high = (bad) => expectRevert(vault, at1(bad), 'HighS(uint256)', ['uint256'], [1]);
  const unknown = (bad) => expectRevert(vault, at1(bad), 'UnknownSigner(uint256,address)', ['uint256', 'address'],
                                        [1, recoverAddress(bad, digest)]);
  await malformed(sig(r, 0n));      // s = 0: in range and low, refused by the zero check
  await malformed(sig(0n, s));      // r = 0
  await malformed(sig(N, s));       // r = n
  await malformed(sig(MAX, s));     // r = 2^256 - 1
  // s >= n is out of range: MalformedSignature, not HighS, although it is above n/2 (the range
  // check comes first); n/2 < s < n is HighS.
  await malformed(sig(r, N));
  await malformed(sig(r, MAX));
  await high(sig(r, N - 1n));
  await high(sig(r, HALF_N + 1n));
  // s = n/2 is low: accepted by the s checks, it recovers some unrelated key.
  await unknown(sig(r, HALF_N));
  // r that is no curve point's x (x^3 + 7 is not a square mod p): ecrecover returns address(0).
  // r = 1 would not do: it is a point's x, so ecrecover yields an (unknown) address.
  const P = (1n << 256n) - (1n << 32n) - 977n;
  const pow = (x, e) => { let out = 1n; for (x %= P; e > 0n; e >>= 1n, x = x * x % P) if (e & 1n) out = out * x % P; return out; };
  const onCurve = (x) => pow(x ** 3n + 7n, (P - 1n) / 2n) === 1n;
  assert.ok(onCurve(1n) && !onCurve(5n));
  await malformed(sig(5n, s));
  await malformed(sig(5n, s, 55 - b[64]));  // either recovery id
  await unknown(sig(1n, s));
  assert.equal(BigInt(await call(vault, V('hasCommitted', [], []))), 0n);
});

test('commitEpoch stores any certified epoch once, in any order', async () => {
  const isCommitted = async (e) => BigInt(await call(vault, V('isCommitted', ['uint64'], [e]))) === 1n;
  const lastEpoch = async () => BigInt(await call(vault, V('lastEpoch', [], [])));
  const from = await chain.rpc('eth_blockNumber');
  await commit(epoch0, certify(epoch0, signers(0, 1, 3)));  // any 3 of 4
  const [log] = await logs('EpochCommitted(uint64,bytes32,bytes32,uint256)', from);
  assert.equal(BigInt(log.topics[1]), 0n);
  assert.equal(log.data, hex(encode(['bytes32', 'bytes32', 'uint256'], [hex(commitmentHash(epoch0)), tree.root, 3])));
  assert.equal(await call(vault, V('withdrawalRoot', ['uint64'], [0])), tree.root);
  assert.equal(BigInt(await call(vault, V('hasCommitted', [], []))), 1n);
  assert.equal(await isCommitted(0), true);
  await expectRevert(vault, commitTx(epoch0, certify(epoch0, signers(0, 1, 2, 3))), 'EpochAlreadyCommitted(uint64)',
                     ['uint64'], [0]);

  // Epochs 5, then 3, then 4: a chain gets only the epochs that matter to it, in any order.
  const [c3, c4, c5] = [3, 4, 5].map((e) => commitment(networkId, e, []));
  await commit(c5);
  assert.equal(await lastEpoch(), 5n);
  await commit(c3, certify(c3, signers(3, 2, 1, 0)));  // all four: weight 4
  assert.equal(await lastEpoch(), 5n, 'lastEpoch is the highest, not the latest');
  assert.deepEqual(await Promise.all([0, 1, 2, 3, 4, 5, 6].map(isCommitted)), [true, false, false, true, false, true, false]);
  await commit(c4);
  assert.equal(await isCommitted(4), true);
  assert.equal(await call(vault, V('withdrawalRoot', ['uint64'], [4])), emptyRoot);
  const got = await logs('EpochCommitted(uint64,bytes32,bytes32,uint256)', from);
  assert.deepEqual(got.map((l) => [BigInt(l.topics[1]), BigInt(hex(unhex(l.data).subarray(64)))]),
                   [[0n, 3n], [5n, 3n], [3n, 4n], [4n, 3n]]);
  for (const [e, c] of [[3, c3], [5, c5]]) {
    await expectRevert(vault, commitTx(c, certify(c, signers(0, 1, 2))), 'EpochAlreadyCommitted(uint64)', ['uint64'], [e]);
  }
  // A certificate for an epoch committed already is refused before its signatures are looked at.
  await expectRevert(vault, commitTx(c4, []), 'EpochAlreadyCommitted(uint64)', ['uint64'], [4]);
  // checkCertificate is a dry run: it still answers for a committed epoch.
  assert.equal((await call(vault, V('checkCertificate', ['bytes', 'bytes[]'],
    [hex(commitmentBytes(c4)), certify(c4, signers(0, 1, 2))]))).slice(0, 66), hex(commitmentHash(c4)));

  // The vector certificate (what the C++ writer and verify-cert agree on), committed as it is.
  const vc = certVectors.certificate;
  const vEpoch = BigInt(vc.commitment.epoch);
  await chain.send(accounts[3], vault, V('commitEpoch', ['bytes', 'bytes[]'], [hex(encodeInOrder(vc.commitment)), vc.signatures]));
  assert.equal(await isCommitted(vEpoch), true);
  assert.equal(await call(vault, V('withdrawalRoot', ['uint64'], [vEpoch])), vc.commitment.withdrawal_roots[0]);
  assert.equal(await lastEpoch(), vEpoch);
  const [vLog] = (await logs('EpochCommitted(uint64,bytes32,bytes32,uint256)', from)).slice(-1);
  assert.equal(BigInt(vLog.topics[1]), vEpoch);
  assert.equal(vLog.data, hex(encode(['bytes32', 'bytes32', 'uint256'], [vc.commitment_hash, vc.commitment.withdrawal_roots[0], 3])));
});

test('claim pays a proven withdrawal once, and refuses bad proofs', async () => {
  const [pEth, pToken, pOne] = recipients.map((r) => tree.proofs.find((p) => p.leaf.recipient === r));
  const from = await chain.rpc('eth_blockNumber');

  // Bad proofs first, while every id is unclaimed.
  const bad = (p) => expectRevert(vault, claimTx(0, p), 'BadProof()', [], []);
  await bad({ ...pEth, leaf: { ...pEth.leaf, amount: '1500000000000000001' } });
  await bad({ ...pEth, leaf: { ...pEth.leaf, recipient: accounts[4] } });
  await bad({ ...pEth, siblings: [hex(Buffer.alloc(32, 7)), ...pEth.siblings.slice(1)] });
  await bad({ ...pEth, siblings: pEth.siblings.slice(0, 1) });                   // too short
  await bad({ ...pEth, siblings: [...pEth.siblings, hex(Buffer.alloc(32))] });  // too long
  await bad({ ...pEth, index: pEth.index ^ 1 });
  await bad({ ...pEth, count: 4 });
  await bad({ ...pEth, index: 3, count: 3 });                                    // padding position
  await expectRevert(vault, claimTx(4, pEth), 'BadProof()', [], []);            // epoch 4's root is empty
  await expectRevert(vault, claimTx(1, pEth), 'UnknownEpoch(uint64)', ['uint64'], [1]);

  // Anyone may submit a claim; the leaf's recipient is paid.
  await chain.send(accounts[5], vault, claimTx(0, pEth));
  assert.equal(await chain.balance(recipients[0]), 1_500000000000000000n);
  await chain.send(accounts[5], vault, claimTx(0, pToken));
  assert.equal(await tokenBalanceOf(token, recipients[1]), 40_000000n);
  await chain.send(accounts[6], vault, claimTx(0, pOne));
  assert.equal(await chain.balance(recipients[2]), 1n);
  assert.equal(await chain.balance(vault), 6n * 10n ** 18n - 1_500000000000000001n);
  assert.equal(await tokenBalanceOf(token, vault), 210_000000n);

  const got = await logs('WithdrawalClaimed(bytes32,address,address,uint256)', from);
  assert.deepEqual(got.map((l) => l.topics[1]), [pEth.leaf.id, pToken.leaf.id, pOne.leaf.id]);
  assert.equal(got[1].topics[2], account(recipients[1]));
  assert.equal(got[1].topics[3], account(token));
  assert.equal(BigInt(got[1].data), 40_000000n);
  assert.equal(BigInt(await call(vault, V('claimed', ['bytes32'], [pEth.leaf.id]))), 1n);

  for (const p of [pEth, pToken]) {
    await expectRevert(vault, claimTx(0, p), 'AlreadyClaimed(bytes32)', ['bytes32'], [p.leaf.id]);
  }
  assert.equal(await chain.balance(recipients[0]), 1_500000000000000000n);
});

// ---------------------------------------------------------------------------------------------
// ERC-20s that misbehave (tests/deploy/EdgeTokens.sol)

const decodeBytes = (ret) => {  // an ABI-encoded `bytes` return value
  const b = unhex(ret);
  const at = Number(BigInt(hex(b.subarray(0, 32))));
  return hex(b.subarray(at + 32, at + 32 + Number(BigInt(hex(b.subarray(at, at + 32))))));
};
const REENTRANCY = hex(selector('Reentrancy()'));
/// What the reentrant token's last call into its target did: how many calls so far, whether the
/// last succeeded, and what it returned (its revert data if not).
async function reentry() {
  const t = edge.ReentrantToken;
  const get = (fn) => call(t, E('ReentrantToken', fn, [], []));
  return { count: BigInt(await get('reentries')), ok: BigInt(await get('reentryOk')) === 1n,
           result: decodeBytes(await get('reentryResult')) };
}
const arm = (from, target, data, bubble) =>
  chain.send(from, edge.ReentrantToken, E('ReentrantToken', 'arm', ['address', 'bytes', 'bool'], [target, data, bubble]));
const depositTokenData = (tok, amount, acc) => V('depositToken', ['address', 'uint256', 'bytes32'], [tok, amount, acc]);

test('depositToken: false is refused, no return value accepted, a fee is not credited, no code is NotAContract, reentry is Reentrancy', async () => {
  const user = accounts[7];
  const acc = account('0x' + 'cd'.repeat(20));
  const setUp = async (name, minted, approved) => {
    await chain.send(user, edge[name], E(name, 'mint', ['address', 'uint256'], [user, minted]));
    await chain.send(user, edge[name], E(name, 'approve', ['address', 'uint256'], [vault, approved]));
  };
  const deposited = async (receipt, tok, amount) => {
    const got = (await logs('Deposited(address,bytes32,address,uint256)', receipt.blockNumber))
      .filter((l) => l.transactionHash === receipt.transactionHash);
    assert.equal(got.length, 1, 'one Deposited event');
    assert.equal(got[0].topics[1], account(tok), 'token');
    assert.equal(got[0].topics[2], acc, 'account');
    assert.equal(got[0].topics[3], account(user), 'depositor');
    assert.equal(BigInt(got[0].data), amount, 'amount');
  };
  const transferFailed = (tok, amount) => expectRevert(vault, depositTokenData(tok, amount, acc),
    'TransferFailed(address,address,uint256)', ['address', 'address', 'uint256'], [tok, vault, amount], { from: user });

  // transferFrom returns false (and moves nothing): refused, whatever the balance.
  await setUp('FalseToken', 1000, 1000);
  await transferFailed(edge.FalseToken, 100);

  // transferFrom returns nothing (USDT): accepted; when it reverts (above the allowance), refused.
  await setUp('NoReturnToken', 1000, 600);
  await deposited(await chain.send(user, vault, depositTokenData(edge.NoReturnToken, 600, acc)), edge.NoReturnToken, 600n);
  assert.equal(await tokenBalanceOf(edge.NoReturnToken, vault), 600n);
  await transferFailed(edge.NoReturnToken, 1);

  // 1% burnt on transfer: the event carries the 990 that arrived, not the 1000 asked.
  await setUp('FeeToken', 1000, 1000);
  await deposited(await chain.send(user, vault, depositTokenData(edge.FeeToken, 1000, acc)), edge.FeeToken, 990n);
  assert.equal(await tokenBalanceOf(edge.FeeToken, vault), 990n);

  // A listed address without code; an unlisted one (an account) is not even tried.
  await expectRevert(vault, depositTokenData(noCode, 1, acc), 'NotAContract(address)', ['address'], [noCode], { from: user });
  await expectRevert(vault, depositTokenData(accounts[8], 1, acc), 'UnknownToken(address)', ['address'], [accounts[8]],
                     { from: user });

  // A token that deposits itself again from inside transferFrom (it holds and approved the 100 it
  // deposits): the inner depositToken is refused with Reentrancy (else the outer one would count
  // the inner deposit's tokens a second time: 600 for 500).
  await setUp('ReentrantToken', 1000, 1000);
  await chain.send(user, edge.ReentrantToken, E('ReentrantToken', 'mint', ['address', 'uint256'], [edge.ReentrantToken, 100]));
  await chain.send(user, edge.ReentrantToken, E('ReentrantToken', 'selfApprove', ['address', 'uint256'], [vault, 100]));
  await arm(user, vault, depositTokenData(edge.ReentrantToken, 100, acc), false);  // the token swallows the refusal
  await deposited(await chain.send(user, vault, depositTokenData(edge.ReentrantToken, 500, acc)), edge.ReentrantToken, 500n);
  assert.deepEqual(await reentry(), { count: 1n, ok: false, result: REENTRANCY });
  assert.equal(await tokenBalanceOf(edge.ReentrantToken, vault), 500n);
  // The same token passing the refusal up: the vault names the failed transferFrom.
  await arm(user, vault, depositTokenData(edge.ReentrantToken, 100, acc), true);
  await transferFailed(edge.ReentrantToken, 100);
  assert.equal(await tokenBalanceOf(edge.ReentrantToken, vault), 500n);
  await arm(user, ZERO_ADDRESS, '0x', false);  // disarmed
});

test('claim: pays a token that returns nothing; refuses false and no code; a reentrant token cannot claim twice', async () => {
  const to = ['6a', '6b', '6c', '6d', '6e', '6f'].map((b) => '0x' + b.repeat(20));
  const t = withdrawalTree([
    leaf('e1', to[0], edge.NoReturnToken, '100'),
    leaf('e2', to[1], edge.FalseToken, '7'),
    leaf('e3', to[2], edge.ReentrantToken, '50'),
    leaf('e4', to[3], edge.FeeToken, '200'),
    leaf('e5', to[4], noCode, '1'),
    leaf('e6', to[5], edge.ReentrantToken, '20'),
  ]);
  const proof = (r) => t.proofs.find((p) => p.leaf.recipient === r);
  const epoch = 10;
  await commit(commitment(networkId, epoch, [t.root]));
  assert.equal(await call(vault, V('withdrawalRoot', ['uint64'], [epoch])), t.root);
  await chain.send(accounts[3], edge.FalseToken, E('FalseToken', 'mint', ['address', 'uint256'], [vault, 7]));
  const from = await chain.rpc('eth_blockNumber');
  const isClaimed = async (p) => BigInt(await call(vault, V('claimed', ['bytes32'], [p.leaf.id]))) === 1n;
  const failed = (p) => expectRevert(vault, claimTx(epoch, p), 'TransferFailed(address,address,uint256)',
                                     ['address', 'address', 'uint256'], [p.leaf.token, p.leaf.recipient, p.leaf.amount]);

  await chain.send(accounts[5], vault, claimTx(epoch, proof(to[0])));  // returns nothing: paid
  assert.equal(await tokenBalanceOf(edge.NoReturnToken, to[0]), 100n);
  assert.equal(await tokenBalanceOf(edge.NoReturnToken, vault), 500n);

  await failed(proof(to[1]));  // returns false: refused, and still claimable
  assert.equal(await isClaimed(proof(to[1])), false);
  assert.equal(await tokenBalanceOf(edge.FalseToken, vault), 7n);

  await expectRevert(vault, claimTx(epoch, proof(to[4])), 'NotAContract(address)', ['address'], [noCode]);
  assert.equal(await isClaimed(proof(to[4])), false);

  // The reentrant token claims the same withdrawal again from inside transfer. Passed up, the
  // Reentrancy refusal fails the whole claim (nothing paid, still claimable); swallowed, the
  // inner claim is refused and the recipient is paid once.
  const p3 = proof(to[2]);
  const reentries = (await reentry()).count;
  await arm(accounts[5], vault, claimTx(epoch, p3), true);
  await failed(p3);
  assert.equal(await isClaimed(p3), false);
  await arm(accounts[5], vault, claimTx(epoch, p3), false);
  await chain.send(accounts[5], vault, claimTx(epoch, p3));
  // (The refused attempts reverted the token's record with them: one more reentry.)
  assert.deepEqual(await reentry(), { count: reentries + 1n, ok: false, result: REENTRANCY });
  assert.equal(await tokenBalanceOf(edge.ReentrantToken, to[2]), 50n);
  assert.equal(await tokenBalanceOf(edge.ReentrantToken, vault), 450n);
  await expectRevert(vault, claimTx(epoch, p3), 'AlreadyClaimed(bytes32)', ['bytes32'], [p3.leaf.id]);
  // The lock is the vault's, not the function's: a claim cannot reenter depositToken either.
  await arm(accounts[5], vault, depositTokenData(edge.ReentrantToken, 1, account(accounts[5])), false);
  await chain.send(accounts[5], vault, claimTx(epoch, proof(to[5])));
  assert.deepEqual(await reentry(), { count: reentries + 2n, ok: false, result: REENTRANCY });
  assert.equal(await tokenBalanceOf(edge.ReentrantToken, to[5]), 20n);
  assert.equal(await tokenBalanceOf(edge.ReentrantToken, vault), 430n);
  await arm(accounts[5], ZERO_ADDRESS, '0x', false);

  // A fee-on-transfer token: the recipient gets what the token delivers (99%); the event and the
  // vault's accounting carry the certified amount, which left the vault in full.
  await chain.send(accounts[5], vault, claimTx(epoch, proof(to[3])));
  assert.equal(await tokenBalanceOf(edge.FeeToken, to[3]), 198n);
  assert.equal(await tokenBalanceOf(edge.FeeToken, vault), 790n);

  const got = await logs('WithdrawalClaimed(bytes32,address,address,uint256)', from);
  assert.deepEqual(got.map((l) => [l.topics[1], l.topics[2], l.topics[3], BigInt(l.data)]),
    [to[0], to[2], to[5], to[3]].map(proof).map((p) => [p.leaf.id, account(p.leaf.recipient), account(p.leaf.token),
                                                       BigInt(p.leaf.amount)]));
});
