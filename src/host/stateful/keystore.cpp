// The private key file of the stateful schemes and its crash-safe advance (see stateful.hpp and
// docs/stateful-signatures.md for the argument).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/secret_file.hpp"
#include "pqcea/host/stateful.hpp"

namespace pqcea::host::stateful {

namespace fs = std::filesystem;

namespace {

constexpr std::uint8_t kMagic[8] = {'P', 'Q', 'C', 'E', 'A', '-', 'S', 'K'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeader = 32, kDigest = 32;
// Far above any parameter set's body (seeds and level list); a bound on what a key file read takes.
constexpr std::size_t kMaxKeyFileBytes = 1 << 16;

std::function<void(FaultPoint)>& hook_slot() {
  static std::function<void(FaultPoint)> hook;
  return hook;
}

void fault(FaultPoint p) {
  if (hook_slot()) hook_slot()(p);
}

[[noreturn]] void sys_fail(const std::string& what) {
  throw StatefulError(what + ": " + std::strerror(errno));
}

// The file image holds the secret seeds: a SecretBytes, wiped when the caller is done with it.
host::SecretBytes serialize(Family family, std::uint64_t next, std::uint64_t limit, std::span<const std::uint8_t> body) {
  host::SecretBytes out(kHeader + body.size() + kDigest);
  std::memcpy(out.data(), kMagic, 8);
  out.data()[8] = static_cast<std::uint8_t>(family);
  out.data()[9] = kVersion;
  store32_be(out.data() + 12, static_cast<std::uint32_t>(body.size()));
  store64_be(out.data() + 16, next);
  store64_be(out.data() + 24, limit);
  std::memcpy(out.data() + kHeader, body.data(), body.size());
  hash::Sha256::hash(out.data() + kHeader + body.size(), out.data(), kHeader + body.size());
  return out;
}

fs::path folder_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// An exclusive advisory lock on "<key>.lock" for the read-modify-write of the state: two signers on
// one key file (two processes, or two objects in one) can never reserve the same index.
class FileLock {
 public:
  explicit FileLock(const std::string& key_path) {
    const std::string p = key_path + ".lock";
    fd_ = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) sys_fail("open " + p);
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int e = errno;
        ::close(fd_);
        errno = e;
        sys_fail("lock " + p);
      }
    }
  }
  ~FileLock() { ::close(fd_); }  // closing releases the lock
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// The temporary-file prefix of write_secret_file (secret_file.hpp: ".NAME.tmp-").
std::string temp_prefix(const std::string& path) {
  std::string s(".");  // appended piecewise: GCC 12 misreports chained operator+ (-Wrestrict)
  s += fs::path(path).filename().string();
  s += ".tmp-";
  return s;
}

// Temporary files a crashed signer left behind (never the key itself); removed under the lock.
void remove_stale_temps(const std::string& path) {
  std::error_code ec;
  const std::string prefix = temp_prefix(path);
  for (const auto& e : fs::directory_iterator(folder_of(path), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) fs::remove(e.path(), ec);
  }
}

FaultPoint fault_point_of(host::SecretWriteStep step) {
  switch (step) {
    case host::SecretWriteStep::temp_partial: return FaultPoint::temp_partial;
    case host::SecretWriteStep::temp_written: return FaultPoint::temp_written;
    case host::SecretWriteStep::temp_synced: return FaultPoint::temp_synced;
    case host::SecretWriteStep::published: return FaultPoint::renamed;
    case host::SecretWriteStep::dir_synced: return FaultPoint::dir_synced;
  }
  return FaultPoint::dir_synced;
}

}  // namespace

KeyExhausted::KeyExhausted(std::uint64_t used, std::uint64_t capacity)
    : StatefulError("private key exhausted: all " + std::to_string(capacity) +
                    " one-time signing keys have been used (" + std::to_string(used) +
                    " used or reserved); this key can never sign again"),
      capacity_(capacity) {}

