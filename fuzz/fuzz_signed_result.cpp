// libFuzzer target for signed attestation results (src/host/verifier/signed_result.cpp and the
// EAR reader open_result in appraisal.cpp): the CBOR array [EAR, index, size, path, root COSE_Sign1]
// a relying party receives, its Merkle inclusion proof, and the EAR JSON inside.
//
// Two ways in, chosen by the first byte:
//  * even: the input is a signed result as received (decode_signed_result, open_result);
//  * odd: the rest of the input is an EAR payload; the target puts it in a batch of up to 8
//    results, signs the Merkle root and opens it, so the proof check and the JSON reader run on
//    fuzzed payloads (a real signature over fuzzed bytes could never be forged by the fuzzer).
// The signature scheme is a stand-in (SHA-256 over key and Sig_structure, a private COSE alg):
// ML-DSA is not what is fuzzed here, and this keeps thousands of executions per second.
//
// A rejection is std::runtime_error (the documented contract); anything else escapes and
// libFuzzer reports it. Properties, checked with a trap:
//  1. a decoded result's spans lie inside the input, and its path is at most 40 hashes;
//  2. open_result accepts every honestly built batch member whose EAR is JSON, returns exactly
//     that JSON, and rejects it under any other index.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "pqcea/cose.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/verifier/appraisal.hpp"
#include "host/verifier/signed_result.hpp"

namespace {

namespace v = pqcea::verifier;
namespace cose = pqcea::cose;
using pqcea::Status;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void broken() { __builtin_trap(); }

constexpr std::int64_t kStubAlg = -65535;  // COSE private use: never a real algorithm here
constexpr std::size_t kStubSigSize = 32;
const Bytes kStubKey = {'f', 'u', 'z', 'z', '-', 'v', 'e', 'r', 'i', 'f', 'i', 'e', 'r'};

void stub_signature(std::span<const std::uint8_t> key, std::span<const std::uint8_t> tbs, std::uint8_t* out) {
  pqcea::hash::Sha256 h;
  h.update(key);
  h.update(tbs);
  h.final(out);
}

class StubSigner final : public cose::Signer {
 public:
  std::int64_t alg() const override { return kStubAlg; }
  std::size_t signature_size() const override { return kStubSigSize; }
  Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) override {
    stub_signature(kStubKey, tbs, sig.data());
    sig_len = kStubSigSize;
    return Status::ok;
  }
};

class StubVerifier final : public cose::Verifier {
 public:
  std::int64_t alg() const override { return kStubAlg; }
  Status verify(std::span<const std::uint8_t> key, std::span<const std::uint8_t> tbs,
                std::span<const std::uint8_t> sig) const override {
    std::uint8_t want[kStubSigSize];
    stub_signature(key, tbs, want);
    return sig.size() == kStubSigSize && std::memcmp(want, sig.data(), kStubSigSize) == 0 ? Status::ok
                                                                                          : Status::invalid_signature;
  }
};

bool inside(std::span<const std::uint8_t> part, std::span<const std::uint8_t> whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void received(std::span<const std::uint8_t> in) {
  try {
    v::SignedResult r = v::decode_signed_result(in);
    // Property 1.
    if (!inside(r.payload, in) || !inside(r.root_token, in) || r.path.size() > 40) broken();
    (void)v::MerkleTree::verify(r.payload, r.index, r.size, r.path, r.root_token);
  } catch (const std::runtime_error&) {
  }
  try {
    (void)v::open_result(in, StubVerifier(), kStubKey);
  } catch (const std::runtime_error&) {
  }
}

void batch(std::uint8_t shape, std::span<const std::uint8_t> ear) {
  const std::size_t count = 1 + (shape >> 1) % 8;
  const std::size_t index = (shape >> 4) % count;
  const std::array<std::uint8_t, 2> other = {'{', '}'};
  std::vector<std::span<const std::uint8_t>> leaves(count, std::span<const std::uint8_t>(other));
  leaves[index] = ear;
  v::MerkleTree tree(leaves);
  const v::Hash root = tree.root();

  std::array<std::uint8_t, cose::kKidSize> kid;
  cose::compute_kid(kStubKey, kid);
  StubSigner signer;
  Bytes scratch(cose::sig_structure_size(kStubAlg, root.size()));
  Bytes token(scratch.size() + 128);
  std::size_t token_len = 0;
  if (cose::sign1(signer, kid, root, scratch, token, token_len) != Status::ok) broken();
  token.resize(token_len);

  const Bytes signed_result = v::encode_signed_result(ear, index, tree, token);
  received(signed_result);

  nlohmann::json want;
  bool is_json = true;
  try {
    want = nlohmann::json::parse(ear.begin(), ear.end());
  } catch (const nlohmann::json::exception&) {
    is_json = false;
  }
  // Property 2.
  try {
    if (v::open_result(signed_result, StubVerifier(), kStubKey) != want || !is_json) broken();
  } catch (const std::runtime_error&) {
    if (is_json) broken();
  }
  if (count > 1) {
    const std::size_t wrong = (index + 1) % count;
    const Bytes moved = v::encode_signed_result(ear, wrong, tree, token);
    try {
      // Only an EAR equal to the other leaves verifies at another position.
      (void)v::open_result(moved, StubVerifier(), kStubKey);
      if (!(ear.size() == other.size() && std::equal(ear.begin(), ear.end(), other.begin()))) broken();
    } catch (const std::runtime_error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> in(data, size);
  if ((data[0] & 1) == 0) {
    received(in);
  } else {
    batch(data[0], in.subspan(1));
  }
  return 0;
}
