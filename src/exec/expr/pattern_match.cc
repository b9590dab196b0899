// LIKE and regular expression kernels.
#include "exec/expr/pattern_match.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/status.h"
#include "exec/expr/datum_access.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// Evaluates `predicate(string) != negated` for every row of a string column (nulls stay null).
// A dictionary column evaluates the predicate once per code when that is cheaper than per row.
template <typename Predicate>
ColumnPtr MatchColumn(const Column& input, bool negated, Predicate&& predicate) {
  const int64_t n = input.size();
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  const uint64_t* valid = ValidityWords(input);
  const auto flip = static_cast<uint8_t>(negated ? 1 : 0);
  if (input.type() == TypeId::kDictionary && input.dictionary()->size() <= n) {
    const StringDictionary& dictionary = *input.dictionary();
    std::vector<uint8_t> table(static_cast<size_t>(dictionary.size()));
    for (int32_t c = 0; c < dictionary.size(); ++c) {
      table[static_cast<size_t>(c)] = static_cast<uint8_t>(predicate(dictionary.Value(c))) ^ flip;
    }
    const int32_t* codes = input.data<int32_t>();
    const auto size = static_cast<uint32_t>(table.size());
    for (int64_t i = 0; i < n; ++i) {
      const auto code = static_cast<uint32_t>(codes[i]);
      dst[i] = code < size ? table[code] : 0;
    }
  } else {
    StringReader strings(input);
    for (int64_t i = 0; i < n; ++i) {
      if (RowIsValid(valid, i)) {
        dst[i] = static_cast<uint8_t>(predicate(strings[i])) ^ flip;
      }
    }
  }
  return FinishColumn(std::move(out), CopyValidity(valid, n));
}

bool IsNullDatum(const Datum& d) {
  return d.type() == TypeId::kNull || (d.is_scalar() && d.scalar().is_null());
}

// Matches where the pattern varies per row: each distinct pattern is compiled once.
template <typename Compiled, typename Compile, typename Match>
absl::StatusOr<Datum> MatchPerRowPattern(
    const Datum& input, const Datum& pattern, bool negated, Compile compile, Match match) {
  const int64_t n = input.is_column()     ? input.column()->size()
                    : pattern.is_column() ? pattern.column()->size()
                                          : 1;
  DatumReader values(input);
  DatumReader patterns(pattern);
  absl::flat_hash_map<std::string, Compiled> cache;
  auto out = std::make_shared<Column>(TypeId::kBool);
  out->Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    if (values.IsNull(i) || patterns.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    const std::string_view p = patterns.String(i);
    auto it = cache.find(absl::string_view(p.data(), p.size()));
    if (it == cache.end()) {
      STRATA_ASSIGN_OR_RETURN(Compiled compiled, compile(p));
      it = cache.emplace(std::string(p), std::move(compiled)).first;
    }
    out->AppendBool(match(it->second, values.String(i)) != negated);
  }
  if (input.is_scalar() && pattern.is_scalar()) {
    return Datum(ScalarAt(*out, 0));
  }
  return Datum(ColumnPtr(std::move(out)));
}

}  // namespace

absl::StatusOr<LikePattern> LikePattern::Compile(std::string_view pattern, bool case_insensitive) {
  // Tokens: literal text runs, '%' and '_'.
  std::string regex = "(?s)";
  std::string literal;
  bool has_underscore = false;
  std::vector<size_t> percent_positions;  // offsets into `literal` where a % stood
  bool previous_percent = false;
  std::string run;
  auto flush_run = [&]() {
    regex += RE2::QuoteMeta(run);
    run.clear();
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 == pattern.size()) {
        return absl::InvalidArgumentError("LIKE pattern must not end with escape character");
      }
      c = pattern[++i];
      literal += c;
      run += c;
      previous_percent = false;
      continue;
    }
    if (c == '%') {
      flush_run();
      if (!previous_percent) {
        regex += ".*";
        percent_positions.push_back(literal.size());
      }
      previous_percent = true;
      continue;
    }
    previous_percent = false;
    if (c == '_') {
      flush_run();
      regex += '.';
      has_underscore = true;
      continue;
    }
    literal += c;
    run += c;
  }
  flush_run();

  LikePattern result;
  if (!case_insensitive && !has_underscore && percent_positions.size() <= 2) {
    const size_t end = literal.size();
    const auto& p = percent_positions;
    // Where % stood decides the shape: none (exact), end (prefix), start (suffix), both.
    std::optional<Kind> kind;
    if (p.empty()) {
      kind = Kind::kExact;
    } else if (p.size() == 1 && p[0] == end && end > 0) {
      kind = Kind::kPrefix;
    } else if (p.size() == 1 && p[0] == 0) {
      kind = Kind::kSuffix;  // also the bare `%`: every string ends with ""
    } else if (p.size() == 2 && p[0] == 0 && p[1] == end) {
      kind = Kind::kContains;
    }
    if (kind.has_value()) {
      result.kind_ = *kind;
      result.literal_ = std::move(literal);
      return result;
    }
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!case_insensitive);
  auto compiled = std::make_shared<RE2>(regex, options);
  if (!compiled->ok()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid LIKE pattern '{}': {}", pattern, compiled->error()));
  }
  result.kind_ = Kind::kRegex;
  result.regex_ = std::move(compiled);
  return result;
}

