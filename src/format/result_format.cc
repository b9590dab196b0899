// Format names, Accept-header negotiation and content types.
#include "format/result_format.h"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace strata::format {
namespace {

// absl's string helpers take absl::string_view, which is not std::string_view with Debian's
// abseil, so the little text handling needed here is done by hand.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && IsSpace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return lower;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) {
      return parts;
    }
    text.remove_prefix(at + 1);
  }
}

// What the Accept header can name for one format. `family` is the major type that a `family/*`
// range matches.
struct MediaTypes {
  ResultFormat format;
  std::array<std::string_view, 2> exact;
  std::string_view family;
};

// In order of preference when a wildcard leaves the choice to us.
constexpr MediaTypes kMediaTypes[] = {
    {ResultFormat::kJson, {"application/json", "text/html"}, "application"},
    {ResultFormat::kCsv, {"text/csv", ""}, "text"},
    {ResultFormat::kPretty, {"text/plain", ""}, "text"},
    {ResultFormat::kJsonLines, {"application/jsonl", "application/x-ndjson"}, "application"},
    {ResultFormat::kParquet, {"application/vnd.apache.parquet", ""}, "application"},
};

struct MediaRange {
  std::string type;     // lower case, e.g. "text"
  std::string subtype;  // lower case, e.g. "csv" or "*"
  double q = 1.0;
};

// Parses an RFC 9110 qvalue: 0, 1, or a fraction with up to three decimals.
std::optional<double> ParseQuality(std::string_view text) {
  double q = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), q);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() || q < 0 || q > 1) {
    return std::nullopt;
  }
  return q;
}

// Parses one element of the header, e.g. "text/csv; charset=utf-8; q=0.5". Returns nullopt for
// a malformed element, which is then ignored.
std::optional<MediaRange> ParseMediaRange(std::string_view element) {
  const std::vector<std::string_view> parts = Split(element, ';');
  const std::string_view media_type = Trim(parts[0]);
  const size_t slash = media_type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == media_type.size()) {
    return std::nullopt;
  }
  MediaRange range;
  range.type = ToLower(Trim(media_type.substr(0, slash)));
  range.subtype = ToLower(Trim(media_type.substr(slash + 1)));
  if (range.type == "*" && range.subtype != "*") {
    return std::nullopt;
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string_view parameter = Trim(parts[i]);
    const size_t equals = parameter.find('=');
    if (equals == std::string_view::npos) {
      continue;
    }
    if (ToLower(Trim(parameter.substr(0, equals))) == "q") {
      const std::optional<double> q = ParseQuality(Trim(parameter.substr(equals + 1)));
      if (!q.has_value()) {
        return std::nullopt;
      }
      range.q = *q;
    }
  }
  return range;
}

// How specifically `range` names one of `types`: 3 exactly, 2 as family/*, 1 as */*, else 0.
int Specificity(const MediaRange& range, const MediaTypes& types) {
  if (range.type == "*") {
    return 1;
  }
  if (range.subtype == "*") {
    return range.type == types.family ? 2 : 0;
  }
  for (std::string_view exact : types.exact) {
    if (!exact.empty() && exact.size() == range.type.size() + 1 + range.subtype.size() &&
        exact.substr(0, range.type.size()) == range.type && exact[range.type.size()] == '/' &&
        exact.substr(range.type.size() + 1) == range.subtype) {
      return 3;
    }
  }
  return 0;
}

}  // namespace

std::string_view FormatName(ResultFormat format) {
  switch (format) {
    case ResultFormat::kJson:
      return "json";
    case ResultFormat::kJsonLines:
      return "jsonl";
    case ResultFormat::kCsv:
      return "csv";
    case ResultFormat::kPretty:
      return "pretty";
    case ResultFormat::kParquet:
      return "parquet";
  }
  return "unknown";
}

absl::StatusOr<ResultFormat> ParseResultFormat(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "json") {
    return ResultFormat::kJson;
  }
  if (lower == "jsonl" || lower == "json_lines") {
    return ResultFormat::kJsonLines;
  }
  if (lower == "csv") {
    return ResultFormat::kCsv;
  }
  if (lower == "pretty") {
    return ResultFormat::kPretty;
  }
  if (lower == "parquet") {
    return ResultFormat::kParquet;
  }
  return absl::InvalidArgumentError(fmt::format(
      "unknown result format '{}': expected one of json, jsonl, csv, pretty, parquet", name));
}

std::optional<ResultFormat> ResultFormatFromAccept(std::string_view accept) {
  if (Trim(accept).empty()) {
    return ResultFormat::kJson;
  }
  std::vector<MediaRange> ranges;
  for (std::string_view element : Split(accept, ',')) {
    if (Trim(element).empty()) {
      continue;
    }
    if (std::optional<MediaRange> range = ParseMediaRange(element)) {
      ranges.push_back(std::move(*range));
    }
  }

  struct Candidate {
    double q = 0;
    size_t position = 0;
    int specificity = 0;
  };
  std::optional<ResultFormat> best;
  Candidate best_candidate;
  for (const MediaTypes& types : kMediaTypes) {
    // The most specific range naming this format decides its quality (RFC 9110, 12.5.1).
    Candidate candidate;
    for (size_t i = 0; i < ranges.size(); ++i) {
      const int specificity = Specificity(ranges[i], types);
      if (specificity > candidate.specificity ||
          (specificity == candidate.specificity && specificity > 0 && ranges[i].q > candidate.q)) {
        candidate = {ranges[i].q, i, specificity};
      }
    }
    if (candidate.specificity == 0 || candidate.q <= 0) {
      continue;
    }
    // Higher quality wins, then the range listed first; kMediaTypes' order breaks what is left.
    if (!best.has_value() || candidate.q > best_candidate.q ||
        (candidate.q == best_candidate.q && candidate.position < best_candidate.position)) {
      best = types.format;
      best_candidate = candidate;
    }
  }
  return best;
}

std::string_view ContentType(ResultFormat format) {
  switch (format) {
    case ResultFormat::kJson:
      return "application/json";
    case ResultFormat::kJsonLines:
      return "application/jsonl";
    case ResultFormat::kCsv:
      return "text/csv";
    case ResultFormat::kPretty:
      return "text/plain; charset=utf-8";
    case ResultFormat::kParquet:
      return "application/vnd.apache.parquet";
  }
  return "application/octet-stream";
}

}  // namespace strata::format