const char* to_string(FaultPoint p) {
  switch (p) {
    case FaultPoint::temp_partial: return "temp_partial";
    case FaultPoint::temp_written: return "temp_written";
    case FaultPoint::temp_synced: return "temp_synced";
    case FaultPoint::renamed: return "renamed";
    case FaultPoint::dir_synced: return "dir_synced";
    case FaultPoint::signed_: return "signed";
  }
  return "?";
}

void set_fault_hook(std::function<void(FaultPoint)> hook) { hook_slot() = std::move(hook); }

void fault_point(FaultPoint p) { fault(p); }

KeyFileView parse_key_file(std::span<const std::uint8_t> b) {
  if (b.size() < kHeader + kDigest) throw StateCorrupt("key file too short");
  if (std::memcmp(b.data(), kMagic, 8) != 0) throw StateCorrupt("not a pqcea stateful private key (bad magic)");
  if (b[9] != kVersion) throw StateCorrupt("unsupported key file version " + std::to_string(b[9]));
  const std::uint8_t fam = b[8];
  if (fam < 1 || fam > 3) throw StateCorrupt("unknown key family " + std::to_string(fam));
  const std::uint32_t body_len = load32_be(b.data() + 12);
  if (b.size() != kHeader + std::size_t{body_len} + kDigest) throw StateCorrupt("key file length mismatch");
  std::uint8_t d[32];
  hash::Sha256::hash(d, b.data(), kHeader + body_len);
  if (std::memcmp(d, b.data() + kHeader + body_len, 32) != 0) throw StateCorrupt("key file checksum mismatch");
  KeyFileView v{static_cast<Family>(fam), load64_be(b.data() + 16), load64_be(b.data() + 24),
                std::vector<std::uint8_t>(b.begin() + kHeader, b.begin() + kHeader + body_len)};
  if (v.next > v.limit) throw StateCorrupt("key file index beyond its limit");
  return v;
}

void KeyStore::create(const std::string& path, Family family, std::span<const std::uint8_t> body, std::uint64_t limit,
                      host::Replace replace) {
  const host::SecretBytes bytes = serialize(family, 0, limit, body);
  // The helper's temp names start with temp_prefix (secret_file.hpp), so a signer sweeps the one a
  // process that died mid-write left behind. Without `replace`, an existing key (and its state) is never overwritten (SecretFileExists).
  host::write_secret_file(path, bytes.span(), replace);
}

KeyStore::KeyStore(std::string path) : path_(std::move(path)) { load(); }

void KeyStore::load() {
  host::SecretBytes b;
  try {
    b = host::read_secret_file(path_, kMaxKeyFileBytes);
  } catch (const host::SecretFileError& e) {
    throw StatefulError(std::string("cannot read key file: ") + e.what());
  }
  KeyFileView v = parse_key_file(b.span());
  // A signer holds the seeds it loaded first; a different key put in the file's place since then
  // must not have its state advanced for signatures made with the first key's seeds.
  if (!body_.empty() && (v.family != family_ || v.body != body_ || v.limit != limit_))
    throw StateCorrupt("key file " + path_ + " was replaced by a different key while in use");
  if (!body_.empty()) secure_wipe(body_.data(), body_.size());
  family_ = v.family;
  next_ = v.next;
  limit_ = v.limit;
  body_ = std::move(v.body);
}

std::uint64_t KeyStore::reserve(std::uint64_t count) {
  if (count == 0) throw std::invalid_argument("reserve(0)");
  const FileLock lock(path_);
  load();  // the state as it is on disk now, under the lock
  remove_stale_temps(path_);
  if (limit_ - next_ < count) throw KeyExhausted(next_, limit_);
  const std::uint64_t first = next_;
  const host::SecretBytes bytes = serialize(family_, next_ + count, limit_, body_);
  // The secret-file protocol with the fault points of the crash tests at each step; replacing the
  // old state is the point here.
  try {
    host::write_secret_file(
        path_, bytes.span(), {host::Replace::yes, [](host::SecretWriteStep step) { fault(fault_point_of(step)); }});
  } catch (const host::SecretFileError& e) {
    throw StatefulError(e.what());  // callers handle every key-file failure as a StatefulError
  }
  next_ += count;
  return first;
}

}  // namespace pqcea::host::stateful
