// SecretBytes, the secret-file writer and reader, and the hex codec (include/pqcea/host/).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>
#include <vector>

#include "pqcea/host/hex.hpp"
#include "pqcea/host/secret.hpp"
#include "pqcea/host/secret_file.hpp"

namespace {

namespace fs = std::filesystem;
using pqcea::host::Replace;
using pqcea::host::SecretBytes;
using pqcea::host::SecretWriteStep;

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "pqcea-secrets-XXXXXX").string();
    if (::mkdtemp(t.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Every entry of the folder except the named files: what a write left behind.
  std::vector<std::string> others(std::initializer_list<std::string> expected) const {
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(path_)) {
      const std::string n = e.path().filename().string();
      bool known = false;
      for (const auto& x : expected) known = known || n == x;
      if (!known) v.push_back(n);
    }
    return v;
  }

 private:
  fs::path path_;
};

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 07777;
}

// Sets the umask for one test and restores it.
class Umask {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

// ---- SecretBytes -------------------------------------------------------------------------------

static_assert(!std::is_copy_constructible_v<SecretBytes> && !std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes> && std::is_nothrow_move_assignable_v<SecretBytes>);

TEST(SecretBytes, FixedSizeZeroedAndCopiedFromSpan) {
  SecretBytes z(40);
  EXPECT_EQ(z.size(), 40u);
  for (auto b : z.span()) EXPECT_EQ(b, 0);
  const std::vector<std::uint8_t> src{1, 2, 3, 4};
  SecretBytes s{std::span<const std::uint8_t>(src)};
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(std::vector<std::uint8_t>(s.span().begin(), s.span().end()), src);
  EXPECT_EQ(s.first<2>()[1], 2);
  EXPECT_EQ(s.sub(2, 2)[0], 3);
  EXPECT_TRUE(SecretBytes().empty());
}

TEST(SecretBytes, MoveLeavesTheSourceEmptyAndKeepsTheBuffer) {
  const std::vector<std::uint8_t> src{9, 8, 7};
  SecretBytes a{std::span<const std::uint8_t>(src)};
  const std::uint8_t* buf = a.data();
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.data(), buf);  // moved, not copied: no second copy of the secret exists
  EXPECT_EQ(a.size(), 0u);   // NOLINT(bugprone-use-after-move): the moved-from state is the point
  EXPECT_EQ(a.data(), nullptr);
  SecretBytes c(5);
  c = std::move(b);
  EXPECT_EQ(c.data(), buf);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  c.clear();
  EXPECT_TRUE(c.empty());
}

TEST(SecretBytes, ConstantTimeEqual) {
  const std::vector<std::uint8_t> x{1, 2, 3}, y{1, 2, 4};
  EXPECT_TRUE(pqcea::host::equal(SecretBytes{std::span<const std::uint8_t>(x)}, SecretBytes{std::span<const std::uint8_t>(x)}));
  EXPECT_FALSE(pqcea::host::equal(SecretBytes{std::span<const std::uint8_t>(x)}, SecretBytes{std::span<const std::uint8_t>(y)}));
  EXPECT_FALSE(pqcea::host::equal(SecretBytes{std::span<const std::uint8_t>(x)}, SecretBytes(2)));
}

// ---- write_secret_file -------------------------------------------------------------------------

TEST(SecretFile, Mode0600WhateverTheUmask) {
  for (const mode_t m : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    const Umask u(m);
    TempDir d;
    pqcea::host::write_secret_file(d.file("k"), bytes_of("secret"), Replace::no);
    EXPECT_EQ(mode_of(d.file("k")), 0600u) << "umask " << m;
    EXPECT_EQ(read_text(d.file("k")), "secret");
    EXPECT_TRUE(d.others({"k"}).empty());
  }
}

