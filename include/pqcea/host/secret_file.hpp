// Writing and reading secret files (private keys, seeds, tokens, shared secrets): the one helper
// every host component and CLI command uses, so the on-disk rules live in one place
// (docs/key-files.md):
//   - the bytes go to a temporary file in the target's folder, created O_CREAT|O_EXCL with mode
//     0600 and fchmod'ed to 0600, so no other user can read it from the first byte, whatever the
//     umask;
//   - it is written in full and fsync'ed, then published under the target name: without `replace`
//     by link() (which never replaces an existing file); with `replace` by rename() (atomic);
//   - the folder is fsync'ed so the new name is durable;
//   - on any failure the temporary file is removed and the old file (if any) is left intact.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>

#include "pqcea/host/secret.hpp"

namespace pqcea::host {

// The target exists and replacing it was not asked for. The CLI maps this to exit status 2 with
// the message "FILE exists; use --force to replace it".
class SecretFileExists : public std::runtime_error {
 public:
  explicit SecretFileExists(const std::string& path);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Any other failure (open, write, fsync, link, rename), with the system's reason.
class SecretFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Replace : bool { no, yes };

// The points of a write, in order, at which `SecretWriteOptions::step` is called: the stateful key
// store's crash tests stop the process there, and the crash-safety tests throw from there.
enum class SecretWriteStep : std::uint8_t {
  temp_partial,  // half of the bytes written to the temporary file
  temp_written,  // all of them written, not yet fsync'ed
  temp_synced,   // temporary file fsync'ed
  published,     // linked or renamed to the target name
  dir_synced,    // folder fsync'ed: the new file is durable
};

// The temporary file is ".NAME.tmp-PID-N" next to the target NAME (the stateful key store sweeps
// the ones a crashed signer left behind by that prefix).
struct SecretWriteOptions {
  Replace replace = Replace::no;
  std::function<void(SecretWriteStep)> step;  // may throw: the write is abandoned cleanly
};

// Writes `bytes` to `path` by the rules above.
void write_secret_file(const std::string& path, std::span<const std::uint8_t> bytes, const SecretWriteOptions& options);
inline void write_secret_file(const std::string& path, std::span<const std::uint8_t> bytes, Replace replace) {
  write_secret_file(path, bytes, SecretWriteOptions{replace, {}});
}

// Reads a secret from `path`, or from standard input when path is "-"; at most `max_bytes`
// (SecretFileError beyond, and for an empty input). The result never reallocates while read.
SecretBytes read_secret_file(const std::string& path, std::size_t max_bytes);

// As read_secret_file, but the secret is text (a token, a hex seed): trailing whitespace (the
// newline an editor or `echo` adds) is not part of it.
SecretBytes read_secret_text(const std::string& path, std::size_t max_bytes);

}  // namespace pqcea::host
