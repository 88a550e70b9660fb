#include "pqcea/host/entropy_linux.hpp"

#include <sys/random.h>

#include <cerrno>
#include <mutex>

namespace pqcea::host {

Status LinuxEntropy::get(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t r = ::getrandom(out.data() + done, out.size() - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::entropy_failure;
    }
    done += static_cast<std::size_t>(r);
  }
  return Status::ok;
}

namespace {
std::mutex g_mutex;
rng::ShakeDrbg g_drbg;

class SystemRng final : public rng::RandomSource {
 public:
  Status generate(std::span<std::uint8_t> out) override { return system_random(out); }
};
SystemRng g_system_rng;
}  // namespace

Status system_random(std::span<std::uint8_t> out) {
  std::lock_guard<std::mutex> lock(g_mutex);
  LinuxEntropy src;
  if (!g_drbg.instantiated()) {
    static const std::uint8_t pers[] = "pqcea host";
    Status s = g_drbg.instantiate(src, pers);
    if (s != Status::ok) return s;
  }
  while (!out.empty()) {
    std::size_t n = out.size() < rng::ShakeDrbg::kMaxRequest ? out.size() : rng::ShakeDrbg::kMaxRequest;
    Status s = g_drbg.generate(out.first(n));
    if (s == Status::reseed_required) {
      s = g_drbg.reseed(src);
      if (s != Status::ok) return s;
      continue;
    }
    if (s != Status::ok) return s;
    out = out.subspan(n);
  }
  return Status::ok;
}

rng::RandomSource& system_rng() { return g_system_rng; }

}  // namespace pqcea::host
