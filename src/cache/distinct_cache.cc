// The distinct-value cache.
#include "cache/distinct_cache.h"

#include <algorithm>
#include <utility>

namespace strata::cache {

// A tree level: children by value (nullopt for NULL sorts first); a leaf (depth == number of
// columns) is one tuple. `last_seen_ns` is the newest write of any tuple below.
namespace {

// Orders values with NULL (nullopt) first; transparent, so a lookup by string_view builds no
// string.
struct NullFirstLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const std::optional<A>& a, const std::optional<B>& b) const {
    if (!b.has_value()) {
      return false;
    }
    return !a.has_value() || std::string_view(*a) < std::string_view(*b);
  }
};

}  // namespace

struct DistinctCache::Node {
  std::map<std::optional<std::string>, Node, NullFirstLess> children;
  int64_t last_seen_ns = INT64_MIN;
};

namespace {

using Node = DistinctCache::Node;

// Removes leaves last seen before `cutoff` below `node` (at `depth` of `columns`); returns the
// number removed and recomputes last_seen_ns.
int64_t RemoveOlderThan(Node* node, size_t depth, size_t columns, int64_t cutoff) {
  int64_t removed = 0;
  int64_t newest = INT64_MIN;
  for (auto it = node->children.begin(); it != node->children.end();) {
    Node& child = it->second;
    if (depth + 1 == columns) {
      if (child.last_seen_ns < cutoff) {
        ++removed;
        it = node->children.erase(it);
        continue;
      }
    } else {
      removed += RemoveOlderThan(&child, depth + 1, columns, cutoff);
      if (child.children.empty()) {
        it = node->children.erase(it);
        continue;
      }
    }
    newest = std::max(newest, child.last_seen_ns);
    ++it;
  }
  node->last_seen_ns = newest;
  return removed;
}

// Removes up to `*budget` leaves last seen exactly at `time`.
void RemoveAt(Node* node, size_t depth, size_t columns, int64_t time, int64_t* budget) {
  for (auto it = node->children.begin(); it != node->children.end() && *budget > 0;) {
    Node& child = it->second;
    if (depth + 1 == columns) {
      if (child.last_seen_ns == time) {
        --*budget;
        it = node->children.erase(it);
        continue;
      }
    } else if (child.last_seen_ns >= time) {
      RemoveAt(&child, depth + 1, columns, time, budget);
      if (child.children.empty()) {
        it = node->children.erase(it);
        continue;
      }
    }
    ++it;
  }
}

void CollectLeafTimes(const Node& node, size_t depth, size_t columns, std::vector<int64_t>* out) {
  for (const auto& [value, child] : node.children) {
    if (depth + 1 == columns) {
      out->push_back(child.last_seen_ns);
    } else {
      CollectLeafTimes(child, depth + 1, columns, out);
    }
  }
}

}  // namespace

DistinctCache::DistinctCache(catalog::DistinctCacheDefinition definition, bool filled)
    : definition_(std::move(definition)),
      max_age_ns_(definition_.max_age_seconds > INT64_MAX / 1'000'000'000
                      ? INT64_MAX
                      : definition_.max_age_seconds * 1'000'000'000),
      fill_gate_(filled),
      root_(std::make_unique<Node>()) {}

DistinctCache::~DistinctCache() = default;

void DistinctCache::Insert(const TableWrite& write, int64_t now_ns) {
  const std::vector<uint32_t>& columns = definition_.column_ids;
  absl::MutexLock lock(&mutex_);
  bool grew = false;
  for (const RowRef& row : write.rows) {
    // Cells are sorted by column id; find each cache column's value.
    bool any = false;
    std::optional<std::string_view> values[64];
    const size_t n = std::min<size_t>(columns.size(), 64);
    for (size_t i = 0; i < n; ++i) {
      for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
        const CellValue& cell = write.cells[c];
        if (cell.column_id == columns[i]) {
          if (cell.type == TypeId::kDictionary || cell.type == TypeId::kString) {
            values[i] = write.StringOf(cell);
            any = true;
          }
          break;
        }
        if (cell.column_id > columns[i]) {
          break;
        }
      }
    }
    if (!any) {
      ++rows_without_values_;
      continue;
    }
    grew |= AddTuple(values, n, now_ns);
  }
  PruneAfterAdd(grew, now_ns);
}

bool DistinctCache::AddTuple(const std::optional<std::string_view>* values,
                             size_t n,
                             int64_t now_ns) {
  oldest_seen_bound_ns_ = std::min(oldest_seen_bound_ns_, now_ns);
  Node* node = root_.get();
  bool grew = false;
  node->last_seen_ns = std::max(node->last_seen_ns, now_ns);
  for (size_t i = 0; i < n; ++i) {
    auto it = node->children.find(values[i]);
    if (it == node->children.end()) {
      std::optional<std::string> value;
      if (values[i].has_value()) {
        value.emplace(*values[i]);
      }
      it = node->children.emplace(std::move(value), Node{}).first;
      if (i + 1 == n) {
        ++cardinality_;
        grew = true;
      }
    }
    node = &it->second;
    node->last_seen_ns = std::max(node->last_seen_ns, now_ns);
  }
  return grew;
}

