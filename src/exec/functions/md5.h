// MD5 (RFC 1321), for SQL's md5(text). Not for security: MD5 is broken as a cryptographic hash;
// PostgreSQL and DataFusion offer it for checksums and compatibility.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::exec {

// The 16-byte MD5 digest of `data`.
std::array<uint8_t, 16> Md5Digest(std::string_view data);

// The digest as 32 lower-case hex digits, as md5() returns it.
std::string Md5Hex(std::string_view data);

}  // namespace strata::exec
