// The SELECT list of an InfluxQL statement, compiled: `time` removed (its alias names the time
// column), wildcards and regular expressions expanded against the sources' fields and tags
// (sorted by name, as InfluxDB does), each expression turned into a FieldNode over refs and
// streams, and the columns named as InfluxDB names them (aliases, function names, `_N` suffixes
// for duplicates). The checks of InfluxDB 1.8's compile.go that concern single functions are
// made here, with its messages; those about the list as a whole are the caller's, from the facts
// returned.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "query/influxql_time_range.h"
#include "query/influxql_translate.h"

namespace strata::query::influxql_select {

// The union of the sources' schemas, for expanding wildcards.
struct SourceSchema {
  std::map<std::string, TypeId> fields;
  std::set<std::string> tags;
};

// What InfluxDB's validation of the field list needs to know about it.
struct FieldFacts {
  int calls = 0;                      // function calls (not math), nested ones included
  bool has_aux = false;               // fields or tags outside functions
  bool only_selectors = true;         // no aggregate or transformation
  bool has_distinct = false;          // a distinct() that is not count()'s argument
  std::string top_bottom;             // "top" or "bottom" when the list has one
  std::optional<Function> last_call;  // the function, when there is one call
};

// The function named `name` (lower case), if InfluxQL has it (math functions excluded).
std::optional<Function> LookupFunction(std::string_view name);

// Whether `function` accepts a field of `type` (a wildcard expands only to those fields).
bool AcceptsType(Function function, TypeId type);

// Compiles the fields of `statement` into out->fields, out->refs, out->streams and
// out->time_column. Reads out->interval, out->inherited_interval and out->limit (checks of
// transformations and top/bottom). `group_tags` are left out of `*`.
absl::StatusOr<FieldFacts> CompileFields(const influxql::SelectStatement& statement,
                                         const SourceSchema& schema,
                                         const std::set<std::string>& group_tags,
                                         const EvalContext& ctx,
                                         CompiledSelect* out);

}  // namespace strata::query::influxql_select
