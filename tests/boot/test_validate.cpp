// validate_image: a good image passes with the full control flow; every tampering the issue names
// (a flipped bit in payload, manifest, signature; wrong key; truncated image; oversized size
// field; lower security counter) and every other check is refused with its own reason.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "boot_fixture.hpp"
#include "pqcea/boot/fih.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::boot {
namespace {

using namespace testing;

class Validate : public ::testing::Test {
 protected:
  void SetUp() override {
    trusted_ = {key_id(seed(1))};
    payload_ = payload(3000, 0x11);
    image_ = image(payload_, params(5, {2, 1, 0, 9}), seed(1));
  }

  // Validates `img` placed at the start of a 64 KiB erased slot (or exactly `img` with exact=true).
  Verdict run(const std::vector<std::uint8_t>& img, Rejection& why, std::uint32_t stored = 0, bool exact = false) {
    std::vector<std::uint8_t> slot = img;
    if (!exact) slot.resize(64 * 1024, 0xFF);
    MemoryArea area(slot);
    fih::FlowCounter flow;
    ValidatedImage out;
    exec_.assign(64 * 1024, 0);
    const Verdict v = validate_image(area, trusted_, stored, ExecRegion{kExecBase, exec_}, ws_, out, why, flow);
    last_flow_ = flow.value();
    last_ = out;
    return v;
  }
  Reject reason(const std::vector<std::uint8_t>& img, std::uint32_t stored = 0, bool exact = false) {
    Rejection why;
    const Verdict v = run(img, why, stored, exact);
    EXPECT_EQ(v == Verdict::accept, why.reason == Reject::none);
    if (v == Verdict::accept) EXPECT_EQ(last_flow_, flow::kImageValid);
    else EXPECT_NE(last_flow_, flow::kImageValid);
    return why.reason;
  }

  std::vector<KeyId> trusted_;
  std::vector<std::uint8_t> payload_, image_, exec_;
  ValidateWorkspace ws_{};
  ValidatedImage last_;
  std::uint32_t last_flow_ = 0;
};

TEST_F(Validate, GoodImageBootsAndIsCopiedToItsLoadAddress) {
  Rejection why;
  ASSERT_EQ(run(image_, why), Verdict::accept) << to_string(why.reason);
  EXPECT_EQ(last_flow_, flow::kImageValid);
  EXPECT_EQ(std::memcmp(exec_.data(), payload_.data(), payload_.size()), 0);
  EXPECT_EQ(last_.manifest.security_counter, 5u);
  EXPECT_EQ(compare(last_.manifest.version, Version{2, 1, 0, 9}), 0);
  std::array<std::uint8_t, 32> mh;
  hash::Sha3_256::hash(mh.data(), image_.data(), kManifestSize);
  EXPECT_EQ(last_.manifest_hash, mh);
  EXPECT_EQ(last_.manifest.key_id, trusted_[0]);
}

TEST_F(Validate, ExactSizeSlotAndSha3DigestAlsoBoot) {
  EXPECT_EQ(reason(image_, 0, true), Reject::none);
  const auto img = image(payload_, params(5, {1, 0, 0, 0}, kDigestSha3_256), seed(1));
  EXPECT_EQ(reason(img), Reject::none);
}

TEST_F(Validate, LoadAddressInsideTheRegionIsHonoured) {
  ImageParams p = params(1);
  p.load_address = kExecBase + 0x1000;
  const auto img = image(payload_, p, seed(1));
  EXPECT_EQ(reason(img), Reject::none);
  EXPECT_EQ(std::memcmp(exec_.data() + 0x1000, payload_.data(), payload_.size()), 0);
  EXPECT_EQ(exec_[0], 0);
}

TEST_F(Validate, FlippedPayloadBitIsRefused) {
  for (std::size_t at : {std::size_t{0}, payload_.size() / 2, payload_.size() - 1}) {
    for (int bit : {0, 7}) {
      auto img = image_;
      img[kManifestSize + at] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_EQ(reason(img), Reject::digest) << at << ":" << bit;
    }
  }
}

// Every single-bit flip of the manifest is refused, each by the rule that owns the field (the
// structural fields by the parser, the rest by the signature; key id flips by the trust check).
TEST_F(Validate, EveryFlippedManifestBitIsRefused) {
  for (std::size_t byte = 0; byte < kManifestSize; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto img = image_;
      img[byte] ^= static_cast<std::uint8_t>(1u << bit);
      Rejection why;
      ASSERT_EQ(run(img, why), Verdict::reject) << byte << ":" << bit;
      if (byte < offset::payload_size) {
        EXPECT_EQ(why.reason, Reject::manifest) << byte;
      } else if (byte >= offset::key_id && byte < offset::reserved) {
        EXPECT_EQ(why.reason, Reject::key_not_trusted) << byte;
      } else if (byte >= offset::reserved) {
        EXPECT_EQ(why.reason, Reject::manifest) << byte;
        EXPECT_EQ(why.manifest_error, ManifestError::reserved_not_zero);
      } else {
        // payload size, load address, version, counter, algorithms, digest: either a bound or the
        // signature (or the end marker, which moves with the payload size).
        EXPECT_TRUE(why.reason == Reject::signature || why.reason == Reject::manifest ||
                    why.reason == Reject::truncated || why.reason == Reject::outside_exec_region ||
                    why.reason == Reject::too_large_for_slot)
            << byte << ":" << bit << " " << to_string(why.reason);
        if (byte >= offset::digest && byte < offset::key_id) {
          EXPECT_EQ(why.reason, Reject::signature) << byte;
        }
        if (byte >= offset::version_major && byte < offset::security_counter) {
          EXPECT_EQ(why.reason, Reject::signature) << byte;
        }
      }
    }
  }
}

