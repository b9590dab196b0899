// The catalog's tokens: creating and regenerating the operator token, persisted like any change.
#include <algorithm>
#include <utility>

#include "catalog/catalog.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::catalog {
namespace {

absl::Status CheckHash(std::string_view hash) {
  bool hex = hash.size() == 128;
  for (char c : hash) {
    hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  return hex ? absl::OkStatus()
             : absl::InvalidArgumentError("a token hash must be 128 lower-case hex digits");
}

}  // namespace

absl::StatusOr<TokenInfo> Catalog::CreateOperatorToken(std::string hash, int64_t now_ms) {
  STRATA_RETURN_IF_ERROR(CheckHash(hash));
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  if (base->FindToken(TokenInfo::kOperatorName) != nullptr) {
    // InfluxDB 3's message.
    return absl::AlreadyExistsError(
        fmt::format("token name already exists, {}", TokenInfo::kOperatorName));
  }
  uint64_t next_id = 0;
  for (const TokenInfo& token : base->tokens()) {
    next_id = std::max(next_id, token.id + 1);
  }
  TokenInfo token{.id = next_id,
                  .name = std::string(TokenInfo::kOperatorName),
                  .hash = std::move(hash),
                  .created_at_ms = now_ms,
                  .expiry_ms = std::nullopt,
                  .permissions = {std::string(TokenInfo::kAdminPermission)}};
  std::vector<TokenInfo> tokens = base->tokens();
  tokens.push_back(token);
  STRATA_RETURN_IF_ERROR(
      PersistAndPublish(base->WithTokens(std::move(tokens), base->sequence() + 1)));
  return token;
}

absl::StatusOr<TokenInfo> Catalog::RegenerateOperatorToken(std::string hash, int64_t now_ms) {
  STRATA_RETURN_IF_ERROR(CheckHash(hash));
  absl::MutexLock lock(&apply_mutex_);
  std::shared_ptr<const CatalogSnapshot> base = current_.load();
  std::vector<TokenInfo> tokens = base->tokens();
  for (TokenInfo& token : tokens) {
    if (token.name == TokenInfo::kOperatorName) {
      token.hash = std::move(hash);
      token.created_at_ms = now_ms;
      TokenInfo result = token;
      STRATA_RETURN_IF_ERROR(
          PersistAndPublish(base->WithTokens(std::move(tokens), base->sequence() + 1)));
      return result;
    }
  }
  return absl::NotFoundError(fmt::format(
      "there is no operator token ({}) to regenerate; create one first", TokenInfo::kOperatorName));
}

}  // namespace strata::catalog
