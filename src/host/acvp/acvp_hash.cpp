// ACVP runners for SHA-2 (FIPS 180-4) and SHA-3 / SHAKE (FIPS 202): AFT, MCT, LDT, VOT.
// Bit-oriented inputs: the hex string is left-aligned, so the last len%8 bits are the high bits of
// the final byte; Keccak absorbs bits LSB first, hence the shift (README of the vector folder),
// while SHA-2 takes them as they are (big-endian bit order).
// PQCEA_HASH_BACKEND=portable reruns every vector with the native backends (SHA-NI) switched off.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "pqcea/hash/backend.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/acvp.hpp"

namespace pqcea::acvp {
namespace {

struct BitMessage {
  std::vector<std::uint8_t> whole;  // whole bytes
  std::uint8_t last = 0;            // partial byte, low `nbits` bits valid
  unsigned nbits = 0;
};

BitMessage bit_message(const json& test) {
  BitMessage m;
  auto bytes = bytes_field(test, "msg");
  std::size_t len = test.at("len").get<std::size_t>();
  if (len > bytes.size() * 8) throw std::invalid_argument("len exceeds msg");
  m.nbits = static_cast<unsigned>(len % 8);
  bytes.resize((len + 7) / 8);
  if (m.nbits != 0) {
    m.last = static_cast<std::uint8_t>(bytes.back() >> (8 - m.nbits));
    bytes.pop_back();
  }
  m.whole = std::move(bytes);
  return m;
}

void use_backend_from_env() {
  const char* backend = std::getenv("PQCEA_HASH_BACKEND");
  hash::set_native_backends(backend == nullptr || std::string(backend) != "portable");
}

// LDT: the content repeated up to fullLength bits, streamed in 1 MiB chunks (the largest ACVP
// message is 8 GiB). Same form for SHA-2 and SHA-3.
template <class H, std::size_t D>
void large_data_test(const json& g, const json& test, Tally& t) {
  const auto& lm = test.at("largeMsg");
  auto content = unhex(lm.at("content").get<std::string>());
  std::uint64_t content_bits = lm.at("contentLength").get<std::uint64_t>();
  std::uint64_t full_bits = lm.at("fullLength").get<std::uint64_t>();
  if (lm.value("expansionTechnique", "") != "repeating" || content_bits % 8 != 0 || full_bits % 8 != 0 ||
      content_bits == 0 || content_bits != content.size() * 8) {
    t.fail(g, test, "unsupported LDT form");
    return;
  }
  std::vector<std::uint8_t> chunk;
  while (chunk.size() < (1u << 20)) chunk.insert(chunk.end(), content.begin(), content.end());
  std::uint64_t remaining = full_bits / 8;
  H h;
  while (remaining > 0) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, chunk.size()));
    h.update(chunk.data(), n);
    remaining -= n;
  }
  std::uint8_t md[D];
  h.final(md);
  t.check(g, test, to_hex(md) == test.at("md").get<std::string>(), "LDT digest mismatch");
}

// SHA-2 Monte Carlo (ACVP SHA specification). "standard": the seed is one digest and every
// message is the last three digests. "alternate" (the seed is not one digest long): every message
// is the last three digests cut to, or zero-padded up to, the seed's length.
template <class H>
void sha2_mct(const json& g, const json& test, Tally& t) {
  auto seed = bytes_field(test, "msg");
  if (test.at("len").get<std::size_t>() != seed.size() * 8) {
    t.fail(g, test, "MCT seed not byte aligned");
    return;
  }
  const bool alternate = g.value("mctVersion", "standard") == "alternate";
  const std::size_t seed_len = seed.size();
  std::vector<std::uint8_t> a, b, c, msg, md(H::digest_size);
  bool ok = true;
  for (const auto& r : test.at("resultsArray")) {
    a = b = c = seed;
    for (int i = 0; i < 1000; ++i) {
      msg = a;
      msg.insert(msg.end(), b.begin(), b.end());
      msg.insert(msg.end(), c.begin(), c.end());
      if (alternate) msg.resize(seed_len, 0);
      H::hash(md.data(), msg.data(), msg.size());
      a = std::move(b);
      b = std::move(c);
      c = md;
    }
    ok = ok && to_hex(md) == r.at("md").get<std::string>();
    seed = md;
  }
  t.check(g, test, ok, "MCT chain mismatch");
}

// SHA-3 Monte Carlo (ACVP SHA-3 specification): every message is the previous digest.
template <class H>
void sha3_mct(const json& g, const json& test, Tally& t) {
  BitMessage seed = bit_message(test);
  if (seed.nbits != 0) {
    t.fail(g, test, "MCT seed not byte aligned");
    return;
  }
  std::vector<std::uint8_t> md = seed.whole;
  bool ok = true;
  for (const auto& r : test.at("resultsArray")) {
    for (int i = 0; i < 1000; ++i) {
      std::uint8_t out[H::digest_size];
      H::hash(out, md.data(), md.size());
      md.assign(out, out + H::digest_size);
    }
    ok = ok && to_hex(md) == r.at("md").get<std::string>();
  }
  t.check(g, test, ok, "MCT chain mismatch");
}

// Where final_bits() wants the partial last byte's bits: Keccak absorbs bits LSB first (low, as
// bit_message() keeps them), SHA-2 is big-endian (high).
enum class PartialByte { low_bits, high_bits };

