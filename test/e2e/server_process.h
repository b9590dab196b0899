// Runs the real `strata` binary as a child process for end-to-end tests: start it on a free
// port with its own data directory, wait until it is healthy, and stop it with SIGTERM or
// SIGKILL.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "server/http_client.h"

namespace strata::e2e {

// A temporary directory removed when this object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Pass among a ServerProcess's extra arguments to run the server with authentication on, the
// default of `strata serve`; without it a test server runs with --without-auth. It is not passed
// on to the binary.
inline constexpr char kWithAuth[] = "<with-auth>";

class ServerProcess {
 public:
  // `data_dir` persists across restarts of this object's process.
  ServerProcess(std::string data_dir, std::vector<std::string> extra_args = {});
  ~ServerProcess();

  // Starts the server and waits (up to 30 s) until GET /health answers (200, or 401 when
  // authentication is on); fails the test if not.
  void Start();
  // Sends `signal` and waits for the process; returns its wait status.
  int Stop(int signal);
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string url() const;
  // A new client connected to this server.
  std::unique_ptr<server::HttpClient> Client() const;
  // What the server printed on stderr so far.
  std::string Log() const;

 private:
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  std::string log_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace strata::e2e
