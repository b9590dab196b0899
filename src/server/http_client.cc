// Blocking Boost.Beast HTTP client.
#include "server/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "fmt/format.h"

namespace strata::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  std::string host;
  std::string port;
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;

  absl::Status Connect() {
    stream.emplace(io);
    tcp::resolver resolver(io);
    beast::error_code ec;
    auto results = resolver.resolve(host, port, ec);
    if (ec) {
      return absl::UnavailableError(fmt::format("cannot resolve {}: {}", host, ec.message()));
    }
    stream->connect(results, ec);
    if (ec) {
      stream.reset();
      return absl::UnavailableError(
          fmt::format("cannot connect to {}:{}: {}", host, port, ec.message()));
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    return absl::OkStatus();
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(const std::string& base_url) {
  std::string rest = base_url;
  const std::string scheme = "http://";
  if (rest.rfind(scheme, 0) == 0) {
    rest = rest.substr(scheme.size());
  } else if (rest.rfind("https://", 0) == 0) {
    return absl::InvalidArgumentError(
        fmt::format("https is not supported yet: '{}' (use http://)", base_url));
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        fmt::format("invalid host URL '{}': expected http://HOST:PORT", base_url));
  }
  auto impl = std::make_unique<Impl>();
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || rest.back() == ']') {
    impl->host = rest;
    impl->port = "80";
  } else {
    impl->host = rest.substr(0, colon);
    impl->port = rest.substr(colon + 1);
  }
  if (impl->host.size() >= 2 && impl->host.front() == '[') {
    impl->host = impl->host.substr(1, impl->host.size() - 2);
  }
  if (impl->host.empty()) {
    return absl::InvalidArgumentError(fmt::format("invalid host URL '{}'", base_url));
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

absl::StatusOr<ClientResponse> HttpClient::Request(
    const std::string& method,
    const std::string& target,
    const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, impl_->host);
  req.set(http::field::user_agent, "strata-cli");
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(true);

  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = false;
    if (!impl_->stream.has_value()) {
      absl::Status connected = impl_->Connect();
      if (!connected.ok()) {
        return connected;
      }
      fresh = true;
    }
    beast::error_code ec;
    http::write(*impl_->stream, req, ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 32);
    if (!ec) {
      http::read(*impl_->stream, buffer, parser, ec);
    }
    if (ec) {
      impl_->stream.reset();
      if (!fresh) {
        continue;  // the server closed an idle keep-alive connection: retry once
      }
      return absl::UnavailableError(
          fmt::format("HTTP {} {} failed: {}", method, target, ec.message()));
    }
    auto res = parser.release();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    if (!res.keep_alive()) {
      impl_->stream.reset();
    }
    return out;
  }
  return absl::UnavailableError(fmt::format("HTTP {} {} failed", method, target));
}

std::string UrlEncode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace strata::server