template <class H>
void digest_aft(const json& g, const json& test, Tally& t, PartialByte order) {
  const BitMessage m = bit_message(test);
  H h;
  h.update(m.whole.data(), m.whole.size());
  const std::uint8_t last =
      order == PartialByte::low_bits ? m.last : static_cast<std::uint8_t>(m.last << ((8 - m.nbits) & 7u));
  std::uint8_t md[H::digest_size];
  h.final_bits(last, m.nbits, md);
  t.check(g, test, to_hex(md) == test.at("md").get<std::string>(), "digest mismatch");
}

// One AFT, MCT or LDT group of a fixed-size hash (SHA-2 or SHA-3).
template <class H>
void digest_group(const json& g, Tally& t, PartialByte order, void (*mct)(const json&, const json&, Tally&)) {
  const std::string type = g.value("testType", "");
  if (type != "AFT" && type != "MCT" && type != "LDT") return t.unsupported_group(g, "test type " + type);
  for (const auto& test : g.at("tests")) {
    if (type == "AFT") digest_aft<H>(g, test, t, order);
    else if (type == "MCT") mct(g, test, t);
    else large_data_test<H, H::digest_size>(g, test, t);
  }
}

template <class H>
void sha2_group(const json& g, Tally& t) {
  digest_group<H>(g, t, PartialByte::high_bits, sha2_mct<H>);
}

template <std::size_t D>
void sha3_group(const json& g, Tally& t) {
  digest_group<hash::Sha3<D>>(g, t, PartialByte::low_bits, sha3_mct<hash::Sha3<D>>);
}

template <std::size_t S>
void shake_group(const json& g, Tally& t, bool left_aligned) {
  using X = hash::Shake<S>;
  const std::string type = g.value("testType", "");
  if (type == "AFT" || type == "VOT") {
    for (const auto& test : g.at("tests")) {
      BitMessage m = bit_message(test);
      std::size_t out_bits = test.at("outLen").get<std::size_t>();
      X x;
      x.absorb(m.whole.data(), m.whole.size());
      x.finalize_bits(m.last, m.nbits);
      std::vector<std::uint8_t> md((out_bits + 7) / 8);
      x.squeeze(md.data(), md.size());
      // A partial last byte keeps the low out_bits%8 bits of the SHAKE byte. Revision 1.0 prints
      // them as they are; revision FIPS202 left-aligns them (checked against every vector of both).
      if (out_bits % 8 != 0) {
        const unsigned keep = static_cast<unsigned>(out_bits % 8);
        md.back() &= static_cast<std::uint8_t>((1u << keep) - 1u);
        if (left_aligned) md.back() = static_cast<std::uint8_t>(md.back() << (8 - keep));
      }
      t.check(g, test, to_hex(md) == test.at("md").get<std::string>(), "output mismatch");
    }
  } else if (type == "MCT") {
    const std::size_t min_bytes = g.at("minOutLen").get<std::size_t>() / 8;
    const std::size_t max_bytes = g.at("maxOutLen").get<std::size_t>() / 8;
    const std::size_t range = max_bytes - min_bytes + 1;
    for (const auto& test : g.at("tests")) {
      std::vector<std::uint8_t> output = bytes_field(test, "msg");
      std::size_t out_len = max_bytes;
      bool ok = true;
      for (const auto& r : test.at("resultsArray")) {
        std::size_t used_len = out_len;
        for (int i = 0; i < 1000; ++i) {
          std::uint8_t input[16] = {};
          std::copy_n(output.begin(), std::min<std::size_t>(16, output.size()), input);
          used_len = out_len;
          output.assign(used_len, 0);
          X::hash(output.data(), used_len, input, sizeof input);
          std::size_t right = (std::size_t{output[used_len - 2]} << 8) | output[used_len - 1];
          out_len = min_bytes + right % range;
        }
        ok = ok && to_hex(output) == r.at("md").get<std::string>() &&
             r.at("outLen").get<std::size_t>() == used_len * 8;
      }
      t.check(g, test, ok, "MCT chain mismatch");
    }
  } else {
    t.unsupported_group(g, "test type " + type);
  }
}

}  // namespace

void run_sha2(const json& vs, Tally& t) {
  use_backend_from_env();
  const std::string alg = vs.at("algorithm").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    if (alg == "SHA2-224") sha2_group<hash::Sha224>(g, t);
    else if (alg == "SHA2-256") sha2_group<hash::Sha256>(g, t);
    else if (alg == "SHA2-384") sha2_group<hash::Sha384>(g, t);
    else if (alg == "SHA2-512") sha2_group<hash::Sha512>(g, t);
    else if (alg == "SHA2-512/224") sha2_group<hash::Sha512_224>(g, t);
    else if (alg == "SHA2-512/256") sha2_group<hash::Sha512_256>(g, t);
    else t.unsupported_group(g, alg);
  }
}

void run_sha3(const json& vs, Tally& t) {
  use_backend_from_env();
  const std::string alg = vs.at("algorithm").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    if (alg == "SHA3-224") sha3_group<28>(g, t);
    else if (alg == "SHA3-256") sha3_group<32>(g, t);
    else if (alg == "SHA3-384") sha3_group<48>(g, t);
    else if (alg == "SHA3-512") sha3_group<64>(g, t);
    else t.unsupported_group(g, alg);
  }
}

void run_shake(const json& vs, Tally& t) {
  use_backend_from_env();
  const std::string alg = vs.at("algorithm").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    const bool left_aligned = vs.value("revision", "") == "FIPS202";
    if (alg == "SHAKE-128") shake_group<128>(g, t, left_aligned);
    else if (alg == "SHAKE-256") shake_group<256>(g, t, left_aligned);
    else t.unsupported_group(g, alg);
  }
}

}  // namespace pqcea::acvp
