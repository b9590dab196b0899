// Invariant checks. A failed check is a bug, never a user error: it prints the condition, both
// values where there are two, and the location, then aborts. STRATA_DCHECK* compile away in
// release builds (NDEBUG).
#pragma once

#include <cstdlib>
#include <sstream>
#include <string>

namespace strata::internal {

[[noreturn]] void CheckFailed(const char* file,
                              int line,
                              const char* condition,
                              const std::string& detail);

template <typename A, typename B>
std::string CheckValues(const A& a, const B& b) {
  std::ostringstream out;
  out << "(" << a << " vs. " << b << ")";
  return out.str();
}

}  // namespace strata::internal

#define STRATA_CHECK(cond)                                            \
  do {                                                                \
    if (!(cond)) [[unlikely]] {                                       \
      ::strata::internal::CheckFailed(__FILE__, __LINE__, #cond, ""); \
    }                                                                 \
  } while (false)

#define STRATA_CHECK_OP_(a, op, b)                                                            \
  do {                                                                                        \
    const auto& strata_a_ = (a);                                                              \
    const auto& strata_b_ = (b);                                                              \
    if (!(strata_a_ op strata_b_)) [[unlikely]] {                                             \
      ::strata::internal::CheckFailed(__FILE__,                                               \
                                      __LINE__,                                               \
                                      #a " " #op " " #b,                                      \
                                      ::strata::internal::CheckValues(strata_a_, strata_b_)); \
    }                                                                                         \
  } while (false)

#define STRATA_CHECK_EQ(a, b) STRATA_CHECK_OP_(a, ==, b)
#define STRATA_CHECK_NE(a, b) STRATA_CHECK_OP_(a, !=, b)
#define STRATA_CHECK_LT(a, b) STRATA_CHECK_OP_(a, <, b)
#define STRATA_CHECK_LE(a, b) STRATA_CHECK_OP_(a, <=, b)
#define STRATA_CHECK_GT(a, b) STRATA_CHECK_OP_(a, >, b)
#define STRATA_CHECK_GE(a, b) STRATA_CHECK_OP_(a, >=, b)

#ifdef NDEBUG
#define STRATA_DCHECK(cond) \
  do {                      \
  } while (false && (cond))
#define STRATA_DCHECK_EQ(a, b) STRATA_DCHECK((a) == (b))
#define STRATA_DCHECK_LT(a, b) STRATA_DCHECK((a) < (b))
#define STRATA_DCHECK_LE(a, b) STRATA_DCHECK((a) <= (b))
#else
#define STRATA_DCHECK(cond) STRATA_CHECK(cond)
#define STRATA_DCHECK_EQ(a, b) STRATA_CHECK_EQ(a, b)
#define STRATA_DCHECK_LT(a, b) STRATA_CHECK_LT(a, b)
#define STRATA_DCHECK_LE(a, b) STRATA_CHECK_LE(a, b)
#endif
