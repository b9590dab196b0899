// Bearer tokens: generated from the kernel's CSPRNG, shown to the user once, and stored only as
// their SHA-512 digest. Verification hashes the presented token and compares digests in constant
// time. The format and the storage are InfluxDB 3's: "apiv3_" followed by 64 random bytes in
// URL-safe base64 without padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::auth {

// Every generated token starts with this.
inline constexpr std::string_view kTokenPrefix = "apiv3_";
// Random bytes in a generated token (512 bits).
inline constexpr size_t kTokenRandomBytes = 64;
// The longest token (and the longest credential in any header or parameter) the server looks
// at; longer ones are refused without hashing them.
inline constexpr size_t kMaxTokenBytes = 1024;

// Fills `out` with `size` bytes from getrandom(2) (the kernel's CSPRNG; blocks only until it has
// been seeded at boot). Internal error when the kernel refuses.
absl::Status FillRandom(uint8_t* out, size_t size);

// A new token: kTokenPrefix + URL-safe base64 of kTokenRandomBytes random bytes.
absl::StatusOr<std::string> GenerateToken();

// The form a token is stored in: the lower-case hex of its SHA-512 digest (128 characters).
std::string HashToken(std::string_view token);

// True when `a` and `b` are equal. Runs in time that depends only on the two lengths, never on
// where the first difference is, so comparing against a secret leaks nothing but its length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace strata::auth
