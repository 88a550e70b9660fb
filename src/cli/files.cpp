// File helpers of the commands: every input through one bounded reader (checked from its metadata
// before any byte is read, docs/cli.md "Inputs and errors"), public outputs as ordinary files,
// secret outputs through the one secret-file helper (docs/key-files.md). Shared by `pqcea` and the
// cross builds' `pqcea-image`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "commands.hpp"
#include "pqcea/host/secret_file.hpp"

namespace pqcea::cli {
namespace {

constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kChunkBytes = 1 << 16;
constexpr std::uint64_t kReadFileMaxBytes = std::uint64_t{1} << 30;

std::string size_text(std::uint64_t n) {
  constexpr std::uint64_t kMiB = 1 << 20, kGiB = kMiB << 10;
  if (n >= kGiB && n % kGiB == 0) return std::to_string(n / kGiB) + " GiB";
  if (n >= kMiB && n % kMiB == 0) return std::to_string(n / kMiB) + " MiB";
  return std::to_string(n) + " bytes";
}

// "2592 bytes", "32 or 4896 bytes", "32, 48 or 64 bytes"
std::string lengths_text(std::vector<std::size_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i)
    s += (i == 0 ? "" : i + 1 == v.size() ? " or " : ", ") + std::to_string(v[i]);
  return s + " bytes";
}

std::uint64_t bound_of(const Expect& e) {
  if (e.lengths.empty()) return e.max_bytes == 0 ? kUnbounded : e.max_bytes;
  return *std::max_element(e.lengths.begin(), e.lengths.end());
}

[[noreturn]] void refuse(const std::string& path, const std::string& problem, const Expect& e) {
  throw BadInput(path + ": " + problem + "; " + expected(e));
}

[[noreturn]] void refuse_errno(const std::string& path, int err, const Expect& e) {
  refuse(path, err == ENOENT ? std::string("no such file") : "cannot read (" + std::string(std::strerror(err)) + ")",
         e);
}

// The checks every input gets from its metadata: a directory is refused, a regular file must have
// an allowed size. Other types (pipes, devices) are bounded while they are read.
void check_metadata(const std::string& path, const struct stat& st, const Expect& e) {
  if (S_ISDIR(st.st_mode)) refuse(path, "a directory", e);
  if (S_ISREG(st.st_mode)) check_length(path, static_cast<std::uint64_t>(st.st_size), e);
}

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

// Opens and checks `path`, tells `on_size` the expected size (regular files), then hands every chunk
// to `chunk`; never holds more than one chunk, never reads past the bound.
void stream(const std::string& path, const Expect& e, const std::function<void(std::uint64_t)>& on_size,
            const std::function<void(std::span<const std::uint8_t>)>& chunk) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) refuse_errno(path, errno, e);
  const Fd guard{fd};
  struct stat st{};
  if (::fstat(fd, &st) != 0) refuse_errno(path, errno, e);
  check_metadata(path, st, e);
  if (S_ISREG(st.st_mode) && on_size) on_size(static_cast<std::uint64_t>(st.st_size));
  const std::uint64_t bound = bound_of(e);
  std::vector<std::uint8_t> buf(kChunkBytes);
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t r = ::read(fd, buf.data(), buf.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      refuse_errno(path, errno, e);
    }
    if (r == 0) break;
    total += static_cast<std::uint64_t>(r);
    if (total > bound) refuse(path, "more than " + size_text(bound), e);
    chunk(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(r)));
  }
  check_length(path, total, e);  // a pipe, or a file that changed while it was read
}

// An output path: its folder must exist and it must not be a folder itself (BadInput, exit 2);
// failures beyond that (disk full) are the machine's.
void check_output(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) throw BadInput(path + ": cannot write: folder " + dir.string() + " does not exist");
  if (fs::is_directory(p, ec)) throw BadInput(path + ": cannot write: a directory; expected an output file name");
}

}  // namespace

