// Request target parsing and look-ups.
#include "server/http_types.h"

namespace strata::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string DecodeComponent(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const std::string* HttpRequest::Param(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return &v;
    }
  }
  return nullptr;
}

const std::string* HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? nullptr : &it->second;
}

void ParseTarget(std::string_view target,
                 std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query) {
  size_t question = target.find('?');
  *path = std::string(target.substr(0, question));
  query->clear();
  if (question == std::string_view::npos) {
    return;
  }
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      query->emplace_back(DecodeComponent(pair), std::string());
    } else {
      query->emplace_back(DecodeComponent(pair.substr(0, eq)),
                          DecodeComponent(pair.substr(eq + 1)));
    }
  }
}

}  // namespace strata::server
