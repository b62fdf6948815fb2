// scripts/devnet's scenario: starts the devnet (deploy/devnet/devnet.mjs: two anvil chains, the
// vault and a token on each, four relayd validators with quorum three) and runs the main job end
// to end, checking every step against the chains themselves:
//   1. deposits on both chains reach every node, only once, and are certified;
//   2. a withdrawal requested on beta against ETH deposited on alpha is certified, and the
//      certificate is committed on beta (the chain that pays it);
//   3. the withdrawal is claimed on beta with the proof a node serves, and the relay sees it;
//   4. certificates are committed on both chains, and each verifies offline (relayctl verify-cert);
//   5. custody in the relay equals what each vault holds on chain; the solvency table is printed.
// Then it prints `devnet ready: <a node's HTTP address>` and keeps everything running until
// Ctrl-C; with --once it stops and exits 0 only if every check held.
// Usage: node deploy/devnet/run.mjs [--once] [--dir DIR] [--epoch-seconds N]
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethers } from 'ethers';
import { Devnet, waitFor } from './devnet.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
if (flag('--help') || flag('-h')) {
  console.log('usage: scripts/devnet [--once] [--dir DIR] [--epoch-seconds N]');
  process.exit(0);
}
const once = flag('--once');
const dir = option('--dir', mkdtempSync(join(tmpdir(), 'relay-devnet-')));
const epochSeconds = Number(option('--epoch-seconds', '4'));

