// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// The devnet's stablecoin (scripts/devnet): an OpenZeppelin ERC-20 whose decimals are chosen at
/// deployment, so that one asset can have tokens of different decimals on different chains, and
/// that anyone may mint. For local devnets only: never deploy it anywhere else.
contract DevToken is ERC20 {
    uint8 private immutable decimals_;

    constructor(string memory name_, string memory symbol_, uint8 tokenDecimals) ERC20(name_, symbol_) {
        decimals_ = tokenDecimals;
    }

    function decimals() public view override returns (uint8) {
        return decimals_;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
