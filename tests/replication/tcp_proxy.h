// TcpProxy: a loopback TCP forwarder that a test can break. A county dials
// the proxy instead of the city; the test switches the link between
//   kPass   forward bytes both ways;
//   kStall  accept and keep connections open but forward nothing (a link
//           that hangs: the peers see no error, only silence);
//   kDrop   close every connection and refuse new ones (reset at once).
//
// Thread safety: SetMode from any thread; the proxy runs its own threads.
#ifndef REPORTING_TESTS_REPLICATION_TCP_PROXY_H_
#define REPORTING_TESTS_REPLICATION_TCP_PROXY_H_

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace reporting::replication_test {

class TcpProxy {
 public:
  enum class Mode { kPass, kStall, kDrop };

  // Listens on a free loopback port and forwards to 127.0.0.1:target_port.
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  void SetMode(Mode mode);

 private:
  void AcceptLoop();
  void Pump(int client, int server);

  const int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<Mode> mode_{Mode::kPass};
  std::atomic<bool> stop_{false};
  // Bumped by SetMode(kDrop): connections of an older epoch close.
  std::atomic<int> epoch_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
};

}  // namespace reporting::replication_test

#endif  // REPORTING_TESTS_REPLICATION_TCP_PROXY_H_
