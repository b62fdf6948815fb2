// Signatures and certificates: signs/s, recoveries/s, certificate verifications/s for 4 and 16
// validators (every validator signing; quorum > 2/3), withdrawal tree build and proof checks.
#include <benchmark/benchmark.h>

#include <array>
#include <nlohmann/json.hpp>

#include "proofs/certificate.h"
#include "proofs/keccak.h"
#include "proofs/signature.h"
#include "proofs/withdrawal_tree.h"
#include "vault/genesis.h"

namespace relay {
namespace {

SecretKey key_of(int k) {
  std::array<uint8_t, 32> b{};
  b[30] = static_cast<uint8_t>(k >> 8);
  b[31] = static_cast<uint8_t>(k);
  return SecretKey(b);
}

Genesis genesis_of(int validators) {
  nlohmann::json vals = nlohmann::json::array();
  for (int k = 1; k <= validators; ++k) {
    // Appended rather than "v" + to_string(k): GCC 12 at -O3 reports a false -Wrestrict on
    // the latter, which -Werror turns into a failed release build.
    std::string name("v");
    name += std::to_string(k);
    vals.push_back({{"name", name}, {"pubkey", public_key_of(key_of(k))->hex()}, {"weight", 1}});
  }
  nlohmann::json g = {
      {"network", "bench"},
      {"quorum", validators * 2 / 3 + 1},
      {"validators", vals},
      {"chains",
       {{{"name", "alpha"},
         {"chain_id", 1},
         {"kind", "evm"},
         {"vault", "0x1000000000000000000000000000000000000001"},
         {"finality", {{"tag", "finalized"}}}}}},
      {"assets",
       {{{"id", "ETH"},
         {"decimals", 18},
         {"tokens",
          {{"alpha",
            {{"address", "0x0000000000000000000000000000000000000000"}, {"decimals", 18}}}}}}}}};
  return *parse_genesis(g.dump());
}

Certificate certificate_of(const Genesis& g, const Secp256k1& secp) {
  Certificate c;
  c.commitment.network_id = g.network_id;
  c.commitment.epoch = 42;
  const ChainCut empty;  // end_time 0: no chain data (the genesis has no epochs schedule)
  c.commitment.set_cuts(std::span<const ChainCut>(&empty, 1));
  c.commitment.liabilities_roots = {Hash32{}};
  c.commitment.liabilities_totals = {Amount(5)};
  c.commitment.custody = {Amount(5)};
  c.commitment.pending = {Amount(0)};
  c.commitment.withdrawal_roots = {empty_withdrawal_root()};
  for (int k = 1; k <= static_cast<int>(g.validators.size()); ++k)
    (void)add_signature(c, secp, key_of(k));
  return c;
}

void BM_SignCommitment(benchmark::State& state) {
  Secp256k1 secp;
  SecretKey key = key_of(7);
  Hash32 network, commitment;
  network.bytes.fill(1);
  for (auto _ : state) {
    commitment.bytes[0]++;
    benchmark::DoNotOptimize(sign_commitment(secp, key, network, commitment));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("signatures");
}
BENCHMARK(BM_SignCommitment);

void BM_RecoverSigner(benchmark::State& state) {
  Secp256k1 secp;
  Hash32 network, commitment;
  auto sig = *sign_commitment(secp, key_of(7), network, commitment);
  for (auto _ : state)
    benchmark::DoNotOptimize(recover_signer(secp, sig.bytes, network, commitment));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("recoveries");
}
BENCHMARK(BM_RecoverSigner);

void BM_VerifyCertificate(benchmark::State& state) {
  Secp256k1 secp;
  Genesis g = genesis_of(static_cast<int>(state.range(0)));
  Certificate c = certificate_of(g, secp);
  if (!verify_certificate(c, g, secp)) state.SkipWithError("certificate does not verify");
  for (auto _ : state) benchmark::DoNotOptimize(verify_certificate(c, g, secp));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("certificates, all validators signing");
}
BENCHMARK(BM_VerifyCertificate)->Arg(4)->Arg(16);

void BM_WithdrawalTreeBuild(benchmark::State& state) {
  std::vector<WithdrawalLeaf> leaves(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < leaves.size(); ++i) {
    const uint32_t scrambled = static_cast<uint32_t>(i) * 2654435761u;  // distinct, unsorted
    for (int b = 0; b < 4; ++b)
      leaves[i].id.bytes[b] = static_cast<uint8_t>(scrambled >> (24 - 8 * b));
    leaves[i].amount[31] = static_cast<uint8_t>(i + 1);
  }
  if (!WithdrawalTree::build(leaves)) state.SkipWithError("ids are not distinct");
  for (auto _ : state) benchmark::DoNotOptimize(WithdrawalTree::build(leaves));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel("leaves");
}
BENCHMARK(BM_WithdrawalTreeBuild)->Arg(1000)->Arg(100000);

void BM_WithdrawalProofVerify(benchmark::State& state) {
  std::vector<WithdrawalLeaf> leaves(10000);
  for (size_t i = 0; i < leaves.size(); ++i) {
    leaves[i].id.bytes[0] = static_cast<uint8_t>(i >> 8);
    leaves[i].id.bytes[1] = static_cast<uint8_t>(i);
  }
  auto tree = *WithdrawalTree::build(leaves);
  size_t i = 0;
  for (auto _ : state) {
    i = (i + 7919) % tree.size();
    benchmark::DoNotOptimize(verify_withdrawal_proof(tree.root(), tree.leaves()[i], tree.prove(i)));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("proofs over 10,000 withdrawals (prove + verify)");
}
BENCHMARK(BM_WithdrawalProofVerify);

void BM_Keccak256_64B(benchmark::State& state) {
  std::array<uint8_t, 64> data{};
  for (auto _ : state) {
    data[0]++;
    benchmark::DoNotOptimize(keccak256(data));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Keccak256_64B);

}  // namespace
}  // namespace relay
