// The SQL lexer. A single forward pass over the text; every error names its position.
#include "sql/lexer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/utf8.h"
#include "fmt/format.h"
#include "sql/source_position.h"

namespace strata::sql {
namespace {

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsNonAscii(char c) {
  return static_cast<unsigned char>(c) >= 0x80;
}
bool IsWordStart(char c) {
  return IsAsciiLetter(c) || c == '_' || IsNonAscii(c);
}
bool IsWordPart(char c) {
  return IsWordStart(c) || IsDigit(c) || c == '$';
}
bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
int HexValue(char c) {
  if (IsDigit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    *out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out += static_cast<char>(0xC0 | (code_point >> 6));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    *out += static_cast<char>(0xE0 | (code_point >> 12));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code_point >> 18));
    *out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  absl::StatusOr<std::vector<Token>> Run() {
    if (const size_t bad = FindInvalidUtf8(sql_); bad != std::string_view::npos) {
      return SyntaxError(sql_, bad, "invalid UTF-8");
    }
    if (const size_t nul = sql_.find('\0'); nul != std::string_view::npos) {
      return SyntaxError(sql_, nul, "unexpected NUL character");
    }
    while (true) {
      STRATA_RETURN_IF_ERROR(SkipWhitespaceAndComments());
      if (pos_ >= sql_.size()) {
        break;
      }
      STRATA_RETURN_IF_ERROR(LexToken());
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.offset = sql_.size();
    tokens_.push_back(std::move(end));
    return std::move(tokens_);
  }

 private:
  char At(size_t i) const { return i < sql_.size() ? sql_[i] : '\0'; }

  // Returns the offset just past the character that starts at `i` (the text is valid UTF-8).
  size_t CharacterEnd(size_t i) const {
    uint32_t code_point = 0;
    return i + std::max<size_t>(1, DecodeUtf8(sql_, i, &code_point));
  }

  absl::Status SkipWhitespaceAndComments() {
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (IsWhitespace(c)) {
        ++pos_;
      } else if (c == '-' && At(pos_ + 1) == '-') {
        const size_t newline = sql_.find('\n', pos_);
        pos_ = newline == std::string_view::npos ? sql_.size() : newline + 1;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        const size_t start = pos_;
        pos_ += 2;
        int64_t depth = 1;
        while (depth > 0) {
          if (pos_ + 1 >= sql_.size()) {
            return SyntaxError(sql_, start, "unterminated /* comment");
          }
          if (sql_[pos_] == '*' && sql_[pos_ + 1] == '/') {
            --depth;
            pos_ += 2;
          } else if (sql_[pos_] == '/' && sql_[pos_ + 1] == '*') {
            ++depth;
            pos_ += 2;
          } else {
            ++pos_;
          }
        }
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  void Emit(TokenKind kind, size_t start, std::string text = {}, Keyword keyword = Keyword::kNone) {
    Token token;
    token.kind = kind;
    token.keyword = keyword;
    token.offset = start;
    token.length = pos_ - start;
    token.text = std::move(text);
    tokens_.push_back(std::move(token));
  }

  absl::Status LexToken() {
    const size_t start = pos_;
    const char c = sql_[pos_];
    if ((c == 'e' || c == 'E') && At(pos_ + 1) == '\'') {
      ++pos_;
      return LexString(start, /*escapes=*/true);
    }
    if (IsWordStart(c)) {
      return LexWord(start);
    }
    if (IsDigit(c) || (c == '.' && IsDigit(At(pos_ + 1)))) {
      return LexNumber(start);
    }
    switch (c) {
      case '\'':
        return LexString(start, /*escapes=*/false);
      case '"':
        return LexQuotedIdentifier(start);
      case '$':
        return LexParameter(start);
      default:
        return LexOperator(start);
    }
  }

  absl::Status LexWord(size_t start) {
    std::string text;
    while (pos_ < sql_.size() && IsWordPart(sql_[pos_])) {
      char c = sql_[pos_++];
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
      text += c;
    }
    const Keyword keyword = LookupKeyword(text);
    Emit(TokenKind::kWord, start, std::move(text), keyword);
    return absl::OkStatus();
  }

  absl::Status LexQuotedIdentifier(size_t start) {
    ++pos_;  // The opening quote.
    std::string text;
    while (true) {
      if (pos_ >= sql_.size()) {
        return SyntaxError(sql_, start, "unterminated quoted identifier");
      }
      const char c = sql_[pos_++];
      if (c == '"') {
        if (At(pos_) == '"') {
          text += '"';
          ++pos_;
          continue;
        }
        break;
      }
      text += c;
    }
    if (text.empty()) {
      return SyntaxError(sql_, start, "zero-length quoted identifier \"\"");
    }
    Emit(TokenKind::kQuotedIdentifier, start, std::move(text));
    return absl::OkStatus();
  }

  // Lexes a string whose opening quote is at pos_; `start` is where the token starts (the E of
  // an escape string).
  absl::Status LexString(size_t start, bool escapes) {
    ++pos_;  // The opening quote.
    std::string text;
    while (true) {
      if (pos_ >= sql_.size()) {
        return SyntaxError(sql_, start, "unterminated string literal");
      }
      const char c = sql_[pos_];
      if (c == '\'') {
        if (At(pos_ + 1) == '\'') {
          text += '\'';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\\' && escapes) {
        if (pos_ + 1 >= sql_.size()) {
          return SyntaxError(sql_, start, "unterminated string literal");
        }
        STRATA_RETURN_IF_ERROR(LexEscape(&text));
        continue;
      }
      text += c;
      ++pos_;
    }
    if (escapes) {
      if (FindInvalidUtf8(text) != std::string::npos) {
        return SyntaxError(sql_, start, "escape string is not valid UTF-8");
      }
      if (text.find('\0') != std::string::npos) {
        return SyntaxError(sql_, start, "escape string contains a NUL character");
      }
    }
    Emit(TokenKind::kString, start, std::move(text));
    return absl::OkStatus();
  }

  // Decodes the backslash escape at pos_ (pos_ + 1 is in range) into `out`.
  absl::Status LexEscape(std::string* out) {
    const size_t escape_start = pos_;
    pos_ += 1;
    const char c = sql_[pos_++];
    switch (c) {
      case 'b':
        *out += '\b';
        return absl::OkStatus();
      case 'f':
        *out += '\f';
        return absl::OkStatus();
      case 'n':
        *out += '\n';
        return absl::OkStatus();
      case 'r':
        *out += '\r';
        return absl::OkStatus();
      case 't':
        *out += '\t';
        return absl::OkStatus();
      case 'x': {
        int value = 0;
        int digits = 0;
        while (digits < 2 && HexValue(At(pos_)) >= 0) {
          value = value * 16 + HexValue(sql_[pos_++]);
          ++digits;
        }
        if (digits == 0) {
          return SyntaxError(sql_, escape_start, "invalid escape \\x: expected hex digits");
        }
        *out += static_cast<char>(value);
        return absl::OkStatus();
      }
      case 'u':
      case 'U': {
        const int want = c == 'u' ? 4 : 8;
        uint32_t code_point = 0;
        for (int i = 0; i < want; ++i) {
          const int digit = HexValue(At(pos_));
          if (digit < 0) {
            return SyntaxError(
                sql_,
                escape_start,
                fmt::format("invalid Unicode escape: \\{} takes {} hex digits", c, want));
          }
          code_point = code_point * 16 + static_cast<uint32_t>(digit);
          ++pos_;
        }
        if (code_point == 0 || code_point > 0x10FFFF ||
            (code_point >= 0xD800 && code_point <= 0xDFFF)) {
          return SyntaxError(sql_,
                             escape_start,
                             fmt::format("invalid Unicode escape: U+{:X} is not a character "
                                         "allowed in a string",
                                         code_point));
        }
        AppendUtf8(code_point, out);
        return absl::OkStatus();
      }
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      int value = c - '0';
      for (int digits = 1; digits < 3 && At(pos_) >= '0' && At(pos_) <= '7'; ++digits) {
        value = value * 8 + (sql_[pos_++] - '0');
      }
      if (value > 0xFF) {
        return SyntaxError(sql_, escape_start, "invalid octal escape: value above \\377");
      }
      *out += static_cast<char>(value);
      return absl::OkStatus();
    }
    *out += c;  // \\, \', and any other character stand for themselves.
    return absl::OkStatus();
  }

  absl::Status LexNumber(size_t start) {
    bool is_integer = true;
    while (IsDigit(At(pos_))) {
      ++pos_;
    }
    if (At(pos_) == '.') {
      is_integer = false;
      ++pos_;
      while (IsDigit(At(pos_))) {
        ++pos_;
      }
    }
    if (At(pos_) == 'e' || At(pos_) == 'E') {
      size_t exponent = pos_ + 1;
      if (At(exponent) == '+' || At(exponent) == '-') {
        ++exponent;
      }
      if (!IsDigit(At(exponent))) {
        return SyntaxError(sql_,
                           start,
                           fmt::format("trailing junk after numeric literal '{}'",
                                       AbbreviateForMessage(sql_.substr(start, exponent - start))));
      }
      is_integer = false;
      pos_ = exponent;
      while (IsDigit(At(pos_))) {
        ++pos_;
      }
    }
    if (pos_ < sql_.size() && IsWordPart(sql_[pos_])) {
      return SyntaxError(
          sql_,
          start,
          fmt::format("trailing junk after numeric literal '{}'",
                      AbbreviateForMessage(sql_.substr(start, CharacterEnd(pos_) - start))));
    }
    Emit(is_integer ? TokenKind::kInteger : TokenKind::kDecimal,
         start,
         std::string(sql_.substr(start, pos_ - start)));
    return absl::OkStatus();
  }

  absl::Status LexParameter(size_t start) {
    ++pos_;  // '$'
    const size_t name_start = pos_;
    if (IsDigit(At(pos_))) {
      while (IsDigit(At(pos_))) {
        ++pos_;
      }
      if (pos_ < sql_.size() && IsWordPart(sql_[pos_])) {
        return SyntaxError(
            sql_,
            start,
            fmt::format("trailing junk after parameter '{}'",
                        AbbreviateForMessage(sql_.substr(start, CharacterEnd(pos_) - start))));
      }
    } else if (IsAsciiLetter(At(pos_)) || At(pos_) == '_') {
      while (IsAsciiLetter(At(pos_)) || IsDigit(At(pos_)) || At(pos_) == '_') {
        ++pos_;
      }
    } else if (At(pos_) == '$') {
      return SyntaxError(sql_, start, "dollar-quoted strings ($$...$$) are not supported");
    } else {
      return SyntaxError(sql_, start, "expected a parameter name or number after '$'");
    }
    Emit(TokenKind::kParameter, start, std::string(sql_.substr(name_start, pos_ - name_start)));
    return absl::OkStatus();
  }

  absl::Status LexOperator(size_t start) {
    const char c = sql_[pos_];
    const char next = At(pos_ + 1);
    TokenKind kind;
    size_t length = 1;
    switch (c) {
      case '+':
        kind = TokenKind::kPlus;
        break;
      case '-':
        kind = TokenKind::kMinus;
        break;
      case '*':
        kind = TokenKind::kStar;
        break;
      case '/':
        kind = TokenKind::kSlash;
        break;
      case '%':
        kind = TokenKind::kPercent;
        break;
      case '=':
        kind = TokenKind::kEq;
        break;
      case '.':
        kind = TokenKind::kDot;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case '(':
        kind = TokenKind::kLeftParen;
        break;
      case ')':
        kind = TokenKind::kRightParen;
        break;
      case '[':
        kind = TokenKind::kLeftBracket;
        break;
      case ']':
        kind = TokenKind::kRightBracket;
        break;
      case ';':
        kind = TokenKind::kSemicolon;
        break;
      case '|':
        if (next != '|') {
          return UnexpectedCharacter(start);
        }
        kind = TokenKind::kConcat;
        length = 2;
        break;
      case '<':
        if (next == '=') {
          kind = TokenKind::kLtEq;
          length = 2;
        } else if (next == '>') {
          kind = TokenKind::kNotEq;
          length = 2;
        } else {
          kind = TokenKind::kLt;
        }
        break;
      case '>':
        if (next == '=') {
          kind = TokenKind::kGtEq;
          length = 2;
        } else {
          kind = TokenKind::kGt;
        }
        break;
      case '~':
        if (next == '*') {
          kind = TokenKind::kTildeStar;
          length = 2;
        } else {
          kind = TokenKind::kTilde;
        }
        break;
      case '!':
        if (next == '=') {
          kind = TokenKind::kNotEq;
          length = 2;
        } else if (next == '~' && At(pos_ + 2) == '*') {
          kind = TokenKind::kNotTildeStar;
          length = 3;
        } else if (next == '~') {
          kind = TokenKind::kNotTilde;
          length = 2;
        } else {
          return UnexpectedCharacter(start);
        }
        break;
      case ':':
        if (next != ':') {
          return UnexpectedCharacter(start);
        }
        kind = TokenKind::kDoubleColon;
        length = 2;
        break;
      default:
        return UnexpectedCharacter(start);
    }
    pos_ += length;
    Emit(kind, start);
    return absl::OkStatus();
  }

  absl::Status UnexpectedCharacter(size_t start) const {
    const auto c = static_cast<unsigned char>(sql_[start]);
    if (c < 0x20 || c == 0x7F) {
      return SyntaxError(sql_, start, fmt::format("unexpected character U+{:04X}", c));
    }
    return SyntaxError(sql_, start, fmt::format("unexpected character '{}'", sql_[start]));
  }

  std::string_view sql_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql) {
  return Lexer(sql).Run();
}

}  // namespace strata::sql
