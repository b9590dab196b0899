// The line protocol parser. One pass over each line with table-driven scanning; names and values
// point into the body, and only strings with escapes are copied (unescaped) into the result's
// arena. Errors take a separate, cold path that finds the end of the bad line the way InfluxDB
// splits lines, so parsing resumes where InfluxDB would resume.
#include "lineprotocol/parser.h"

#include <cstring>
#include <string>

#include "common/check.h"
#include "common/utf8.h"
#include "fmt/format.h"
#include "lineprotocol/byte_classes.h"
#include "lineprotocol/number_scanner.h"

namespace strata::lineprotocol {

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kFloat:
      return "float";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kUInteger:
      return "uinteger";
    case FieldType::kString:
      return "string";
    case FieldType::kBoolean:
      return "boolean";
  }
  return "unknown";
}

void ParseResult::Clear() {
  lines.clear();
  tags.clear();
  fields.clear();
  errors.clear();
  error_count = 0;
  arena_.Reset();
}

namespace {

using internal::ClassOf;
using internal::FindNameCandidate;
using internal::FindStringSpecial;
using internal::IsDigit;
using internal::kCandidateComma;
using internal::kCandidateEquals;
using internal::kKeyStop;
using internal::kMeasurementStop;
using internal::kSlow;
using internal::kTagValueStop;
using internal::kValueEnd;

// Which characters a backslash escapes depends on where it is (InfluxDB's rules): in a
// measurement `\,` `\ ` `\\`; in tag keys, tag values and field keys also `\=`. A backslash
// before any other character is kept literally, together with that character.
enum class NameKind { kMeasurement, kTagKey, kTagValue, kFieldKey };

inline bool IsEscapable(NameKind kind, char c) {
  if (c == ',' || c == ' ' || c == '\\') {
    return true;
  }
  return c == '=' && kind != NameKind::kMeasurement;
}

// Echoed input in messages is cut to this many bytes so a hostile line cannot blow them up.
constexpr size_t kMaxEchoBytes = 64;

// Keys of a line are checked for duplicates with a 1024-bit filter and a linear scan while a line
// has few keys; beyond this many keys a hash set takes over so that the check stays linear.
constexpr size_t kMaxLinearKeys = 32;

// Returns at most kMaxEchoBytes of `text` for an error message, with "..." if cut.
std::string Echo(std::string_view text) {
  if (text.size() <= kMaxEchoBytes) {
    return std::string(text);
  }
  std::string echoed(text.substr(0, kMaxEchoBytes));
  echoed += "...";
  return echoed;
}

}  // namespace

// Parses one body into a ParseResult. One instance per Parse() call.
class LineParser {
 public:
  LineParser(std::string_view body, const ParseOptions& options, ParseResult* result)
      : begin_(body.data()),
        end_(body.data() + body.size()),
        options_(options),
        result_(*result),
        multiplier_(NanosecondsPerUnit(options.precision)) {}

  void Run();

 private:
  // Parses the line whose first non-blank byte is at p_. On success p_ is at the line's end
  // (a newline, a CR before a newline, or the end of the body) and the line is appended; on
  // failure error_ holds the message and tags/fields may hold the line's partial entries.
  bool ParseLine();
  // Resets the per-line state and parses the line whose first non-blank byte is `content`.
  bool ParseLineAt(const char* content);
  // Removes the line last appended by ParseLine (complete or not) with its tags and fields.
  void DiscardLine();

  // Scans a name of `kind` at p_ (possibly empty) and stores it, unescaped, in *name.
  template <NameKind kKind, uint8_t kStopMask>
  bool ParseName(std::string_view* name);
  bool ParseNameSlow(
      NameKind kind, uint8_t stop_mask, const char* start, const char* p, std::string_view* name);

  bool ParseFieldValue(std::string_view key, FieldValue* value);
  bool ParseNumber(std::string_view key, FieldValue* value);
  bool ParseFloat(std::string_view key, const char* start, FieldValue* value);
  bool ParseString(std::string_view key, FieldValue* value);
  bool ParseBoolean(std::string_view key, FieldValue* value);
  bool ParseTimestamp(int64_t* time_ns);

