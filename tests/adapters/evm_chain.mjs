// Puts vault activity on a running anvil for the EVM watcher's tests (tests/adapters/
// evm_watch_test.cpp): compiles deploy/contracts/RelayVault.sol and tests/deploy/TestToken.sol
// with deploy/lib/vault.mjs, deploys the token (block 1) and then the vault (block 2) from
// anvil's first unlocked account, the vault from a genesis whose chain alpha is this anvil and
// lists the native coin and the token, mints and approves (blocks 3, 4), and sends:
//   block 5: a native deposit (accounts[0], 2 ETH, for accounts[0]) and a token deposit
//            (accounts[1], 250 TST = 250000000 units, for accounts[1]), in one block;
//   block 6: requestWithdrawal("ETH", 0.5 ETH, dest chain 31337, recipient accounts[2]);
//   block 7: requestWithdrawal("DOGE", 5, dest chain 31338, accounts[2]) from accounts[1]
//            (an asset of the right form that the tests' genesis does not have);
//   block 8: a native deposit (accounts[0], 1 ETH, for accounts[2]).
// Prints one JSON object: vault, token, accounts, latest, and each Deposited /
// WithdrawalRequested log the receipts hold (block, log_index, tx), in chain order.
// Usage: node tests/adapters/evm_chain.mjs RPC_URL
import { Interface, JsonRpcProvider, getCreateAddress } from 'ethers';
import { compileVault, deployVault } from '../../deploy/lib/vault.mjs';
import { jsonRpc } from './jsonrpc.mjs';

const url = process.argv[2];
if (!url) { console.error('usage: evm_chain.mjs RPC_URL'); process.exit(2); }

const word = (n) => BigInt(n).toString(16).padStart(64, '0');
const addr = (a) => a.replace(/^0x/, '').toLowerCase().padStart(64, '0');
const str = (s) => {
  const b = Buffer.from(s, 'utf8');
  return word(b.length) + b.toString('hex').padEnd(Math.ceil(b.length / 32) * 64, '0');
};

const { rpc, receipt: mined } = jsonRpc(url);
async function receipt(hash) {
  const r = await mined(hash);
  if (r.status !== '0x1') throw new Error(`transaction ${hash} failed`);
  return r;
}
const sendRaw = (from, to, data, value = 0n) =>
  rpc('eth_sendTransaction', [{ from, to, data, value: '0x' + value.toString(16), gas: '0x200000' }]);
const send = async (...a) => receipt(await sendRaw(...a));

const artifacts = compileVault({ testTokens: true });
const vaultArt = artifacts.RelayVault;
const tokenArt = artifacts.TestToken;
const sel = (art, name) => {
  art.iface ??= new Interface(art.abi);
  return art.iface.getFunction(name).selector.slice(2);
};

const accounts = await rpc('eth_accounts');
const [a0, a1, a2] = accounts;
const chainId = Number(BigInt(await rpc('eth_chainId')));
const token = (await send(a0, null, tokenArt.bytecode)).contractAddress;
// One validator (the vectors' v1); the network id is not read by the watcher: any 32 bytes do.
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
const genesis = {
  network: 'evm-chain', quorum: 1,
  validators: [{ name: 'v1', weight: 1, pubkey: '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' }],
  chains: [{ name: 'alpha', chain_id: chainId, kind: 'evm', finality: { confirmations: 2 },
             vault: getCreateAddress({ from: a0, nonce: await provider.getTransactionCount(a0, 'pending') }) },
           { name: 'beta', chain_id: chainId + 1, kind: 'evm', vault: '0x' + '22'.repeat(20), finality: { confirmations: 2 } }],
  assets: [{ id: 'ETH', decimals: 18, tokens: { alpha: { address: '0x' + '00'.repeat(20), decimals: 18 } } },
           { id: 'USDC', decimals: 6, tokens: { alpha: { address: token, decimals: 6 } } }],
};
const { address: vault } = await deployVault({ provider, genesis, networkId: '0x' + '00'.repeat(31) + '01', chainName: 'alpha',
                                               from: a0, artifact: vaultArt });
provider.destroy();
await send(a1, token, '0x' + sel(tokenArt, 'mint') + addr(a1) + word(1000_000000n));
await send(a1, token, '0x' + sel(tokenArt, 'approve') + addr(vault) + word(250_000000n));

const txs = [];
await rpc('evm_setAutomine', [false]);
txs.push(await sendRaw(a0, vault, '0x' + sel(vaultArt, 'deposit') + addr(a0), 2n * 10n ** 18n));
txs.push(await sendRaw(a1, vault, '0x' + sel(vaultArt, 'depositToken') + addr(token) + word(250_000000n) + addr(a1)));
await rpc('evm_mine');
await rpc('evm_setAutomine', [true]);
const request = (asset, amount, dest, to) =>
  '0x' + sel(vaultArt, 'requestWithdrawal') + word(4 * 32) + word(amount) + word(dest) + addr(to) + str(asset);
txs.push(await sendRaw(a0, vault, request('ETH', 5n * 10n ** 17n, 31337, a2)));
await receipt(txs.at(-1));
txs.push(await sendRaw(a1, vault, request('DOGE', 5, 31338, a2)));
await receipt(txs.at(-1));
txs.push(await sendRaw(a0, vault, '0x' + sel(vaultArt, 'deposit') + addr(a2), 10n ** 18n));

const events = [];
for (const hash of txs) {
  const r = await receipt(hash);
  for (const log of r.logs)
    if (log.address.toLowerCase() === vault.toLowerCase())
      events.push({ block: Number(log.blockNumber), log_index: Number(log.logIndex), tx: log.transactionHash,
                    topic0: log.topics[0] });
}
events.sort((x, y) => x.block - y.block || x.log_index - y.log_index);
console.log(JSON.stringify({ vault: vault.toLowerCase(), token: token.toLowerCase(),
  accounts: accounts.map((a) => a.toLowerCase()), latest: Number(await rpc('eth_blockNumber')), events }));
