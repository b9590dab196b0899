// An HTTP/1.1 server on Boost.Beast: accepts connections, reads requests within size and time
// limits, decompresses gzip bodies, calls one handler per request and writes its response, with
// keep-alive. Malformed or hostile requests get an error response (or a closed connection) and
// never affect other connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "server/http_types.h"

namespace strata::server {

struct HttpServerOptions {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 8181;  // 0 picks a free port (see HttpServer::port())
  int threads = 4;
  size_t max_request_bytes = 10u << 20;  // body limit, before and after decompression
  size_t max_header_bytes = 64u << 10;
  std::chrono::seconds idle_timeout{300};  // keep-alive connections idle longer are closed
  std::chrono::seconds read_timeout{60};   // a request must arrive completely within this
  // Headers sent with every response, this server's own error responses included (after
  // `Server` and before the handler's headers, which replace one of the same name).
  std::vector<std::pair<std::string, std::string>> response_headers;
};

// Handles one request. Runs on a server thread and may block (e.g. waiting for a WAL fsync).
using HttpHandler = std::function<void(const HttpRequest&, HttpResponse*)>;

// Builds the JSON error body {"error": message} with `status`.
HttpResponse JsonError(int status, std::string_view message);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then starts the server threads. Returns once accepting.
  absl::Status Start();
  // The bound port (useful with port 0).
  uint16_t port() const;
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::server