  // The error paths of the value parsers. Each looks at the value's token (up to a comma,
  // space, tab, newline or CR) again to tell a malformed value from one that is out of range
  // and from a good value followed by something that may not follow it (a tab, a lone CR).
  //
  // A value starting at `start` that was read as a float (it is not digits with an `i` or
  // `u` suffix) and did not parse.
  [[gnu::cold]] [[gnu::noinline]] bool FailFloat(std::string_view key, const char* start);
  // An `i` (type kInteger) or `u` (kUInteger) value starting at `start` whose suffix ends at
  // suffix_end that did not parse; `out_of_range` if its digits exceed the type's range.
  [[gnu::cold]] [[gnu::noinline]] bool FailInteger(FieldType type,
                                                   std::string_view key,
                                                   const char* start,
                                                   const char* suffix_end,
                                                   bool out_of_range);
  // A timestamp starting at `start` whose digits end at digits_end that did not parse.
  [[gnu::cold]] [[gnu::noinline]] bool FailTimestamp(const char* start, const char* digits_end);
  // A string value opened at `open` without a closing quote before the end of the line.
  [[gnu::cold]] [[gnu::noinline]] bool FailUnterminatedString(std::string_view key,
                                                              const char* open);
  // Reports the rest of the line from p as trailing content after the timestamp or field set.
  [[gnu::cold]] [[gnu::noinline]] bool FailTrailing(const char* p);
  // Reports the rest of the line from p as trailing content after the value of field `key`,
  // whose type is `type_name` ("floating-point", "integer", ...).
  [[gnu::cold]] [[gnu::noinline]] bool FailTrailingAfterValue(std::string_view type_name,
                                                              std::string_view key,
                                                              const char* p);
  // The rest of the physical line from p, without its line ending, for messages.
  std::string_view RestOfLine(const char* p) const;

  // Records `key` for the duplicate check; false (with error_ set) if it was seen in this line.
  bool CheckNewKey(std::string_view key, bool is_tag);
  bool ReportDuplicate(std::string_view key, bool is_tag);

  // True if p is at the end of the line: end of body, newline, or CR before newline. A CR
  // anywhere else, also as the last byte of the body, is an ordinary byte.
  bool AtLineEnd(const char* p) const {
    return p == end_ || *p == '\n' || (*p == '\r' && p + 1 < end_ && p[1] == '\n');
  }
  // True if p ends an unquoted field value: line end, comma or space.
  bool AtValueEnd(const char* p) const {
    return p == end_ || *p == ',' || *p == ' ' || AtLineEnd(p);
  }
  // Returns the end of the unquoted token at `start`, for messages.
  const char* TokenEnd(const char* start) const;
  int64_t Column(const char* p) const { return p - line_start_ + 1; }

  // Sets error_ and returns false. Cold, so the hot path stays small.
  template <typename... Args>
  [[gnu::cold]] [[gnu::noinline]] bool Fail(fmt::format_string<Args...> format, Args&&... args) {
    error_ = fmt::format(format, std::forward<Args>(args)...);
    return false;
  }

  // Finds where the line starting at line_start_ ends, the way InfluxDB splits a body into
  // lines (a newline inside a quoted field value or after a backslash does not end the line).
  // Also counts the newlines inside the line.
  const char* FindLineEndForError(int64_t* newlines) const;
  [[gnu::cold]] [[gnu::noinline]] void RecordError(const char* line_end, std::string message);

  const char* const begin_;
  const char* end_;  // The body's end; narrowed while a line is parsed again within bounds.
  const ParseOptions& options_;
  ParseResult& result_;
  const int64_t multiplier_;

  const char* p_ = nullptr;           // The cursor.
  const char* line_start_ = nullptr;  // Physical start of the current line.
  int64_t line_number_ = 1;
  bool line_has_newline_ = false;  // A newline inside the line (quoted or escaped).
  bool line_non_ascii_ = false;    // A byte >= 0x80 in the line: validate UTF-8.
  size_t line_keys_ = 0;           // Keys (tags + fields) of the current line so far.
  uint32_t line_tag_begin_ = 0;
  uint32_t line_field_begin_ = 0;
  uint64_t key_filter_[16] = {};  // 1024 bits: keys seen in the current line (by hash).
  std::string error_;
  // Where the original_line of error_ ends if before the line's end: the end of the physical
  // line where an unterminated string starts.
  const char* error_text_end_ = nullptr;
};

bool LineParser::ParseLineAt(const char* content) {
  p_ = content;
  line_has_newline_ = false;
  line_non_ascii_ = false;
  error_text_end_ = nullptr;
  line_keys_ = 0;
  line_tag_begin_ = static_cast<uint32_t>(result_.tags.size());
  line_field_begin_ = static_cast<uint32_t>(result_.fields.size());
  std::memset(key_filter_, 0, sizeof(key_filter_));
  return ParseLine();
}

void LineParser::DiscardLine() {
  result_.lines.pop_back();
  result_.tags.resize(line_tag_begin_);
  result_.fields.resize(line_field_begin_);
}

