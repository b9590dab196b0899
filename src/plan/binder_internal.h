// Helpers shared by the binder's files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::plan::internal {

// The candidate closest to `name` by edit distance (case-insensitive), if close enough to be a
// plausible typo (distance <= max(1, len/3)); empty otherwise.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace strata::plan::internal
