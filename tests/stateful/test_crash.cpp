// Crash safety of the stateful private key (include/pqcea/host/stateful.hpp): a signer process is
// killed at every step of the state advance and after signing, again and again on one key, and no
// index is ever released twice.
//
// Each round forks a child that opens the key file, installs a fault hook that kills it (_exit or
// SIGKILL) at FaultPoint p on its k-th state advance (or k-th signature), and signs messages, writing
// every signature it returns (a "released" signature) to a pipe. The parent verifies every released
// signature, reads its index from the signature itself and checks that it was never seen before;
// after each crash it reads the key file and checks that it is intact (magic, checksum), that its
// next index is above every released index, and that it is exactly where the protocol says: the
// old value if the process died before the rename, the advanced value from the rename on (those
// indices are skipped, which is allowed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "pqcea/core/bytes.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/lms.hpp"
#include "pqcea/xmss.hpp"

using namespace pqcea;
using namespace pqcea::host::stateful;
namespace fs = std::filesystem;

namespace {

constexpr int kCrashExit = 86;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pqcea-crash-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::uint8_t> message(std::uint64_t n) {
  std::vector<std::uint8_t> m(40);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(n * 31 + i);
  return m;
}

bool write_full(int fd, const void* p, std::size_t n) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd, b, n);
    if (w <= 0) return false;
    b += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

std::vector<std::uint8_t> read_everything(int fd) {
  std::vector<std::uint8_t> out;
  std::uint8_t buf[65536];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r <= 0) break;
    out.insert(out.end(), buf, buf + r);
  }
  return out;
}

// The scheme under test, seen from the parent: open a signer, verify, read the index.
struct Scheme {
  std::function<std::vector<std::uint8_t>(const std::string&, std::uint64_t, const std::vector<std::uint8_t>&)> sign_n;
  std::function<bool(const std::vector<std::uint8_t>&, const std::vector<std::uint8_t>&)> verify;
  std::function<std::uint64_t(const std::vector<std::uint8_t>&)> index_of;
};

struct Outcome {
  int status = 0;     // raw waitpid status
  std::vector<std::vector<std::uint8_t>> released;
};

// Child: sign `count` messages starting at message number `msg0`; the hook kills it at the k-th
// occurrence of `point` (k = 0: no fault). `kill_hard`: SIGKILL instead of _exit.
Outcome run_child(const Scheme& s, const std::string& key, std::uint64_t msg0, int count, std::optional<FaultPoint> point,
                  int k, bool kill_hard, int reservation) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    ::close(fds[0]);
    int seen = 0;
    set_fault_hook([&](FaultPoint p) {
      if (point && p == *point && ++seen == k) {
        if (kill_hard) ::kill(::getpid(), SIGKILL);
        ::_exit(kCrashExit);
      }
    });
    try {
      for (int i = 0; i < count; ++i) {
        const auto sig = s.sign_n(key, static_cast<std::uint64_t>(reservation), message(msg0 + static_cast<std::uint64_t>(i)));
        const std::uint32_t len = static_cast<std::uint32_t>(sig.size());
        const std::uint64_t msg_no = msg0 + static_cast<std::uint64_t>(i);
        if (!write_full(fds[1], &len, 4) || !write_full(fds[1], &msg_no, 8) || !write_full(fds[1], sig.data(), sig.size()))
          ::_exit(3);
      }
    } catch (const std::exception&) {
      ::_exit(4);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  const auto bytes = read_everything(fds[0]);
  ::close(fds[0]);
  Outcome o;
  ::waitpid(pid, &o.status, 0);
  for (std::size_t at = 0; at + 12 <= bytes.size();) {
    std::uint32_t len;
    std::uint64_t msg_no;
    std::memcpy(&len, bytes.data() + at, 4);
    std::memcpy(&msg_no, bytes.data() + at + 4, 8);
    if (at + 12 + len > bytes.size()) break;
    std::vector<std::uint8_t> rec(bytes.begin() + static_cast<std::ptrdiff_t>(at + 4),
                                  bytes.begin() + static_cast<std::ptrdiff_t>(at + 12 + len));
    o.released.push_back(std::move(rec));  // msg_no (8 bytes) || signature
    at += 12 + len;
  }
  return o;
}

