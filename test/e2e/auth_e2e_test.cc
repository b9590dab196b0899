// Token authentication end to end, against the real binary: the first operator token created
// without a token and then refused, 401 with one fixed body for missing, wrong, malformed and
// oversized credentials on every route family, the accepted forms (Bearer, Token, Basic, and on
// the v1 routes ?p=), --disable-authz, --without-auth, regeneration, persistence across a
// restart, and the CLI (create token online and offline, --token and the environment variables).
#include <sys/wait.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/e2e/server_process.h"

namespace strata::e2e {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kUnauthenticatedBody[] = "{\"error\":\"the request was not authenticated\"}\n";

// Runs a shell command with no token in its environment unless `environment` sets one; returns
// the exit code and the combined output.
std::pair<int, std::string> RunCommand(const std::string& command,
                                       const std::string& environment = "") {
  std::string full =
      fmt::format("env -u STRATA_TOKEN -u INFLUXDB3_AUTH_TOKEN {} {} 2>&1", environment, command);
  FILE* pipe = popen(full.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (pipe != nullptr && fgets(buf, sizeof(buf), pipe) != nullptr) {
    output += buf;
  }
  int status = pipe == nullptr ? -1 : pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// The token in `strata create token` text output ("Token: apiv3_..."), or "".
std::string TokenInOutput(const std::string& output) {
  const size_t at = output.find("Token: ");
  if (at == std::string::npos) {
    return "";
  }
  const size_t end = output.find('\n', at);
  return output.substr(at + 7, end - at - 7);
}

struct Route {
  const char* method;
  const char* target;
  const char* body;
};

// One route of every family; each answers something other than 401 once authenticated.
const Route kRoutes[] = {
    {"GET", "/api/v3/query_sql?db=auth&q=SELECT%201", ""},
    {"POST", "/api/v3/write_lp?db=auth", "m f=1 1\n"},
    {"POST", "/api/v2/write?bucket=auth", "m f=1 1\n"},
    {"POST", "/write?db=auth", "m f=1 1\n"},
    {"GET", "/query?db=auth&q=SELECT%201", ""},
    {"GET", "/api/v3/query_influxql?db=auth&q=SELECT%201", ""},
    {"POST", "/api/v3/snapshot", ""},
    {"GET", "/api/v3/debug/buffer", ""},
    {"GET", "/health", ""},
    {"GET", "/api/v1/health", ""},
    {"GET", "/ping", ""},
    {"GET", "/metrics", ""},
    {"GET", "/no/such/endpoint", ""},
};

class AuthE2eTest : public ::testing::Test {
 protected:
  // Creates the operator token over HTTP, without a token.
  std::string CreateOperatorToken(ServerProcess& server) {
    auto response = server.Client()->Request("POST", "/api/v3/configure/token/admin");
    EXPECT_TRUE(response.ok());
    if (!response.ok()) {
      return "";
    }
    EXPECT_EQ(response->status, 201) << response->body;
    json body = json::parse(response->body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("token")) << response->body;
    if (!body.is_object() || !body.contains("token")) {
      return "";
    }
    EXPECT_EQ(body["name"], "_admin");
    EXPECT_TRUE(body["expiry"].is_null());
    EXPECT_EQ(body["created_at"].get<std::string>().back(), 'Z');
    return body["token"].get<std::string>();
  }

  TempDir dir_;
};

TEST_F(AuthE2eTest, EveryRouteFamilyNeedsAValidToken) {
  ServerProcess server(dir_.path() + "/data", {kWithAuth});
  server.Start();
  auto client = server.Client();
  const std::string token = CreateOperatorToken(server);
  ASSERT_EQ(token.rfind("apiv3_", 0), 0u) << token;

  const std::string long_token = "apiv3_" + std::string(5000, 'A');
  const std::vector<std::pair<std::string, Headers>> refused = {
      {"missing", {}},
      {"wrong", {{"Authorization", "Bearer apiv3_wrong"}}},
      {"one character short", {{"Authorization", "Bearer " + token.substr(0, token.size() - 1)}}},
      {"no scheme", {{"Authorization", token}}},
      {"empty credential", {{"Authorization", "Bearer "}}},
      {"unknown scheme", {{"Authorization", "Digest " + token}}},
      {"oversized", {{"Authorization", "Bearer " + long_token}}},
      {"a wrong Basic credential",
       {{"Authorization", "Basic " + absl::Base64Escape("user:apiv3_wrong")}}},
  };
  for (const Route& route : kRoutes) {
    for (const auto& [what, headers] : refused) {
      auto response = client->Request(route.method, route.target, route.body, headers);
      ASSERT_TRUE(response.ok());
      EXPECT_EQ(response->status, 401) << route.target << ": " << what;
      EXPECT_EQ(response->body, kUnauthenticatedBody) << route.target << ": " << what;
      std::string challenge;
      for (const auto& [name, value] : response->headers) {
        if (name == "www-authenticate" || name == "WWW-Authenticate") {
          challenge = value;
        }
      }
      const bool v1 = std::string_view(route.target).substr(0, 7) == "/query?" ||
                      std::string_view(route.target).substr(0, 7) == "/write?";
      EXPECT_EQ(challenge, v1 ? "Bearer, Basic realm=\"strata\"" : "Bearer")
          << route.target << ": " << what;
    }
    // Basic too, on every route as in InfluxDB 3 (the user is ignored): the InfluxDB 1.x
    // client sends it to /ping as well.
    for (const std::string& credential : {"Bearer " + token,
                                          "Token " + token,
                                          "bearer " + token,
                                          "Basic " + absl::Base64Escape("anyone:" + token)}) {
      auto response =
          client->Request(route.method, route.target, route.body, {{"Authorization", credential}});
      ASSERT_TRUE(response.ok());
      EXPECT_NE(response->status, 401)
          << route.target << " " << credential.substr(0, 6) << ": " << response->body;
    }
  }
  // The v1 routes also take ?p= (u ignored).
  for (const char* target : {"/write?db=auth", "/query?db=auth&q=SELECT%201"}) {
    const bool write = std::string_view(target).substr(0, 6) == "/write";
    const char* method = write ? "POST" : "GET";
    const char* body = write ? "m f=2 2\n" : "";
    auto password = client->Request(method, fmt::format("{}&u=me&p={}", target, token), body);
    ASSERT_TRUE(password.ok());
    EXPECT_NE(password->status, 401) << target << ": " << password->body;
    auto wrong_password = client->Request(method, fmt::format("{}&u=me&p=nope", target), body);
    ASSERT_TRUE(wrong_password.ok());
    EXPECT_EQ(wrong_password->status, 401) << target;
  }
  // ?p= does nothing on the v3 routes.
  auto v3_password =
      client->Request("GET", fmt::format("/api/v3/query_sql?db=auth&q=SELECT%201&p={}", token));
  ASSERT_TRUE(v3_password.ok());
  EXPECT_EQ(v3_password->status, 401);
  // The writes above arrived.
  auto count = client->Request("GET",
                               "/api/v3/query_sql?db=auth&q=SELECT%20count(*)%20AS%20n%20FROM%20m",
                               "",
                               {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->status, 200) << count->body;
}

TEST_F(AuthE2eTest, OperatorTokenIsCreatedOnceRegeneratedAndPersisted) {
  ServerProcess server(dir_.path() + "/data", {kWithAuth});
  server.Start();
  auto client = server.Client();
  // Regenerating needs a token even before one exists.
  auto early = client->Request("POST", "/api/v3/configure/token/admin/regenerate");
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->status, 401);

  const std::string first = CreateOperatorToken(server);
  ASSERT_FALSE(first.empty());
  for (const Headers& headers : {Headers{}, Headers{{"Authorization", "Bearer " + first}}}) {
    auto again = client->Request("POST", "/api/v3/configure/token/admin", "", headers);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->status, 409) << again->body;
    EXPECT_NE(again->body.find("token name already exists, _admin"), std::string::npos)
        << again->body;
  }
  auto get = client->Request("GET", "/api/v3/configure/token/admin");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 405);

  auto denied = client->Request(
      "POST", "/api/v3/configure/token/admin/regenerate", "", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 401);
  auto regenerated = client->Request("POST",
                                     "/api/v3/configure/token/admin/regenerate",
                                     "",
                                     {{"Authorization", "Bearer " + first}});
  ASSERT_TRUE(regenerated.ok());
  ASSERT_EQ(regenerated->status, 201) << regenerated->body;
  const std::string second = json::parse(regenerated->body)["token"].get<std::string>();
  EXPECT_NE(second, first);

  auto query = [&](ServerProcess& s, const std::string& token) {
    auto response = s.Client()->Request(
        "GET", "/api/v3/query_sql?db=x&q=SELECT%201", "", {{"Authorization", "Bearer " + token}});
    return response.ok() ? response->status : -1;
  };
  EXPECT_EQ(query(server, first), 401);
  EXPECT_NE(query(server, second), 401);

  // The hash is in the catalog, the token is not.
  std::FILE* file = std::fopen((dir_.path() + "/data/catalog/catalog.json").c_str(), "r");
  ASSERT_NE(file, nullptr);
  std::string catalog;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), file)) > 0) catalog.append(buf, n);
  std::fclose(file);
  EXPECT_EQ(catalog.find(second), std::string::npos);
  EXPECT_EQ(catalog.find(second.substr(6)), std::string::npos);
  EXPECT_NE(catalog.find("\"_admin\""), std::string::npos) << catalog;

  ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0) << server.Log();
  server.Start();
  EXPECT_EQ(query(server, first), 401);
  EXPECT_NE(query(server, second), 401);
}

