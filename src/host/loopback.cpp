#include "pqcea/host/loopback.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace pqcea::host {
namespace {

// Runs `op` (bind or connect) on a fresh TCP socket aimed at 127.0.0.1:port.
template <typename Op>
bool with_loopback_socket(int port, Op op) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = op(fd, reinterpret_cast<const sockaddr*>(&a), static_cast<socklen_t>(sizeof a)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool loopback_port_free(int port) { return with_loopback_socket(port, ::bind); }
bool loopback_port_accepts(int port) { return with_loopback_socket(port, ::connect); }

int find_free_loopback_ports(int count, int start, int span) {
  for (int p = start; p + count <= start + span && p + count <= 65535; p += count) {
    bool all = true;
    for (int i = 0; i < count && all; ++i) all = loopback_port_free(p + i);
    if (all) return p;
  }
  return 0;
}

}  // namespace pqcea::host
