// Child-process management for the end-to-end tests.
#include "test/e2e/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "fmt/format.h"
#include "gtest/gtest.h"

#ifndef STRATA_BINARY
#error "STRATA_BINARY must point at the strata executable"
#endif

namespace strata::e2e {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "strata-e2e-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

ServerProcess::ServerProcess(std::string data_dir, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {
  log_path_ = data_dir_ + ".log";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    Stop(SIGKILL);
  }
}

std::string ServerProcess::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

std::unique_ptr<server::HttpClient> ServerProcess::Client() const {
  auto client = server::HttpClient::Create(url());
  EXPECT_TRUE(client.ok()) << client.status();
  return std::move(client).value();
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void ServerProcess::Start() {
  ASSERT_LT(pid_, 0) << "server already running";
  port_ = FreePort();
  std::vector<std::string> args = {STRATA_BINARY,
                                   "serve",
                                   "--data-dir",
                                   data_dir_,
                                   "--http-bind",
                                   fmt::format("127.0.0.1:{}", port_),
                                   "--log-level",
                                   "info"};
  bool with_auth = false;
  for (const std::string& arg : extra_args_) {
    if (arg == kWithAuth) {
      with_auth = true;
    } else {
      args.push_back(arg);
    }
  }
  if (!with_auth) {
    args.push_back("--without-auth");
  }
  pid_ = fork();
  ASSERT_GE(pid_, 0);
  if (pid_ == 0) {
    int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDERR_FILENO);
    dup2(log, STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL() << "server exited during start-up:\n" << Log();
    }
    auto client = server::HttpClient::Create(url());
    if (client.ok()) {
      auto response = (*client)->Request("GET", "/health");
      if (response.ok() && (response->status == 200 || response->status == 401)) {
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL() << "server did not become healthy within 30 s:\n" << Log();
}

int ServerProcess::Stop(int signal) {
  if (pid_ <= 0) {
    return -1;
  }
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace strata::e2e
