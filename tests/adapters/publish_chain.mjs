// Puts a vault on a running anvil for the EVM publisher's tests (tests/adapters/
// evm_publish_test.cpp), deployed from anvil's first unlocked account, compiled with the pinned
// solc through deploy/lib/vault.mjs (cached between test processes).
//
//   node tests/adapters/publish_chain.mjs RPC_URL test
//     tests/adapters/PublishTestVault.sol (the vault's publishing functions without certificate
//     checks). Prints {vault, accounts, refuse: refuse(uint64,bool)'s selector}.
//   node tests/adapters/publish_chain.mjs RPC_URL relay
//     the real deploy/contracts/RelayVault.sol for a genesis of three validators (keys 1, 2, 3,
//     as tests/deploy/harness.mjs's testKeys) with quorum 2 and one chain, and certificates in
//     the 14-field commitment format (docs/node.md), built and signed by the harness
//     independently of the C++ code. Prints {vault, accounts, network_id, certificates: [{epoch,
//     commitment, signatures}] for epochs 5 and 3 (two signers each), short: one for epoch 6
//     with one signer (weight 1 < quorum 2)}.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Interface } from 'ethers';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSolidity, deployVault } from '../../deploy/lib/vault.mjs';
import { jsonRpc } from './jsonrpc.mjs';
import { certify, commitment, commitmentBytes, hex, sha256, testKeys } from '../deploy/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [url, mode] = process.argv.slice(2);
if (!url || !['test', 'relay'].includes(mode)) {
  console.error('usage: publish_chain.mjs RPC_URL test|relay');
  process.exit(2);
}

const { rpc, receipt } = jsonRpc(url);

const accounts = (await rpc('eth_accounts')).map((a) => a.toLowerCase());

if (mode === 'test') {
  const src = readFileSync(join(here, 'PublishTestVault.sol'), 'utf8');
  const art = compileSolidity({ 'PublishTestVault.sol': src }).PublishTestVault;
  const hash = await rpc('eth_sendTransaction', [{ from: accounts[0], data: art.bytecode, gas: '0x200000' }]);
  const r = await receipt(hash);
  if (r.status !== '0x1') throw new Error('deployment failed');
  const refuse = new Interface(art.abi).getFunction('refuse(uint64,bool)').selector;
  console.log(JSON.stringify({ vault: r.contractAddress.toLowerCase(), accounts, refuse }));
} else {
  const keys = testKeys(3);
  const chainId = Number(BigInt(await rpc('eth_chainId')));
  const pubkey = (k) => hex(secp256k1.getPublicKey(Buffer.from(k.secret_key.slice(2), 'hex'), true));
  const genesis = {
    network: 'publish-test', quorum: 2,
    validators: keys.map((k, i) => ({ name: `v${i + 1}`, weight: 1, pubkey: pubkey(k) })),
    chains: [{ name: 'alpha', chain_id: chainId, kind: 'evm', vault: '0x' + '00'.repeat(20), finality: { confirmations: 1 } }],
    assets: [{ id: 'ETH', decimals: 18, tokens: { alpha: { address: '0x' + '00'.repeat(20), decimals: 18 } } }],
  };
  const networkId = hex(sha256(Buffer.from(JSON.stringify(genesis))));
  const { address, provider } = await deployVault({ rpcUrl: url, genesis, networkId, chainName: 'alpha',
                                                    from: accounts[0], anyAddress: true });
  provider.destroy();
  const cert = (epoch, signers) => {
    const c = commitment(networkId, epoch, [], { chains: 1, assets: 1 });
    return { epoch, commitment: hex(commitmentBytes(c)), signatures: certify(c, signers) };
  };
  console.log(JSON.stringify({
    vault: address.toLowerCase(), accounts, network_id: networkId,
    certificates: [cert(5, keys.slice(0, 2)), cert(3, keys.slice(1, 3))], short: cert(6, keys.slice(0, 1)),
  }));
}
