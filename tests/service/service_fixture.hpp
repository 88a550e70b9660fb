// Helpers of the service tests: a fleet in a temporary folder, devices with certificates from
// its CA, the signed policy, a raw socket for transport-level faults, and child processes.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

namespace svc_test {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline fs::path temp_dir(const std::string& tag) {
  static int counter = 0;
  fs::path d = fs::temp_directory_path() / ("pqcea-svc-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

inline std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline std::string b64(std::span<const std::uint8_t> d) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string o;
  std::size_t i = 0;
  for (; i + 3 <= d.size(); i += 3) {
    unsigned v = unsigned(d[i]) << 16 | unsigned(d[i + 1]) << 8 | d[i + 2];
    o += a[v >> 18 & 63], o += a[v >> 12 & 63], o += a[v >> 6 & 63], o += a[v & 63];
  }
  if (d.size() - i == 1) {
    unsigned v = unsigned(d[i]) << 16;
    o += a[v >> 18 & 63], o += a[v >> 12 & 63], o += "==";
  } else if (d.size() - i == 2) {
    unsigned v = unsigned(d[i]) << 16 | unsigned(d[i + 1]) << 8;
    o += a[v >> 18 & 63], o += a[v >> 12 & 63], o += a[v >> 6 & 63], o += '=';
  }
  return o;
}

inline Bytes unb64(const std::string& s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  Bytes out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = val(c);
    if (v < 0) break;
    acc = acc << 6 | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(std::uint8_t(acc >> bits));
    }
  }
  return out;
}

inline Bytes unhex(const std::string& s) { return pqcea::host::hex_decode_or_throw(s, "hex in a response"); }

// The fleet: keys on disk (as `pqcea fleet-init` writes them), the CA to issue device certificates
// and the operator key to sign policies.
struct Fleet {
  fs::path dir;
  std::string admin, read;
  std::unique_ptr<pqcea::pki::CertificateAuthority> ca;
  std::shared_ptr<const pqcea::pki::Signer> op;
  std::vector<pqcea::sim::Firmware> fws = pqcea::sim::reference_firmware();

  explicit Fleet(const fs::path& d) : dir(d) {
    pqcea::service::init_fleet(dir, /*with_tls=*/true);
    admin = pqcea::service::read_token_file(dir / "admin.token");
    read = pqcea::service::read_token_file(dir / "read.token");
    auto [alg, seed] = pqcea::pki::decode_private_key_seed(pqcea::pki::from_pem(slurp(dir / "ca.key.pem"), "PRIVATE KEY"));
    ca = std::make_unique<pqcea::pki::CertificateAuthority>(
        pqcea::pki::parse_certificate(pqcea::pki::from_pem(slurp(dir / "ca.pem"), "CERTIFICATE")),
        pqcea::pki::mldsa_signer(alg, seed));
    auto [oalg, oseed] = pqcea::pki::decode_private_key_seed(pqcea::pki::from_pem(slurp(dir / "operator.key.pem"), "PRIVATE KEY"));
    op = pqcea::pki::mldsa_signer(oalg, oseed);
  }
  pqcea::service::Config config(const std::string& db) const {
    pqcea::service::Config c;
    pqcea::service::load_fleet(dir, c);
    c.listen = "127.0.0.1:0";
    c.db = db;
    c.quiet = true;
    c.io_threads = 2;
    c.workers = 2;
    return c;
  }
  pqcea::sim::Device device(std::size_t i, const std::string& tag = "t") const {
    pqcea::sim::Device d;
    d.fw = &fws[i % 2];
    auto h = pqcea::sim::sha256("service test " + tag + " " + std::to_string(i) + " " + std::to_string(::getpid()));
    d.ueid.push_back(0x01);
    d.ueid.insert(d.ueid.end(), h.begin(), h.begin() + 16);
    d.id = pqcea::host::device_id_for_ueid(d.ueid);
    d.key = pqcea::sim::KeyPair::generate();
    return d;
  }
  std::string certificate_pem(const pqcea::sim::Device& d) const {
    pqcea::pki::DeviceRequest req;
    req.device_id = d.id;
    req.public_key = d.key.pk;
    req.validity = {now_s() - 60, now_s() + 86400};
    return pqcea::pki::to_pem(ca->issue_device(req).der, "CERTIFICATE");
  }
  std::string register_body(const pqcea::sim::Device& d) const {
    return json{{"certificate", certificate_pem(d)}, {"model", d.fw->model}}.dump();
  }
  std::string policy_body() const {
    const std::string doc = pqcea::sim::policy_json(fws);
    Bytes sig = op->sign(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(doc.data()), doc.size()));
    return json{{"document", doc}, {"signature", b64(sig)}}.dump();
  }
};

// A raw TCP connection to the server, for requests no well-behaved client sends.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawSocket() { close(); }
  void send(const std::string& s) { [[maybe_unused]] auto n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  // Everything until the server closes (or 10 s pass).
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // One request with "Connection: close"; the whole response (status line, headers, body).
  static std::string exchange(std::uint16_t port, const std::string& method, const std::string& target,
                              const std::string& body = "", const std::string& extra_headers = "") {
    RawSocket s(port);
    const bool typed = extra_headers.find("Content-Type:") != std::string::npos;
    s.send(method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
           (typed ? "" : "Content-Type: application/json\r\n") + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    return s.read_all();
  }

 private:
  int fd_ = -1;
};

// A header's value in a raw HTTP response (names matched case-insensitively), or "".
inline std::string header_of(const std::string& response, const std::string& name) {
  std::string lower = response.substr(0, response.find("\r\n\r\n"));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string want = "\r\n" + name + ":";
  for (char& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find(want);
  if (at == std::string::npos) return "";
  auto begin = at + want.size();
  const auto end = response.find("\r\n", begin);
  while (begin < end && response[begin] == ' ') ++begin;
  return response.substr(begin, end - begin);
}

inline std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

// A child process (the pqcea binary), output to a file; killed with SIGKILL by the destructor.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const fs::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log.c_str(), "w", stdout);
      (void)f;
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      std::_Exit(127);
    }
  }
  ~Child() { kill(SIGKILL); }
  void kill(int sig) {
    if (pid_ > 0) {
      ::kill(pid_, sig);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  // Waits for the exit status (bounded by `limit`); -1 if it had to be killed.
  int wait(std::chrono::seconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(SIGKILL);
    return -1;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Starts `pqcea serve` and waits for its port (bounded); throws if it does not come up.
inline std::uint16_t wait_port(const fs::path& port_file, std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (fs::exists(port_file)) {
      std::string s = slurp(port_file);
      if (!s.empty()) return static_cast<std::uint16_t>(std::stoi(s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("the server did not start");
}

}  // namespace svc_test
