// DictionaryInterner: one StringDictionary for equal dictionaries decoded apart. Each row group
// of a Parquet file carries its own dictionary page per column, mostly with the same values in
// the same order (a table's tags change slowly). Decoded apart, they become distinct
// dictionaries, and every operator that works per dictionary (recoding codes into another
// dictionary, ranking values, encoding each value once for output) does that work again per row
// group. Interned, the chunks of one tag share a dictionary and it is done once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "columnar/string_dictionary.h"

namespace strata {

// Thread-safe. Holds the dictionaries it hands out weakly: a dictionary lives while the columns
// that use it do.
class DictionaryInterner {
 public:
  // A dictionary with the values of `dictionary` in the same order: one interned earlier and
  // still alive, else `dictionary` itself, interned from now on. The caller must not add values
  // to `dictionary` (nor to what is returned) afterwards: others share it.
  std::shared_ptr<StringDictionary> Intern(std::shared_ptr<StringDictionary> dictionary);

  // Interned dictionaries still alive (a sweep of the dead ones first).
  size_t live();
  // Calls to Intern that returned an earlier dictionary.
  uint64_t shared() const;

 private:
  void SweepLocked();

  mutable std::mutex mu_;
  // By hash of the values: the dictionaries interned with that hash.
  absl::flat_hash_map<uint64_t, std::vector<std::weak_ptr<StringDictionary>>> by_hash_;
  size_t entries_ = 0;
  size_t sweep_at_ = 1024;
  uint64_t shared_ = 0;
};

// Whether the two dictionaries hold the same values in the same order.
bool SameValues(const StringDictionary& a, const StringDictionary& b);

}  // namespace strata
