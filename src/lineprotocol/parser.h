// The InfluxDB line protocol parser: turns a write request body into lines of measurement, tags,
// typed fields and a nanosecond timestamp, accepting what InfluxDB 3 accepts. A line with an
// error is reported (line number, original text, message) and skipped; the rest still parses.
// Grammar, limits and messages are written down in docs/line_protocol.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "lineprotocol/precision.h"
#include "lineprotocol/string_arena.h"

namespace strata::lineprotocol {

// The type of a field value, as written: `1.5` or `1` float, `1i` integer, `1u` unsigned
// integer, `"x"` string, `t`/`false`/... boolean.
enum class FieldType : uint8_t { kFloat, kInteger, kUInteger, kString, kBoolean };

// Returns InfluxDB's name of a field type: "float", "integer", "uinteger", "string", "boolean".
std::string_view FieldTypeName(FieldType type);

// One field value. The member that matches `type` is set: f for kFloat, i for kInteger, u for
// kUInteger, b for kBoolean, s (unescaped) for kString.
struct FieldValue {
  FieldType type;
  union {
    double f;
    int64_t i;
    uint64_t u;
    bool b;
  };
  std::string_view s;
};

// One tag of a line; key and value are unescaped and never empty.
struct Tag {
  std::string_view key;
  std::string_view value;
};

// One field of a line; the key is unescaped and never empty.
struct FieldEntry {
  std::string_view key;
  FieldValue value;
};

// One successfully parsed line. Tags and fields are ranges into ParseResult::tags and
// ParseResult::fields, in the order written (tags are not sorted).
struct Line {
  std::string_view measurement;  // Unescaped, never empty.
  uint32_t tag_begin;
  uint32_t tag_end;
  uint32_t field_begin;  // field_end > field_begin: a line has at least one field.
  uint32_t field_end;
  int64_t time_ns;        // The timestamp converted to ns, or ParseOptions::default_time_ns.
  int64_t line_number;    // 1-based number of the (first) physical line in the body.
  std::string_view text;  // The raw line without its line ending, for later error reports.
};

// A line that was rejected. original_line is at most kMaxErrorLineBytes of the raw line (then
// "..." is appended) with invalid UTF-8 replaced by U+FFFD, so it can go into a JSON response.
struct LineError {
  int64_t line_number;
  std::string original_line;
  std::string message;
};

// String field values longer than this many bytes (after unescaping) are rejected.
inline constexpr size_t kMaxStringFieldBytes = size_t{1} << 20;
// LineError::original_line keeps at most this many bytes of the line.
inline constexpr size_t kMaxErrorLineBytes = 256;

// Builds the LineError of a rejected line from its raw text (Line::text): original_line is cut to
// kMaxErrorLineBytes at a UTF-8 sequence boundary (then "..." is appended), and invalid UTF-8 in
// the line and in `message` is replaced by U+FFFD. Used by the parser and by later stages that
// reject parsed lines (write validation), so that all per-line errors look alike.
LineError MakeLineError(int64_t line_number, std::string_view text, std::string message);

// How to parse one request body.
struct ParseOptions {
  // The unit of the timestamps written in the body.
  Precision precision = Precision::kAuto;
  // The time of lines without a timestamp, in ns. The caller truncates the server clock to the
  // precision (TruncateToPrecision) before, so that all lines of a request get the same time.
  int64_t default_time_ns = 0;
  // At most this many LineErrors are kept; further bad lines are only counted (error_count), so
  // that a hostile body cannot produce a huge error response.
  size_t max_reported_errors = 1000;
};

// The parsed lines of one request body. Views point into the body or into this object's own
// storage (unescaped copies of strings that contained escapes), so the body must outlive the
// views and Parse() again invalidates them. Reusable: Parse() clears it first, keeping the
// vectors' capacity, so a reused ParseResult parses without heap allocations.
class ParseResult {
 public:
  std::vector<Line> lines;
  std::vector<Tag> tags;
  std::vector<FieldEntry> fields;
  std::vector<LineError> errors;  // In body order; at most ParseOptions::max_reported_errors.
  int64_t error_count = 0;        // Every rejected line, including ones not kept in `errors`.

  ParseResult() = default;
  ParseResult(const ParseResult&) = delete;
  ParseResult& operator=(const ParseResult&) = delete;
  ParseResult(ParseResult&&) = default;
  ParseResult& operator=(ParseResult&&) = default;

  // Empties the result, keeping capacity.
  void Clear();

  // The tags of `line`, which must belong to this result.
  std::span<const Tag> TagsOf(const Line& line) const {
    return std::span<const Tag>(tags).subspan(line.tag_begin, line.tag_end - line.tag_begin);
  }

  // The fields of `line`, which must belong to this result.
  std::span<const FieldEntry> FieldsOf(const Line& line) const {
    return std::span<const FieldEntry>(fields).subspan(line.field_begin,
                                                       line.field_end - line.field_begin);
  }

  // True if `view` lies in this result's own storage for unescaped strings (used by tests and
  // the fuzzer to check that every view points into the body or here).
  bool OwnsView(std::string_view view) const { return arena_.Contains(view.data(), view.size()); }

 private:
  friend class LineParser;

  StringArena arena_;
  // Scratch set for duplicate key detection in lines with very many keys.
  absl::flat_hash_set<std::string_view> key_set_;
};

// Parses `body` (any bytes; UTF-8 expected) into `result`, which is cleared first. Never fails
// as a whole: bad lines end up in result->errors. Blank lines, lines of only whitespace and
// comment lines (`#` after optional whitespace) are skipped. REQUIRES: body.size() < 4 GiB.
void Parse(std::string_view body, const ParseOptions& options, ParseResult* result);

}  // namespace strata::lineprotocol