void LineParser::Run() {
  p_ = begin_;
  while (p_ < end_) {
    line_start_ = p_;
    const char* p = p_;
    while (p < end_ && (*p == ' ' || *p == '\t')) {
      ++p;
    }
    if (p == end_) {
      break;
    }
    if (*p == '\n') {
      p_ = p + 1;
      ++line_number_;
      continue;
    }
    if (*p == '\r' && p + 1 < end_ && p[1] == '\n') {
      p_ = p + 1;
      continue;  // The newline is handled as a blank line.
    }
    if (*p == '#') {
      const void* newline = std::memchr(p, '\n', end_ - p);
      p_ = newline == nullptr ? end_ : static_cast<const char*>(newline);
      continue;
    }
    const char* const content = p;
    bool ok = ParseLineAt(content);
    const char* line_end = p_;
    if (line_has_newline_) [[unlikely]] {
      // A newline inside a quoted value: InfluxDB's line splitter may see the quotes
      // differently (e.g. after a field key with a comma) and end the line earlier. Then the
      // line is what it says, and it is parsed again within those bounds, so that the line
      // accepted, or the error reported, is that line's. (A failed line is parsed again unless
      // the splitter's line runs to the end of the body: then the bounds are the same.)
      int64_t newlines_unused = 0;
      const char* const split_end = FindLineEndForError(&newlines_unused);
      if (split_end != (ok ? line_end : end_)) {
        DiscardLine();
        const char* const body_end = end_;
        end_ = split_end;
        ok = ParseLineAt(content);
        end_ = body_end;
        line_end = p_;
      }
    }
    if (ok && line_non_ascii_) [[unlikely]] {
      const size_t bad = FindInvalidUtf8(std::string_view(line_start_, line_end - line_start_));
      if (bad != std::string_view::npos) {
        ok = Fail("invalid UTF-8 at column {}", bad + 1);
      }
    }
    if (!ok) [[unlikely]] {
      int64_t newlines = 0;
      line_end = FindLineEndForError(&newlines);
      DiscardLine();
      const char* const text_end =
          error_text_end_ != nullptr && error_text_end_ < line_end ? error_text_end_ : line_end;
      RecordError(text_end, std::move(error_));
      error_.clear();
      line_number_ += newlines;
    } else if (line_has_newline_) [[unlikely]] {
      Line& line = result_.lines.back();
      for (char c : line.text) {
        line_number_ += c == '\n';
      }
    }
    // Step over the line ending.
    if (line_end < end_ && *line_end == '\r') {
      ++line_end;
    }
    if (line_end < end_) {
      STRATA_DCHECK(*line_end == '\n');
      ++line_end;
      ++line_number_;
    }
    p_ = line_end;
  }
}

bool LineParser::ParseLine() {
  Line& line = result_.lines.emplace_back();
  line.line_number = line_number_;
  line.tag_begin = line_tag_begin_;
  line.field_begin = line_field_begin_;

  // Measurement.
  if (!ParseName<NameKind::kMeasurement, kMeasurementStop>(&line.measurement)) {
    return false;
  }
  if (line.measurement.empty()) [[unlikely]] {
    return Fail("Invalid measurement was provided");
  }
  const char* p = p_;
  if (p < end_ && *p == '\0') [[unlikely]] {
    return Fail("Invalid measurement was provided: NUL byte at column {}", Column(p));
  }

  // Tag set.
  while (p < end_ && *p == ',') {
    p_ = p + 1;
    Tag tag;
    if (!ParseName<NameKind::kTagKey, kKeyStop>(&tag.key)) {
      return false;
    }
    p = p_;
    if (tag.key.empty()) [[unlikely]] {
      return Fail("Tag Set Malformed: empty tag key at column {}", Column(p));
    }
    if (p == end_ || *p != '=') [[unlikely]] {
      return Fail("Tag Set Malformed: missing '=' after tag key '{}' at column {}",
                  Echo(tag.key),
                  Column(p));
    }
    p_ = p + 1;
    if (!ParseName<NameKind::kTagValue, kTagValueStop>(&tag.value)) {
      return false;
    }
    p = p_;
    if (tag.value.empty()) [[unlikely]] {
      return Fail(
          "Tag Set Malformed: empty value for tag key '{}' at column {}", Echo(tag.key), Column(p));
    }
    if (!CheckNewKey(tag.key, /*is_tag=*/true)) {
      return false;
    }
    result_.tags.push_back(tag);
  }
  line.tag_end = static_cast<uint32_t>(result_.tags.size());

  // Field set, after one or more spaces.
  if (p == end_ || *p != ' ') [[unlikely]] {
    if (AtLineEnd(p)) {
      return Fail("No fields were provided");
    }
    return Fail("expected a space before the field set at column {}, found '{}'",
                Column(p),
                Echo(std::string_view(p, 1)));
  }
  do {
    ++p;
  } while (p < end_ && *p == ' ');
  if (AtLineEnd(p)) [[unlikely]] {
    return Fail("No fields were provided");
  }
  for (;;) {
    p_ = p;
    // Built in place: the field is appended first and the whole line is rolled back on error.
    const bool first_field = result_.fields.size() == line_field_begin_;
    FieldEntry& field = result_.fields.emplace_back();
    if (!ParseName<NameKind::kFieldKey, kKeyStop>(&field.key)) {
      return false;
    }
    p = p_;
    if (field.key.empty()) [[unlikely]] {
      return Fail("Field Set Malformed: empty field key at column {}", Column(p));
    }
    if (p == end_ || *p != '=') [[unlikely]] {
      if (first_field) {
        return Fail("No fields were provided");
      }
      return Fail("Field Set Malformed: missing '=' after field key '{}' at column {}",
                  Echo(field.key),
                  Column(p));
    }
    p_ = p + 1;
    if (!ParseFieldValue(field.key, &field.value)) {
      return false;
    }
    if (!CheckNewKey(field.key, /*is_tag=*/false)) {
      return false;
    }
    p = p_;
    if (p < end_ && *p == ',') {
      ++p;
      continue;
    }
    break;
  }
  line.field_end = static_cast<uint32_t>(result_.fields.size());

  // Optional timestamp, then optional trailing spaces.
  if (AtLineEnd(p)) {
    line.time_ns = options_.default_time_ns;
  } else {
    // ParseFieldValue guarantees a space here.
    do {
      ++p;
    } while (p < end_ && *p == ' ');
    if (AtLineEnd(p)) {
      line.time_ns = options_.default_time_ns;
    } else {
      p_ = p;
      if (!ParseTimestamp(&line.time_ns)) {
        return false;
      }
      p = p_;
      while (p < end_ && *p == ' ') {
        ++p;
      }
      if (!AtLineEnd(p)) [[unlikely]] {
        return FailTrailing(p);
      }
    }
  }
  p_ = p;
  line.text = std::string_view(line_start_, p - line_start_);
  return true;
}

