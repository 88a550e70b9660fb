// open_result (the EAR reader of relying parties) on signed results whose content is wrong.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "signed_result.hpp"
#include "pqcea/cose.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

using namespace pqcea;

namespace {

// A keyed-hash stand-in for the verifier's ML-DSA key: the test is about the reader, not ML-DSA.
constexpr std::int64_t kAlg = -65535;
const std::vector<std::uint8_t> kKey = {'k', 'e', 'y'};
void mac(std::span<const std::uint8_t> key, std::span<const std::uint8_t> tbs, std::uint8_t* out) {
  hash::Sha256 h;
  h.update(key);
  h.update(tbs);
  h.final(out);
}
class Signer final : public cose::Signer {
 public:
  std::int64_t alg() const override { return kAlg; }
  std::size_t signature_size() const override { return 32; }
  Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& len) override {
    mac(kKey, tbs, sig.data());
    len = 32;
    return Status::ok;
  }
};
class Verifier final : public cose::Verifier {
 public:
  std::int64_t alg() const override { return kAlg; }
  Status verify(std::span<const std::uint8_t> key, std::span<const std::uint8_t> tbs,
                std::span<const std::uint8_t> sig) const override {
    std::uint8_t want[32];
    mac(key, tbs, want);
    return sig.size() == 32 && std::memcmp(want, sig.data(), 32) == 0 ? Status::ok : Status::invalid_signature;
  }
};

std::vector<std::uint8_t> signed_result_of(const std::string& ear) {
  const std::span<const std::uint8_t> leaf(reinterpret_cast<const std::uint8_t*>(ear.data()), ear.size());
  const std::array<std::span<const std::uint8_t>, 1> leaves = {leaf};
  verifier::MerkleTree tree(leaves);
  const auto root = tree.root();
  std::array<std::uint8_t, cose::kKidSize> kid{};
  cose::compute_kid(kKey, kid);
  Signer signer;
  std::vector<std::uint8_t> scratch(cose::sig_structure_size(kAlg, root.size())), token(scratch.size() + 128);
  std::size_t len = 0;
  EXPECT_EQ(cose::sign1(signer, kid, root, scratch, token, len), Status::ok);
  token.resize(len);
  return verifier::encode_signed_result(leaf, 0, tree, token);
}

}  // namespace

TEST(SignedResult, OpensAValidResult) {
  EXPECT_EQ(verifier::open_result(signed_result_of(R"({"ear.status":"affirming"})"), Verifier(), kKey)["ear.status"],
            "affirming");
}

// Regression (fuzz_signed_result, fuzz/corpus/fuzz_signed_result/crash-ear-not-json): a correctly
// signed result whose EAR is not JSON threw json::parse_error, which is no std::runtime_error.
TEST(SignedResult, ASignedResultThatIsNotJsonIsARuntimeError) {
  EXPECT_THROW(verifier::open_result(signed_result_of(""), Verifier(), kKey), std::runtime_error);
  EXPECT_THROW(verifier::open_result(signed_result_of("{\"a\":"), Verifier(), kKey), std::runtime_error);
}