std::vector<std::uint8_t> file_bytes(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs every fault point, twice each (first and third advance), with both kill styles, then a
// clean run; checks the invariants after each child. Returns the number of released signatures.
void crash_campaign(const Scheme& s, const std::string& key, const std::vector<std::uint8_t>& pk, const char* what) {
  std::set<std::uint64_t> used;  // every index ever released
  std::uint64_t msg_no = 0;
  int crashes = 0, skipped = 0;
  (void)pk;
  auto absorb = [&](const Outcome& o) {
    for (const auto& rec : o.released) {
      std::uint64_t m;
      std::memcpy(&m, rec.data(), 8);
      const std::vector<std::uint8_t> sig(rec.begin() + 8, rec.end());
      ASSERT_TRUE(s.verify(message(m), sig)) << what << ": a released signature does not verify";
      const std::uint64_t idx = s.index_of(sig);
      ASSERT_TRUE(used.insert(idx).second) << what << ": index " << idx << " released twice";
    }
  };
  for (int reservation : {1, 3}) {
    for (const FaultPoint p : kFaultPoints) {
      for (int k : {1, 3}) {
        for (bool hard : {false, true}) {
          const std::uint64_t before = KeyStore(key).next();
          // Enough signatures for the third state advance to happen.
          const int count = 2 + 3 * reservation;
          const Outcome o = run_child(s, key, msg_no, count, p, k, hard, reservation);
          msg_no += static_cast<std::uint64_t>(count);
          SCOPED_TRACE(std::string(what) + " crash at " + to_string(p) + " #" + std::to_string(k) +
                       (hard ? " SIGKILL" : " _exit") + " reservation " + std::to_string(reservation));
          if (hard)
            ASSERT_TRUE(WIFSIGNALED(o.status) && WTERMSIG(o.status) == SIGKILL) << "child status " << o.status;
          else
            ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == kCrashExit) << "child status " << o.status;
          ++crashes;
          absorb(o);
          // The key file is intact and its index is past every released one.
          const KeyFileView v = parse_key_file(file_bytes(key));
          for (std::uint64_t u : used) ASSERT_LT(u, v.next);
          // Exactly where the protocol says: advances before the crashing one all completed (one
          // per `reservation` signatures); the crashing one counts from the rename on.
          const std::uint64_t completed_signs = o.released.size();
          std::uint64_t advances = 0;
          if (p == FaultPoint::signed_) {
            advances = (completed_signs + static_cast<std::uint64_t>(reservation)) / static_cast<std::uint64_t>(reservation);
          } else {
            const bool counted = p == FaultPoint::renamed || p == FaultPoint::dir_synced;
            advances = static_cast<std::uint64_t>(k - 1) + (counted ? 1 : 0);
          }
          EXPECT_EQ(v.next, before + advances * static_cast<std::uint64_t>(reservation));
          skipped += static_cast<int>(v.next - before - completed_signs);
        }
      }
    }
  }
  // A clean run afterwards signs normally and cleans up the temporary files the crashes left.
  const Outcome o = run_child(s, key, msg_no, 4, std::nullopt, 0, false, 1);
  ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0);
  absorb(o);
  EXPECT_EQ(o.released.size(), 4u);
  for (const auto& e : fs::directory_iterator(fs::path(key).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  EXPECT_EQ(KeyStore(key).next(), *used.rbegin() + 1);
  std::printf("%s: %d crashes (6 fault points x 2 occurrences x 2 kill styles x 2 reservation sizes), %zu "
              "signatures released, all verify, no index twice; %d indices skipped by crashes\n",
              what, crashes, used.size(), skipped);
}

Scheme hss_scheme(const std::vector<std::uint8_t>& pk, const std::vector<LmsLevel>& levels) {
  Scheme s;
  s.sign_n = [](const std::string& key, std::uint64_t reservation, const std::vector<std::uint8_t>& m) {
    static std::unique_ptr<HssSigner> signer;  // per child process: one signer for all its signatures
    if (!signer) {
      signer = std::make_unique<HssSigner>(key);
      signer->set_reservation(reservation);
    }
    return signer->sign(m);
  };
  s.verify = [pk](const std::vector<std::uint8_t>& m, const std::vector<std::uint8_t>& sig) {
    return lms::hss_verify(pk, m, sig) == Status::ok;
  };
  s.index_of = [levels](const std::vector<std::uint8_t>& sig) {
    // Global index from the per-level q: g = q0 2^(h1) + q1 for two levels.
    const std::size_t sig0 = lms::lms_sig_bytes(*levels[0].lms, *levels[0].ots);
    const std::uint64_t q0 = load32_be(sig.data() + 4);
    const std::uint64_t q1 = load32_be(sig.data() + 4 + sig0 + lms::lms_pk_bytes(*levels[1].lms));
    return (q0 << levels[1].lms->h) + q1;
  };
  return s;
}

}  // namespace

TEST(StatefulCrash, HssSignerKilledAtEveryStep) {
  TempDir dir;
  const auto levels = parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W4,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W4");
  std::vector<std::uint8_t> seed(32, 0x5A), I(16, 0xA5);
  HssSigner::generate_from_seed(dir.file("hss.key"), levels, seed, std::span<const std::uint8_t, 16>(I.data(), 16));
  const auto pk = HssSigner(dir.file("hss.key")).public_key();
  crash_campaign(hss_scheme(pk, levels), dir.file("hss.key"), pk, "HSS");
}