void DistinctCache::PruneAfterAdd(bool grew, int64_t now_ns) {
  if (grew && cardinality_ > definition_.max_cardinality) {
    PruneLocked(now_ns, definition_.max_cardinality - definition_.max_cardinality / 10);
  } else if (now_ns - last_prune_ns_ >= 1'000'000'000) {
    PruneLocked(now_ns, definition_.max_cardinality);
  }
}

void DistinctCache::Backfill(const std::vector<std::vector<std::optional<std::string>>>& tuples,
                             int64_t now_ns) {
  const size_t n = definition_.column_ids.size();
  std::vector<std::optional<std::string_view>> values(n);
  absl::MutexLock lock(&mutex_);
  bool grew = false;
  for (const auto& tuple : tuples) {
    if (tuple.size() != n ||
        std::none_of(tuple.begin(), tuple.end(), [](const auto& v) { return v.has_value(); })) {
      ++rows_without_values_;
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      values[i] = tuple[i].has_value() ? std::optional<std::string_view>(*tuple[i]) : std::nullopt;
    }
    grew |= AddTuple(values.data(), n, now_ns);
  }
  PruneAfterAdd(grew, now_ns);
}

void DistinctCache::PruneLocked(int64_t now_ns, int64_t target) {
  last_prune_ns_ = now_ns;
  const size_t columns = std::min<size_t>(definition_.column_ids.size(), 64);
  const int64_t expired = RemoveOlderThan(root_.get(), 0, columns, now_ns - max_age_ns_);
  cardinality_ -= expired;
  lost_ |= expired > 0;
  if (cardinality_ <= target) {
    return;
  }
  lost_ = true;  // tuples of the table leave the cache
  std::vector<int64_t> times;
  times.reserve(static_cast<size_t>(cardinality_));
  CollectLeafTimes(*root_, 0, columns, &times);
  const int64_t excess = cardinality_ - std::max<int64_t>(target, 0);
  std::nth_element(times.begin(), times.begin() + (excess - 1), times.end());
  const int64_t cutoff = times[static_cast<size_t>(excess - 1)];
  // Everything older than the cutoff goes, then as many at the cutoff as are still in excess.
  int64_t removed = RemoveOlderThan(root_.get(), 0, columns, cutoff);
  int64_t budget = excess - removed;
  RemoveAt(root_.get(), 0, columns, cutoff, &budget);
  removed += (excess - removed) - budget;
  cardinality_ -= removed;
  RemoveOlderThan(root_.get(), 0, columns, INT64_MIN);  // recompute last_seen_ns
}

bool DistinctCache::IsComplete(int64_t now_ns) const {
  if (!fill_gate_.is_open()) {
    return false;
  }
  absl::MutexLock lock(&mutex_);
  if (lost_ || rows_without_values_ > 0) {
    return false;
  }
  const int64_t cutoff = now_ns - max_age_ns_;
  std::vector<int64_t> times;
  if (oldest_seen_bound_ns_ < cutoff) {
    const size_t columns = std::min<size_t>(definition_.column_ids.size(), 64);
    CollectLeafTimes(*root_, 0, columns, &times);
    const int64_t oldest =
        times.empty() ? INT64_MAX : *std::min_element(times.begin(), times.end());
    if (oldest < cutoff) {
      lost_ = true;
      return false;
    }
    oldest_seen_bound_ns_ = oldest;
  }
  return true;
}

void DistinctCache::MarkIncomplete() {
  absl::MutexLock lock(&mutex_);
  lost_ = true;
}

void DistinctCache::Prune(int64_t now_ns) {
  absl::MutexLock lock(&mutex_);
  PruneLocked(now_ns, definition_.max_cardinality);
}

std::vector<std::vector<Value>> DistinctCache::Lookup(const std::vector<ColumnFilter>& filters,
                                                      std::optional<int64_t> limit,
                                                      int64_t now_ns) const {
  std::vector<std::vector<Value>> result;
  const size_t columns = std::min<size_t>(definition_.column_ids.size(), 64);
  const int64_t cutoff = now_ns - max_age_ns_;
  std::vector<Value> tuple(columns);
  absl::MutexLock lock(&mutex_);
  // Depth-first in value order, pruning subtrees by filter and age; stops at the limit.
  auto visit = [&](auto&& self, const Node& node, size_t depth) -> bool {
    for (const auto& [value, child] : node.children) {
      if (child.last_seen_ns < cutoff) {
        continue;
      }
      if (limit && static_cast<int64_t>(result.size()) >= *limit) {
        return false;
      }
      tuple[depth] = value.has_value() ? Value(*value) : Value();
      if (depth < filters.size() && !filters[depth].Matches(tuple[depth])) {
        continue;
      }
      if (depth + 1 == columns) {
        result.push_back(tuple);
      } else if (!self(self, child, depth + 1)) {
        return false;
      }
    }
    return true;
  };
  visit(visit, *root_, 0);
  return result;
}

int64_t DistinctCache::cardinality() const {
  absl::MutexLock lock(&mutex_);
  return cardinality_;
}

}  // namespace strata::cache
