// Out-of-line failure path of the STRATA_CHECK macros.
#include "common/check.h"

#include <cstdio>

namespace strata::internal {

void CheckFailed(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: check failed: %s %s\n", file, line, condition, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace strata::internal
