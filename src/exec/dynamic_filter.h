// Dynamic (run-time) filters, DataFusion's dynamic filter pushdown: a hash join whose probe side
// can drop the rows that cannot match (inner, left, semi and anti joins that are not null-aware)
// publishes, once its build side is complete, the range [min, max] of each build key. Scans on
// its probe side read the published ranges when they produce their first batch and skip the
// chunks whose statistics lie outside them, then filter the remaining rows by them.
//
// Plans stay plain data: the join carries a filter id and each scan the (id, key, column)
// triples it reads; the values live in the query's TaskContext. A scan that starts before the
// join has published (or whose join never runs) simply reads everything, so the filters only
// ever remove rows that the join would have dropped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "exec/scalar.h"

namespace strata::exec {

// One use of a dynamic filter by a scan: output column `column` of the scan holds the values
// of key `key` of the join's probe side, so rows outside that key's range cannot match.
struct DynamicFilterRef {
  int filter_id = 0;
  int key = 0;
  int column = 0;
  bool operator==(const DynamicFilterRef&) const = default;
};

// What a join publishes: for each key, the smallest and largest non-null build value among the
// rows whose keys are all non-null. `no_rows`: no build row can match anything (every probe row
// can be skipped).
struct DynamicFilterValue {
  bool no_rows = false;
  struct Range {
    Scalar min;
    Scalar max;
  };
  std::vector<std::optional<Range>> keys;  // nullopt: no range known for that key
};

// The published filters of one query. Thread-safe.
class DynamicFilters {
 public:
  void Publish(int filter_id, std::shared_ptr<const DynamicFilterValue> value) {
    std::lock_guard<std::mutex> lock(mu_);
    values_[filter_id] = std::move(value);
  }
  // The value published under `filter_id`, or null when none was (yet).
  std::shared_ptr<const DynamicFilterValue> Get(int filter_id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = values_.find(filter_id);
    return it == values_.end() ? nullptr : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<int, std::shared_ptr<const DynamicFilterValue>> values_;
};

}  // namespace strata::exec
