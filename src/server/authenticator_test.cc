// Credential extraction and verification: schemes, Basic, v1 ?p=, bounds, expiry, the
// pre-shared token, regeneration, --disable-authz and the 401 answer.
#include "server/authenticator.h"

#include <stdlib.h>

#include <filesystem>

#include "absl/strings/escaping.h"
#include "auth/token.h"
#include "catalog/catalog_file.h"
#include "gtest/gtest.h"

namespace strata::server {
namespace {

HttpRequest Request(std::string path,
                    std::string authorization = "",
                    std::vector<std::pair<std::string, std::string>> query = {}) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  request.query = std::move(query);
  if (!authorization.empty()) {
    request.headers["authorization"] = std::move(authorization);
  }
  return request;
}

std::string Basic(std::string_view user_password) {
  return "Basic " +
         absl::Base64Escape(absl::string_view(user_password.data(), user_password.size()));
}

AuthOptions Options(bool enabled,
                    std::set<std::string> disabled_authz = {},
                    std::string hash = "") {
  AuthOptions options;
  options.enabled = enabled;
  options.disabled_authz = std::move(disabled_authz);
  options.preshared_token_hash = std::move(hash);
  return options;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = catalog::Catalog::CreateInMemory(catalog::CatalogLimits{});
    absl::StatusOr<std::string> token = auth::GenerateToken();
    ASSERT_TRUE(token.ok());
    token_ = *token;
    ASSERT_TRUE(catalog_->CreateOperatorToken(auth::HashToken(token_), 0).ok());
  }

  Authenticator Make(AuthOptions options = Options(true)) {
    return Authenticator(catalog_.get(), std::move(options), [this] { return now_ms_; });
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  std::string token_;
  int64_t now_ms_ = 1000;
};

TEST_F(AuthenticatorTest, BearerAndTokenSchemesOnEveryRoute) {
  Authenticator auth = Make();
  for (const char* path : {"/api/v3/query_sql",
                           "/api/v3/write_lp",
                           "/api/v2/write",
                           "/write",
                           "/query",
                           "/health",
                           "/nosuch"}) {
    EXPECT_TRUE(auth.Authenticate(Request(path, "Bearer " + token_))) << path;
    EXPECT_TRUE(auth.Authenticate(Request(path, "Token " + token_))) << path;
    EXPECT_TRUE(auth.Authenticate(Request(path, "bearer  " + token_ + " "))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "Bearer " + token_ + "x"))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "Bearer " + token_.substr(1)))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, token_))) << path;  // no scheme
    EXPECT_FALSE(auth.Authenticate(Request(path, "Bearer"))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "Bearer "))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "Digest " + token_))) << path;
  }
}

TEST_F(AuthenticatorTest, BasicOnEveryRoute) {
  // InfluxDB 3 takes Basic everywhere; the 1.x client sends it to /ping too.
  Authenticator auth = Make();
  for (const char* path : {"/query", "/write", "/ping", "/api/v3/query_sql", "/api/v2/write"}) {
    EXPECT_TRUE(auth.Authenticate(Request(path, Basic("anyone:" + token_)))) << path;
    EXPECT_TRUE(auth.Authenticate(Request(path, Basic(":" + token_)))) << path;
    EXPECT_TRUE(auth.Authenticate(Request(path, "basic " + Basic("u:" + token_).substr(6))))
        << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, Basic(token_)))) << path;  // no colon
    EXPECT_FALSE(auth.Authenticate(Request(path, Basic("u:wrong")))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, Basic("u:")))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "Basic !!!not-base64"))) << path;
  }
}

TEST_F(AuthenticatorTest, PasswordParameterOnlyOnV1Routes) {
  Authenticator auth = Make();
  for (const char* path : {"/query", "/write"}) {
    EXPECT_TRUE(auth.Authenticate(Request(path, "", {{"u", "ignored"}, {"p", token_}}))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "", {{"p", "wrong"}}))) << path;
    EXPECT_FALSE(auth.Authenticate(Request(path, "", {{"p", ""}}))) << path;
    // ?p= wins over the header, as in InfluxDB 1.x.
    EXPECT_FALSE(auth.Authenticate(Request(path, "Bearer " + token_, {{"p", "wrong"}}))) << path;
  }
  for (const char* path : {"/api/v3/query_sql", "/api/v2/write", "/api/v3/write_lp", "/ping"}) {
    EXPECT_FALSE(auth.Authenticate(Request(path, "", {{"p", token_}}))) << path;
  }
}

TEST_F(AuthenticatorTest, OversizedCredentialsAreRefusedUnhashed) {
  Authenticator auth = Make();
  const std::string huge(auth::kMaxTokenBytes + 1, 'a');
  EXPECT_FALSE(Authenticator::PresentedToken(Request("/query", "Bearer " + huge)).has_value());
  EXPECT_FALSE(Authenticator::PresentedToken(Request("/query", "", {{"p", huge}})).has_value());
  EXPECT_FALSE(Authenticator::PresentedToken(Request("/query", Basic("u:" + huge))).has_value());
  EXPECT_FALSE(
      Authenticator::PresentedToken(Request("/query", "Bearer " + std::string(100000, 'b')))
          .has_value());
  // At the bound it is still looked at.
  const std::string longest(auth::kMaxTokenBytes, 'a');
  EXPECT_EQ(Authenticator::PresentedToken(Request("/query", "Bearer " + longest)), longest);
  // A pre-shared token of that length works.
  Authenticator preshared = Make(Options(true, {}, auth::HashToken(longest)));
  EXPECT_TRUE(preshared.Authenticate(Request("/x", "Bearer " + longest)));
  EXPECT_FALSE(preshared.Authenticate(Request("/x", "Bearer " + huge)));
}

