// The query engine façade.
#include "query/query_engine.h"

namespace strata::query {

QueryEngine::QueryEngine(const catalog::Catalog* catalog, const buffer::WriteBuffer* buffer)
    : catalog_(catalog), buffer_(buffer) {}

absl::StatusOr<std::unique_ptr<QueryResult>> QueryEngine::Execute(
    std::string_view database, std::string_view sql, const QueryOptions& options) const {
  (void)options;
  (void)sql;
  if (catalog_->snapshot()->FindDatabase(database) == nullptr) {
    return absl::NotFoundError("database '" + std::string(database) + "' not found");
  }
  // Temporary until the planner lands (this session): the pipeline is being assembled.
  return absl::UnimplementedError("SQL queries are not implemented yet");
}

}  // namespace strata::query