const t0 = Date.now();
const step = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${what}`);
const account = (address) => ethers.zeroPadValue(address, 32).toLowerCase();

const devnet = new Devnet({ dir, epochSeconds });
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await devnet.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => { console.log('\ndevnet: stopping'); shutdown(0); });
process.on('SIGTERM', () => shutdown(0));

async function main() {
  step(`devnet folder: ${dir}`);
  await devnet.start();
  const [alpha, beta] = devnet.chains;
  const nodes = devnet.validators;
  const node = nodes[0];
  step(`chains ${alpha.name} (${alpha.url}) and ${beta.name} (${beta.url}); vaults deployed; ` +
       `${nodes.length} relayd started (quorum ${devnet.quorum})`);

  // Every node up, following both chains, and certifying epochs.
  await waitFor('every node to certify an epoch', async () => {
    for (const v of nodes) {
      const s = (await v.api('/v1/status')).json;
      if (!s || s.certified_epoch === null || s.certified_epoch === undefined) return false;
    }
    return true;
  }, { timeoutMs: 120000, every: 500 });
  step('every node certifies epochs');

  // 1. Deposits on both chains.
  const user1 = await alpha.signer(1);
  const user1Beta = await beta.signer(1);  // the same key, so the same relay account
  const user2 = await beta.signer(2);
  const user3 = await alpha.signer(3);
  const u1 = await user1.getAddress();
  const u2 = await user2.getAddress();
  const u3 = await user3.getAddress();
  const vaultOf = (chain, signer) => chain.vault.connect(signer);
  await (await vaultOf(alpha, user1).deposit(account(u1), { value: ethers.parseEther('5') })).wait();
  await (await vaultOf(beta, user2).deposit(account(u2), { value: ethers.parseEther('3') })).wait();
  const usdUnits = 1000n * 10n ** BigInt(alpha.tokenDecimals);
  await (await alpha.token.connect(user3).mint(u3, usdUnits)).wait();
  await (await alpha.token.connect(user3).approve(alpha.vault.target, usdUnits)).wait();
  await (await vaultOf(alpha, user3).depositToken(alpha.token.target, usdUnits, account(u3))).wait();
  step('deposited: 5 ETH on alpha (user1), 3 ETH on beta (user2), 1000 USD on alpha (user3)');

  const expect = { [account(u1)]: { ETH: ethers.parseEther('5') }, [account(u2)]: { ETH: ethers.parseEther('3') },
                   [account(u3)]: { USD: 1000n * 10n ** 6n } };
  for (const v of nodes) {
    for (const [acct, balances] of Object.entries(expect)) {
      await waitFor(`${v.name} to credit ${acct}`, async () => {
        const a = (await v.api(`/v1/accounts/${acct}?certified=true`)).json;
        return a && Object.entries(balances).every(([asset, amt]) => BigInt(a.balances?.[asset] ?? 0) === amt);
      }, { timeoutMs: 90000, every: 500 });
    }
  }
  step('every node credits each deposit exactly once, in a certified epoch');

  // 2. A withdrawal requested on beta against the ETH user1 deposited on alpha, paid on beta.
  const recipient = ethers.Wallet.createRandom().address;
  const amount = ethers.parseEther('2');
  await (await vaultOf(beta, user1Beta).requestWithdrawal('ETH', amount, beta.chainId, recipient)).wait();
  step(`user1 asks on beta for 2 ETH paid on beta to ${recipient}`);
  const w = await waitFor('the withdrawal to be certified and committed on beta', async () => {
    const r = (await node.api(`/v1/withdrawals?account=${account(u1)}`)).json;
    const x = r?.withdrawals?.find((y) => y.recipient.toLowerCase() === recipient.toLowerCase());
    return x && x.proof && (x.committed_on ?? []).includes(beta.name) ? x : false;
  }, { timeoutMs: 120000, every: 500 });
  const epoch = BigInt(w.epoch);
  assert.equal(await beta.vault.isCommitted(epoch), true, `beta's vault does not hold epoch ${epoch}`);
  assert.equal((await beta.vault.withdrawalRoot(epoch)).toLowerCase(), w.proof.root.toLowerCase(),
               "beta's stored withdrawal root is not the proof's");
  step(`certified in epoch ${epoch} and committed on beta (root ${w.proof.root.slice(0, 10)}…)`);

  // 3. Claim it with the node's proof; the recipient is paid; the relay sees the claim.
  const before = await beta.provider.getBalance(beta.vault.target);
  const claimer = await beta.signer(4);
  const leaf = [w.proof.leaf.id, w.proof.leaf.recipient, w.proof.leaf.token, BigInt(w.proof.leaf.amount)];
  await (await vaultOf(beta, claimer).claim(epoch, leaf, w.proof.index, w.proof.count, w.proof.siblings)).wait();
  assert.equal(await beta.provider.getBalance(recipient), amount, 'the recipient was not paid 2 ETH');
  assert.equal(await beta.provider.getBalance(beta.vault.target), before - amount);
  await waitFor('every node to see the claim', async () => {
    for (const v of nodes) {
      const r = (await v.api(`/v1/withdrawals?account=${account(u1)}`)).json;
      const x = r?.withdrawals?.find((y) => y.id === w.id);
      if (!x || x.state !== 'claimed') return false;
    }
    return true;
  }, { timeoutMs: 90000, every: 500 });
  step('claimed on beta with the served proof; the recipient holds 2 ETH; every node sees the claim');

  // 4. Certificates on both chains, each checked offline.
  for (const chain of devnet.chains) {
    const e = await waitFor(`a certificate committed on ${chain.name}`, async () =>
      (await chain.vault.hasCommitted()) ? await chain.vault.lastEpoch() : false, { timeoutMs: 90000 });
    const cert = await waitFor(`certificate ${e}`, async () => {
      const r = await node.api(`/v1/certificates/${e}`);
      return r.status === 200 ? r.body : false;
    });
    const file = join(dir, `certificate-${chain.name}-${e}.json`);
    writeFileSync(file, cert);
    devnet.relayctl('verify-cert', '--genesis', devnet.genesisPath, '--cert', file);
    step(`${chain.name} holds epoch ${e}; its certificate verifies offline (relayctl verify-cert)`);
  }

  // 5. Solvency, against the chains.
  const sol = await waitFor('solvency after the claim', async () => {
    const s = (await node.api('/v1/solvency')).json;
    const eth = s?.live?.assets?.find((a) => a.id === 'ETH');
    return eth && BigInt(eth.pending_total ?? eth.pending ?? 0) === 0n ? s : false;
  }, { timeoutMs: 60000 });
  for (const a of sol.live.assets) {
    for (const chain of devnet.chains) {
      const onChain = a.id === 'ETH' ? await chain.provider.getBalance(chain.vault.target)
                                      : await chain.token.balanceOf(chain.vault.target);
      const decimals = a.id === 'ETH' ? 18 : chain.tokenDecimals;
      const canonical = a.id === 'ETH' ? onChain : onChain * 10n ** 6n / 10n ** BigInt(decimals);
      assert.equal(BigInt(a.custody[chain.name]), canonical,
                   `${a.id} custody on ${chain.name}: relay ${a.custody[chain.name]}, vault holds ${canonical}`);
    }
    assert.equal(a.invariants_ok, true, `${a.id}: an invariant is broken`);
  }
  printSolvency(sol);
  step('custody equals what every vault holds on chain; every invariant holds');
}

function printSolvency(s) {
  const rows = [['asset', 'chain', 'custody', 'pending to', 'liabilities', 'surplus']];
  for (const a of s.live.assets) {
    for (const [chain, custody] of Object.entries(a.custody)) {
      rows.push([a.id, chain, custody, a.pending?.[chain] ?? '0', a.liabilities, a.surplus]);
    }
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log('  ' + r.map((c, i) => String(c).padEnd(w[i])).join('  '));
}

main().then(async () => {
  if (once) {
    console.log('devnet: every check held');
    await shutdown(0);
    return;
  }
  console.log(`devnet ready: ${devnet.validators[0].url}`);
  console.log(`(data in ${dir}; Ctrl-C stops the devnet)`);
}).catch(async (e) => {
  console.error(`devnet: FAILED: ${e.stack || e.message}`);
  console.error(`logs: ${dir}/v*/relayd.log, ${dir}/anvil-*.log`);
  await shutdown(1);
});
