#include "cli/statement_splitter.h"

#include "gtest/gtest.h"

namespace strata::cli {
namespace {

using Statements = std::vector<std::string>;

TEST(StatementSplitterTest, CutsAtSemicolonsAcrossLines) {
  StatementSplitter splitter;
  EXPECT_EQ(splitter.Feed("SELECT 1;  SELECT\n"), Statements{"SELECT 1"});
  EXPECT_TRUE(splitter.HasPending());
  EXPECT_EQ(splitter.Feed("  2\n"), Statements{});
  EXPECT_EQ(splitter.Feed(";;\n"), Statements{"SELECT\n  2"});
  EXPECT_FALSE(splitter.HasPending());
}

TEST(StatementSplitterTest, IgnoresSemicolonsInQuotesAndComments) {
  StatementSplitter splitter;
  EXPECT_EQ(splitter.Feed("SELECT 'a;''b', \"c;d\" -- x;y\n"), Statements{});
  EXPECT_EQ(splitter.Feed("/* ; */ FROM t;"),
            Statements{"SELECT 'a;''b', \"c;d\" -- x;y\n/* ; */ FROM t"});
}

TEST(StatementSplitterTest, TakesTheUnterminatedRest) {
  StatementSplitter splitter;
  EXPECT_EQ(splitter.Feed("SELECT 1; SELECT 'x"), Statements{"SELECT 1"});
  EXPECT_EQ(splitter.TakePending(), "SELECT 'x");
  EXPECT_FALSE(splitter.HasPending());
  // The open quote was forgotten with the pending text.
  EXPECT_EQ(splitter.Feed("SELECT 2;"), Statements{"SELECT 2"});
}

}  // namespace
}  // namespace strata::cli
