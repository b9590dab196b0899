// Keyword table and token names.
#include "influxql/token.h"

#include <array>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace strata::influxql {
namespace {

// Indexed by the Keyword enumerator; entry 0 is kNone.
constexpr auto kKeywordSpellings =
    std::to_array<std::string_view>({"",
#define STRATA_INFLUXQL_KEYWORD_SPELLING(name, spelling) spelling,
                                     STRATA_INFLUXQL_KEYWORDS(STRATA_INFLUXQL_KEYWORD_SPELLING)
#undef STRATA_INFLUXQL_KEYWORD_SPELLING
    });

char ToLowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

char ToUpperAscii(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

const std::array<std::string, kKeywordSpellings.size()>& UpperCaseNames() {
  static const auto* names = [] {
    auto* result = new std::array<std::string, kKeywordSpellings.size()>();
    for (size_t i = 0; i < kKeywordSpellings.size(); ++i) {
      for (const char c : kKeywordSpellings[i]) {
        (*result)[i] += ToUpperAscii(c);
      }
    }
    return result;
  }();
  return *names;
}

const absl::flat_hash_map<std::string_view, Keyword>& KeywordsBySpelling() {
  static const auto* map = [] {
    auto* result = new absl::flat_hash_map<std::string_view, Keyword>();
    for (size_t i = 1; i < kKeywordSpellings.size(); ++i) {
      result->emplace(kKeywordSpellings[i], static_cast<Keyword>(i));
    }
    return result;
  }();
  return *map;
}

// The longest keyword ("subscriptions"); longer words are never keywords.
constexpr size_t kMaxKeywordLength = 13;

}  // namespace

Keyword LookupKeyword(std::string_view word) {
  if (word.empty() || word.size() > kMaxKeywordLength) {
    return Keyword::kNone;
  }
  char lower[kMaxKeywordLength];
  for (size_t i = 0; i < word.size(); ++i) {
    lower[i] = ToLowerAscii(word[i]);
  }
  const auto& map = KeywordsBySpelling();
  const auto it = map.find(std::string_view(lower, word.size()));
  return it == map.end() ? Keyword::kNone : it->second;
}

std::string_view KeywordName(Keyword keyword) {
  return UpperCaseNames()[static_cast<size_t>(keyword)];
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kKeyword:
      return "keyword";
    case TokenKind::kString:
      return "string";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kDuration:
      return "duration";
    case TokenKind::kRegex:
      return "regular expression";
    case TokenKind::kBoundParameter:
      return "bound parameter";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kAmpersand:
      return "'&'";
    case TokenKind::kPipe:
      return "'|'";
    case TokenKind::kCaret:
      return "'^'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNotEq:
      return "'!='";
    case TokenKind::kEqRegex:
      return "'=~'";
    case TokenKind::kNotEqRegex:
      return "'!~'";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLtEq:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGtEq:
      return "'>='";
    case TokenKind::kLeftParen:
      return "'('";
    case TokenKind::kRightParen:
      return "')'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kSemicolon:
      return "';'";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kDoubleColon:
      return "'::'";
    case TokenKind::kInvalid:
      return "invalid token";
  }
  return "token";
}

}  // namespace strata::influxql
