#!/usr/bin/env bash
# Builds the release binaries and prints the performance table of
# docs/performance.md: the engine and its peers on the same requests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin policy
cargo run --release -p bench --bin report
