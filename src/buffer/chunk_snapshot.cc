// Lookup in immutable chunk snapshots.
#include "buffer/chunk_snapshot.h"

#include <algorithm>

namespace strata::buffer {

const ChunkColumnSnapshot* ChunkSnapshot::FindColumn(uint32_t column_id) const {
  auto it = std::lower_bound(
      columns_.begin(), columns_.end(), column_id, [](const ChunkColumnSnapshot& c, uint32_t id) {
        return c.column_id < id;
      });
  return it != columns_.end() && it->column_id == column_id ? &*it : nullptr;
}

}  // namespace strata::buffer
