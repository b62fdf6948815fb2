// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title PublishTestVault: the vault's publishing surface, for the EVM publisher's tests.
/// @notice The functions and event docs/node.md ("The vault contract") fixes for RelayVault,
/// without the certificate checks: commitEpoch stores the epoch read from the commitment's second
/// word (where the canonical encoding puts it) and refuses a repeat with EpochAlreadyCommitted;
/// refuse(epoch, true) makes checkCertificate, and so commitEpoch, revert with
/// InsufficientWeight for that epoch, as the real vault does for a certificate short of quorum.
/// Used by tests/adapters/evm_publish_test.cpp through publish_chain.mjs.
contract PublishTestVault {
    event EpochCommitted(uint64 indexed epoch, bytes32 commitmentHash, bytes32 withdrawalRoot, uint256 weight);

    error EpochAlreadyCommitted(uint64 epoch);
    error InsufficientWeight(uint256 weight, uint64 quorum);
    error MalformedCommitment();

    mapping(uint64 => bool) public isCommitted;
    mapping(uint64 => bool) public refused;

    function refuse(uint64 epoch, bool on) external {
        refused[epoch] = on;
    }

    function checkCertificate(bytes calldata commitment, bytes[] calldata signatures)
        public
        view
        returns (bytes32 commitmentHash, uint256 weight)
    {
        uint64 epoch = epochOf(commitment);
        if (refused[epoch]) revert InsufficientWeight(signatures.length, 99);
        return (sha256(commitment), signatures.length);
    }

    function commitEpoch(bytes calldata commitment, bytes[] calldata signatures) external {
        uint64 epoch = epochOf(commitment);
        if (isCommitted[epoch]) revert EpochAlreadyCommitted(epoch);
        (bytes32 commitmentHash, uint256 weight) = checkCertificate(commitment, signatures);
        isCommitted[epoch] = true;
        emit EpochCommitted(epoch, commitmentHash, bytes32(0), weight);
    }

    function epochOf(bytes calldata commitment) internal pure returns (uint64) {
        if (commitment.length < 64 || uint256(bytes32(commitment[32:64])) >> 64 != 0) revert MalformedCommitment();
        return uint64(uint256(bytes32(commitment[32:64])));
    }
}
