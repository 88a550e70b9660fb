// Secret files on disk (include/pqcea/host/secret_file.hpp, docs/key-files.md).
#include "pqcea/host/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace pqcea::host {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void sys_fail(const std::string& what, int err) {
  throw SecretFileError(what + ": " + std::strerror(err));
}

std::string folder_of(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

// Unique within the process (counter) and across processes (pid): two writers never share a temp.
std::string temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  // Appended piecewise: GCC 12 misreports chained std::string operator+ (-Wrestrict).
  std::string name(".");
  name += fs::path(path).filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter++);
  return (fs::path(folder_of(path)) / name).string();
}

void write_all(int fd, const std::uint8_t* p, std::size_t n, const std::string& what) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      sys_fail("write " + what, errno);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void fsync_folder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) sys_fail("open folder " + dir, errno);
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0) sys_fail("fsync folder " + dir, e);
}

// The temporary file: closed and unlinked unless published, on every path out (exceptions from
// the step hook included), so a failed write leaves neither a temp file nor a changed target.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0) sys_fail("create " + path_, errno);
    // open() applied the umask to 0600; fchmod sets exactly 0600 before any byte is written.
    if (::fchmod(fd_, 0600) != 0) {
      const int e = errno;
      discard();
      sys_fail("chmod " + path_, e);
    }
  }
  ~TempFile() { discard(); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  void close_checked() {
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) sys_fail("close " + path_, errno);
  }
  // The name now belongs to the target (rename) or is to be dropped by us (link).
  void published() { published_ = true; }

 private:
  void discard() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!published_) ::unlink(path_.c_str());
    published_ = true;
  }
  std::string path_;
  int fd_ = -1;
  bool published_ = false;
};

// Publishes without ever replacing: renameat2(RENAME_NOREPLACE) is atomic and leaves no second
// name; file systems without it get link() (also refuses an existing name), then the temp's unlink.
void publish_new(TempFile& tmp, const std::string& path) {
  if (::renameat2(AT_FDCWD, tmp.path().c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) {
    tmp.published();
    return;
  }
  if (errno == EEXIST) throw SecretFileExists(path);
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) sys_fail("rename to " + path, errno);
  if (::link(tmp.path().c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) throw SecretFileExists(path);
    sys_fail("link " + path, errno);
  }
  // tmp's destructor unlinks the temporary name; the target keeps the inode.
}

}  // namespace

SecretFileExists::SecretFileExists(const std::string& path)
    : std::runtime_error(path + " exists; use --force to replace it"), path_(path) {}

void write_secret_file(const std::string& path, std::span<const std::uint8_t> bytes,
                       const SecretWriteOptions& options) {
  const auto step = [&](SecretWriteStep s) {
    if (options.step) options.step(s);
  };
  TempFile tmp(temp_name(path));
  const std::size_t half = bytes.size() / 2;
  write_all(tmp.fd(), bytes.data(), half, tmp.path());
  step(SecretWriteStep::temp_partial);
  write_all(tmp.fd(), bytes.data() + half, bytes.size() - half, tmp.path());
  step(SecretWriteStep::temp_written);
  if (::fsync(tmp.fd()) != 0) sys_fail("fsync " + tmp.path(), errno);
  step(SecretWriteStep::temp_synced);
  tmp.close_checked();
  if (options.replace == Replace::yes) {
    if (::rename(tmp.path().c_str(), path.c_str()) != 0) sys_fail("rename " + tmp.path() + " -> " + path, errno);
    tmp.published();
  } else {
    publish_new(tmp, path);
  }
  step(SecretWriteStep::published);
  fsync_folder(folder_of(path));
  step(SecretWriteStep::dir_synced);
}

SecretBytes read_secret_file(const std::string& path, std::size_t max_bytes) {
  const bool from_stdin = path == "-";
  const int fd = from_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const std::string name = from_stdin ? std::string("standard input") : path;
  if (fd < 0) sys_fail("cannot read " + name, errno);
  // One buffer of the bound plus one byte (to tell "exactly max" from "more"), never grown; the
  // bytes are then copied into a SecretBytes of the exact size and the buffer wiped.
  SecretBytes buf(max_bytes + 1);
  std::size_t n = 0;
  int err = 0;
  while (n < buf.size()) {
    const ssize_t r = ::read(fd, buf.data() + n, buf.size() - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (r == 0) break;
    n += static_cast<std::size_t>(r);
  }
  if (!from_stdin) ::close(fd);
  if (err != 0) sys_fail("read " + name, err);
  if (n > max_bytes) throw SecretFileError(name + ": longer than " + std::to_string(max_bytes) + " bytes");
  if (n == 0) throw SecretFileError(name + ": empty");
  return SecretBytes(buf.sub(0, n));
}

SecretBytes read_secret_text(const std::string& path, std::size_t max_bytes) {
  // The bound covers a trailing newline ("\r\n" at most) beyond the secret itself.
  SecretBytes raw = read_secret_file(path, max_bytes + 2);
  std::size_t n = raw.size();
  while (n > 0 && (raw.data()[n - 1] == '\n' || raw.data()[n - 1] == '\r' || raw.data()[n - 1] == ' ' ||
                   raw.data()[n - 1] == '\t'))
    --n;
  if (n == 0) throw SecretFileError((path == "-" ? std::string("standard input") : path) + ": empty");
  if (n > max_bytes) throw SecretFileError(path + ": longer than " + std::to_string(max_bytes) + " bytes");
  return SecretBytes(raw.sub(0, n));
}

}  // namespace pqcea::host