TEST(SecretFile, NeverReplacesWithoutReplaceYes) {
  TempDir d;
  pqcea::host::write_secret_file(d.file("k"), bytes_of("first"), Replace::no);
  try {
    pqcea::host::write_secret_file(d.file("k"), bytes_of("second"), Replace::no);
    ADD_FAILURE() << "an existing file was replaced";
  } catch (const pqcea::host::SecretFileExists& e) {
    EXPECT_EQ(std::string(e.what()), d.file("k") + " exists; use --force to replace it");
    EXPECT_EQ(e.path(), d.file("k"));
  }
  EXPECT_EQ(read_text(d.file("k")), "first");
  EXPECT_TRUE(d.others({"k"}).empty()) << "temporary file left behind";
  pqcea::host::write_secret_file(d.file("k"), bytes_of("third"), Replace::yes);
  EXPECT_EQ(read_text(d.file("k")), "third");
  EXPECT_EQ(mode_of(d.file("k")), 0600u);
  EXPECT_TRUE(d.others({"k"}).empty());
}

TEST(SecretFile, ASymlinkInPlaceIsNotFollowed) {
  // A planted link (e.g. to a file the attacker can read) counts as an existing file: refused.
  TempDir d;
  ASSERT_EQ(::symlink(d.file("elsewhere").c_str(), d.file("k").c_str()), 0);
  EXPECT_THROW(pqcea::host::write_secret_file(d.file("k"), bytes_of("s"), Replace::no), pqcea::host::SecretFileExists);
  EXPECT_FALSE(fs::exists(d.file("elsewhere")));
}

TEST(SecretFile, AFailureAtAnyStepLeavesNoTempAndTheOldFileIntact) {
  constexpr SecretWriteStep kSteps[] = {SecretWriteStep::temp_partial, SecretWriteStep::temp_written,
                                        SecretWriteStep::temp_synced, SecretWriteStep::published,
                                        SecretWriteStep::dir_synced};
  for (const auto stop : kSteps) {
    for (const Replace replace : {Replace::no, Replace::yes}) {
      TempDir d;
      if (replace == Replace::yes) pqcea::host::write_secret_file(d.file("k"), bytes_of("old"), Replace::no);
      pqcea::host::SecretWriteOptions o{replace, [stop](SecretWriteStep s) {
                                          if (s == stop) throw std::runtime_error("injected failure");
                                        }};
      EXPECT_THROW(pqcea::host::write_secret_file(d.file("k"), bytes_of("new secret"), o), std::runtime_error);
      const bool published = stop == SecretWriteStep::published || stop == SecretWriteStep::dir_synced;
      const std::string name = "step " + std::to_string(static_cast<int>(stop)) +
                               (replace == Replace::yes ? " (replace)" : " (new)");
      EXPECT_TRUE(d.others({"k"}).empty()) << name << ": temporary file left behind";
      if (published) {
        EXPECT_EQ(read_text(d.file("k")), "new secret") << name;  // the rename/link had happened
        EXPECT_EQ(mode_of(d.file("k")), 0600u) << name;
      } else if (replace == Replace::yes) {
        EXPECT_EQ(read_text(d.file("k")), "old") << name;
      } else {
        EXPECT_FALSE(fs::exists(d.file("k"))) << name;
      }
    }
  }
}

TEST(SecretFile, AMissingFolderFailsCleanly) {
  TempDir d;
  EXPECT_THROW(pqcea::host::write_secret_file(d.file("no/such/k"), bytes_of("s"), Replace::no),
               pqcea::host::SecretFileError);
  EXPECT_TRUE(d.others({}).empty());
}

// ---- read_secret_file ----------------------------------------------------------------------------

std::string text_of(const SecretBytes& s) { return {s.span().begin(), s.span().end()}; }

