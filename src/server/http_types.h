// The request and response shapes that HTTP handlers see, independent of the HTTP library, so
// handlers can be unit-tested without sockets.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

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
  // True once the client has closed or reset the connection (a half-close counts: strata's
  // clients do not send one while waiting for a response). Set by the server (null in unit
  // tests); call it only while the handler runs or while its deferred response is pending (from
  // any thread then), never once the response is being sent.
  std::function<bool()> client_gone;

  // The first value of query parameter `key`, or nullptr.
  const std::string* Param(std::string_view key) const;
  // The value of header `name` (lower-case), or nullptr.
  const std::string* Header(const std::string& name) const;
};

// Produces a streamed response body piece by piece: appends the next bytes to `*out` and returns
// true while more may follow, false after the last piece. An error ends the response abruptly
// (the connection is closed without the final chunk, so the client sees a truncated body): the
// status line has been sent by then and cannot change. Called on a server thread, one call at a
// time; it may block (e.g. while a query computes its next batch).
using HttpBodyStream = std::function<absl::StatusOr<bool>(std::string* out)>;

// A stream that makes `inner`'s pieces one ahead on a thread of its own: the next piece is encoded
// while the server sends this one (as the SQL endpoint's encoders run in the engine's partitions).
// The first piece is made on the caller's thread, and the thread starts only when a second one
// follows, so a one-piece body costs nothing more. `inner` is called one call at a time (never
// concurrently); destroying the stream waits for a piece in the making.
HttpBodyStream ProducedAhead(HttpBodyStream inner);

struct HttpResponse;

// Resumes a deferred response (HttpResponse::deferred): the server runs `finish` on the
// connection's thread, as it runs handlers, to fill in the response, then sends it. Call it once,
// from any thread; dropping it without a call closes the connection.
using HttpResume = std::function<void(std::function<void(HttpResponse*)> finish)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, `body` is ignored and the body is sent with chunked transfer encoding as `stream`
  // produces it (HTTP/1.0 clients get it whole, after the last piece). Destroyed when the response
  // is done or the connection fails, which is how a producer learns the client is gone.
  HttpBodyStream stream;
  // When set, the response is not ready when the handler returns (a query waiting for an
  // admission permit): the server calls `deferred` with a resume function right away, ignores
  // the rest of this response, and reads nothing more from the connection until the resume
  // function is called. No thread waits meanwhile.
  std::function<void(HttpResume resume)> deferred;
};

// Splits a request target into path and decoded query parameters. Percent escapes and '+' in
// the query are decoded; malformed escapes are kept literally.
void ParseTarget(std::string_view target,
                 std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query);

}  // namespace strata::server
