// Token authentication of HTTP requests (docs/http_api.md, "Authentication"): which credential a
// request carries (Authorization: Bearer, Token or Basic on every route; also ?p= on the v1
// routes), whether it matches a token in the catalog, and which endpoints --disable-authz opens.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "catalog/catalog.h"
#include "server/http_types.h"

namespace strata::server {

// How `strata serve` authenticates requests.
struct AuthOptions {
  // False with --without-auth: every request is allowed.
  bool enabled = false;
  // Resources that need no token (--disable-authz): "health" (/health, /api/v1/health), "ping"
  // (/ping), "metrics" (/metrics).
  std::set<std::string> disabled_authz;
  // auth::HashToken of the --auth-token pre-shared admin token; empty when there is none. The
  // token itself is never kept.
  std::string preshared_token_hash;
};

// Parses a --disable-authz value: a comma-separated list of health, ping and metrics.
// InvalidArgument naming the flag and the bad entry.
absl::Status ParseDisabledAuthz(std::string_view list, std::set<std::string>* resources);

// Decides whether a request may proceed. Thread-safe; reads the catalog's current snapshot for
// every request, so a regenerated token is refused from the moment the catalog publishes it.
class Authenticator {
 public:
  // `catalog` must outlive this object; `clock_ms` gives the time tokens' expiry is checked at.
  Authenticator(const catalog::Catalog* catalog,
                AuthOptions options,
                std::function<int64_t()> clock_ms);

  bool enabled() const { return options_.enabled; }
  // True when --auth-token gave a pre-shared admin token.
  bool has_preshared_token() const { return !options_.preshared_token_hash.empty(); }

  // True when `path` needs no token: auth is off, or --disable-authz lists its resource.
  bool IsExempt(std::string_view path) const;

  // True when the request carries a valid token: `Authorization: Bearer <t>`, `Token <t>` or
  // `Basic base64(user:<t>)` (scheme case-insensitive; the user is ignored), and on v1 routes
  // (/query, /write) also the query parameter `p=<t>` (which wins; `u` is ignored). Missing,
  // malformed, oversized (over auth::kMaxTokenBytes), unknown and expired credentials are all
  // simply false: the caller answers every one the same way.
  bool Authenticate(const HttpRequest& request) const;

  // The credential the request presents, or nullopt when it has none or it is malformed or too
  // long. Exposed for tests.
  static std::optional<std::string> PresentedToken(const HttpRequest& request);

  // True when `token` matches a token of the catalog that has not expired, or the pre-shared one.
  // Hashes `token` once and compares the hash with every stored hash in constant time.
  bool Verify(std::string_view token) const;

  // The answer to a request that failed Authenticate(): 401, a fixed body, and the
  // WWW-Authenticate challenges for the route's schemes.
  static void Unauthorized(const HttpRequest& request, HttpResponse* response);

  // True for the InfluxDB 1.x compatible routes, which also take ?p= credentials and whose 401
  // also offers the Basic challenge.
  static bool IsV1Route(std::string_view path);

 private:
  const catalog::Catalog* const catalog_;
  const AuthOptions options_;
  const std::function<int64_t()> clock_ms_;
};

}  // namespace strata::server
