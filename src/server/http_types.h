// The request and response shapes that HTTP handlers see, independent of the HTTP library, so
// handlers can be unit-tested without sockets.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::server {

// A request whose body has been fully read and, if it was gzip-encoded, decompressed.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target without the query string, not decoded
  // Decoded query parameters in order of appearance (a key may repeat).
  std::vector<std::pair<std::string, std::string>> query;
  // Header names lower-cased.
  std::map<std::string, std::string> headers;
  std::string body;

  // The first value of query parameter `key`, or nullptr.
  const std::string* Param(std::string_view key) const;
  // The value of header `name` (lower-case), or nullptr.
  const std::string* Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Splits a request target into path and decoded query parameters. Percent escapes and '+' in
// the query are decoded; malformed escapes are kept literally.
void ParseTarget(std::string_view target,
                 std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query);

}  // namespace strata::server
