// The OTLP/HTTP sender over the repository's blocking HTTP client.
#include "server/otlp_http_sender.h"

#include <memory>

#include "fmt/format.h"
#include "server/http_client.h"

namespace strata::server {

absl::StatusOr<observe::OtlpSend> MakeOtlpHttpSender(const std::string& endpoint) {
  constexpr std::string_view kScheme = "http://";
  if (endpoint.substr(0, kScheme.size()) != kScheme || endpoint.size() == kScheme.size()) {
    return absl::InvalidArgumentError(fmt::format(
        "invalid --traces-exporter-otlp-endpoint '{}': expected http://HOST:PORT[/PATH] (https is "
        "not supported)",
        endpoint));
  }
  const size_t slash = endpoint.find('/', kScheme.size());
  std::string base = endpoint.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : endpoint.substr(slash);
  if (path.empty() || path == "/") {
    path = "/v1/traces";
  }
  if (base.find_first_of(" ?#") != std::string::npos) {
    return absl::InvalidArgumentError(
        fmt::format("invalid --traces-exporter-otlp-endpoint '{}': malformed host", endpoint));
  }
  // The client is made on first use (the collector may start after the server) and dropped after
  // a failure, so the next request reconnects.
  auto client = std::make_shared<std::unique_ptr<HttpClient>>();
  return observe::OtlpSend([client, base, path](const std::string& request_json) -> absl::Status {
    if (*client == nullptr) {
      absl::StatusOr<std::unique_ptr<HttpClient>> created = HttpClient::Create(base);
      if (!created.ok()) {
        return created.status();
      }
      *client = *std::move(created);
    }
    absl::StatusOr<ClientResponse> response =
        (*client)->Request("POST", path, request_json, {{"Content-Type", "application/json"}});
    if (!response.ok()) {
      client->reset();
      return absl::UnavailableError(fmt::format(
          "sending traces to {}{}: {}", base, path, std::string(response.status().message())));
    }
    if (response->status < 200 || response->status >= 300) {
      return absl::UnavailableError(
          fmt::format("sending traces to {}{}: HTTP status {}", base, path, response->status));
    }
    return absl::OkStatus();
  });
}

}  // namespace strata::server
