#include "tests/replication/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace reporting::replication_test {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Forwards what is readable on `from` to `to`; false when either side is
// closed. MSG_NOSIGNAL: a peer killed mid-stream (the fault test SIGKILLs
// the city) must end this pump, not raise SIGPIPE in the test process.
bool Forward(int from, int to) {
  char buf[64 * 1024];
  ssize_t n = read(from, buf, sizeof(buf));
  if (n <= 0) return false;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = send(to, buf + off, n - off, MSG_NOSIGNAL);
    if (w <= 0) return false;
    off += w;
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = Loopback(0);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 16) != 0) {
    throw std::runtime_error("TcpProxy: cannot listen");
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  close(listen_fd_);
  acceptor_.join();
  std::lock_guard<std::mutex> l(mu_);
  for (std::thread& t : pumps_) t.join();
}

void TcpProxy::SetMode(Mode mode) {
  if (mode == Mode::kDrop) ++epoch_;
  mode_ = mode;
}

void TcpProxy::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    if (mode_ == Mode::kDrop) {
      close(client);
      continue;
    }
    int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = Loopback(target_port_);
    if (connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
        0) {
      close(server);
      close(client);
      continue;
    }
    std::lock_guard<std::mutex> l(mu_);
    pumps_.emplace_back([this, client, server] { Pump(client, server); });
  }
}

void TcpProxy::Pump(int client, int server) {
  const int epoch = epoch_;
  while (!stop_ && epoch_ == epoch) {
    if (mode_ == Mode::kStall) {
      // Hold the connection, forward nothing.
      poll(nullptr, 0, 50);
      continue;
    }
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (poll(p, 2, 50) <= 0) continue;
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
        !Forward(client, server))
      break;
    if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
        !Forward(server, client))
      break;
  }
  close(client);
  close(server);
}

}  // namespace reporting::replication_test