template <NameKind kKind, uint8_t kStopMask>
inline bool LineParser::ParseName(std::string_view* name) {
  constexpr bool kEqualsEnds = kKind == NameKind::kTagKey || kKind == NameKind::kFieldKey;
  const char* const start = p_;
  const char* const p = kEqualsEnds ? FindNameCandidate<kCandidateEquals, '='>(start, end_)
                                    : FindNameCandidate<kCandidateComma, ','>(start, end_);
  if (p == end_ || (ClassOf(*p) & (kStopMask | kSlow)) == kStopMask) [[likely]] {
    *name = std::string_view(start, p - start);
    p_ = p;
    return true;
  }
  // An escape, a CR, a non-ASCII byte, or a control byte that belongs to the name.
  return ParseNameSlow(kKind, kStopMask, start, p, name);
}

bool LineParser::ParseNameSlow(
    NameKind kind, uint8_t stop_mask, const char* start, const char* p, std::string_view* name) {
  bool has_escape = false;
  while (p < end_) {
    const uint8_t cls = ClassOf(*p);
    if (!(cls & (stop_mask | kSlow))) {
      ++p;
      continue;
    }
    const char c = *p;
    if (c == '\\') {
      has_escape = true;
      if (p + 1 == end_) {
        ++p;
        break;
      }
      // The next byte is taken whatever it is (InfluxDB treats an unknown escape as literal).
      const char next = p[1];
      if (next == '\n') {
        line_has_newline_ = true;
      } else if (static_cast<uint8_t>(next) >= 0x80) {
        line_non_ascii_ = true;
      }
      p += 2;
      continue;
    }
    if (c == '\r') {
      if (p + 1 < end_ && p[1] == '\n') {
        break;  // CRLF line ending.
      }
      ++p;
      continue;
    }
    if (static_cast<uint8_t>(c) >= 0x80) {
      line_non_ascii_ = true;
      ++p;
      continue;
    }
    break;  // A stop byte of this context.
  }
  p_ = p;
  if (!has_escape) {
    *name = std::string_view(start, p - start);
    return true;
  }
  const size_t raw_size = p - start;
  char* const buffer = result_.arena_.Allocate(raw_size);
  char* out = buffer;
  for (const char* q = start; q < p;) {
    if (*q != '\\') {
      *out++ = *q++;
    } else if (q + 1 < p && IsEscapable(kind, q[1])) {
      *out++ = q[1];
      q += 2;
    } else {
      *out++ = *q++;  // The backslash, literally; the byte after it follows as is.
      if (q < p) {
        *out++ = *q++;
      }
    }
  }
  const size_t size = out - buffer;
  result_.arena_.ShrinkLast(buffer, size);
  *name = std::string_view(buffer, size);
  if (size > 0 && buffer[size - 1] == '\\') {
    return Fail(
        "Measurements, tag keys and values, and field keys may not end with a backslash "
        "(column {})",
        Column(p));
  }
  return true;
}

