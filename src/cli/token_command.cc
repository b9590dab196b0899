// The create token command, online (HTTP) and offline (the catalog file of a stopped server).
#include "cli/token_command.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "auth/token.h"
#include "catalog/catalog.h"
#include "common/logging.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"

namespace strata::cli {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "strata: error: %s\n", message.c_str());
  return 1;
}

// Prints the new token the one time it is ever shown.
void PrintToken(const std::string& format,
                const std::string& token,
                const std::string& name,
                bool regenerated) {
  if (format == "json") {
    std::printf("%s\n", nlohmann::json{{"token", token}, {"name", name}}.dump().c_str());
  } else {
    std::printf("\n%s\n\nToken: %s\nHTTP Requests Header: Authorization: Bearer %s\n\n",
                regenerated ? "Operator token regenerated successfully! The previous token no "
                              "longer works."
                            : "New token created successfully!",
                token.c_str(),
                token.c_str());
  }
  std::fflush(stdout);
  std::fprintf(stderr,
               "IMPORTANT: Store this token securely, as it will not be shown again. The server "
               "keeps only its hash.\nUse it with --token or the STRATA_TOKEN (or "
               "INFLUXDB3_AUTH_TOKEN) environment variable.\n");
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int RunOffline(const CreateTokenFlags& flags) {
  // The catalog logs what it loads; keep stdout for the token, and only warnings on stderr.
  (void)InitLogging("warn");
  if (flags.data_dir.empty()) {
    return Fail("--offline needs --data-dir: the data directory of the stopped server");
  }
  std::error_code error;
  if (!std::filesystem::is_directory(flags.data_dir, error)) {
    return Fail(fmt::format("--data-dir '{}' is not a directory", flags.data_dir));
  }
  // The server's lock (server/server.cc): held while a server runs, so the catalog file is not
  // changed under a live server, which would overwrite it again with its own copy.
  const std::string lock_path = flags.data_dir + "/LOCK";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) {
    return Fail(fmt::format("cannot open '{}': {}", lock_path, std::strerror(errno)));
  }
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return Fail(fmt::format(
        "data directory '{}' is in use by a running strata server (lock held on {}): stop it "
        "first, or use `strata create token --admin --regenerate --token <current token>` against "
        "it",
        flags.data_dir,
        lock_path));
  }
  int code = 0;
  {
    auto catalog = catalog::Catalog::Open(flags.data_dir + "/catalog", catalog::CatalogLimits{});
    absl::StatusOr<std::string> token = auth::GenerateToken();
    if (!catalog.ok()) {
      code = Fail(std::string(catalog.status().message()));
    } else if (!token.ok()) {
      code = Fail(std::string(token.status().message()));
    } else {
      const bool exists =
          (*catalog)->snapshot()->FindToken(catalog::TokenInfo::kOperatorName) != nullptr;
      absl::StatusOr<catalog::TokenInfo> info =
          flags.regenerate ? (*catalog)->RegenerateOperatorToken(auth::HashToken(*token), NowMs())
                           : (*catalog)->CreateOperatorToken(auth::HashToken(*token), NowMs());
      if (!info.ok()) {
        code = Fail(!flags.regenerate && exists
                        ? std::string(info.status().message()) +
                              " (to replace a lost operator token, add --regenerate)"
                        : std::string(info.status().message()));
      } else {
        PrintToken(flags.format, *token, info->name, flags.regenerate);
      }
    }
  }
  ::close(lock_fd);
  return code;
}

int RunOnline(const CreateTokenFlags& flags) {
  if (flags.regenerate && flags.token.empty()) {
    return Fail(
        "--regenerate needs the current operator token: pass --token or set STRATA_TOKEN (lost "
        "it? stop the server and use --offline --regenerate --data-dir DIR)");
  }
  auto client = server::HttpClient::Create(flags.host);
  if (!client.ok()) {
    return Fail(std::string(client.status().message()));
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (!flags.token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + flags.token);
  }
  const char* target = flags.regenerate ? "/api/v3/configure/token/admin/regenerate"
                                        : "/api/v3/configure/token/admin";
  auto response = (*client)->Request("POST", target, "", headers);
  if (!response.ok()) {
    return Fail(std::string(response.status().message()));
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 201 || body.is_discarded() || !body.is_object() ||
      !body.contains("token") || !body["token"].is_string()) {
    std::string message = !body.is_discarded() && body.is_object() && body.contains("error") &&
                                  body["error"].is_string()
                              ? body["error"].get<std::string>()
                              : response->body;
    if (response->status == 401) {
      message += flags.token.empty() ? " (no token given: pass --token or set STRATA_TOKEN)"
                                     : " (the token given was refused)";
    }
    return Fail(fmt::format("server answered {}: {}", response->status, message));
  }
  PrintToken(flags.format,
             body["token"].get<std::string>(),
             body.value("name", std::string(catalog::TokenInfo::kOperatorName)),
             flags.regenerate);
  return 0;
}

}  // namespace

void TokenFromEnvironment(std::string* token) {
  for (const char* name : {"STRATA_TOKEN", "INFLUXDB3_AUTH_TOKEN"}) {
    if (!token->empty()) {
      return;
    }
    if (const char* value = std::getenv(name); value != nullptr) {
      *token = value;
    }
  }
}

int RunCreateToken(const CreateTokenFlags& flags) {
  if (!flags.admin) {
    return Fail("only admin tokens exist so far: use `strata create token --admin`");
  }
  if (flags.format != "text" && flags.format != "json") {
    return Fail(fmt::format("--format must be text or json, not '{}'", flags.format));
  }
  if (!flags.offline && !flags.data_dir.empty()) {
    return Fail("--data-dir goes with --offline (writing into a stopped server's catalog)");
  }
  return flags.offline ? RunOffline(flags) : RunOnline(flags);
}

}  // namespace strata::cli
