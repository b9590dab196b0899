// Keyword table and token names.
#include "sql/token.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace strata::sql {
namespace {

struct KeywordInfo {
  std::string_view lower;
  bool reserved;
};

// Indexed by the Keyword enumerator; entry 0 is kNone.
constexpr auto kKeywords = std::to_array<KeywordInfo>({{"", false},
#define STRATA_SQL_KEYWORD_INFO(name, spelling, reserved) {spelling, reserved},
                                                       STRATA_SQL_KEYWORDS(STRATA_SQL_KEYWORD_INFO)
#undef STRATA_SQL_KEYWORD_INFO
});

// Upper-case spellings, built once.
const std::array<std::string, kKeywords.size()>& UpperCaseNames() {
  static const auto* names = [] {
    auto* result = new std::array<std::string, kKeywords.size()>();
    for (size_t i = 0; i < kKeywords.size(); ++i) {
      std::string upper(kKeywords[i].lower);
      for (char& c : upper) {
        if (c >= 'a' && c <= 'z') {
          c = static_cast<char>(c - 'a' + 'A');
        }
      }
      (*result)[i] = std::move(upper);
    }
    return result;
  }();
  return *names;
}

const absl::flat_hash_map<std::string_view, Keyword>& KeywordsBySpelling() {
  static const auto* map = [] {
    auto* result = new absl::flat_hash_map<std::string_view, Keyword>();
    for (size_t i = 1; i < kKeywords.size(); ++i) {
      result->emplace(kKeywords[i].lower, static_cast<Keyword>(i));
    }
    return result;
  }();
  return *map;
}

}  // namespace

Keyword LookupKeyword(std::string_view lower_case_word) {
  const auto& map = KeywordsBySpelling();
  const auto it = map.find(lower_case_word);
  return it == map.end() ? Keyword::kNone : it->second;
}

std::string_view KeywordName(Keyword keyword) {
  return UpperCaseNames()[static_cast<size_t>(keyword)];
}

bool IsReservedKeyword(Keyword keyword) {
  return kKeywords[static_cast<size_t>(keyword)].reserved;
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kWord:
      return "identifier";
    case TokenKind::kQuotedIdentifier:
      return "quoted identifier";
    case TokenKind::kString:
      return "string literal";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kDecimal:
      return "number";
    case TokenKind::kParameter:
      return "parameter";
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
    case TokenKind::kConcat:
      return "'||'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNotEq:
      return "'<>'";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLtEq:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGtEq:
      return "'>='";
    case TokenKind::kTilde:
      return "'~'";
    case TokenKind::kTildeStar:
      return "'~*'";
    case TokenKind::kNotTilde:
      return "'!~'";
    case TokenKind::kNotTildeStar:
      return "'!~*'";
    case TokenKind::kDoubleColon:
      return "'::'";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kLeftParen:
      return "'('";
    case TokenKind::kRightParen:
      return "')'";
    case TokenKind::kLeftBracket:
      return "'['";
    case TokenKind::kRightBracket:
      return "']'";
    case TokenKind::kSemicolon:
      return "';'";
  }
  return "token";
}

}  // namespace strata::sql
