// The InfluxQL lexer: one token per call, at an offset the parser chooses. Every error names its
// position.
#include "influxql/lexer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/check.h"
#include "common/status.h"
#include "common/utf8.h"
#include "fmt/format.h"
#include "sql/source_position.h"

namespace strata::influxql {
namespace {

using sql::SyntaxError;

// "µ" (U+00B5 MICRO SIGN) in UTF-8, the microsecond unit of durations.
constexpr std::string_view kMicroSign = "\xC2\xB5";

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsIdentifierPart(char c) {
  return IsLetter(c) || IsDigit(c) || c == '_';
}
bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Lexer::Lexer(std::string_view text, size_t max_literal_bytes)
    : text_(text), max_literal_bytes_(max_literal_bytes) {}

absl::Status Lexer::CheckText() const {
  if (const size_t bad = FindInvalidUtf8(text_); bad != std::string_view::npos) {
    return SyntaxError(text_, bad, "invalid UTF-8");
  }
  if (const size_t nul = text_.find('\0'); nul != std::string_view::npos) {
    return SyntaxError(text_, nul, "unexpected NUL character");
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Lexer::SkipWhitespaceAndComments(size_t pos) const {
  while (pos < text_.size()) {
    const char c = text_[pos];
    if (IsWhitespace(c)) {
      ++pos;
    } else if (c == '-' && At(pos + 1) == '-') {
      const size_t newline = text_.find('\n', pos);
      pos = newline == std::string_view::npos ? text_.size() : newline + 1;
    } else if (c == '/' && At(pos + 1) == '*') {
      const size_t close = text_.find("*/", pos + 2);
      if (close == std::string_view::npos) {
        return SyntaxError(text_, pos, "unterminated /* comment");
      }
      pos = close + 2;
    } else {
      break;
    }
  }
  return pos;
}

Token Lexer::MakeToken(TokenKind kind, size_t start, size_t end) const {
  Token token;
  token.kind = kind;
  token.offset = start;
  token.length = end - start;
  return token;
}

absl::Status Lexer::CheckLength(size_t start, size_t bytes, std::string_view what) const {
  if (bytes > max_literal_bytes_) {
    return SyntaxError(
        text_,
        start,
        fmt::format("{} is too long ({} bytes; the limit is {})", what, bytes, max_literal_bytes_));
  }
  return absl::OkStatus();
}

absl::Status Lexer::InvalidEscape(size_t pos, std::string_view what) const {
  constexpr std::string_view kEscapes = "(the escapes are \\n, \\\\, \\' and \\\")";
  const unsigned char next = static_cast<unsigned char>(text_[pos + 1]);
  if (next < 0x20 || next == 0x7F) {
    return SyntaxError(text_, pos, fmt::format("invalid escape sequence in {} {}", what, kEscapes));
  }
  uint32_t code_point = 0;
  const size_t length = std::max<size_t>(1, DecodeUtf8(text_, pos + 1, &code_point));
  return SyntaxError(
      text_,
      pos,
      fmt::format(
          "invalid escape sequence \\{} in {} {}", text_.substr(pos + 1, length), what, kEscapes));
}

absl::Status Lexer::UnexpectedCharacter(size_t pos) const {
  const unsigned char c = static_cast<unsigned char>(text_[pos]);
  if (c < 0x20 || c == 0x7F) {
    return SyntaxError(text_, pos, fmt::format("unexpected character U+{:04X}", c));
  }
  uint32_t code_point = 0;
  const size_t length = std::max<size_t>(1, DecodeUtf8(text_, pos, &code_point));
  return SyntaxError(
      text_, pos, fmt::format("unexpected character '{}'", text_.substr(pos, length)));
}

absl::StatusOr<Token> Lexer::Scan(size_t offset) const {
  STRATA_ASSIGN_OR_RETURN(const size_t start, SkipWhitespaceAndComments(offset));
  if (start >= text_.size()) {
    return MakeToken(TokenKind::kEnd, text_.size(), text_.size());
  }
  const char c = text_[start];
  if (IsLetter(c) || c == '_') {
    return ScanWord(start);
  }
  if (IsDigit(c) || (c == '.' && IsDigit(At(start + 1)))) {
    return ScanNumber(start);
  }
  auto single = [&](TokenKind kind) { return MakeToken(kind, start, start + 1); };
  auto pair = [&](TokenKind kind) { return MakeToken(kind, start, start + 2); };
  switch (c) {
    case '"':
      return ScanQuoted(start, TokenKind::kIdentifier, "quoted identifier");
    case '\'':
      return ScanQuoted(start, TokenKind::kString, "string literal");
    case '$':
      return ScanBoundParameter(start);
    case '+':
      return single(TokenKind::kPlus);
    case '-':
      return single(TokenKind::kMinus);
    case '*':
      return single(TokenKind::kStar);
    case '/':
      return single(TokenKind::kSlash);
    case '%':
      return single(TokenKind::kPercent);
    case '&':
      return single(TokenKind::kAmpersand);
    case '|':
      return single(TokenKind::kPipe);
    case '^':
      return single(TokenKind::kCaret);
    case '(':
      return single(TokenKind::kLeftParen);
    case ')':
      return single(TokenKind::kRightParen);
    case ',':
      return single(TokenKind::kComma);
    case ';':
      return single(TokenKind::kSemicolon);
    case '.':
      return single(TokenKind::kDot);
    case '=':
      return At(start + 1) == '~' ? pair(TokenKind::kEqRegex) : single(TokenKind::kEq);
    case '!':
      if (At(start + 1) == '=') {
        return pair(TokenKind::kNotEq);
      }
      if (At(start + 1) == '~') {
        return pair(TokenKind::kNotEqRegex);
      }
      break;
    case '<':
      if (At(start + 1) == '=') {
        return pair(TokenKind::kLtEq);
      }
      if (At(start + 1) == '>') {
        return pair(TokenKind::kNotEq);
      }
      return single(TokenKind::kLt);
    case '>':
      return At(start + 1) == '=' ? pair(TokenKind::kGtEq) : single(TokenKind::kGt);
    case ':':
      if (At(start + 1) == ':') {
        return pair(TokenKind::kDoubleColon);
      }
      break;
    default:
      break;
  }
  return UnexpectedCharacter(start);
}

absl::StatusOr<Token> Lexer::ScanWord(size_t start) const {
  size_t end = start;
  while (end < text_.size() && IsIdentifierPart(text_[end])) {
    ++end;
  }
  STRATA_RETURN_IF_ERROR(CheckLength(start, end - start, "identifier"));
  const std::string_view word = text_.substr(start, end - start);
  const Keyword keyword = LookupKeyword(word);
  Token token = MakeToken(
      keyword == Keyword::kNone ? TokenKind::kIdentifier : TokenKind::kKeyword, start, end);
  token.keyword = keyword;
  token.text = std::string(word);
  return token;
}

absl::StatusOr<Token> Lexer::ScanNumber(size_t start) const {
  size_t end = start;
  while (end < text_.size() && IsDigit(text_[end])) {
    ++end;
  }
  TokenKind kind = TokenKind::kInteger;
  if (At(end) == '.') {
    // `1.5`, `.5`, and `1.` as influxql's scanner reads it (the number 1).
    kind = TokenKind::kNumber;
    ++end;
    while (end < text_.size() && IsDigit(text_[end])) {
      ++end;
    }
  } else if (IsLetter(At(end)) || text_.substr(end).starts_with(kMicroSign)) {
    kind = TokenKind::kDuration;
    while (end < text_.size()) {
      if (IsLetter(text_[end]) || IsDigit(text_[end])) {
        ++end;
      } else if (text_.substr(end).starts_with(kMicroSign)) {
        end += kMicroSign.size();
      } else {
        break;
      }
    }
  }
  STRATA_RETURN_IF_ERROR(CheckLength(start, end - start, "number"));
  Token token = MakeToken(kind, start, end);
  token.text = std::string(text_.substr(start, end - start));
  return token;
}

absl::StatusOr<Token> Lexer::ScanQuoted(size_t start, TokenKind kind, std::string_view what) const {
  const char quote = text_[start];
  std::string value;
  size_t pos = start + 1;
  while (true) {
    if (pos >= text_.size()) {
      return SyntaxError(text_, start, fmt::format("unterminated {}", what));
    }
    const char c = text_[pos];
    if (c == quote) {
      ++pos;
      break;
    }
    if (c == '\n') {
      return SyntaxError(
          text_, pos, fmt::format("line break in {} (write \\n for a newline)", what));
    }
    if (c == '\\') {
      if (pos + 1 >= text_.size()) {
        return SyntaxError(text_, start, fmt::format("unterminated {}", what));
      }
      const char next = text_[pos + 1];
      if (next == 'n') {
        value += '\n';
      } else if (next == '\\' || next == '\'' || next == '"') {
        value += next;
      } else {
        return InvalidEscape(pos, what);
      }
      pos += 2;
      continue;
    }
    value += c;
    ++pos;
  }
  STRATA_RETURN_IF_ERROR(CheckLength(start, value.size(), what));
  if (kind == TokenKind::kIdentifier && value.empty()) {
    return SyntaxError(text_, start, fmt::format("empty {}", what));
  }
  Token token = MakeToken(kind, start, pos);
  token.quoted = kind == TokenKind::kIdentifier;
  token.text = std::move(value);
  return token;
}

absl::StatusOr<Token> Lexer::ScanBoundParameter(size_t start) const {
  if (At(start + 1) == '"') {
    absl::StatusOr<Token> name =
        ScanQuoted(start + 1, TokenKind::kIdentifier, "quoted parameter name");
    if (!name.ok()) {
      return name.status();
    }
    Token token = MakeToken(TokenKind::kBoundParameter, start, name->end());
    token.text = std::move(name->text);
    return token;
  }
  size_t end = start + 1;
  while (end < text_.size() && IsIdentifierPart(text_[end])) {
    ++end;
  }
  if (end == start + 1) {
    return SyntaxError(text_, start, "expected a parameter name after '$'");
  }
  STRATA_RETURN_IF_ERROR(CheckLength(start, end - start - 1, "parameter name"));
  Token token = MakeToken(TokenKind::kBoundParameter, start, end);
  token.text = std::string(text_.substr(start + 1, end - start - 1));
  return token;
}

absl::StatusOr<Token> Lexer::ScanRegex(size_t offset) const {
  STRATA_CHECK(At(offset) == '/');
  std::string pattern;
  size_t pos = offset + 1;
  while (true) {
    if (pos >= text_.size()) {
      return SyntaxError(text_, offset, "unterminated regular expression");
    }
    const char c = text_[pos];
    if (c == '/') {
      ++pos;
      break;
    }
    if (c == '\n') {
      return SyntaxError(text_, pos, "line break in regular expression");
    }
    if (c == '\\' && At(pos + 1) == '/') {
      pattern += '/';
      pos += 2;
      continue;
    }
    // Any other backslash stays, and the character after it is read on its own (so `\\/` is a
    // backslash followed by an escaped slash, as in influxql's scanner).
    pattern += c;
    ++pos;
  }
  STRATA_RETURN_IF_ERROR(CheckLength(offset, pattern.size(), "regular expression"));
  Token token = MakeToken(TokenKind::kRegex, offset, pos);
  token.text = std::move(pattern);
  return token;
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text, size_t max_literal_bytes) {
  const Lexer lexer(text, max_literal_bytes);
  STRATA_RETURN_IF_ERROR(lexer.CheckText());
  std::vector<Token> tokens;
  size_t offset = 0;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(Token token, lexer.Scan(offset));
    offset = token.end();
    const bool end = token.kind == TokenKind::kEnd;
    tokens.push_back(std::move(token));
    if (end) {
      return tokens;
    }
  }
}

}  // namespace strata::influxql
