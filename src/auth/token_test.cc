// Token generation, hashing and constant-time comparison.
#include "auth/token.h"

#include <set>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace strata::auth {
namespace {

TEST(TokenTest, GeneratedTokensHaveThePrefixAnd512RandomBits) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<std::string> token = GenerateToken();
    ASSERT_TRUE(token.ok()) << token.status();
    ASSERT_EQ(token->substr(0, kTokenPrefix.size()), kTokenPrefix);
    std::string random;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(token->substr(kTokenPrefix.size()), &random)) << *token;
    EXPECT_EQ(random.size(), kTokenRandomBytes);
    // URL-safe without padding: usable in a query string and a header as is.
    EXPECT_EQ(token->find_first_of("+/=% "), std::string::npos) << *token;
    EXPECT_TRUE(seen.insert(*token).second) << "repeated token " << *token;
  }
}

TEST(TokenTest, RandomBytesAreNotConstant) {
  // In 4096 random bytes a given byte value is missing with probability (255/256)^4096, about
  // 1e-7; allowing 8 of the 256 values to be missing makes a false failure practically impossible,
  // while a broken generator (zeros, a short cycle) fails.
  uint8_t bytes[4096];
  ASSERT_TRUE(FillRandom(bytes, sizeof(bytes)).ok());
  std::set<uint8_t> values(bytes, bytes + sizeof(bytes));
  EXPECT_GT(values.size(), 248u);
}

TEST(TokenTest, HashIsSha512Hex) {
  EXPECT_EQ(HashToken("abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3"
            "c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(HashToken("apiv3_x").size(), 128u);
  EXPECT_NE(HashToken("apiv3_x"), HashToken("apiv3_y"));
}

TEST(TokenTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "Secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("secret2", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  // A prefix padded with NUL bytes is not equal (lengths differ).
  EXPECT_FALSE(ConstantTimeEquals(std::string("ab\0", 3), "ab"));
  // Every single-bit difference at every position is seen.
  const std::string base(40, 'k');
  for (size_t i = 0; i < base.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string other = base;
      other[i] = static_cast<char>(other[i] ^ (1 << bit));
      EXPECT_FALSE(ConstantTimeEquals(base, other)) << i << " " << bit;
    }
  }
}

}  // namespace
}  // namespace strata::auth
