// UTF-8 validation and decoding, shared by every module that checks text: line protocol names and
// values must be valid UTF-8 (InfluxDB reads the body as a UTF-8 string), catalog names are
// checked code point by code point, and error reports must stay valid UTF-8 so they can go into
// JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

// Returns the length (1 to 4 bytes) of the valid UTF-8 sequence that starts at text[pos] and sets
// *code_point to its value, or returns 0 and leaves *code_point unchanged if no valid sequence
// starts there (a truncated sequence, an overlong form, a UTF-16 surrogate or a code point above
// U+10FFFF). REQUIRES: pos < text.size().
size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point);

// Returns the offset of the first byte of `text` that does not start a valid UTF-8 sequence
// (overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid), or npos if
// all of `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

// Appends `text` to `out`, replacing each byte that is not part of a valid UTF-8 sequence with
// U+FFFD (3 bytes).
void AppendValidUtf8(std::string_view text, std::string* out);

}  // namespace strata