bool LineParser::ParseFieldValue(std::string_view key, FieldValue* value) {
  const char* p = p_;
  if (p < end_) [[likely]] {
    const char c = *p;
    if (IsDigit(c) || c == '-') {
      return ParseNumber(key, value);
    }
    if (c == '"') {
      return ParseString(key, value);
    }
    if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
      return ParseBoolean(key, value);
    }
  }
  if (AtValueEnd(p) || (ClassOf(*p) & kValueEnd)) {  // Also `f=\t1`: no value before a tab.
    return Fail("missing value for field '{}' at column {}", Echo(key), Column(p));
  }
  if (*p == '.' || *p == '+') {
    return FailFloat(key, p);
  }
  return Fail(
      "invalid field value '{}' for field '{}' at column {}: expected a number (1.5, 1i, 1u), "
      "a string in double quotes, or a boolean (t, true, f, false, ...)",
      Echo(std::string_view(p, TokenEnd(p) - p)),
      Echo(key),
      Column(p));
}

inline bool LineParser::ParseNumber(std::string_view key, FieldValue* value) {
  const char* const start = p_;
  const bool negative = *start == '-';
  const DigitRun digits = ScanDigits(start + negative, end_);
  const char* p = digits.end;
  if (p == start + negative) [[unlikely]] {
    return FailFloat(key, start);
  }
  if (p < end_) {
    const char c = *p;
    if (c == 'i') {
      const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
      const bool out_of_range = digits.overflow || digits.value > limit;
      if (out_of_range || !AtValueEnd(p + 1)) [[unlikely]] {
        return FailInteger(FieldType::kInteger, key, start, p + 1, out_of_range);
      }
      value->type = FieldType::kInteger;
      value->i = static_cast<int64_t>(negative ? uint64_t{0} - digits.value : digits.value);
      p_ = p + 1;
      return true;
    }
    if (c == 'u') {
      if (negative || digits.overflow || !AtValueEnd(p + 1)) [[unlikely]] {
        return FailInteger(FieldType::kUInteger, key, start, p + 1, digits.overflow);
      }
      value->type = FieldType::kUInteger;
      value->u = digits.value;
      p_ = p + 1;
      return true;
    }
    if (c == '.' && !digits.overflow && digits.value < 10'000'000'000) {
      // The common "12.5": an exact conversion when the digits fit (Clinger's fast path).
      const DigitRun fraction = ScanDigits(p + 1, end_);
      const int64_t fraction_digits = fraction.end - (p + 1);
      double d;
      if (fraction_digits > 0 && fraction_digits <= 8 && AtValueEnd(fraction.end) &&
          ExactDecimalToDouble(
              digits.value * internal::kPowersOfTen[fraction_digits] + fraction.value,
              -fraction_digits,
              &d)) {
        value->type = FieldType::kFloat;
        value->f = negative ? -d : d;
        p_ = fraction.end;
        return true;
      }
    }
    if (c == '.' || c == 'e' || c == 'E') {
      return ParseFloat(key, start, value);
    }
  }
  if (!AtValueEnd(p)) [[unlikely]] {
    return FailFloat(key, start);
  }
  // An integer written without suffix is a float. Up to 2^53 the conversion is exact.
  if (!digits.overflow && digits.value <= (uint64_t{1} << 53)) {
    const auto d = static_cast<double>(digits.value);
    value->type = FieldType::kFloat;
    value->f = negative ? -d : d;
    p_ = p;
    return true;
  }
  return ParseFloat(key, start, value);
}

bool LineParser::ParseFloat(std::string_view key, const char* start, FieldValue* value) {
  const char* stop;
  double d;
  const FloatScan scan = ScanFloat(start, end_, &stop, &d);
  if (scan != FloatScan::kOk || !AtValueEnd(stop)) [[unlikely]] {
    return FailFloat(key, start);
  }
  value->type = FieldType::kFloat;
  value->f = d;
  p_ = stop;
  return true;
}

std::string_view LineParser::RestOfLine(const char* p) const {
  const void* newline = std::memchr(p, '\n', end_ - p);
  if (newline == nullptr) {
    return std::string_view(p, end_ - p);  // A CR at the end of the body is content.
  }
  const char* rest_end = static_cast<const char*>(newline);
  if (rest_end > p && rest_end[-1] == '\r') {
    --rest_end;
  }
  return std::string_view(p, rest_end - p);
}

