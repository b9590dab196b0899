// Interning of strings into dense codes.
#include "columnar/string_dictionary.h"

#include "common/check.h"

namespace strata {

int32_t StringDictionary::GetOrInsert(std::string_view value) {
  auto it = codes_.find(value);
  if (it != codes_.end()) {
    return it->second;
  }
  STRATA_CHECK_LT(values_.size(), size_t{INT32_MAX});
  auto code = static_cast<int32_t>(values_.size());
  const std::string& stored = values_.emplace_back(value);
  codes_.emplace(std::string_view(stored), code);
  memory_usage_ += sizeof(std::string) + stored.capacity() + 2 * sizeof(void*) + sizeof(int32_t);
  return code;
}

int32_t StringDictionary::Find(std::string_view value) const {
  auto it = codes_.find(value);
  return it == codes_.end() ? -1 : it->second;
}

}  // namespace strata