TEST_F(AuthenticatorTest, PresharedTokenWorksBesideTheCatalogs) {
  Authenticator auth = Make(Options(true, {}, auth::HashToken("s3cret")));
  EXPECT_TRUE(auth.Authenticate(Request("/x", "Bearer s3cret")));
  EXPECT_TRUE(auth.Authenticate(Request("/x", "Bearer " + token_)));
  EXPECT_FALSE(auth.Authenticate(Request("/x", "Bearer s3cre")));
}

TEST_F(AuthenticatorTest, RegeneratedTokenReplacesTheOldOneAtOnce) {
  Authenticator auth = Make();
  ASSERT_TRUE(auth.Verify(token_));
  absl::StatusOr<std::string> fresh = auth::GenerateToken();
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(catalog_->RegenerateOperatorToken(auth::HashToken(*fresh), 5).ok());
  EXPECT_FALSE(auth.Verify(token_));
  EXPECT_TRUE(auth.Verify(*fresh));
}

TEST_F(AuthenticatorTest, ExpiredTokensAreRefused) {
  // Only the operator token (which never expires) can be created through the catalog's API so
  // far; a token with an expiry comes from a catalog file.
  std::string dir = ::testing::TempDir() + "/authenticator_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  auto snapshot = catalog::CatalogSnapshot::MakeEmpty()->WithTokens(
      {catalog::TokenInfo{.id = 0,
                          .name = "expiring",
                          .hash = auth::HashToken("temporary"),
                          .created_at_ms = 0,
                          .expiry_ms = 2000,
                          .permissions = {"*:*:*"}}},
      1);
  ASSERT_TRUE(catalog::ReplaceFileDurably(dir,
                                          catalog::Catalog::kFileName,
                                          catalog::Catalog::kTempFileName,
                                          catalog::EncodeCatalogJson(*snapshot))
                  .ok());
  auto catalog = catalog::Catalog::Open(dir, catalog::CatalogLimits{});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  Authenticator auth(catalog->get(), Options(true), [this] { return now_ms_; });
  now_ms_ = 1999;
  EXPECT_TRUE(auth.Authenticate(Request("/x", "Bearer temporary")));
  now_ms_ = 2000;
  EXPECT_FALSE(auth.Authenticate(Request("/x", "Bearer temporary")));
  std::filesystem::remove_all(dir);
}

TEST_F(AuthenticatorTest, DisabledAuthzExemptsOnlyListedResources) {
  std::set<std::string> resources;
  ASSERT_TRUE(ParseDisabledAuthz(" health, ping ,", &resources).ok());
  EXPECT_EQ(resources, (std::set<std::string>{"health", "ping"}));
  absl::Status bad = ParseDisabledAuthz("health,write", &resources);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "--disable-authz: unknown resource 'write' (valid: health, ping, metrics)");

  Authenticator none = Make();
  for (const char* path : {"/health", "/api/v1/health", "/ping", "/metrics", "/api/v3/query_sql"}) {
    EXPECT_FALSE(none.IsExempt(path)) << path;
  }
  Authenticator health = Make(Options(true, {"health"}));
  EXPECT_TRUE(health.IsExempt("/health"));
  EXPECT_TRUE(health.IsExempt("/api/v1/health"));
  EXPECT_FALSE(health.IsExempt("/ping"));
  EXPECT_FALSE(health.IsExempt("/metrics"));
  EXPECT_FALSE(health.IsExempt("/health/"));
  Authenticator all = Make(Options(true, {"health", "ping", "metrics"}));
  EXPECT_TRUE(all.IsExempt("/ping"));
  EXPECT_TRUE(all.IsExempt("/metrics"));
  EXPECT_FALSE(all.IsExempt("/api/v3/write_lp"));

  Authenticator off = Make(Options(false));
  EXPECT_TRUE(off.IsExempt("/api/v3/query_sql"));
  EXPECT_TRUE(off.Authenticate(Request("/api/v3/query_sql")));
}

TEST_F(AuthenticatorTest, UnauthorizedAnswerIsFixed) {
  HttpResponse wrong;
  Authenticator::Unauthorized(Request("/api/v3/query_sql", "Bearer nope"), &wrong);
  HttpResponse missing;
  Authenticator::Unauthorized(Request("/api/v3/query_sql"), &missing);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, "{\"error\":\"the request was not authenticated\"}\n");
  EXPECT_EQ(wrong.body, missing.body);
  EXPECT_EQ(wrong.headers, missing.headers);
  ASSERT_EQ(wrong.headers.size(), 1u);
  EXPECT_EQ(wrong.headers[0], (std::pair<std::string, std::string>{"WWW-Authenticate", "Bearer"}));
  HttpResponse v1;
  Authenticator::Unauthorized(Request("/write"), &v1);
  ASSERT_EQ(v1.headers.size(), 1u);
  EXPECT_EQ(v1.headers[0].second, "Bearer, Basic realm=\"strata\"");
}

}  // namespace
}  // namespace strata::server