TEST_F(Validate, LowMemoryVerifyGivesTheSameVerdicts) {
  Manifest m;
  ASSERT_EQ(parse_manifest(image_, m), Status::ok);
  auto run_low = [&](const std::vector<std::uint8_t>& img) {
    std::vector<std::uint8_t> slot = img;
    slot.resize(64 * 1024, 0xFF);
    MemoryArea area(slot);
    fih::FlowCounter flow;
    ValidatedImage out;
    Rejection why;
    exec_.assign(64 * 1024, 0);
    const Verdict v = validate_image(area, trusted_, 0, ExecRegion{kExecBase, exec_}, ws_, out, why, flow,
                                     mldsa::Memory::low);
    EXPECT_EQ(v == Verdict::accept, flow.value() == flow::kImageValid);
    return why.reason;
  };
  EXPECT_EQ(run_low(image_), Reject::none);
  for (std::size_t at : {std::size_t{offset::version_build}, signature_offset(m) + 10, signature_offset(m) + 4000}) {
    auto img = image_;
    img[at] ^= 0x20;
    EXPECT_EQ(run_low(img), Reject::signature) << at;
    EXPECT_EQ(reason(img), Reject::signature) << at;
  }
}

TEST_F(Validate, FlippedSignatureBitIsRefused) {
  Manifest m;
  ASSERT_EQ(parse_manifest(image_, m), Status::ok);
  for (std::size_t at : {std::size_t{0}, std::size_t{31}, std::size_t{32}, kSignatureSize / 2, kSignatureSize - 1}) {
    auto img = image_;
    img[signature_offset(m) + at] ^= 0x01;
    EXPECT_EQ(reason(img), Reject::signature) << at;
  }
}

TEST_F(Validate, FlippedPublicKeyBitIsRefused) {
  Manifest m;
  ASSERT_EQ(parse_manifest(image_, m), Status::ok);
  for (std::size_t at : {std::size_t{0}, kPublicKeySize - 1}) {
    auto img = image_;
    img[public_key_offset(m) + at] ^= 0x80;
    EXPECT_EQ(reason(img), Reject::public_key_mismatch) << at;
  }
}

TEST_F(Validate, WrongKeyIsRefusedAndASecondTrustedKeyWorks) {
  const auto other = image(payload_, params(5), seed(2));
  EXPECT_EQ(reason(other), Reject::key_not_trusted);
  trusted_.push_back(key_id(seed(2)));  // key rotation: two hashes in OTP
  EXPECT_EQ(reason(other), Reject::none);
  EXPECT_EQ(reason(image_), Reject::none);
  trusted_.clear();
  EXPECT_EQ(reason(image_), Reject::key_not_trusted);
}

// A manifest that names the trusted key id but carries another key's public key and signature.
TEST_F(Validate, SubstitutedPublicKeyIsRefused) {
  auto img = image_;
  ASSERT_EQ(resign_image(img, seed(2)), Status::ok);  // trailer of key 2, manifest still names key 1
  EXPECT_EQ(reason(img), Reject::public_key_mismatch);
}

