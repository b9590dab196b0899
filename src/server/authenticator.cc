// Credential extraction, verification against the catalog's token hashes, and the 401 answer.
#include "server/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "auth/token.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace strata::server {
namespace {

// The body of every 401: the same whatever was wrong, so it tells nothing about which tokens
// exist (InfluxDB 3's wording).
constexpr std::string_view kUnauthenticatedMessage = "the request was not authenticated";

// The longest Authorization header looked at: a scheme, a space and a credential as long as
// auth::kMaxTokenBytes in base64 (Basic), with room for the user name.
constexpr size_t kMaxAuthorizationBytes = 2 * auth::kMaxTokenBytes;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

}  // namespace

absl::Status ParseDisabledAuthz(std::string_view list, std::set<std::string>* resources) {
  resources->clear();
  for (absl::string_view raw : absl::StrSplit(absl::string_view(list.data(), list.size()), ',')) {
    std::string entry(absl::StripAsciiWhitespace(raw));
    if (entry.empty()) {
      continue;
    }
    if (entry != "health" && entry != "ping" && entry != "metrics") {
      return absl::InvalidArgumentError(fmt::format(
          "--disable-authz: unknown resource '{}' (valid: health, ping, metrics)", entry));
    }
    resources->insert(entry);
  }
  return absl::OkStatus();
}

Authenticator::Authenticator(const catalog::Catalog* catalog,
                             AuthOptions options,
                             std::function<int64_t()> clock_ms)
    : catalog_(catalog), options_(std::move(options)), clock_ms_(std::move(clock_ms)) {}

bool Authenticator::IsV1Route(std::string_view path) {
  return path == "/query" || path == "/write";
}

bool Authenticator::IsExempt(std::string_view path) const {
  if (!options_.enabled) {
    return true;
  }
  const char* resource = path == "/health" || path == "/api/v1/health" ? "health"
                         : path == "/ping"                             ? "ping"
                         : path == "/metrics"                          ? "metrics"
                                                                       : nullptr;
  return resource != nullptr && options_.disabled_authz.count(resource) > 0;
}

std::optional<std::string> Authenticator::PresentedToken(const HttpRequest& request) {
  const bool v1 = IsV1Route(request.path);
  if (v1) {
    if (const std::string* password = request.Param("p"); password != nullptr) {
      if (password->empty() || password->size() > auth::kMaxTokenBytes) {
        return std::nullopt;
      }
      return *password;
    }
  }
  const std::string* header = request.Header("authorization");
  if (header == nullptr || header->size() > kMaxAuthorizationBytes) {
    return std::nullopt;
  }
  std::string_view value = *header;
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view scheme = value.substr(0, space);
  std::string_view credential = value.substr(space + 1);
  while (!credential.empty() && credential.front() == ' ') {
    credential.remove_prefix(1);
  }
  while (!credential.empty() && credential.back() == ' ') {
    credential.remove_suffix(1);
  }
  if (credential.empty()) {
    return std::nullopt;
  }
  std::string token;
  if (EqualsIgnoreCase(scheme, "Bearer") || EqualsIgnoreCase(scheme, "Token")) {
    token = std::string(credential);
  } else if (EqualsIgnoreCase(scheme, "Basic")) {
    // On every route, as InfluxDB 3 does: InfluxDB 1.x clients send Basic wherever they go, to
    // /ping as well as to /write and /query.
    std::string decoded;
    if (!absl::Base64Unescape(absl::string_view(credential.data(), credential.size()), &decoded)) {
      return std::nullopt;
    }
    // user:password, the password being the token; the user name is ignored.
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
      return std::nullopt;
    }
    token = decoded.substr(colon + 1);
  } else {
    return std::nullopt;
  }
  if (token.empty() || token.size() > auth::kMaxTokenBytes) {
    return std::nullopt;
  }
  return token;
}

bool Authenticator::Verify(std::string_view token) const {
  const std::string hash = auth::HashToken(token);
  const int64_t now_ms = clock_ms_();
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot = catalog_->snapshot();
  // Every stored hash is compared, with no early exit, so the time taken does not depend on
  // which token (if any) matched.
  bool matched = false;
  for (const catalog::TokenInfo& stored : snapshot->tokens()) {
    const bool equal = auth::ConstantTimeEquals(hash, stored.hash);
    const bool live = !stored.expiry_ms.has_value() || now_ms < *stored.expiry_ms;
    matched = matched | (equal & live);
  }
  if (!options_.preshared_token_hash.empty()) {
    matched = matched | auth::ConstantTimeEquals(hash, options_.preshared_token_hash);
  }
  return matched;
}

bool Authenticator::Authenticate(const HttpRequest& request) const {
  if (!options_.enabled) {
    return true;
  }
  std::optional<std::string> token = PresentedToken(request);
  return token.has_value() && Verify(*token);
}

void Authenticator::Unauthorized(const HttpRequest& request, HttpResponse* response) {
  response->status = 401;
  response->content_type = "application/json";
  response->headers.clear();
  response->body = nlohmann::json{{"error", kUnauthenticatedMessage}}.dump() + "\n";
  // One header with both challenges on the v1 routes (RFC 9110 allows a list).
  response->headers.emplace_back(
      "WWW-Authenticate", IsV1Route(request.path) ? "Bearer, Basic realm=\"strata\"" : "Bearer");
}

}  // namespace strata::server