bool LineParser::FailTrailing(const char* p) {
  return Fail("Could not parse entire line. Found trailing content: '{}' at column {}",
              Echo(RestOfLine(p)),
              Column(p));
}

bool LineParser::FailTrailingAfterValue(std::string_view type_name,
                                        std::string_view key,
                                        const char* p) {
  return Fail(
      "Could not parse entire line. Found trailing content: '{}' after the {} value of field "
      "'{}' at column {}",
      Echo(RestOfLine(p)),
      type_name,
      Echo(key),
      Column(p));
}

bool LineParser::FailFloat(std::string_view key, const char* start) {
  const char* const token_end = TokenEnd(start);
  const std::string_view token(start, token_end - start);
  const char* stop;
  double d;
  const FloatScan scan = ScanFloat(start, token_end, &stop, &d);
  if (scan == FloatScan::kSyntaxError || stop != token_end) {
    // A malformed number with an integer suffix was meant as an integer: `1.5i`, `1e3u`.
    const char last =
        token.size() >= 2 && token.find_first_not_of("0123456789.eE+-") == token.size() - 1
            ? token.back()
            : '\0';
    if (last == 'i') {
      return Fail("Unable to parse integer value '{}' for field '{}' at column {}",
                  Echo(token),
                  Echo(key),
                  Column(start));
    }
    if (last == 'u') {
      return Fail("Unable to parse unsigned integer value '{}' for field '{}' at column {}",
                  Echo(token),
                  Echo(key),
                  Column(start));
    }
    return Fail("Unable to parse floating-point value '{}' for field '{}' at column {}",
                Echo(token),
                Echo(key),
                Column(start));
  }
  if (scan == FloatScan::kOutOfRange) {
    return Fail(
        "Unable to parse floating-point value '{}' for field '{}' at column {}: out of range "
        "for a 64-bit float",
        Echo(token),
        Echo(key),
        Column(start));
  }
  // A good number, followed by a byte that ends the token but not the value (a tab, a CR).
  return FailTrailingAfterValue("floating-point", key, token_end);
}

bool LineParser::FailInteger(FieldType type,
                             std::string_view key,
                             const char* start,
                             const char* suffix_end,
                             bool out_of_range) {
  const bool is_unsigned = type == FieldType::kUInteger;
  const std::string_view type_name = is_unsigned ? "unsigned integer" : "integer";
  const char* const token_end = TokenEnd(start);
  const std::string_view token(start, token_end - start);
  if (token_end != suffix_end || (is_unsigned && *start == '-')) {
    return Fail("Unable to parse {} value '{}' for field '{}' at column {}",
                type_name,
                Echo(token),
                Echo(key),
                Column(start));
  }
  if (out_of_range) {
    return Fail("Unable to parse {} value '{}' for field '{}' at column {}: out of range for {}",
                type_name,
                Echo(token),
                Echo(key),
                Column(start),
                is_unsigned ? "an unsigned 64-bit integer" : "a signed 64-bit integer");
  }
  return FailTrailingAfterValue(type_name, key, suffix_end);
}

bool LineParser::FailUnterminatedString(std::string_view key, const char* open) {
  // The line runs to the end of the body (InfluxDB's splitter reads the rest as part of the
  // string); its original_line stops where the line with the opening quote ends.
  const std::string_view rest = RestOfLine(open);
  error_text_end_ = rest.data() + rest.size();
  return Fail(
      "unterminated string value for field '{}' starting at column {}", Echo(key), Column(open));
}

bool LineParser::ParseString(std::string_view key, FieldValue* value) {
  const char* const open = p_;
  const char* const start = open + 1;
  const char* p = start;
  bool has_escape = false;
  for (;;) {
    p = FindStringSpecial(p, end_);
    if (p == end_) [[unlikely]] {
      return FailUnterminatedString(key, open);
    }
    const char c = *p;
    if (c == '"') {
      break;
    }
    if (c == '\\') {
      has_escape = true;
      // \" and \\ are escapes; a backslash before anything else is literal.
      p += (p + 1 < end_ && (p[1] == '"' || p[1] == '\\')) ? 2 : 1;
    } else if (c == '\n') {
      line_has_newline_ = true;
      ++p;
    } else {
      line_non_ascii_ = true;
      ++p;
    }
  }
  const char* const close = p;
  std::string_view text(start, close - start);
  if (has_escape) {
    char* const buffer = result_.arena_.Allocate(text.size());
    char* out = buffer;
    for (const char* q = start; q < close;) {
      if (*q == '\\' && q + 1 < close && (q[1] == '"' || q[1] == '\\')) {
        *out++ = q[1];
        q += 2;
      } else {
        *out++ = *q++;
      }
    }
    result_.arena_.ShrinkLast(buffer, out - buffer);
    text = std::string_view(buffer, out - buffer);
  }
  if (text.size() > kMaxStringFieldBytes) [[unlikely]] {
    return Fail("string value for field '{}' is {} bytes, more than the limit of {} bytes",
                Echo(key),
                text.size(),
                kMaxStringFieldBytes);
  }
  if (!AtValueEnd(close + 1)) [[unlikely]] {
    return FailTrailingAfterValue("string", key, close + 1);
  }
  value->type = FieldType::kString;
  value->s = text;
  p_ = close + 1;
  return true;
}

