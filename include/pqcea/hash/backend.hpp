// Native hash backends (behind the keccak_f1600 / sha256_blocks contracts) are chosen at run
// time from the CPU's features. Tests switch them off to rerun every vector on the portable path.
#pragma once

namespace pqcea::hash {

void set_native_backends(bool enabled);
bool native_backends_enabled();
// Name of the SHA-256 compression in use: "sha-ni" or "portable".
const char* sha256_backend();

}  // namespace pqcea::hash
