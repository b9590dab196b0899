// Interning of decoded dictionaries by their values.
#include "columnar/dictionary_interner.h"

#include <algorithm>
#include <string_view>

#include "absl/hash/hash.h"

namespace strata {

namespace {

uint64_t HashValues(const StringDictionary& dictionary) {
  size_t hash = absl::HashOf(dictionary.size());
  for (int32_t code = 0; code < dictionary.size(); ++code) {
    hash = absl::HashOf(hash, dictionary.Value(code));
  }
  return hash;
}

}  // namespace

bool SameValues(const StringDictionary& a, const StringDictionary& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (int32_t code = 0; code < a.size(); ++code) {
    if (a.Value(code) != b.Value(code)) {
      return false;
    }
  }
  return true;
}

std::shared_ptr<StringDictionary> DictionaryInterner::Intern(
    std::shared_ptr<StringDictionary> dictionary) {
  if (dictionary == nullptr) {
    return dictionary;
  }
  // Hashed outside the lock: the values are only read.
  const uint64_t hash = HashValues(*dictionary);
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::weak_ptr<StringDictionary>>& candidates = by_hash_[hash];
  for (const std::weak_ptr<StringDictionary>& candidate : candidates) {
    std::shared_ptr<StringDictionary> live = candidate.lock();
    if (live == dictionary) {
      return live;
    }
    if (live != nullptr && SameValues(*live, *dictionary)) {
      ++shared_;
      return live;
    }
  }
  candidates.push_back(dictionary);
  if (++entries_ >= sweep_at_) {
    SweepLocked();
  }
  return dictionary;
}

void DictionaryInterner::SweepLocked() {
  entries_ = 0;
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    std::vector<std::weak_ptr<StringDictionary>>& candidates = it->second;
    candidates.erase(std::remove_if(candidates.begin(),
                                    candidates.end(),
                                    [](const std::weak_ptr<StringDictionary>& candidate) {
                                      return candidate.expired();
                                    }),
                     candidates.end());
    entries_ += candidates.size();
    if (candidates.empty()) {
      by_hash_.erase(it++);
    } else {
      ++it;
    }
  }
  // Amortized: the next sweep once as many dictionaries again were interned.
  sweep_at_ = std::max<size_t>(1024, 2 * entries_);
}

size_t DictionaryInterner::live() {
  std::lock_guard<std::mutex> lock(mu_);
  SweepLocked();
  return entries_;
}

uint64_t DictionaryInterner::shared() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shared_;
}

}  // namespace strata
