// libFuzzer target for the stateful private key file (src/host/stateful/keystore.cpp, the key
// body readers of the HSS/LMS and XMSS signers): the file `pqcea sig` and `pqcea image` keep the
// one-time-key index in, read back from disk after any crash or tampering.
//
// Byte 0 bit 0 chooses: 0 = the rest is the file as found; 1 = the target first rewrites the
// trailing SHA-256 checksum to match, so the fuzzer gets past the checksum to the header and body
// rules (a corrupted but re-checksummed file is what a careless tool would write). The file is
// also written to a private temporary folder and opened by KeyStore and both signers, whose
// constructors only parse (no tree is built): always when it parses, and when byte 0 bit 1 is
// set even when it does not.
//
// A rejection is StatefulError (StateCorrupt); anything else escapes and libFuzzer reports it.
// Properties, checked with a trap:
//  1. KeyStore reads the same family, indices and body as parse_key_file, and accepts exactly
//     what it accepts; an accepted file never has next > limit;
//  2. a signer opens only a file KeyStore accepts, and only of its own family.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/stateful.hpp"

namespace {

namespace st = pqcea::host::stateful;
namespace fs = std::filesystem;

[[noreturn]] void broken() { __builtin_trap(); }

// A folder of this process's own, removed at exit (parallel test runs share /tmp).
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pqcea-fuzz-keyfile-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) broken();
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
const fs::path& key_path() {
  static const TempDir dir;
  static const fs::path p = dir.path / "key";
  return p;
}

template <class Fn>
bool opens(Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const st::StatefulError&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::uint8_t> file(data + 1, data + size);
  if ((data[0] & 1) != 0 && file.size() >= 32)
    pqcea::hash::Sha256::hash(file.data() + file.size() - 32, file.data(), file.size() - 32);

  std::optional<st::KeyFileView> view;
  try {
    view = st::parse_key_file(file);
    if (view->next > view->limit) broken();
  } catch (const st::StateCorrupt&) {
  }

  // Files cost a write and a read: rejected inputs go to disk only when byte 0 has bit 1 set
  // (a choice the input makes, so every run of an input does the same).
  if (!view && (data[0] & 2) == 0) return 0;
  const std::string path = key_path().string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    if (!out) broken();
  }
  // Property 1.
  std::optional<st::KeyStore> store;
  const bool stored = opens([&] { store.emplace(path); });
  if (stored != view.has_value()) broken();
  if (stored && (store->family() != view->family || store->next() != view->next || store->limit() != view->limit ||
                 store->body() != view->body))
    broken();

  // Property 2.
  const bool hss = opens([&] { st::HssSigner s(path); });
  const bool xmss = opens([&] { st::XmssSigner s(path); });
  if (hss && (!stored || view->family != st::Family::hss)) broken();
  if (xmss && (!stored || view->family == st::Family::hss)) broken();
  return 0;
}