bool LikePattern::Matches(std::string_view value) const {
  switch (kind_) {
    case Kind::kExact:
      return value == literal_;
    case Kind::kPrefix:
      return value.starts_with(literal_);
    case Kind::kSuffix:
      return value.ends_with(literal_);
    case Kind::kContains:
      return value.find(literal_) != std::string_view::npos;
    case Kind::kRegex:
      break;
  }
  return RE2::FullMatch(value, *regex_);
}

absl::StatusOr<std::shared_ptr<const RE2>> CompileRegex(std::string_view pattern,
                                                        std::string_view flags) {
  RE2::Options options;
  options.set_log_errors(false);
  bool dot_nl = false;
  bool multi_line = false;
  for (char f : flags) {
    switch (f) {
      case 'i':
        options.set_case_sensitive(false);
        break;
      case 'c':
        options.set_case_sensitive(true);
        break;
      case 's':
        dot_nl = true;
        break;
      case 'm':
      case 'n':
        multi_line = true;
        break;
      case 'g':
        break;
      default:
        return absl::InvalidArgumentError(fmt::format("invalid regular expression flag '{}'", f));
    }
  }
  options.set_dot_nl(dot_nl);
  options.set_never_nl(false);
  options.set_posix_syntax(false);
  std::string full(pattern);
  if (multi_line) {
    full = "(?m)" + full;
  }
  auto compiled = std::make_shared<RE2>(full, options);
  if (!compiled->ok()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid regular expression '{}': {}", pattern, compiled->error()));
  }
  return std::shared_ptr<const RE2>(std::move(compiled));
}

absl::StatusOr<Datum> EvaluateLike(const Datum& input,
                                   const Datum& pattern,
                                   bool case_insensitive,
                                   bool negated,
                                   const LikePattern* compiled) {
  if (IsNullDatum(input) || IsNullDatum(pattern)) {
    return Datum(Scalar::Null(TypeId::kBool));
  }
  std::optional<LikePattern> local;
  if (compiled == nullptr && pattern.is_scalar()) {
    STRATA_ASSIGN_OR_RETURN(
        local, LikePattern::Compile(pattern.scalar().string_value(), case_insensitive));
    compiled = &*local;
  }
  if (compiled != nullptr) {
    if (input.is_scalar()) {
      return Datum(Scalar::Bool(compiled->Matches(input.scalar().string_value()) != negated));
    }
    return Datum(MatchColumn(
        *input.column(), negated, [compiled](std::string_view s) { return compiled->Matches(s); }));
  }
  return MatchPerRowPattern<LikePattern>(
      input,
      pattern,
      negated,
      [case_insensitive](std::string_view p) { return LikePattern::Compile(p, case_insensitive); },
      [](const LikePattern& p, std::string_view s) { return p.Matches(s); });
}

absl::StatusOr<Datum> EvaluateRegexMatch(const Datum& input,
                                         const Datum& pattern,
                                         bool case_insensitive,
                                         bool negated,
                                         const RE2* compiled) {
  if (IsNullDatum(input) || IsNullDatum(pattern)) {
    return Datum(Scalar::Null(TypeId::kBool));
  }
  const std::string_view flags = case_insensitive ? "i" : "";
  std::shared_ptr<const RE2> local;
  if (compiled == nullptr && pattern.is_scalar()) {
    STRATA_ASSIGN_OR_RETURN(local, CompileRegex(pattern.scalar().string_value(), flags));
    compiled = local.get();
  }
  if (compiled != nullptr) {
    if (input.is_scalar()) {
      return Datum(
          Scalar::Bool(RE2::PartialMatch(input.scalar().string_value(), *compiled) != negated));
    }
    return Datum(MatchColumn(*input.column(), negated, [compiled](std::string_view s) {
      return RE2::PartialMatch(s, *compiled);
    }));
  }
  return MatchPerRowPattern<std::shared_ptr<const RE2>>(
      input,
      pattern,
      negated,
      [flags](std::string_view p) { return CompileRegex(p, flags); },
      [](const std::shared_ptr<const RE2>& re, std::string_view s) {
        return RE2::PartialMatch(s, *re);
      });
}

}  // namespace strata::exec