TEST(SecretFile, ReadsWithABound) {
  TempDir d;
  pqcea::host::write_secret_file(d.file("k"), bytes_of("0123456789"), Replace::no);
  EXPECT_EQ(text_of(pqcea::host::read_secret_file(d.file("k"), 10)), "0123456789");
  EXPECT_THROW(pqcea::host::read_secret_file(d.file("k"), 9), pqcea::host::SecretFileError);
  EXPECT_THROW(pqcea::host::read_secret_file(d.file("missing"), 9), pqcea::host::SecretFileError);
  std::ofstream(d.file("empty")).flush();
  EXPECT_THROW(pqcea::host::read_secret_file(d.file("empty"), 9), pqcea::host::SecretFileError);
  // A text secret (a token, a hex seed) loses the newline an editor or `echo` added.
  pqcea::host::write_secret_file(d.file("t"), bytes_of("token\r\n"), Replace::no);
  EXPECT_EQ(text_of(pqcea::host::read_secret_text(d.file("t"), 5)), "token");
  EXPECT_THROW(pqcea::host::read_secret_text(d.file("t"), 4), pqcea::host::SecretFileError);
}

// ---- hex -----------------------------------------------------------------------------------------

TEST(Hex, EncodesBothCases) {
  const std::vector<std::uint8_t> b{0x00, 0x1f, 0xa0, 0xff};
  EXPECT_EQ(pqcea::host::hex_encode(b), "001fa0ff");
  EXPECT_EQ(pqcea::host::hex_encode(b, pqcea::host::HexCase::upper), "001FA0FF");
  EXPECT_EQ(pqcea::host::hex_encode({}), "");
}

// RFC 4648 §10 test vectors (upper-case, padded there; lower-case, unpadded here).
TEST(Base32, Rfc4648Vectors) {
  auto b32 = [](std::string_view s) {
    return pqcea::host::base32_encode(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  };
  EXPECT_EQ(b32(""), "");
  EXPECT_EQ(b32("f"), "my");
  EXPECT_EQ(b32("fo"), "mzxq");
  EXPECT_EQ(b32("foo"), "mzxw6");
  EXPECT_EQ(b32("foob"), "mzxw6yq");
  EXPECT_EQ(b32("fooba"), "mzxw6ytb");
  EXPECT_EQ(b32("foobar"), "mzxw6ytboi");
}

// The device id of the longest UEID (33 bytes: RAND type and 32 bytes, as the firmware makes it)
// is 53 characters of [a-z2-7]: it fits X.520 serialNumber / commonName (64) and a URL segment.
TEST(DeviceId, FitsACertificateSubject) {
  std::vector<std::uint8_t> ueid(33, 0xff);
  ueid[0] = 0x01;
  const std::string id = pqcea::host::device_id_for_ueid(ueid);
  EXPECT_EQ(id.size(), 53u);
  EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
  ueid[32] = 0xfe;
  EXPECT_NE(pqcea::host::device_id_for_ueid(ueid), id);  // every bit of the UEID counts
}

TEST(Hex, DecodesStrictly) {
  EXPECT_EQ(pqcea::host::hex_decode("001fA0Ff"), (std::vector<std::uint8_t>{0x00, 0x1f, 0xa0, 0xff}));
  EXPECT_EQ(pqcea::host::hex_decode(""), std::vector<std::uint8_t>{});
  for (const char* bad : {"0", "abc", "0g", " 00", "00 ", "0x00", "-1"})
    EXPECT_FALSE(pqcea::host::hex_decode(bad).has_value()) << bad;
  EXPECT_THROW(pqcea::host::hex_decode_or_throw("zz", "--key-id"), std::invalid_argument);
  std::uint8_t out[2];
  EXPECT_TRUE(pqcea::host::hex_decode_into("beef", out));
  EXPECT_EQ(out[0], 0xbe);
  EXPECT_EQ(out[1], 0xef);
  EXPECT_FALSE(pqcea::host::hex_decode_into("bee", out));
  EXPECT_FALSE(pqcea::host::hex_decode_into("beefbe", out));
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool digit = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    EXPECT_EQ(pqcea::host::hex_digit(ch) >= 0, digit) << c;
  }
}

}  // namespace