TEST_F(Validate, TruncatedImageIsRefused) {
  // Cut anywhere: in an erased slot the end marker is gone.
  for (std::size_t keep : {image_.size() - 1, image_.size() - kEndMarkerSize, image_.size() - 100,
                           kManifestSize + payload_.size() / 2, kManifestSize + 1}) {
    std::vector<std::uint8_t> cut(image_.begin(), image_.begin() + static_cast<std::ptrdiff_t>(keep));
    EXPECT_EQ(reason(cut), Reject::truncated) << keep;
    // As a file (the slot is the file): the image no longer fits.
    EXPECT_EQ(reason(cut, 0, true), Reject::too_large_for_slot) << keep;
  }
  std::vector<std::uint8_t> tiny(image_.begin(), image_.begin() + 100);
  EXPECT_EQ(reason(tiny, 0, true), Reject::manifest);
  // A marker naming another size.
  auto img = image_;
  img[img.size() - 1] ^= 0x01;
  EXPECT_EQ(reason(img), Reject::truncated);
}

TEST_F(Validate, OversizedSizeFieldIsRefused) {
  auto put_size = [](std::vector<std::uint8_t>& img, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) img[offset::payload_size + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  auto img = image_;
  put_size(img, 0xFFFFFFF0u);
  Rejection why;
  EXPECT_EQ(run(img, why), Verdict::reject);
  EXPECT_EQ(why.reason, Reject::manifest);
  EXPECT_EQ(why.manifest_error, ManifestError::payload_size_out_of_bounds);
  img = image_;
  put_size(img, 60 * 1024);  // within the format bound, beyond the 64 KiB slot with its trailer
  EXPECT_EQ(reason(img), Reject::too_large_for_slot);
  // Validly signed, fits the slot, larger than the execution region.
  std::vector<std::uint8_t> big = payload(40 * 1024, 3);
  auto big_img = image(big, params(1), seed(1));
  std::vector<std::uint8_t> slot = big_img;
  slot.resize(64 * 1024, 0xFF);
  MemoryArea area(slot);
  std::vector<std::uint8_t> small_exec(32 * 1024);
  fih::FlowCounter flow;
  ValidatedImage out;
  EXPECT_EQ(validate_image(area, trusted_, 0, ExecRegion{kExecBase, small_exec}, ws_, out, why, flow), Verdict::reject);
  EXPECT_EQ(why.reason, Reject::outside_exec_region);
}

TEST_F(Validate, LoadAddressOutsideTheRegionIsRefused) {
  for (std::uint32_t at : {kExecBase - 256, kExecBase + 63 * 1024, 0u, 0xFFFFF000u}) {
    ImageParams p = params(1);
    p.load_address = at;
    const auto img = image(payload_, p, seed(1));
    EXPECT_EQ(reason(img), Reject::outside_exec_region) << std::hex << at;
  }
}

TEST_F(Validate, LowerSecurityCounterIsRefused) {
  Rejection why;
  EXPECT_EQ(run(image_, why, 6), Verdict::reject);
  EXPECT_EQ(why.reason, Reject::rollback);
  EXPECT_EQ(why.image_counter, 5u);
  EXPECT_EQ(why.stored_counter, 6u);
  EXPECT_EQ(reason(image_, 5), Reject::none);  // equal is allowed (same security level)
  EXPECT_EQ(reason(image_, 0), Reject::none);
  EXPECT_EQ(reason(image_, 65535), Reject::rollback);
}

// A validly signed manifest whose digest does not match the payload (a signer mistake or a payload
// swapped under a genuine manifest).
TEST_F(Validate, SignedButWrongDigestIsRefused) {
  auto img = image_;
  img[offset::digest] ^= 0x01;
  ASSERT_EQ(resign_image(img, seed(1)), Status::ok);
  EXPECT_EQ(reason(img), Reject::digest);
  // And the other way round: a genuine manifest over a swapped payload.
  auto swapped = image_;
  const auto other = payload(payload_.size(), 0x77);
  std::memcpy(swapped.data() + kManifestSize, other.data(), other.size());
  EXPECT_EQ(reason(swapped), Reject::digest);
}

TEST_F(Validate, EmptySlotsAreRefusedAsNoImage) {
  for (int fill : {0xFF, 0x00}) {
    std::vector<std::uint8_t> blank(64 * 1024, static_cast<std::uint8_t>(fill));
    Rejection why;
    EXPECT_EQ(run(blank, why, 0, true), Verdict::reject);
    EXPECT_EQ(why.reason, Reject::manifest);
    EXPECT_EQ(why.manifest_error, ManifestError::bad_magic);
  }
}

TEST_F(Validate, SignatureFromAnotherContextIsRefused) {
  // The same key signing the same manifest bytes without the boot context string (e.g. a COSE
  // signature made with the key) must not verify as a manifest signature.
  auto img = image_;
  Manifest m;
  ASSERT_EQ(parse_manifest(img, m), Status::ok);
  std::array<std::uint8_t, kSignatureSize> sig;
  const auto key = seed(1);
  ASSERT_EQ(mldsa::sign_deterministic<mldsa::MlDsa87>(sig, mldsa::PrivateKey<mldsa::MlDsa87>::seed(key),
                                                      mldsa::Input::pure(std::span<const std::uint8_t>(img.data(), kManifestSize))),
            Status::ok);
  std::memcpy(img.data() + signature_offset(m), sig.data(), sig.size());
  EXPECT_EQ(reason(img), Reject::signature);
}

// ---- the hardening primitives -------------------------------------------------------------------
TEST(Fih, VerdictConstantsAreFarApart) {
  const auto a = static_cast<std::uint32_t>(Verdict::accept);
  const auto r = static_cast<std::uint32_t>(Verdict::reject);
  EXPECT_EQ(std::popcount(a ^ r), 32);
  EXPECT_EQ(std::popcount(a), 16);
  EXPECT_NE(a, 0u);
  EXPECT_NE(a, 0xFFFFFFFFu);
  EXPECT_NE(a, 1u);
}

TEST(Fih, HardenedVerdictDetectsACorruptedCopy) {
  fih::HardenedVerdict v;
  EXPECT_FALSE(v.accepted());
  v.set(Verdict::accept);
  EXPECT_TRUE(v.accepted());
  EXPECT_TRUE(v.consistent());
  // Flip one bit of either stored copy, as a glitch on a store or a register would.
  for (int word = 0; word < 2; ++word) {
    for (int bit : {0, 13, 31}) {
      fih::HardenedVerdict c;
      c.set(Verdict::accept);
      auto* w = reinterpret_cast<volatile std::uint32_t*>(&c) + word;
      *w = *w ^ (1u << bit);
      EXPECT_FALSE(c.accepted()) << word << ":" << bit;
      EXPECT_FALSE(c.consistent());
      EXPECT_EQ(c.get(), Verdict::reject);
    }
  }
  // A zeroed verdict (skipped initialisation, cleared RAM) is not accept.
  fih::HardenedVerdict z;
  auto* w = reinterpret_cast<volatile std::uint32_t*>(&z);
  w[0] = 0;
  w[1] = 0;
  EXPECT_FALSE(z.accepted());
}

TEST(Fih, EqualTwice) {
  const std::uint8_t a[4] = {1, 2, 3, 4};
  const std::uint8_t b[4] = {1, 2, 3, 5};
  EXPECT_TRUE(fih::equal_twice(a, a, 4));
  EXPECT_FALSE(fih::equal_twice(a, b, 4));
}

TEST_F(Validate, FlowCounterShowsASkippedCheck) {
  // The flow of a complete validation is exactly kImageValid; any stopped validation leaves less.
  Rejection why;
  ASSERT_EQ(run(image_, why), Verdict::accept);
  EXPECT_EQ(last_flow_, flow::kImageValid);
  auto img = image_;
  img[kManifestSize] ^= 1;
  ASSERT_EQ(run(img, why), Verdict::reject);
  EXPECT_EQ(last_flow_, flow::kImageValid - flow::kDigest);
  ASSERT_EQ(run(image_, why, 99), Verdict::reject);
  EXPECT_EQ(last_flow_, flow::kManifest + flow::kBounds + flow::kEndMarker + flow::kKeyTrusted + flow::kPublicKey +
                            flow::kSignature);
  // No partial sum equals the full one (each token is needed).
  const std::uint32_t tokens[] = {flow::kManifest, flow::kBounds, flow::kEndMarker, flow::kKeyTrusted,
                                  flow::kPublicKey, flow::kSignature, flow::kCounter, flow::kDigest};
  for (std::uint32_t mask = 0; mask < 255; ++mask) {
    std::uint32_t sum = 0;
    for (int i = 0; i < 8; ++i)
      if (mask & (1u << i)) sum += tokens[i];
    EXPECT_NE(sum, flow::kImageValid) << mask;
  }
}

}  // namespace
}  // namespace pqcea::boot
