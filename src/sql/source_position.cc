// Offset to line/column conversion and syntax error construction.
#include "sql/source_position.h"

#include <charconv>
#include <string>

#include "absl/strings/cord.h"
#include "fmt/format.h"

namespace strata::sql {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

LineColumn OffsetToLineColumn(std::string_view sql, size_t offset) {
  if (offset > sql.size()) {
    offset = sql.size();
  }
  LineColumn result;
  for (size_t i = 0; i < offset; ++i) {
    const char c = sql[i];
    if (c == '\n') {
      ++result.line;
      result.column = 1;
    } else if (!IsContinuationByte(c)) {
      ++result.column;
    }
  }
  // Inside a multi-byte character: the loop counted its first byte, so step back to it.
  if (offset < sql.size() && IsContinuationByte(sql[offset]) && result.column > 1) {
    --result.column;
  }
  return result;
}

absl::Status SyntaxError(std::string_view sql, size_t offset, std::string_view message) {
  const LineColumn position = OffsetToLineColumn(sql, offset);
  absl::Status status = absl::InvalidArgumentError(fmt::format(
      "syntax error at line {}, column {}: {}", position.line, position.column, message));
  status.SetPayload(absl::string_view(kSyntaxErrorOffsetUrl.data(), kSyntaxErrorOffsetUrl.size()),
                    absl::Cord(std::to_string(offset)));
  return status;
}

std::optional<size_t> SyntaxErrorOffset(const absl::Status& status) {
  const auto payload = status.GetPayload(
      absl::string_view(kSyntaxErrorOffsetUrl.data(), kSyntaxErrorOffsetUrl.size()));
  if (!payload.has_value()) {
    return std::nullopt;
  }
  const std::string text(*payload);
  size_t offset = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), offset);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return offset;
}

std::string AbbreviateForMessage(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  size_t cut = max_bytes;
  while (cut > 0 && IsContinuationByte(text[cut])) {
    --cut;
  }
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace strata::sql