TEST(StatefulCrash, XmssMtSignerKilledAtEveryStep) {
  TempDir dir;
  const xmss::Params& p = *xmss::find_by_name("XMSSMT-SHA2_20/4_256");
  std::vector<std::uint8_t> a(32, 1), b(32, 2), c(32, 3);
  XmssSigner::generate_from_seeds(dir.file("x.key"), p, a, b, c);
  const auto pk = XmssSigner(dir.file("x.key")).public_key();
  Scheme s;
  s.sign_n = [](const std::string& key, std::uint64_t reservation, const std::vector<std::uint8_t>& m) {
    static std::unique_ptr<XmssSigner> signer;
    if (!signer) {
      signer = std::make_unique<XmssSigner>(key);
      signer->set_reservation(reservation);
    }
    return signer->sign(m);
  };
  s.verify = [pk](const std::vector<std::uint8_t>& m, const std::vector<std::uint8_t>& sig) {
    return xmss::verify_mt(pk, m, sig) == Status::ok;
  };
  s.index_of = [&p](const std::vector<std::uint8_t>& sig) {
    std::uint64_t idx = 0;
    for (std::size_t i = 0; i < p.idx_bytes(); ++i) idx = (idx << 8) | sig[i];
    return idx;
  };
  crash_campaign(s, dir.file("x.key"), pk, "XMSS^MT");
}

TEST(StatefulCrash, ConcurrentSignersNeverShareAnIndex) {
  TempDir dir;
  const auto levels = parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W4,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W4");
  std::vector<std::uint8_t> seed(32, 0x11), I(16, 0x22);
  HssSigner::generate_from_seed(dir.file("k"), levels, seed, std::span<const std::uint8_t, 16>(I.data(), 16));
  const auto pk = HssSigner(dir.file("k")).public_key();
  const Scheme s = hss_scheme(pk, levels);
  // Three processes, each with its own signer object on the same file, signing at the same time.
  std::vector<pid_t> pids;
  std::vector<int> readers;
  for (int c = 0; c < 3; ++c) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      try {
        HssSigner signer(dir.file("k"));
        for (int i = 0; i < 25; ++i) {
          const auto sig = signer.sign(message(static_cast<std::uint64_t>(c * 100 + i)));
          const std::uint64_t idx = s.index_of(sig);
          const std::uint64_t m = static_cast<std::uint64_t>(c * 100 + i);
          if (!write_full(fds[1], &idx, 8) || !write_full(fds[1], &m, 8)) ::_exit(3);
          if (lms::hss_verify(pk, message(m), sig) != Status::ok) ::_exit(5);
        }
      } catch (...) {
        ::_exit(4);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    pids.push_back(pid);
    readers.push_back(fds[0]);
  }
  std::set<std::uint64_t> all;
  for (int c = 0; c < 3; ++c) {
    const auto bytes = read_everything(readers[c]);
    ::close(readers[c]);
    int st = 0;
    ::waitpid(pids[c], &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "child " << c << " status " << st;
    ASSERT_EQ(bytes.size(), 25u * 16);
    for (std::size_t at = 0; at < bytes.size(); at += 16) {
      std::uint64_t idx;
      std::memcpy(&idx, bytes.data() + at, 8);
      EXPECT_TRUE(all.insert(idx).second) << "index " << idx << " used by two signers";
    }
  }
  EXPECT_EQ(all.size(), 75u);
  EXPECT_EQ(*all.rbegin(), 74u);  // no gaps: the lock serialises reservations
  EXPECT_EQ(KeyStore(dir.file("k")).next(), 75u);
}

// The check above can fail: a signer that releases a signature BEFORE making the advance durable
// (the unsafe order) reuses an index after a crash, and the same bookkeeping catches it.
TEST(StatefulCrash, TheCheckCatchesTheUnsafeOrder) {
  TempDir dir;
  const auto levels = parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W4");
  std::vector<std::uint8_t> seed(32, 0x33), I(16, 0x44);
  HssSigner::generate_from_seed(dir.file("k"), levels, seed, std::span<const std::uint8_t, 16>(I.data(), 16));
  LmsTree tree(levels[0], std::span<const std::uint8_t, 16>(I.data(), 16), seed);
  std::set<std::uint32_t> used;
  int reused = 0;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      set_fault_hook([](FaultPoint p) {
        if (p == FaultPoint::temp_written) ::_exit(kCrashExit);
      });
      try {
        KeyStore ks(dir.file("k"));
        const auto q = static_cast<std::uint32_t>(ks.next());
        std::vector<std::uint8_t> sig;
        tree.sign(sig, q, std::vector<std::uint8_t>(32, 0), message(q));
        if (!write_full(fds[1], &q, 4)) ::_exit(3);  // released first ...
        (void)ks.reserve(1);                          // ... then the state: unsafe
      } catch (...) {
        ::_exit(4);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    const auto bytes = read_everything(fds[0]);
    ::close(fds[0]);
    int st = 0;
    ::waitpid(pid, &st, 0);
    ASSERT_EQ(bytes.size(), 4u);
    std::uint32_t q;
    std::memcpy(&q, bytes.data(), 4);
    if (!used.insert(q).second) ++reused;
  }
  EXPECT_EQ(reused, 3);  // every crash after the first reuses index 0
}
