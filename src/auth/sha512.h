// SHA-512 as specified in FIPS 180-4 (Secure Hash Standard), section 6.4. Tokens are stored as
// their SHA-512 digests (the hash InfluxDB 3 stores), so the catalog never holds a usable token.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::auth {

// An incremental SHA-512 computation: Update() any number of times, then Finish() once.
// Not thread-safe; cheap to construct.
class Sha512 {
 public:
  static constexpr size_t kDigestBytes = 64;
  static constexpr size_t kBlockBytes = 128;
  using Digest = std::array<uint8_t, kDigestBytes>;

  Sha512();

  // Appends `data` to the message.
  void Update(std::string_view data);
  // Pads the message and returns its digest. REQUIRES: called once; no Update() afterwards.
  Digest Finish();

  // The digest of `data` in one call.
  static Digest Hash(std::string_view data);

 private:
  void ProcessBlock(const uint8_t* block);

  std::array<uint64_t, 8> state_;
  std::array<uint8_t, kBlockBytes> buffer_;
  size_t buffered_ = 0;
  // Message length in bytes; FIPS 180-4 allows up to 2^128 bits, we count up to 2^64 bytes.
  uint64_t length_ = 0;
  bool finished_ = false;
};

// Lower-case hexadecimal of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace strata::auth