bool LineParser::ParseBoolean(std::string_view key, FieldValue* value) {
  const char* const start = p_;
  const char* const token_end = TokenEnd(start);
  const std::string_view token(start, token_end - start);
  bool b;
  if (token == "t" || token == "T" || token == "true" || token == "True" || token == "TRUE") {
    b = true;
  } else if (token == "f" || token == "F" || token == "false" || token == "False" ||
             token == "FALSE") {
    b = false;
  } else {
    return Fail(
        "invalid boolean value '{}' for field '{}' at column {}: expected t, T, true, True, "
        "TRUE, f, F, false, False or FALSE",
        Echo(token),
        Echo(key),
        Column(start));
  }
  if (!AtValueEnd(token_end)) [[unlikely]] {  // A tab or a lone CR after the value.
    return FailTrailingAfterValue("boolean", key, token_end);
  }
  value->type = FieldType::kBoolean;
  value->b = b;
  p_ = token_end;
  return true;
}

inline bool LineParser::ParseTimestamp(int64_t* time_ns) {
  const char* const start = p_;
  const bool negative = *start == '-';
  const DigitRun digits = ScanDigits(start + negative, end_);
  const char* const p = digits.end;
  if (p == start + negative || !(p == end_ || *p == ' ' || AtLineEnd(p))) [[unlikely]] {
    return FailTimestamp(start, p);
  }
  const uint64_t magnitude = digits.value;
  const bool overflow = digits.overflow;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (overflow || magnitude > limit) [[unlikely]] {
    return Fail(
        "Unable to parse timestamp value '{}' at column {}: out of range for a signed 64-bit "
        "integer",
        Echo(std::string_view(start, p - start)),
        Column(start));
  }
  const auto timestamp = static_cast<int64_t>(negative ? uint64_t{0} - magnitude : magnitude);
  const int64_t multiplier = options_.precision == Precision::kAuto
                                 ? NanosecondsPerUnit(GuessPrecision(timestamp))
                                 : multiplier_;
  if (__builtin_mul_overflow(timestamp, multiplier, time_ns)) [[unlikely]] {
    return Fail("timestamp, {}, out of range for precision: {}",
                timestamp,
                PrecisionName(options_.precision));
  }
  p_ = p;
  return true;
}

bool LineParser::FailTimestamp(const char* start, const char* digits_end) {
  const bool negative = *start == '-';
  // "123\t" or "123,4": a timestamp, then something else; "\t" or "\r": only something else.
  if (digits_end < end_ && (ClassOf(*digits_end) & kValueEnd) &&
      (digits_end > start + negative || digits_end == start)) {
    return FailTrailing(digits_end);
  }
  return Fail("Unable to parse timestamp value '{}' at column {}",
              Echo(std::string_view(start, TokenEnd(start) - start)),
              Column(start));
}

inline bool LineParser::CheckNewKey(std::string_view key, bool is_tag) {
  const size_t size = key.size();
  const auto first = static_cast<uint8_t>(key[0]);
  const auto middle = static_cast<uint8_t>(key[size >> 1]);
  const auto last = static_cast<uint8_t>(key[size - 1]);
  uint32_t hash = static_cast<uint32_t>(size) * 0x9E3779B1u + first * 0x85EBCA77u +
                  middle * 0xC2B2AE3Du + last * 0x27D4EB2Fu;
  hash = (hash ^ (hash >> 15)) >> 22;  // 10 bits: one of 1024 filter bits.
  uint64_t& word = key_filter_[hash >> 6];
  const uint64_t bit = uint64_t{1} << (hash & 63);
  const bool maybe_seen = (word & bit) != 0;
  word |= bit;
  ++line_keys_;
  if (line_keys_ > kMaxLinearKeys || maybe_seen) [[unlikely]] {
    return ReportDuplicate(key, is_tag);
  }
  return true;
}