std::string about(const std::string& path, const std::string& problem) {
  return problem.rfind(path, 0) == 0 ? problem : path + ": " + problem;
}

std::string expected(const Expect& e) {
  const std::string what = "expected " + e.what;
  if (!e.lengths.empty()) return what + " (" + lengths_text(e.lengths) + ")";
  if (bound_of(e) == kUnbounded) return what;
  return what + " (at most " + size_text(bound_of(e)) + ")";
}

void check_length(const std::string& path, std::uint64_t have, const Expect& e) {
  const bool ok = e.lengths.empty() ? have <= bound_of(e)
                                    : std::find(e.lengths.begin(), e.lengths.end(), have) != e.lengths.end();
  if (!ok) refuse(path, have == 0 ? std::string("empty (0 bytes)") : std::to_string(have) + " bytes", e);
}

void check_input(const std::string& path, const Expect& e) {
  if (path == "-") return;  // standard input: bounded while read
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) refuse_errno(path, errno, e);
  check_metadata(path, st, e);
}

void stream_input(const std::string& path, const Expect& e,
                  const std::function<void(std::span<const std::uint8_t>)>& chunk) {
  stream(path, e, {}, chunk);
}

std::vector<std::uint8_t> read_input(const std::string& path, const Expect& e) {
  std::vector<std::uint8_t> out;
  stream(
      path, e, [&](std::uint64_t size) { out.reserve(static_cast<std::size_t>(size)); },
      [&](std::span<const std::uint8_t> c) { out.insert(out.end(), c.begin(), c.end()); });
  return out;
}

host::SecretBytes read_secret_input(const std::string& path, const Expect& e) {
  check_input(path, e);
  const std::string name = path == "-" ? std::string("standard input") : path;
  const std::uint64_t bound = bound_of(e);
  if (bound > (std::uint64_t{1} << 24)) throw std::logic_error("read_secret_input: bound above 16 MiB");
  host::SecretBytes s;
  try {
    s = host::read_secret_file(path, static_cast<std::size_t>(bound));
  } catch (const host::SecretFileError& err) {
    // read_secret_file's reasons already start with the file name ("X: empty", "cannot read X: ...").
    throw BadInput(std::string(err.what()) + "; " + expected(e));
  }
  check_length(name, s.size(), e);
  return s;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  return read_input(path, Expect{"an input file", {}, kReadFileMaxBytes});
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t n) {
  check_output(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw BadInput(path + ": cannot write (" + std::strerror(errno) + ")");
  const Fd guard{fd};
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(path + ": write failed (" + std::strerror(errno) + ")");
    }
    done += static_cast<std::size_t>(w);
  }
}

// ---- algorithm names ------------------------------------------------------------------------------
namespace {

// A name as slots: alternatives of its parts between separators ('-', '_', '/'), which are slots of
// their own. Two patterns that differ in exactly one slot are one pattern with both alternatives there.
using Pattern = std::vector<std::vector<std::string>>;

Pattern split_name(const std::string& name) {
  Pattern p;
  std::string cur;
  auto cut = [&](std::string sep) {
    p.push_back({cur});
    p.push_back({std::move(sep)});
    cur.clear();
  };
  for (const char c : name) {
    if (c == '-' || c == '_' || c == '/') {
      cut(std::string(1, c));
      continue;
    }
    // "128s" is two parts, so that {128,192,256}{s,f} can be factored out.
    if (std::isalpha(static_cast<unsigned char>(c)) && !cur.empty() && std::isdigit(static_cast<unsigned char>(cur.back())))
      cut("");
    cur += c;
  }
  p.push_back({cur});
  return p;
}

// The slot in which a and b differ, if they differ in exactly one; -1 otherwise.
int single_difference(const Pattern& a, const Pattern& b) {
  if (a.size() != b.size()) return -1;
  int at = -1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (at >= 0) return -1;
    at = static_cast<int>(i);
  }
  return at;
}

