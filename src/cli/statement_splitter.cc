// A small state machine over SQL's quoting and comment rules.
#include "cli/statement_splitter.h"

namespace strata::cli {
namespace {

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return "";
  }
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::vector<std::string> StatementSplitter::Feed(std::string_view text) {
  std::vector<std::string> done;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state_) {
      case State::kCode:
        if (c == ';') {
          std::string statement = Trim(current_);
          current_.clear();
          if (!statement.empty()) {
            done.push_back(std::move(statement));
          }
          continue;
        }
        if (c == '\'') {
          state_ = State::kSingleQuote;
        } else if (c == '"') {
          state_ = State::kDoubleQuote;
        } else if (c == '-' && next == '-') {
          state_ = State::kLineComment;
        } else if (c == '/' && next == '*') {
          state_ = State::kBlockComment;
          current_.push_back(c);
          current_.push_back(next);
          ++i;
          continue;
        }
        break;
      case State::kSingleQuote:
        // A doubled quote ('') re-enters the string right away, so it needs no special case.
        if (c == '\'') {
          state_ = State::kCode;
        }
        break;
      case State::kDoubleQuote:
        if (c == '"') {
          state_ = State::kCode;
        }
        break;
      case State::kLineComment:
        if (c == '\n') {
          state_ = State::kCode;
        }
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state_ = State::kCode;
          current_.push_back(c);
          current_.push_back(next);
          ++i;
          continue;
        }
        break;
    }
    current_.push_back(c);
  }
  return done;
}

bool StatementSplitter::HasPending() const {
  return current_.find_first_not_of(" \t\r\n") != std::string::npos;
}

std::string StatementSplitter::TakePending() {
  std::string statement = Trim(current_);
  current_.clear();
  state_ = State::kCode;
  return statement;
}

}  // namespace strata::cli