TEST_F(AuthE2eTest, DisableAuthzOpensOnlyTheListedEndpoints) {
  {
    ServerProcess server(dir_.path() + "/a", {kWithAuth, "--disable-authz", "health,ping"});
    server.Start();
    auto client = server.Client();
    for (const char* target : {"/health", "/api/v1/health", "/ping"}) {
      auto response = client->Request("GET", target);
      ASSERT_TRUE(response.ok());
      EXPECT_EQ(response->status, 200) << target;
    }
    for (const char* target : {"/metrics", "/api/v3/query_sql?db=x&q=SELECT%201"}) {
      auto response = client->Request("GET", target);
      ASSERT_TRUE(response.ok());
      EXPECT_EQ(response->status, 401) << target;
    }
  }
  auto [status, output] = RunCommand(fmt::format(
      "timeout 20 {} serve --data-dir {}/b --http-bind 127.0.0.1:0 --disable-authz health,write",
      STRATA_BINARY,
      dir_.path()));
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("--disable-authz: unknown resource 'write' (valid: health, ping, metrics)"),
            std::string::npos)
      << output;
  std::tie(status, output) = RunCommand(fmt::format(
      "timeout 20 {} serve --data-dir {}/b --http-bind 127.0.0.1:0 --without-auth --auth-token x",
      STRATA_BINARY,
      dir_.path()));
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("contradict"), std::string::npos) << output;
}

