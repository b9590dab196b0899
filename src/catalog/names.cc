// Validation of database, table and column names.
#include "catalog/names.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "catalog/schema.h"
#include "common/utf8.h"
#include "fmt/format.h"

namespace strata::catalog {
namespace {

constexpr size_t kMaxQuotedBytes = 100;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsControl(uint32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

absl::Status InvalidName(std::string_view what, std::string_view name, std::string_view problem) {
  return absl::InvalidArgumentError(
      fmt::format("invalid {} name {}: {}", what, QuoteName(name), problem));
}

// The rules shared by table and column names.
absl::Status ValidateUnicodeName(std::string_view what, std::string_view name, size_t max_length) {
  if (name.empty()) {
    return absl::InvalidArgumentError(fmt::format("{} name must not be empty", what));
  }
  if (name.size() > max_length) {
    return InvalidName(
        what, name, fmt::format("{} bytes long, the limit is {} bytes", name.size(), max_length));
  }
  size_t pos = 0;
  while (pos < name.size()) {
    uint32_t code_point = 0;
    size_t length = DecodeUtf8(name, pos, &code_point);
    if (length == 0) {
      return InvalidName(what, name, fmt::format("not valid UTF-8 at byte {}", pos));
    }
    if (IsControl(code_point)) {
      return InvalidName(
          what,
          name,
          fmt::format("contains the control character U+{:04X} at byte {}", code_point, pos));
    }
    pos += length;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDatabaseName(std::string_view name) {
  constexpr std::string_view kWhat = "database";
  if (name.empty()) {
    return absl::InvalidArgumentError("database name must not be empty");
  }
  if (name.size() > kMaxDatabaseNameLength) {
    return InvalidName(
        kWhat,
        name,
        fmt::format(
            "{} characters long, the limit is {} characters", name.size(), kMaxDatabaseNameLength));
  }
  if (!IsAsciiAlnum(name[0])) {
    return InvalidName(kWhat, name, "must start with an ASCII letter or digit");
  }
  size_t slashes = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (IsAsciiAlnum(c) || c == '_' || c == '-') {
      continue;
    }
    if (c == '/') {
      if (++slashes > 1) {
        return InvalidName(kWhat, name, "contains more than one '/'");
      }
      if (i + 1 == name.size()) {
        return InvalidName(kWhat, name, "must not end with '/'");
      }
      continue;
    }
    std::string shown = (static_cast<uint8_t>(c) >= 0x20 && static_cast<uint8_t>(c) < 0x7F)
                            ? fmt::format("'{}'", c)
                            : fmt::format("byte 0x{:02X}", static_cast<uint8_t>(c));
    return InvalidName(kWhat,
                       name,
                       fmt::format("contains {} at position {}; only ASCII letters, digits, '_', "
                                   "'-' and one '/' are allowed",
                                   shown,
                                   i));
  }
  return absl::OkStatus();
}

absl::Status ValidateTableName(std::string_view name) {
  return ValidateUnicodeName("table", name, kMaxTableNameLength);
}

absl::Status ValidateColumnName(std::string_view name) {
  if (name == kTimeColumnName) {
    return absl::InvalidArgumentError(
        fmt::format("invalid column name '{}': '{}' is a reserved column (the timestamp)",
                    kTimeColumnName,
                    kTimeColumnName));
  }
  return ValidateUnicodeName("column", name, kMaxColumnNameLength);
}

std::string QuoteName(std::string_view name) {
  std::string out;
  out.reserve(std::min(name.size(), kMaxQuotedBytes) + 8);
  out.push_back('\'');
  size_t pos = 0;
  while (pos < name.size()) {
    if (pos >= kMaxQuotedBytes) {
      out += "...";
      break;
    }
    uint32_t code_point = 0;
    size_t length = DecodeUtf8(name, pos, &code_point);
    if (length == 0 || IsControl(code_point)) {
      // A C1 control is two bytes in UTF-8: show each.
      size_t shown = length == 0 ? 1 : length;
      for (size_t i = 0; i < shown; ++i) {
        out += fmt::format("\\x{:02X}", static_cast<uint8_t>(name[pos + i]));
      }
      pos += shown;
      continue;
    }
    out.append(name.substr(pos, length));
    pos += length;
  }
  out.push_back('\'');
  return out;
}

}  // namespace strata::catalog
