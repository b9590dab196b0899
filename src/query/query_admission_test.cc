// QueryAdmission: permits up to the limit, a bounded FIFO queue whose waiters get the permits of
// queries that end, rejection beyond it, withdrawal, and closing at shutdown.
#include "query/query_admission.h"

#include <vector>

#include "gtest/gtest.h"

namespace strata::query {
namespace {

using Outcome = QueryAdmission::Outcome;
using Permit = QueryAdmission::Permit;

TEST(QueryAdmissionTest, AdmitsQueuesRejectsAndHandsOverPermits) {
  QueryAdmission admission(2, 2);
  Permit a, b, unused;
  uint64_t ticket = 0;
  std::vector<Permit> granted;
  std::vector<int> order;
  auto waiter = [&](int id) {
    return [&, id](Permit permit) {
      order.push_back(id);
      granted.push_back(std::move(permit));
    };
  };
  ASSERT_EQ(admission.Acquire(waiter(0), &a, &ticket), Outcome::kAdmitted);
  ASSERT_EQ(admission.Acquire(waiter(0), &b, &ticket), Outcome::kAdmitted);
  EXPECT_TRUE(a.held());
  uint64_t t1 = 0, t2 = 0, t3 = 0;
  ASSERT_EQ(admission.Acquire(waiter(1), &unused, &t1), Outcome::kQueued);
  ASSERT_EQ(admission.Acquire(waiter(2), &unused, &t2), Outcome::kQueued);
  EXPECT_NE(t1, t2);
  EXPECT_EQ(admission.Acquire(waiter(3), &unused, &t3), Outcome::kRejected);
  EXPECT_FALSE(unused.held());
  EXPECT_EQ(admission.running(), 2);
  EXPECT_EQ(admission.queued(), 2);
  EXPECT_EQ(admission.rejected(), 1);

  // A permit given back goes to the oldest waiter; running stays at the limit.
  a.Release();
  EXPECT_FALSE(a.held());
  ASSERT_EQ(order, std::vector<int>{1});
  EXPECT_TRUE(granted[0].held());
  EXPECT_EQ(admission.running(), 2);
  EXPECT_EQ(admission.queued(), 1);
  // A withdrawn waiter is never called; withdrawing twice (or a granted one) is false.
  EXPECT_TRUE(admission.Withdraw(t2));
  EXPECT_FALSE(admission.Withdraw(t2));
  EXPECT_FALSE(admission.Withdraw(t1));
  b = Permit();  // moving over a permit releases it
  EXPECT_EQ(order, std::vector<int>{1});
  EXPECT_EQ(admission.running(), 1);
  granted.clear();
  EXPECT_EQ(admission.running(), 0);
}

TEST(QueryAdmissionTest, ZeroQueueRejectsAtOnceAndCloseDropsWaiters) {
  QueryAdmission none(1, 0);
  Permit held, other;
  uint64_t ticket = 0;
  ASSERT_EQ(none.Acquire([](Permit) {}, &held, &ticket), Outcome::kAdmitted);
  EXPECT_EQ(none.Acquire([](Permit) {}, &other, &ticket), Outcome::kRejected);

  QueryAdmission admission(1, 5);
  Permit first;
  ASSERT_EQ(admission.Acquire([](Permit) {}, &first, &ticket), Outcome::kAdmitted);
  bool called = false;
  ASSERT_EQ(admission.Acquire([&called](Permit) { called = true; }, &other, &ticket),
            Outcome::kQueued);
  admission.Close();
  EXPECT_TRUE(admission.closed());
  EXPECT_EQ(admission.queued(), 0);
  first.Release();
  EXPECT_FALSE(called);
  EXPECT_EQ(admission.running(), 0);
  EXPECT_EQ(admission.Acquire([](Permit) {}, &other, &ticket), Outcome::kRejected);
}

// A permit may outlive its admission (a response still streaming at shutdown).
TEST(QueryAdmissionTest, PermitOutlivesAdmission) {
  Permit permit;
  {
    QueryAdmission admission(1, 0);
    uint64_t ticket = 0;
    ASSERT_EQ(admission.Acquire([](Permit) {}, &permit, &ticket), Outcome::kAdmitted);
  }
  EXPECT_TRUE(permit.held());
  permit.Release();
  EXPECT_FALSE(permit.held());
}

}  // namespace
}  // namespace strata::query
