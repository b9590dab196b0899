// A scalar UTF-8 validator and decoder following RFC 3629 (Table 3-7 of the Unicode standard).
#include "common/utf8.h"

namespace strata {
namespace {

// Returns the length of the valid UTF-8 sequence at s[0..n), or 0 if there is none.
size_t SequenceLength(const unsigned char* s, size_t n) {
  const unsigned char c = s[0];
  if (c < 0x80) {
    return 1;
  }
  auto continuation = [&](size_t i) { return i < n && (s[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    return continuation(1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!continuation(1) || (c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)) {
      return 0;
    }
    return continuation(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!continuation(1) || (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)) {
      return 0;
    }
    return continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  const size_t length = SequenceLength(s, text.size() - pos);
  switch (length) {
    case 1:
      *code_point = s[0];
      break;
    case 2:
      *code_point = (uint32_t{s[0]} & 0x1F) << 6 | (s[1] & 0x3F);
      break;
    case 3:
      *code_point = (uint32_t{s[0]} & 0x0F) << 12 | (uint32_t{s[1]} & 0x3F) << 6 | (s[2] & 0x3F);
      break;
    case 4:
      *code_point = (uint32_t{s[0]} & 0x07) << 18 | (uint32_t{s[1]} & 0x3F) << 12 |
                    (uint32_t{s[2]} & 0x3F) << 6 | (s[3] & 0x3F);
      break;
  }
  return length;
}

size_t FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = SequenceLength(s + i, text.size() - i);
    if (length == 0) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void AppendValidUtf8(std::string_view text, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = SequenceLength(s + i, text.size() - i);
    if (length == 0) {
      out->append("\xEF\xBF\xBD");
      ++i;
    } else {
      out->append(text.data() + i, length);
      i += length;
    }
  }
}

}  // namespace strata
