// Loopback ports for the real peers the tests and the demo start (swtpm, PostgreSQL, servers).
#pragma once

namespace pqcea::host {

// True if nothing listens on 127.0.0.1:port (a bind succeeds).
bool loopback_port_free(int port);
// True if something accepts connections on 127.0.0.1:port.
bool loopback_port_accepts(int port);
// The first port p >= start (p < start + span) with p .. p+count-1 all free; 0 if none. Callers
// pass a pid-dependent start so parallel tests rarely race for the same ports.
int find_free_loopback_ports(int count, int start, int span = 2000);

}  // namespace pqcea::host