bool LineParser::ReportDuplicate(std::string_view key, bool is_tag) {
  const Tag* const tags = result_.tags.data() + line_tag_begin_;
  const size_t tag_count = result_.tags.size() - line_tag_begin_;
  const FieldEntry* const fields = result_.fields.data() + line_field_begin_;
  // A field being checked is already appended (as the last one); a tag is not yet.
  const size_t field_count = result_.fields.size() - line_field_begin_ - (is_tag ? 0 : 1);
  const Tag* duplicate_tag = nullptr;
  const FieldEntry* duplicate_field = nullptr;
  if (line_keys_ <= kMaxLinearKeys) {
    for (size_t i = 0; i < tag_count && duplicate_tag == nullptr; ++i) {
      if (tags[i].key == key) {
        duplicate_tag = &tags[i];
      }
    }
    for (size_t i = 0; i < field_count && duplicate_field == nullptr; ++i) {
      if (fields[i].key == key) {
        duplicate_field = &fields[i];
      }
    }
  } else {
    // Many keys: a hash set of all keys of the line so far, built on first use.
    auto& key_set = result_.key_set_;
    if (line_keys_ == kMaxLinearKeys + 1) {
      key_set.clear();
      for (size_t i = 0; i < tag_count; ++i) {
        key_set.insert(tags[i].key);
      }
      for (size_t i = 0; i < field_count; ++i) {
        key_set.insert(fields[i].key);
      }
    }
    if (!key_set.insert(key).second) {
      for (size_t i = 0; i < tag_count && duplicate_tag == nullptr; ++i) {
        if (tags[i].key == key) {
          duplicate_tag = &tags[i];
        }
      }
      if (duplicate_tag == nullptr) {
        duplicate_field = fields;  // Only fields are left; which one does not matter.
      }
    }
  }
  if (duplicate_tag != nullptr) {
    if (is_tag) {
      return Fail("Must not contain duplicate tags, but \"{}\" was repeated", Echo(key));
    }
    return Fail("field key '{}' is also a tag key of this line", Echo(key));
  }
  if (duplicate_field != nullptr) {
    return Fail("duplicate field key '{}'", Echo(key));
  }
  return true;
}

const char* LineParser::TokenEnd(const char* start) const {
  const char* p = start;
  while (p < end_ && !(ClassOf(*p) & kValueEnd)) {
    ++p;
  }
  return p;
}

const char* LineParser::FindLineEndForError(int64_t* newlines) const {
  // Mirrors InfluxDB's line splitting: after the first unescaped space (the field set), a double
  // quote opens or closes a string only where a field value can start, i.e. when more '=' than
  // ',' were seen outside quotes; a newline inside quotes or right after a backslash does not
  // end the line.
  bool quoted = false;
  bool in_fields = false;
  bool escaped = false;
  int64_t equals = 0;
  int64_t commas = 0;
  *newlines = 0;
  for (const char* p = line_start_; p < end_; ++p) {
    const char c = *p;
    if (escaped) {
      escaped = false;
      *newlines += c == '\n';
      continue;
    }
    if (c == '\\') {
      escaped = true;
      continue;
    }
    if (c == ' ') {
      in_fields = true;
      continue;
    }
    if (in_fields) {
      if (!quoted && c == '=') {
        ++equals;
        continue;
      }
      if (!quoted && c == ',') {
        ++commas;
        continue;
      }
      if (c == '"' && equals > commas) {
        quoted = !quoted;
        continue;
      }
    }
    if (c == '\n') {
      if (!quoted) {
        return p > line_start_ && p[-1] == '\r' ? p - 1 : p;
      }
      ++*newlines;
    }
  }
  return end_;  // A CR at the end of the body does not end a line: it belongs to it.
}

void LineParser::RecordError(const char* line_end, std::string message) {
  ++result_.error_count;
  if (result_.errors.size() >= options_.max_reported_errors) {
    return;
  }
  result_.errors.push_back(MakeLineError(
      line_number_, std::string_view(line_start_, line_end - line_start_), std::move(message)));
}

LineError MakeLineError(int64_t line_number, std::string_view text, std::string message) {
  LineError error;
  error.line_number = line_number;
  if (text.size() <= kMaxErrorLineBytes) {
    AppendValidUtf8(text, &error.original_line);
  } else {
    // Cut at a UTF-8 sequence boundary so the cut itself does not create invalid UTF-8.
    size_t cut = kMaxErrorLineBytes;
    while (cut > kMaxErrorLineBytes - 3 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    AppendValidUtf8(text.substr(0, cut), &error.original_line);
    error.original_line += "...";
  }
  if (FindInvalidUtf8(message) == std::string_view::npos) {
    error.message = std::move(message);
  } else {
    AppendValidUtf8(message, &error.message);
  }
  return error;
}

void Parse(std::string_view body, const ParseOptions& options, ParseResult* result) {
  STRATA_CHECK_LT(body.size(), size_t{1} << 32);
  result->Clear();
  LineParser parser(body, options, result);
  parser.Run();
}

}  // namespace strata::lineprotocol
