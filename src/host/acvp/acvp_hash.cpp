// ACVP runners for SHA-3 and SHAKE (FIPS 202): AFT, MCT, LDT, VOT.
// Bit-oriented inputs: the hex string is left-aligned, so the last len%8 bits are the high bits of
// the final byte; Keccak absorbs bits LSB first, hence the shift (README of the vector folder).
#include <algorithm>

#include "pqcea/hash/keccak.hpp"
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

template <std::size_t D>
void sha3_group(const json& g, Tally& t) {
  using H = hash::Sha3<D>;
  const std::string type = g.value("testType", "");
  if (type == "AFT") {
    for (const auto& test : g.at("tests")) {
      BitMessage m = bit_message(test);
      H h;
      h.update(m.whole.data(), m.whole.size());
      std::uint8_t md[D];
      h.final_bits(m.last, m.nbits, md);
      t.check(g, test, to_hex(md) == test.at("md").get<std::string>(), "digest mismatch");
    }
  } else if (type == "MCT") {
    for (const auto& test : g.at("tests")) {
      BitMessage seed = bit_message(test);
      if (seed.nbits != 0) {
        t.fail(g, test, "MCT seed not byte aligned");
        continue;
      }
      std::vector<std::uint8_t> md = seed.whole;
      bool ok = true;
      for (const auto& r : test.at("resultsArray")) {
        for (int i = 0; i < 1000; ++i) {
          std::uint8_t out[D];
          H::hash(out, md.data(), md.size());
          md.assign(out, out + D);
        }
        ok = ok && to_hex(md) == r.at("md").get<std::string>();
      }
      t.check(g, test, ok, "MCT chain mismatch");
    }
  } else if (type == "LDT") {
    for (const auto& test : g.at("tests")) {
      const auto& lm = test.at("largeMsg");
      auto content = unhex(lm.at("content").get<std::string>());
      std::uint64_t content_bits = lm.at("contentLength").get<std::uint64_t>();
      std::uint64_t full_bits = lm.at("fullLength").get<std::uint64_t>();
      if (lm.value("expansionTechnique", "") != "repeating" || content_bits % 8 != 0 || full_bits % 8 != 0 ||
          content_bits == 0 || content_bits != content.size() * 8) {
        t.fail(g, test, "unsupported LDT form");
        continue;
      }
      // Stream the repeated content in 1 MiB chunks.
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
  } else {
    t.unsupported_group(g, "test type " + type);
  }
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

void run_sha3(const json& vs, Tally& t) {
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
  const std::string alg = vs.at("algorithm").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    const bool left_aligned = vs.value("revision", "") == "FIPS202";
    if (alg == "SHAKE-128") shake_group<128>(g, t, left_aligned);
    else if (alg == "SHAKE-256") shake_group<256>(g, t, left_aligned);
    else t.unsupported_group(g, alg);
  }
}

}  // namespace pqcea::acvp
