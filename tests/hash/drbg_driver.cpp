// Drives rng::ShakeDrbg from a line script on stdin so tests/hash/drbg_kat.py can compare every
// output with its own model of the construction (Python's hashlib.shake_256). One command a line,
// byte strings in hex ("-" for empty); one answer line each: "ok [hex]" or "err <to_string(status)>".
//   instantiate ENTROPY NONCE PERS      instantiate_source SOURCE48 PERS (entropy 32 || nonce 16)
//   reseed ENTROPY ADD                  reseed_source SOURCE32
//   generate LEN ADD                    counter            (prints the reseed counter)
#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "pqcea/host/acvp.hpp"
#include "pqcea/rng/drbg.hpp"

namespace {

using pqcea::Status;

std::vector<std::uint8_t> unhex(const std::string& s) {
  return s == "-" ? std::vector<std::uint8_t>{} : pqcea::acvp::unhex(s);
}

// An entropy source that hands out exactly the bytes it was given (and fails on any other size).
class FixedSource final : public pqcea::rng::EntropySource {
 public:
  explicit FixedSource(std::vector<std::uint8_t> b) : bytes_(std::move(b)) {}
  Status get(std::span<std::uint8_t> out) override {
    if (out.size() != bytes_.size()) return Status::entropy_failure;
    std::copy(bytes_.begin(), bytes_.end(), out.begin());
    return Status::ok;
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

void answer(Status s, const std::vector<std::uint8_t>* out = nullptr) {
  if (s != Status::ok) {
    std::cout << "err " << pqcea::to_string(s) << "\n";
    return;
  }
  std::cout << "ok";
  if (out != nullptr) std::cout << " " << pqcea::acvp::to_hex(*out);
  std::cout << "\n";
}

}  // namespace

int main() {
  pqcea::rng::ShakeDrbg drbg;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, a, b, c;
    in >> cmd >> a >> b >> c;
    if (cmd == "instantiate") {
      answer(drbg.instantiate(unhex(a), unhex(b), unhex(c)));
    } else if (cmd == "instantiate_source") {
      FixedSource src(unhex(a));
      answer(drbg.instantiate(src, unhex(b)));
    } else if (cmd == "reseed") {
      answer(drbg.reseed(unhex(a), unhex(b)));
    } else if (cmd == "reseed_source") {
      FixedSource src(unhex(a));
      answer(drbg.reseed(src));
    } else if (cmd == "generate") {
      std::vector<std::uint8_t> out(std::stoul(a));
      Status s = drbg.generate(out, unhex(b));
      answer(s, &out);
    } else if (cmd == "counter") {
      std::cout << "ok " << drbg.reseed_counter() << "\n";
    } else {
      std::cerr << "unknown command: " << line << "\n";
      return 2;
    }
  }
  return 0;
}