TEST_F(AuthE2eTest, PresharedTokenLocksTheFirstTokenToo) {
  ServerProcess server(dir_.path() + "/data", {kWithAuth, "--auth-token", "pre-shared"});
  server.Start();
  auto client = server.Client();
  auto anonymous = client->Request("POST", "/api/v3/configure/token/admin");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;
  auto created = client->Request(
      "POST", "/api/v3/configure/token/admin", "", {{"Authorization", "Bearer pre-shared"}});
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string token = json::parse(created->body)["token"].get<std::string>();
  auto query = client->Request(
      "GET", "/api/v3/query_sql?db=x&q=SELECT%201", "", {{"Authorization", "Token " + token}});
  ASSERT_TRUE(query.ok());
  EXPECT_NE(query->status, 401);
  // The pre-shared token is never written anywhere.
  EXPECT_EQ(server.Log().find("pre-shared"), std::string::npos);
}

TEST_F(AuthE2eTest, WithoutAuthEverythingIsOpen) {
  ServerProcess server(dir_.path() + "/data");  // ServerProcess passes --without-auth
  server.Start();
  auto client = server.Client();
  auto write = client->Request("POST", "/api/v3/write_lp?db=open", "m f=1 1\n");
  ASSERT_TRUE(write.ok());
  EXPECT_EQ(write->status, 204) << write->body;
  auto health = client->Request("GET", "/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(server.Log().find("authentication is off"), std::string::npos);
}

TEST_F(AuthE2eTest, CliCreatesTokensOnlineAndOffline) {
  const std::string data = dir_.path() + "/data";
  ServerProcess server(data, {kWithAuth});
  server.Start();
  EXPECT_NE(server.Log().find("there is no token yet"), std::string::npos) << server.Log();
  const std::string binary = STRATA_BINARY;

  auto [status, output] =
      RunCommand(fmt::format("{} create token --admin --host {}", binary, server.url()));
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("will not be shown again"), std::string::npos) << output;
  const std::string first = TokenInOutput(output);
  ASSERT_EQ(first.rfind("apiv3_", 0), 0u) << output;

  std::tie(status, output) =
      RunCommand(fmt::format("{} create token --admin --host {}", binary, server.url()));
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("token name already exists, _admin"), std::string::npos) << output;

  // Clients take the token from --token, STRATA_TOKEN or INFLUXDB3_AUTH_TOKEN.
  const std::string write =
      fmt::format("echo 'm f=1 1' | {} write -d cli --host {}", binary, server.url());
  std::tie(status, output) = RunCommand(write);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("401"), std::string::npos) << output;
  std::tie(status, output) = RunCommand(write + " --token " + first);
  EXPECT_EQ(status, 0) << output;
  std::string query =
      fmt::format("{} query -d cli --host {} 'SELECT count(*) AS n FROM m'", binary, server.url());
  for (const char* variable : {"STRATA_TOKEN", "INFLUXDB3_AUTH_TOKEN"}) {
    std::tie(status, output) = RunCommand(query, fmt::format("{}={}", variable, first));
    EXPECT_EQ(status, 0) << variable << ": " << output;
  }
  std::tie(status, output) = RunCommand(query);
  EXPECT_NE(status, 0) << output;
  std::tie(status, output) = RunCommand(fmt::format("{} snapshot --host {}", binary, server.url()),
                                        "STRATA_TOKEN=" + first);
  EXPECT_EQ(status, 0) << output;

  // Regenerate: needs the current token; the old one stops working.
  std::tie(status, output) = RunCommand(
      fmt::format("{} create token --admin --regenerate --host {}", binary, server.url()));
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("--regenerate needs the current operator token"), std::string::npos)
      << output;
  std::tie(status, output) = RunCommand(fmt::format(
      "{} create token --admin --regenerate --host {} --token {}", binary, server.url(), first));
  ASSERT_EQ(status, 0) << output;
  const std::string second = TokenInOutput(output);
  ASSERT_EQ(second.rfind("apiv3_", 0), 0u) << output;
  std::tie(status, output) = RunCommand(query + " --token " + first);
  EXPECT_NE(status, 0) << output;
  std::tie(status, output) = RunCommand(query + " --token " + second);
  EXPECT_EQ(status, 0) << output;

  // Offline recovery is refused while the server holds the data directory.
  std::tie(status, output) = RunCommand(
      fmt::format("{} create token --admin --offline --regenerate --data-dir {}", binary, data));
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("in use by a running strata server"), std::string::npos) << output;
  ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0) << server.Log();
  std::tie(status, output) =
      RunCommand(fmt::format("{} create token --admin --offline --data-dir {}", binary, data));
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("add --regenerate"), std::string::npos) << output;
  std::tie(status, output) = RunCommand(fmt::format(
      "{} create token --admin --offline --regenerate --data-dir {} --format json", binary, data));
  ASSERT_EQ(status, 0) << output;
  json recovered = json::parse(output.substr(0, output.find('\n')), nullptr, false);
  ASSERT_TRUE(recovered.is_object()) << output;
  const std::string third = recovered["token"].get<std::string>();
  server.Start();  // on a new port
  query =
      fmt::format("{} query -d cli --host {} 'SELECT count(*) AS n FROM m'", binary, server.url());
  std::tie(status, output) = RunCommand(query + " --token " + second);
  EXPECT_NE(status, 0) << output;
  std::tie(status, output) = RunCommand(query + " --token " + third);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find('1'), std::string::npos) << output;
}

}  // namespace
}  // namespace strata::e2e
