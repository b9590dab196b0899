// UTF-8 validation for line protocol: names and values must be valid UTF-8 (InfluxDB reads the
// body as a UTF-8 string), and error reports must stay valid UTF-8 so they can go into JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::lineprotocol {

// Returns the offset of the first byte of `text` that does not start a valid UTF-8 sequence
// (overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid), or npos if
// all of `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

// Appends `text` to `out`, replacing each byte that is not part of a valid UTF-8 sequence with
// U+FFFD (3 bytes).
void AppendValidUtf8(std::string_view text, std::string* out);

}  // namespace strata::lineprotocol
