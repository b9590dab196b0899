// libFuzzer target for the line protocol parser. Parses each input with every precision into a
// reused ParseResult (as the server does) and checks invariants: every view lies in the body or
// in the result's own storage, ranges are consistent, line numbers increase, limits hold. Lines
// that parsed are written back as canonical line protocol and parsed again, which must give the
// same values (a check of escaping and number conversion).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "fmt/format.h"
#include "lineprotocol/parser.h"

namespace strata::lineprotocol {
namespace {

constexpr Precision kPrecisions[] = {Precision::kAuto,
                                     Precision::kNanosecond,
                                     Precision::kMicrosecond,
                                     Precision::kMillisecond,
                                     Precision::kSecond,
                                     Precision::kMinute,
                                     Precision::kHour};
constexpr size_t kMaxErrors = 8;

[[noreturn]] void Die(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr,
               "line_protocol_fuzzer: invariant broken: %s %.*s\n",
               what,
               static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      Die(#cond);        \
    }                    \
  } while (false)

bool InBody(std::string_view view, std::string_view body) {
  const auto begin = reinterpret_cast<uintptr_t>(body.data());
  const auto data = reinterpret_cast<uintptr_t>(view.data());
  return data >= begin && data - begin <= body.size() &&
         view.size() <= body.size() - (data - begin);
}

void CheckView(std::string_view view, std::string_view body, const ParseResult& result) {
  if (!InBody(view, body) && !result.OwnsView(view)) {
    Die("view outside body and arena", view.substr(0, 64));
  }
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  while (i < text.size()) {
    const unsigned char c = s[i];
    size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    for (size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

void CheckInvariants(std::string_view body,
                     const ParseOptions& options,
                     const ParseResult& result) {
  int64_t newlines = 0;
  for (char c : body) {
    newlines += c == '\n';
  }
  uint32_t next_tag = 0;
  uint32_t next_field = 0;
  int64_t previous_line = 0;
  for (const Line& line : result.lines) {
    FUZZ_CHECK(line.line_number > previous_line);
    FUZZ_CHECK(line.line_number <= newlines + 1);
    previous_line = line.line_number;
    FUZZ_CHECK(!line.measurement.empty());
    CheckView(line.measurement, body, result);
    FUZZ_CHECK(InBody(line.text, body));
    FUZZ_CHECK(line.tag_begin == next_tag && line.tag_begin <= line.tag_end);
    FUZZ_CHECK(line.field_begin == next_field && line.field_begin < line.field_end);
    FUZZ_CHECK(line.tag_end <= result.tags.size() && line.field_end <= result.fields.size());
    next_tag = line.tag_end;
    next_field = line.field_end;
    for (const Tag& tag : result.TagsOf(line)) {
      FUZZ_CHECK(!tag.key.empty() && !tag.value.empty());
      CheckView(tag.key, body, result);
      CheckView(tag.value, body, result);
    }
    for (const FieldEntry& field : result.FieldsOf(line)) {
      FUZZ_CHECK(!field.key.empty());
      CheckView(field.key, body, result);
      if (field.value.type == FieldType::kString) {
        FUZZ_CHECK(field.value.s.size() <= kMaxStringFieldBytes);
        if (!field.value.s.empty()) {
          CheckView(field.value.s, body, result);
        }
      } else if (field.value.type == FieldType::kFloat) {
        FUZZ_CHECK(std::isfinite(field.value.f));
      }
    }
    if (line.time_ns != options.default_time_ns) {
      FUZZ_CHECK(!line.text.empty());
    }
  }
  FUZZ_CHECK(next_tag == result.tags.size());
  FUZZ_CHECK(next_field == result.fields.size());
  FUZZ_CHECK(result.errors.size() <= options.max_reported_errors);
  FUZZ_CHECK(result.error_count >= static_cast<int64_t>(result.errors.size()));
  int64_t previous_error = 0;
  for (const LineError& error : result.errors) {
    FUZZ_CHECK(error.line_number > previous_error);
    FUZZ_CHECK(error.line_number <= newlines + 1);
    previous_error = error.line_number;
    // At most kMaxErrorLineBytes input bytes, each invalid one replaced by 3 bytes of U+FFFD.
    FUZZ_CHECK(error.original_line.size() <= 3 * kMaxErrorLineBytes + 3);
    FUZZ_CHECK(!error.message.empty() && error.message.size() < 1024);
    FUZZ_CHECK(IsValidUtf8(error.original_line));
    FUZZ_CHECK(IsValidUtf8(error.message));
  }
}

// Writes a name so that it parses back to itself.
void AppendName(std::string_view name, bool is_measurement, std::string* out) {
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ',' || c == ' ' || (c == '=' && !is_measurement)) {
      *out += '\\';
      *out += c;
    } else if (c == '\\') {
      // A backslash before a byte that would end the name (a tab, a newline, a NUL in a
      // measurement) came from an unknown escape: write it as one again.
      const char next = i + 1 < name.size() ? name[i + 1] : '\0';
      if (next == '\t' || next == '\n' || (is_measurement && next == '\0' && i + 1 < name.size())) {
        *out += '\\';
        *out += next;
        ++i;
      } else {
        *out += "\\\\";
      }
    } else {
      *out += c;
    }
  }
}

void AppendLine(const ParseResult& result, const Line& line, std::string* out) {
  AppendName(line.measurement, /*is_measurement=*/true, out);
  for (const Tag& tag : result.TagsOf(line)) {
    *out += ',';
    AppendName(tag.key, false, out);
    *out += '=';
    AppendName(tag.value, false, out);
  }
  char separator = ' ';
  for (const FieldEntry& field : result.FieldsOf(line)) {
    *out += separator;
    separator = ',';
    AppendName(field.key, false, out);
    *out += '=';
    const FieldValue& value = field.value;
    switch (value.type) {
      case FieldType::kFloat:
        *out += fmt::format("{}", value.f);
        break;
      case FieldType::kInteger:
        *out += fmt::format("{}i", value.i);
        break;
      case FieldType::kUInteger:
        *out += fmt::format("{}u", value.u);
        break;
      case FieldType::kBoolean:
        *out += value.b ? "true" : "false";
        break;
      case FieldType::kString:
        *out += '"';
        for (char c : value.s) {
          if (c == '"' || c == '\\') {
            *out += '\\';
          }
          *out += c;
        }
        *out += '"';
        break;
    }
  }
  *out += fmt::format(" {}\n", line.time_ns);
}

bool SameValue(const FieldValue& a, const FieldValue& b) {
  if (a.type != b.type) {
    return false;
  }
  switch (a.type) {
    case FieldType::kFloat:
      return std::memcmp(&a.f, &b.f, sizeof(double)) == 0;
    case FieldType::kInteger:
      return a.i == b.i;
    case FieldType::kUInteger:
      return a.u == b.u;
    case FieldType::kBoolean:
      return a.b == b.b;
    case FieldType::kString:
      return a.s == b.s;
  }
  return false;
}

void CheckRoundTrip(const ParseResult& first) {
  std::string canonical;
  for (const Line& line : first.lines) {
    AppendLine(first, line, &canonical);
  }
  ParseResult second;
  Parse(canonical, {.precision = Precision::kNanosecond}, &second);
  if (!second.errors.empty()) {
    Die("canonical line protocol did not parse", second.errors[0].message);
  }
  FUZZ_CHECK(second.lines.size() == first.lines.size());
  for (size_t i = 0; i < first.lines.size(); ++i) {
    const Line& a = first.lines[i];
    const Line& b = second.lines[i];
    if (a.measurement != b.measurement) {
      Die("measurement changed", b.measurement);
    }
    FUZZ_CHECK(a.time_ns == b.time_ns);
    const auto tags_a = first.TagsOf(a);
    const auto tags_b = second.TagsOf(b);
    FUZZ_CHECK(tags_a.size() == tags_b.size());
    for (size_t t = 0; t < tags_a.size(); ++t) {
      FUZZ_CHECK(tags_a[t].key == tags_b[t].key && tags_a[t].value == tags_b[t].value);
    }
    const auto fields_a = first.FieldsOf(a);
    const auto fields_b = second.FieldsOf(b);
    FUZZ_CHECK(fields_a.size() == fields_b.size());
    for (size_t f = 0; f < fields_a.size(); ++f) {
      FUZZ_CHECK(fields_a[f].key == fields_b[f].key);
      FUZZ_CHECK(SameValue(fields_a[f].value, fields_b[f].value));
    }
  }
}

}  // namespace
}  // namespace strata::lineprotocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::lineprotocol;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static ParseResult* result = new ParseResult();  // Reused across inputs, like the server.
  for (Precision precision : kPrecisions) {
    const ParseOptions options{.precision = precision,
                               .default_time_ns = 1'700'000'000'000'000'000,
                               .max_reported_errors = kMaxErrors};
    Parse(body, options, result);
    CheckInvariants(body, options, *result);
    if (precision == Precision::kNanosecond) {
      CheckRoundTrip(*result);
    }
  }
  return 0;
}
