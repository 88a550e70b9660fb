// Shared pieces of the boot tests: deterministic signing keys, payloads that look like a Cortex-M
// image, signed images, and a simulated device (two slots, the state area, the counter, an
// execution region) built on sim_flash.hpp.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/manifest.hpp"
#include "sim_flash.hpp"

namespace pqcea::boot::testing {

inline constexpr std::uint32_t kExecBase = 0x10300000;

using Seed = std::array<std::uint8_t, 32>;
inline Seed seed(std::uint8_t tag) {
  Seed s;
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(tag * 31 + i);
  return s;
}
inline KeyId key_id(const Seed& s) {
  std::array<std::uint8_t, kPublicKeySize> pk;
  EXPECT_EQ(public_key_from_seed(s, pk), Status::ok);
  KeyId id;
  key_id_of(pk, id);
  return id;
}

// A payload that starts like a vector table (initial SP, reset vector) followed by a pattern.
inline std::vector<std::uint8_t> payload(std::size_t n, std::uint8_t tag) {
  std::vector<std::uint8_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(tag + i * 7 + (i >> 8));
  return p;
}

inline ImageParams params(std::uint32_t counter, Version v = {1, 0, 0, 0}, std::uint16_t alg = kDigestSha256) {
  ImageParams p;
  p.load_address = kExecBase;
  p.version = v;
  p.security_counter = counter;
  p.digest_alg = alg;
  return p;
}

inline std::vector<std::uint8_t> image(const std::vector<std::uint8_t>& pl, const ImageParams& p, const Seed& key) {
  std::vector<std::uint8_t> img(kManifestSize + pl.size() + kTrailerSize);
  EXPECT_EQ(build_image(img, p, pl, key), Status::ok);
  return img;
}

// Records every event of decide_boot.
struct Events final : EventSink {
  std::vector<BootEvent> all;
  void on_event(const BootEvent& e) override { all.push_back(e); }
  bool has(BootEvent::Kind k) const {
    for (const auto& e : all)
      if (e.kind == k) return true;
    return false;
  }
  const BootEvent* find(BootEvent::Kind k) const {
    for (const auto& e : all)
      if (e.kind == k) return &e;
    return nullptr;
  }
};

// A simulated device: slots of 64 KiB (4 KiB sectors, 8-byte program unit as on the STM32L5),
// a state area of two 512-byte sectors (16 records each, so rotation happens often), the counter.
struct Device {
  sim::Power power;
  sim::Area slot_a{power, 64 * 1024, 4096, 8};
  sim::Area slot_b{power, 64 * 1024, 4096, 8};
  sim::Area state{power, 1024, 512, 8};
  sim::Counter counter{power};
  std::vector<KeyId> trusted;
  std::vector<std::uint8_t> exec = std::vector<std::uint8_t>(64 * 1024);
  ValidateWorkspace ws{};

  BootPorts ports() {
    BootPorts p;
    p.slot_a = &slot_a;
    p.slot_b = &slot_b;
    p.state = &state;
    p.counter = &counter;
    p.trusted_keys = trusted;
    p.exec = ExecRegion{kExecBase, exec};
    return p;
  }
  Verdict boot(BootDecision& d, Events* ev = nullptr) { return decide_boot(ports(), ws, d, ev); }
  Flash& slot(Slot s) { return s == Slot::a ? static_cast<Flash&>(slot_a) : static_cast<Flash&>(slot_b); }
  BootState state_now() {
    StateStore store(state);
    BootState st;
    EXPECT_EQ(store.load(st), Status::ok);
    return st;
  }
};

}  // namespace pqcea::boot::testing
