// Token generation (getrandom), hashing (SHA-512) and constant-time comparison.
#include "auth/token.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/escaping.h"
#include "auth/sha512.h"
#include "fmt/format.h"

namespace strata::auth {

absl::Status FillRandom(uint8_t* out, size_t size) {
  size_t filled = 0;
  while (filled < size) {
    ssize_t n = getrandom(out + filled, size - filled, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return absl::InternalError(fmt::format("getrandom failed: {}", std::strerror(errno)));
    }
    filled += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GenerateToken() {
  uint8_t random[kTokenRandomBytes];
  absl::Status status = FillRandom(random, sizeof(random));
  if (!status.ok()) {
    return status;
  }
  std::string token(kTokenPrefix);
  token += absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(random), sizeof(random)));
  // Leave no copy of the secret on the stack.
  volatile uint8_t* wipe = random;
  for (size_t i = 0; i < sizeof(random); ++i) {
    wipe[i] = 0;
  }
  return token;
}

std::string HashToken(std::string_view token) {
  Sha512::Digest digest = Sha512::Hash(token);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Every byte of the longer string is visited whatever the contents; the loop has no
  // data-dependent branch, and `difference` is only read once at the end.
  const size_t length = std::max(a.size(), b.size());
  volatile uint8_t difference = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < length; ++i) {
    const uint8_t x = i < a.size() ? static_cast<uint8_t>(a[i]) : 0;
    const uint8_t y = i < b.size() ? static_cast<uint8_t>(b[i]) : 0;
    difference = difference | static_cast<uint8_t>(x ^ y);
  }
  return difference == 0;
}

}  // namespace strata::auth
