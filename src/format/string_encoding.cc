// Byte-class tables make the common case (plain ASCII without specials) a scan and one memcpy.
#include "format/string_encoding.h"

#include <array>
#include <cstdint>

#include "common/utf8.h"

namespace strata::format {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Bytes that can be copied as they are: ASCII that needs no escaping in the format.
constexpr std::array<bool, 256> MakeJsonPlain() {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) {
    plain[c] = c != '"' && c != '\\';
  }
  return plain;
}
constexpr std::array<bool, 256> kJsonPlain = MakeJsonPlain();

constexpr std::array<bool, 256> MakeCsvSpecial() {
  std::array<bool, 256> special{};
  special[','] = special['"'] = special['\r'] = special['\n'] = true;
  return special;
}
constexpr std::array<bool, 256> kCsvSpecial = MakeCsvSpecial();

void AppendJsonEscape(unsigned char c, ByteSink* sink) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      sink->Append("\\\"");
      return;
    case '\\':
      sink->Append("\\\\");
      return;
    case '\b':
      sink->Append("\\b");
      return;
    case '\f':
      sink->Append("\\f");
      return;
    case '\n':
      sink->Append("\\n");
      return;
    case '\r':
      sink->Append("\\r");
      return;
    case '\t':
      sink->Append("\\t");
      return;
    default: {
      char* p = sink->Reserve(6);
      p[0] = '\\';
      p[1] = 'u';
      p[2] = '0';
      p[3] = '0';
      p[4] = kHex[c >> 4];
      p[5] = kHex[c & 0xF];
      sink->CommitTo(p + 6);
    }
  }
}

// Appends `value` with each byte that is not part of valid UTF-8 replaced by U+FFFD. Runs of
// valid text are copied in one piece, except that ASCII bytes not marked in `plain_ascii` are
// handed to `special`.
template <typename Special>
void AppendRepaired(std::string_view value,
                    const std::array<bool, 256>& plain_ascii,
                    ByteSink* sink,
                    Special special) {
  size_t run_start = 0;
  size_t i = 0;
  const size_t n = value.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (plain_ascii[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      uint32_t code_point;
      const size_t length = DecodeUtf8(value, i, &code_point);
      if (length > 0) {
        i += length;
        continue;
      }
    }
    sink->Append(value.substr(run_start, i - run_start));
    if (c >= 0x80) {
      sink->Append(kReplacementCharacter);
    } else {
      special(c);
    }
    run_start = ++i;
  }
  sink->Append(value.substr(run_start, n - run_start));
}

constexpr std::array<bool, 256> MakeAsciiExcept(const std::array<bool, 256>& special) {
  std::array<bool, 256> plain{};
  for (int c = 0; c < 0x80; ++c) {
    plain[c] = !special[c];
  }
  return plain;
}
constexpr std::array<bool, 256> kCsvPlain = MakeAsciiExcept(kCsvSpecial);
constexpr std::array<bool, 256> kAllAscii = MakeAsciiExcept(std::array<bool, 256>{});

}  // namespace

void AppendJsonString(std::string_view value, ByteSink* sink) {
  sink->Append('"');
  AppendRepaired(value, kJsonPlain, sink, [sink](unsigned char c) { AppendJsonEscape(c, sink); });
  sink->Append('"');
}

void AppendCsvField(std::string_view value, ByteSink* sink) {
  bool needs_quotes = false;
  for (char c : value) {
    if (kCsvSpecial[static_cast<unsigned char>(c)]) {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    AppendUtf8(value, sink);
    return;
  }
  sink->Append('"');
  AppendRepaired(value, kCsvPlain, sink, [sink](unsigned char c) {
    if (c == '"') {
      sink->Append("\"\"");
    } else {
      sink->Append(static_cast<char>(c));
    }
  });
  sink->Append('"');
}

void AppendUtf8(std::string_view value, ByteSink* sink) {
  AppendRepaired(value, kAllAscii, sink, [](unsigned char) {});
}

}  // namespace strata::format