std::vector<Pattern> merged_patterns(const std::vector<std::string>& names) {
  std::vector<Pattern> ps;
  for (const auto& n : names) ps.push_back(split_name(n));
  for (bool merged = true; merged;) {
    merged = false;
    for (std::size_t i = 0; i < ps.size() && !merged; ++i)
      for (std::size_t j = i + 1; j < ps.size() && !merged; ++j) {
        const int k = single_difference(ps[i], ps[j]);
        if (k < 0) continue;
        auto& slot = ps[i][static_cast<std::size_t>(k)];
        for (const auto& alt : ps[j][static_cast<std::size_t>(k)])
          if (std::find(slot.begin(), slot.end(), alt) == slot.end()) slot.push_back(alt);
        ps.erase(ps.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
  }
  return ps;
}

std::string render(Pattern p) {
  std::string out;
  for (auto& slot : p) {
    // Numbers in numeric order ({192,256,512}); names as listed.
    const auto is_number = [](const std::string& t) {
      return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (std::all_of(slot.begin(), slot.end(), is_number))
      std::sort(slot.begin(), slot.end(), [](const std::string& x, const std::string& y) { return std::stoul(x) < std::stoul(y); });
    if (slot.size() == 1) {
      out += slot[0];
      continue;
    }
    out += "{";
    for (std::size_t i = 0; i < slot.size(); ++i) out += (i == 0 ? "" : ",") + slot[i];
    out += "}";
  }
  return out;
}

}  // namespace

std::string group_names(const std::vector<std::string>& names, bool brief) {
  const std::vector<Pattern> ps = merged_patterns(names);
  std::string out;
  std::vector<bool> done(ps.size(), false);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (done[i]) continue;
    Pattern p = ps[i];
    std::size_t count = 1;
    if (brief) {  // one family (same first part, same shape) that did not factor: slot-wise union
      for (std::size_t j = i + 1; j < ps.size(); ++j) {
        if (done[j] || ps[j].size() != p.size() || ps[j][0] != p[0]) continue;
        for (std::size_t k = 0; k < p.size(); ++k)
          for (const auto& alt : ps[j][k])
            if (std::find(p[k].begin(), p[k].end(), alt) == p[k].end()) p[k].push_back(alt);
        done[j] = true;
        ++count;
      }
    }
    if (!out.empty()) out += ", ";
    out += render(p);
    if (count > 1) {
      std::size_t n = 0;
      for (const auto& name : names) n += split_name(name).size() == p.size() && split_name(name)[0] == p[0];
      out += " (" + std::to_string(n) + " of these)";
    }
  }
  return out;
}

CLI::Validator one_of(std::vector<std::string> names, const std::string& kind) {
  const std::string all = group_names(names), brief = group_names(names, true);
  const std::string more = brief == all ? "" : " (--help lists every name)";
  return CLI::Validator(
      [names = std::move(names), brief, more, kind](std::string& value) -> std::string {
        if (std::find(names.begin(), names.end(), value) != names.end()) return {};
        return value + " is not " + kind + "; expected one of " + brief + more;
      },
      all, "one_of");
}

// ---- secret outputs -------------------------------------------------------------------------------
void add_force_flag(CLI::App* cmd, bool& force) {
  cmd->add_flag("--force", force, "replace an existing private-key / secret output file");
}

void refuse_existing(std::initializer_list<std::string> secret_paths, bool force) {
  if (force) return;
  for (const auto& p : secret_paths) {
    std::error_code ec;
    if (!p.empty() && std::filesystem::symlink_status(p, ec).type() != std::filesystem::file_type::not_found && !ec)
      throw host::SecretFileExists(p);
  }
}

void write_secret(const std::string& path, std::span<const std::uint8_t> bytes, bool force) {
  check_output(path);
  host::write_secret_file(path, bytes, force ? host::Replace::yes : host::Replace::no);
}

}  // namespace pqcea::cli
