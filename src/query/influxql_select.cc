// ExecuteInfluxQLSelect: runs an InfluxQL SELECT (or EXPLAIN [ANALYZE] of one) by compiling it
// (influxql_translate.h), running one SQL query per measurement it reads, splitting the rows into
// series and processing each series (influxql_series.h). See docs/influxql.md.
#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "columnar/column.h"
#include "columnar/string_dictionary.h"
#include "common/civil_time.h"
#include "exec/radix_sort.h"
#include "influxql/duration.h"
#include "query/influxql_condition.h"
#include "query/influxql_executor.h"
#include "query/influxql_row_order.h"
#include "query/influxql_series.h"
#include "query/influxql_source_sql.h"
#include "query/influxql_sql.h"
#include "query/influxql_translate.h"

namespace strata::query {
namespace {

using influxql::ColumnarRows;
using influxql::ResultTime;
using influxql::ResultValue;
using influxql_select::CompiledSelect;
using influxql_select::EvalContext;
using influxql_select::Point;
using influxql_select::ProcessBudget;
using influxql_select::RawRow;
using influxql_select::SeriesInput;
using influxql_select::SourceSql;
using influxql_select::SourceTable;
using influxql_select::Stream;

// The most values (rows times columns) one statement may hold in memory while it is processed.
constexpr int64_t kMaxValues = 50'000'000;

// The error of a statement that would hold more than kMaxValues values.
absl::Status TooManyValues() {
  return absl::InvalidArgumentError(
      absl::StrCat("the query reads more than ",
                   kMaxValues,
                   " values; narrow the time range, add a LIMIT or use GROUP BY time()"));
}

// Errors that belong to the statement (reported in its result), not to the request.
bool IsStatementError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

// True when the aggregates SQL computes for `select` can stay in the engine's columns as the
// series' rows (ColumnarRows), as raw rows do: GROUP BY time() without tz() over a bounded range,
// each field one aggregate of its own (the field's stream, in field order) whose SQL value is
// NULL exactly where InfluxQL has no point (not count(), whose 0 is no point; no selector time),
// no transformation, fill(null) or fill(none). Each series is checked once read
// (FinishColumnarAggregates): the rows stay columnar only where no fill or null changes them.
bool ColumnarAggregates(const CompiledSelect& select, const SourceSql& sql) {
  if (!select.sql_aggregates || select.mode != influxql_select::QueryMode::kAggregate ||
      select.multi_point || select.interval == 0 || select.zone.has_value() ||
      !select.range.has_min() || !select.range.has_max() ||
      select.read_range.min != select.range.min || select.read_range.max != select.range.max ||
      (select.fill != influxql::FillMode::kNull && select.fill != influxql::FillMode::kNone) ||
      select.fields.empty() || select.fields.size() != select.streams.size() ||
      !sql.has_time_column) {
    return false;
  }
  for (size_t f = 0; f < select.fields.size(); ++f) {
    const influxql_select::FieldNode& expr = select.fields[f].expr;
    if (expr.kind != influxql_select::FieldNode::Kind::kStream ||
        expr.index != static_cast<int>(f) || sql.stream_value_column[f] < 0 ||
        sql.stream_time_column[f] >= 0) {
      return false;
    }
    switch (select.streams[f].function) {
      case influxql_select::Function::kSum:
      case influxql_select::Function::kMean:
      case influxql_select::Function::kMin:
      case influxql_select::Function::kMax:
      case influxql_select::Function::kFirst:
      case influxql_select::Function::kLast:
        break;
      default:
        return false;
    }
  }
  return true;
}

// The series a source contributes, by measurement and GROUP BY tag values.
using SeriesKey = std::pair<std::string, std::vector<std::string>>;
using SeriesMap = std::map<SeriesKey, SeriesInput>;

// Rows of a source's SQL result that change threads at once (QueryResult::set_handoff_rows).
constexpr int64_t kSourceHandoffRows = 64 * 1024;

absl::Status ReadSource(const QueryEngine& engine,
                        const CompiledSelect& select,
                        const SourceTable& source,
                        const SourceSql& sql,
                        const InfluxQLRequest& request,
                        bool aggregate_columns,
                        SeriesMap* series,
                        int64_t* values_left,
                        std::vector<ColumnarRows::Block>* blocks) {
  auto result = engine.Execute(source.database, sql.sql, InfluxQLSqlOptions(request));
  if (!result.ok()) {
    return result.status();
  }
  // Every row is read before any is used: the partitions' batches change threads in groups.
  (*result)->set_handoff_rows(kSourceHandoffRows);
  const size_t tags = select.group_tags.size();
  const int tag_column = sql.has_time_column || !select.sql_aggregates ? 1 : 0;
  const int64_t fixed_time = select.range.has_min() ? select.range.min : 0;
  const auto width = static_cast<int64_t>(select.refs.size() + 1);
  // Rows whose values are the result's stay in the batches' columns (ColumnarRows, in `blocks`):
  // raw rows, and the rows of aggregates SQL computed when `aggregate_columns`
  // (ColumnarAggregates; FinishColumnarAggregates checks them).
  const bool columnar = influxql_select::FieldsAreTheRefs(select) || aggregate_columns;
  // A series has a point per GROUP BY time() window at most (one without), in each stream.
  size_t points_per_stream = 1;
  if (select.interval != 0) {
    points_per_stream = 16;
    if (select.read_range.has_min() && select.read_range.has_max()) {
      const influxql_select::Windows windows(
          select.interval, select.offset, select.zone.has_value() ? &*select.zone : nullptr);
      points_per_stream = static_cast<size_t>(std::clamp<int64_t>(
          influxql_select::CountWindows(windows, select.read_range.min, select.read_range.max),
          1,
          256));
    }
  }
  exec::Batch batch;
  std::vector<std::string> key(tags);
  SeriesInput* current = nullptr;
  while (true) {
    auto more = (*result)->Next(&batch);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      break;
    }
    const exec::Batch dense = batch.Compact();
    const size_t block = columnar ? blocks->size() : 0;
    if (columnar && dense.num_rows() > 0) {
      ColumnarRows::Block columns;
      columns.columns.push_back(dense.column(0));
      if (aggregate_columns) {
        for (const int value_column : sql.stream_value_column) {
          columns.columns.push_back(dense.column(value_column));
        }
      } else {
        for (size_t i = 0; i < select.refs.size(); ++i) {
          columns.columns.push_back(dense.column(sql.first_value_column + static_cast<int>(i)));
        }
      }
      blocks->push_back(std::move(columns));
    }
    for (int64_t r = 0; r < dense.num_rows(); ++r) {
      // Rows come grouped by series: look the series up only when the tags change.
      bool same = current != nullptr;
      for (size_t t = 0; t < tags; ++t) {
        const Column& column = *dense.column(tag_column + static_cast<int>(t));
        const std::string_view value = column.IsNull(r) ? std::string_view() : column.GetString(r);
        if (!same || value != key[t]) {
          same = false;
          key[t] = std::string(value);
        }
      }
      if (!same) {
        current = &(*series)[SeriesKey(source.table->name(), key)];
        if (select.sql_aggregates && !aggregate_columns && current->streams.empty()) {
          current->streams.resize(select.streams.size());
          for (Stream& stream : current->streams) {
            stream.reserve(points_per_stream);
          }
        }
      }
      SeriesInput& input = *current;
      if (aggregate_columns) {
        // Two values per point, as the points below count.
        *values_left -= 2 * static_cast<int64_t>(select.streams.size());
        if (*values_left < 0) {
          return TooManyValues();
        }
        input.row_refs.push_back(ColumnarRows::Ref(block, r));
        input.row_times.push_back(dense.column(0)->GetInt64(r));
        continue;
      }
      if (!select.sql_aggregates) {
        *values_left -= width;
        if (*values_left < 0) {
          return TooManyValues();
        }
        if (columnar) {
          input.row_refs.push_back(ColumnarRows::Ref(block, r));
          input.row_times.push_back(dense.column(0)->GetInt64(r));
          continue;
        }
        RawRow row;
        row.time = dense.column(0)->GetInt64(r);
        row.refs.reserve(select.refs.size());
        for (size_t i = 0; i < select.refs.size(); ++i) {
          row.refs.push_back(
              influxql::CellOf(*dense.column(sql.first_value_column + static_cast<int>(i)), r));
        }
        input.rows.push_back(std::move(row));
        continue;
      }
      const int64_t bucket = sql.has_time_column ? dense.column(0)->GetInt64(r) : fixed_time;
      for (size_t i = 0; i < select.streams.size(); ++i) {
        const int value_column = sql.stream_value_column[i];
        if (value_column < 0) {
          continue;
        }
        ResultValue value = influxql::CellOf(*dense.column(value_column), r);
        if (std::holds_alternative<std::monostate>(value)) {
          continue;
        }
        // count() of nothing is no point (fill() makes it 0 where it fills).
        if (const auto* count = std::get_if<int64_t>(&value);
            count != nullptr && *count == 0 &&
            (select.streams[i].function == influxql_select::Function::kCount ||
             select.streams[i].function == influxql_select::Function::kCountDistinct)) {
          continue;
        }
        Point point;
        point.time = bucket;
        if (sql.stream_time_column[i] >= 0) {
          const Column& time = *dense.column(sql.stream_time_column[i]);
          if (time.IsNull(r)) {
            continue;
          }
          point.time = time.GetInt64(r);
        }
        point.value = std::move(value);
        *values_left -= 2;
        input.streams[i].push_back(std::move(point));
      }
    }
  }
  return absl::OkStatus();
}

// The runs of `refs` (ColumnarRows refs) read from one block: rows read from a block are
// adjacent until they are ordered.
struct BlockRun {
  size_t block;
  size_t begin;
  size_t end;
};
std::vector<BlockRun> BlockRuns(const std::vector<uint64_t>& refs) {
  std::vector<BlockRun> runs;
  for (size_t begin = 0; begin < refs.size();) {
    const uint64_t block = refs[begin] >> 32;
    size_t end = begin + 1;
    while (end < refs.size() && (refs[end] >> 32) == block) {
      ++end;
    }
    runs.push_back({static_cast<size_t>(block), begin, end});
    begin = end;
  }
  return runs;
}

// PackedTagKeys when every tag column of the rows' blocks is dictionary-coded and their distinct
// dictionaries hold no more values than there are rows (Parquet row groups share one per tag:
// persist::ParquetFileCache interns them): every value of those dictionaries is ranked first,
// then each row's key is packed from its codes' ranks in one pass. nullopt otherwise.
std::optional<std::vector<uint64_t>> DictionaryTagKeys(
    const std::vector<ColumnarRows::Block>& blocks,
    const std::vector<uint64_t>& refs,
    const std::vector<int>& tie_refs) {
  const size_t count = refs.size();
  const std::vector<BlockRun> runs = BlockRuns(refs);
  // Per tag: the rank of each code of each of its dictionaries (0 is NULL's), and its bits.
  std::vector<absl::flat_hash_map<const StringDictionary*, std::vector<uint64_t>>> ranks(
      tie_refs.size());
  std::vector<int> bits(tie_refs.size());
  int used_bits = 0;
  for (size_t t = 0; t < tie_refs.size(); ++t) {
    const auto column_index = static_cast<size_t>(tie_refs[t]) + 1;
    std::vector<const StringDictionary*> dictionaries;
    size_t values = 0;
    for (const BlockRun& run : runs) {
      const Column& column = *blocks[run.block].columns[column_index];
      const StringDictionary* dictionary = column.dictionary().get();
      if (column.type() != TypeId::kDictionary || dictionary == nullptr) {
        return std::nullopt;
      }
      if (ranks[t].try_emplace(dictionary).second) {
        dictionaries.push_back(dictionary);
        values += static_cast<size_t>(dictionary->size());
        if (values > count) {
          return std::nullopt;
        }
      }
    }
    // Every (dictionary, code), in value order; equal values rank alike.
    std::vector<std::pair<std::string_view, uint64_t>> entries;
    entries.reserve(values);
    for (size_t d = 0; d < dictionaries.size(); ++d) {
      for (int32_t code = 0; code < dictionaries[d]->size(); ++code) {
        entries.emplace_back(dictionaries[d]->Value(code), (uint64_t{d} << 32) | uint32_t(code));
      }
    }
    std::sort(entries.begin(), entries.end());
    std::vector<uint64_t*> dictionary_ranks;
    dictionary_ranks.reserve(dictionaries.size());
    for (const StringDictionary* dictionary : dictionaries) {
      std::vector<uint64_t>& of_codes = ranks[t][dictionary];
      of_codes.resize(static_cast<size_t>(dictionary->size()));
      dictionary_ranks.push_back(of_codes.data());
    }
    uint64_t rank = 0;
    for (size_t k = 0; k < entries.size(); ++k) {
      if (k == 0 || entries[k].first != entries[k - 1].first) {
        ++rank;
      }
      dictionary_ranks[entries[k].second >> 32][entries[k].second & 0xFFFFFFFFu] = rank;
    }
    bits[t] = std::bit_width(rank);
    used_bits += bits[t];
    if (used_bits > 64) {
      return std::nullopt;
    }
  }
  std::vector<uint64_t> keys(count);
  struct TagColumn {
    const Column* column;
    const int32_t* codes;
    const uint64_t* ranks;
    int bits;
  };
  std::vector<TagColumn> tags(tie_refs.size());
  for (const BlockRun& run : runs) {
    bool has_nulls = false;
    for (size_t t = 0; t < tie_refs.size(); ++t) {
      const Column& column = *blocks[run.block].columns[static_cast<size_t>(tie_refs[t]) + 1];
      tags[t] = {&column,
                 column.data<int32_t>(),
                 ranks[t].find(column.dictionary().get())->second.data(),
                 bits[t]};
      has_nulls = has_nulls || column.has_nulls();
    }
    for (size_t i = run.begin; i < run.end; ++i) {
      const int64_t row = ColumnarRows::row_in_block(refs[i]);
      uint64_t key = 0;
      for (const TagColumn& tag : tags) {
        const uint64_t rank = has_nulls && tag.column->IsNull(row) ? 0 : tag.ranks[tag.codes[row]];
        key = (key << tag.bits) | rank;
      }
      keys[i] = key;
    }
  }
  return keys;
}

// One integer per columnar row that orders the rows as their `tie_refs` tags do (NULL first, then
// the values in byte order, tag after tag): the rank of each tag's value, packed. Each distinct
// value is ranked once (a dictionary's code once per dictionary), instead of strings compared per
// pair of rows. nullopt when the ranks need more than 64 bits.
std::optional<std::vector<uint64_t>> PackedTagKeys(const std::vector<ColumnarRows::Block>& blocks,
                                                   const std::vector<uint64_t>& refs,
                                                   const std::vector<int>& tie_refs) {
  constexpr uint32_t kNoSlot = UINT32_MAX;
  const size_t count = refs.size();
  std::vector<uint64_t> keys(count, 0);
  std::vector<uint32_t> row_slots(count);
  const std::vector<BlockRun> runs = BlockRuns(refs);
  int used_bits = 0;
  for (int ref : tie_refs) {
    const auto column_index = static_cast<size_t>(ref) + 1;
    // The distinct values (slots), and each row's: 0 for NULL, else its slot + 1.
    std::vector<std::string_view> values;
    absl::flat_hash_map<std::string_view, uint32_t> slots;
    auto slot_of = [&](std::string_view value) {
      auto [it, inserted] = slots.try_emplace(value, static_cast<uint32_t>(values.size()));
      if (inserted) {
        values.push_back(value);
      }
      return it->second;
    };
    // Per dictionary, each code's slot (node_hash_map: the vectors stay where they are).
    absl::node_hash_map<const StringDictionary*, std::vector<uint32_t>> code_slots;
    // A block's rows at a time.
    for (const BlockRun& run : runs) {
      const Column& column = *blocks[run.block].columns[column_index];
      const bool has_nulls = column.has_nulls();
      if (column.type() != TypeId::kDictionary || column.dictionary() == nullptr) {
        for (size_t i = run.begin; i < run.end; ++i) {
          const int64_t row = ColumnarRows::row_in_block(refs[i]);
          row_slots[i] = has_nulls && column.IsNull(row) ? 0 : slot_of(column.GetString(row)) + 1;
        }
        continue;
      }
      const StringDictionary& dictionary = *column.dictionary();
      std::vector<uint32_t>& code_slot = code_slots[&dictionary];
      const int32_t* codes = column.data<int32_t>();
      for (size_t i = run.begin; i < run.end; ++i) {
        const int64_t row = ColumnarRows::row_in_block(refs[i]);
        if (has_nulls && column.IsNull(row)) {
          row_slots[i] = 0;
          continue;
        }
        const auto code = static_cast<size_t>(codes[row]);
        if (code >= code_slot.size()) {
          code_slot.resize(std::max(code + 1, 2 * code_slot.size()), kNoSlot);
        }
        uint32_t& slot = code_slot[code];
        if (slot == kNoSlot) {
          slot = slot_of(dictionary.Value(codes[row]));
        }
        row_slots[i] = slot + 1;
      }
    }
    // Ranks: 0 for NULL, the values from 1 in order.
    const int bits = std::bit_width(values.size());
    if (used_bits + bits > 64) {
      return std::nullopt;
    }
    used_bits += bits;
    std::vector<uint32_t> order(values.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&values](uint32_t a, uint32_t b) {
      return values[a] < values[b];
    });
    std::vector<uint64_t> ranks(values.size() + 1, 0);
    for (size_t k = 0; k < order.size(); ++k) {
      ranks[order[k] + 1] = k + 1;
    }
    for (size_t i = 0; i < count; ++i) {
      keys[i] = (keys[i] << bits) | ranks[row_slots[i]];
    }
  }
  return keys;
}

// Puts a series' columnar rows in `order` (row indexes).
void ReorderColumnarRows(const std::vector<uint32_t>& order, SeriesInput* input) {
  std::vector<uint64_t> refs(order.size());
  std::vector<int64_t> times(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    refs[i] = input->row_refs[order[i]];
    times[i] = input->row_times[order[i]];
  }
  input->row_refs = std::move(refs);
  input->row_times = std::move(times);
}

// Keeps the aggregate rows of each series read in columns (ColumnarAggregates) where they are
// its result rows as they are: in ascending time, one per window, no value NULL, and with fill()
// other than none, every window of the range present (nothing to fill). fill(null) still counts
// its windows against `budget`, as influxql_select::ProcessSeries would. The rows of any other
// series become its streams' points for ProcessSeries. Rows come in descending time for ORDER BY
// time DESC.
void FinishColumnarAggregates(const CompiledSelect& select,
                              const std::vector<ColumnarRows::Block>& blocks,
                              SeriesMap* series,
                              ProcessBudget* budget) {
  const influxql_select::Windows windows(select.interval, select.offset, nullptr);
  const int64_t first = windows.Start(select.range.min);
  const int64_t last = windows.Start(select.range.max);
  const int64_t window_count = influxql_select::CountWindows(windows, first, last);
  const size_t fields = select.fields.size();
  for (auto& entry : *series) {
    SeriesInput& input = entry.second;
    if (!input.columnar()) {
      continue;
    }
    const std::vector<int64_t>& times = input.row_times;
    bool keep = true;
    for (size_t i = 1; i < times.size() && keep; ++i) {
      keep = times[i - 1] < times[i];
    }
    if (keep && select.fill != influxql::FillMode::kNone) {
      // (RunSelect has checked that window_count is within the budget: no overflow.)
      const int64_t fill_rows = window_count * static_cast<int64_t>(fields);
      keep = !times.empty() && static_cast<int64_t>(times.size()) == window_count &&
             times.front() == first && times.back() == last && fill_rows <= budget->fill_rows;
      if (keep) {
        budget->fill_rows -= fill_rows;
      }
    }
    // No NULL value: a block without nulls in its columns needs no look at its rows.
    for (size_t i = 0; i < input.row_refs.size() && keep; ++i) {
      const ColumnarRows::Block& block = blocks[input.row_refs[i] >> 32];
      const int64_t row = ColumnarRows::row_in_block(input.row_refs[i]);
      for (size_t f = 1; f <= fields && keep; ++f) {
        const Column& column = *block.columns[f];
        keep = !column.has_nulls() || !column.IsNull(row);
      }
    }
    if (keep) {
      if (!select.ascending) {
        std::reverse(input.row_refs.begin(), input.row_refs.end());
        std::reverse(input.row_times.begin(), input.row_times.end());
      }
      continue;
    }
    input.streams.assign(select.streams.size(), Stream());
    for (size_t i = 0; i < input.row_refs.size(); ++i) {
      const ColumnarRows::Block& block = blocks[input.row_refs[i] >> 32];
      const int64_t row = ColumnarRows::row_in_block(input.row_refs[i]);
      for (size_t f = 0; f < fields; ++f) {
        ResultValue value = influxql::CellOf(*block.columns[f + 1], row);
        if (std::holds_alternative<std::monostate>(value)) {
          continue;
        }
        Point point;
        point.time = input.row_times[i];
        point.value = std::move(value);
        input.streams[f].push_back(std::move(point));
      }
    }
    input.row_refs.clear();
    input.row_times.clear();
  }
}

// Orders the raw rows of each series as the SQL would have (SourceSql::executor_orders_rows): by
// time, then by the tags' values, NULL first.
void OrderRows(const CompiledSelect& select,
               const SourceSql& sql,
               const std::vector<ColumnarRows::Block>& blocks,
               SeriesMap* series) {
  for (auto& entry : *series) {
    // (A named reference: lambdas may not capture a structured binding in C++20.)
    SeriesInput& input = entry.second;
    if (input.columnar()) {
      const std::vector<uint64_t>& refs = input.row_refs;
      // The tags' ranks packed into one integer per row when they fit, else their strings.
      auto make_tie_keys = [&]() {
        std::optional<std::vector<uint64_t>> keys = DictionaryTagKeys(blocks, refs, sql.tie_refs);
        return keys.has_value() ? keys : PackedTagKeys(blocks, refs, sql.tie_refs);
      };
      auto make_tags_less = [&]() {
        return [&](uint32_t a, uint32_t b) {
          const ColumnarRows::Block& x_block = blocks[refs[a] >> 32];
          const ColumnarRows::Block& y_block = blocks[refs[b] >> 32];
          const int64_t x_row = ColumnarRows::row_in_block(refs[a]);
          const int64_t y_row = ColumnarRows::row_in_block(refs[b]);
          for (int ref : sql.tie_refs) {
            const Column& x = *x_block.columns[static_cast<size_t>(ref) + 1];
            const Column& y = *y_block.columns[static_cast<size_t>(ref) + 1];
            const bool x_null = x.IsNull(x_row);
            const bool y_null = y.IsNull(y_row);
            if (x_null != y_null) {
              return x_null;  // NULL first
            }
            if (!x_null) {
              const std::string_view x_value = x.GetString(x_row);
              const std::string_view y_value = y.GetString(y_row);
              if (x_value != y_value) {
                return x_value < y_value;
              }
            }
          }
          return false;
        };
      };
      ReorderColumnarRows(TimeThenTagOrder(
                              refs.size(),
                              select.ascending,
                              [&](size_t i) { return input.row_times[i]; },
                              make_tie_keys,
                              make_tags_less),
                          &input);
      continue;
    }
    std::vector<RawRow>& rows = input.rows;
    auto tags_less = [&](uint32_t i, uint32_t j) {
      for (int ref : sql.tie_refs) {
        const auto* x = std::get_if<std::string>(&rows[i].refs[static_cast<size_t>(ref)]);
        const auto* y = std::get_if<std::string>(&rows[j].refs[static_cast<size_t>(ref)]);
        if ((x == nullptr) != (y == nullptr)) {
          return x == nullptr;  // NULL first
        }
        if (x != nullptr && *x != *y) {
          return *x < *y;
        }
      }
      return false;
    };
    const std::vector<uint32_t> order = TimeThenTagOrder(
        rows.size(),
        select.ascending,
        [&](size_t i) { return rows[i].time; },
        []() { return std::optional<std::vector<uint64_t>>(); },
        [&tags_less]() { return tags_less; });
    std::vector<RawRow> sorted;
    sorted.reserve(rows.size());
    for (uint32_t index : order) {
      sorted.push_back(std::move(rows[index]));
    }
    rows = std::move(sorted);
  }
}

// The result rows of a series read into columns: its rows with LIMIT and OFFSET applied, their
// times' offsets under tz().
ColumnarRows ColumnarSeriesRows(const CompiledSelect& select,
                                std::shared_ptr<const std::vector<ColumnarRows::Block>> blocks,
                                const SeriesInput& input) {
  const size_t count = input.row_refs.size();
  const size_t begin =
      std::min(count, static_cast<size_t>(std::max<int64_t>(select.offset_rows, 0)));
  size_t end = count;
  if (select.limit > 0) {
    end = std::min(end, begin + static_cast<size_t>(select.limit));
  }
  ColumnarRows rows;
  rows.blocks = std::move(blocks);
  rows.rows.assign(input.row_refs.begin() + static_cast<std::ptrdiff_t>(begin),
                   input.row_refs.begin() + static_cast<std::ptrdiff_t>(end));
  if (select.zone.has_value()) {
    rows.utc_offsets.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      rows.utc_offsets.push_back(select.zone->At(absl::FromUnixNanos(input.row_times[i])).offset);
    }
  }
  return rows;
}

// Turns a subquery's series into rows of this statement's series: its time range and condition
// applied, its refs read from the subquery's columns and tags.
absl::Status ReadSubquery(const CompiledSelect& select,
                          const SourceTable& source,
                          const EvalContext& ctx,
                          SeriesMap* series,
                          int64_t* values_left) {
  EvalContext zoned = ctx;
  if (select.zone.has_value()) {
    zoned.zone = &*select.zone;
  }
  influxql_select::RowCondition condition(select.statement->condition.get(), zoned);
  std::vector<bool> reads(select.refs.size(), select.mode == influxql_select::QueryMode::kRaw);
  if (select.mode != influxql_select::QueryMode::kRaw) {
    for (const auto& stream : select.streams) {
      if (stream.ref >= 0) {
        reads[stream.ref] = true;
      }
    }
  }
  const auto width = static_cast<int64_t>(select.refs.size() + 1);
  for (const influxql::Series& inner : *source.subquery) {
    std::map<std::string, size_t> columns;
    for (size_t c = 1; c < inner.columns.size(); ++c) {
      columns.emplace(inner.columns[c], c);
    }
    auto tag_of = [&inner](const std::string& name) -> const std::string* {
      for (const auto& [key, value] : inner.tags) {
        if (key == name) {
          return &value;
        }
      }
      return nullptr;
    };
    std::vector<std::string> key;
    for (const std::string& tag : select.group_tags) {
      const std::string* value = tag_of(tag);
      key.push_back(value != nullptr ? *value : std::string());
    }
    SeriesInput& input = (*series)[SeriesKey(inner.name, key)];
    // Where each ref reads from: a column (> 0), a tag (the value) or nothing.
    struct RefSource {
      size_t column = 0;
      const std::string* tag = nullptr;
      bool is_field = false;
    };
    std::vector<RefSource> sources;
    for (const influxql_select::RefSpec& ref : select.refs) {
      RefSource from;
      const bool wants_tag =
          ref.type == influxql::DataType::kUnspecified || ref.type == influxql::DataType::kTag;
      if (const std::string* tag = tag_of(ref.name); tag != nullptr) {
        if (wants_tag) {
          from.tag = tag;
        }
      } else if (auto it = columns.find(ref.name);
                 it != columns.end() && ref.type != influxql::DataType::kTag) {
        from.column = it->second;
        from.is_field = true;
      }
      sources.push_back(from);
    }
    for (size_t r = 0; r < inner.num_rows(); ++r) {
      const int64_t time = std::get<ResultTime>(inner.cell(r, 0)).nanos;
      if (time < select.read_range.min || time > select.read_range.max) {
        continue;
      }
      RawRow row;
      row.time = time;
      row.refs.reserve(select.refs.size());
      bool present = false;
      for (size_t i = 0; i < sources.size(); ++i) {
        ResultValue value;
        if (sources[i].tag != nullptr) {
          // Each row of a subquery is a point: one whose tags are read is there.
          value = *sources[i].tag;
          present = present || reads[i];
        } else if (sources[i].is_field) {
          value = influxql_select::CastValue(inner.cell(r, sources[i].column), select.refs[i].type);
          present = present || (reads[i] && !std::holds_alternative<std::monostate>(value));
        }
        row.refs.push_back(std::move(value));
      }
      if (!present) {
        continue;
      }
      auto matches = condition.Matches([&](const influxql::VarRefExpr& ref, bool* is_tag) {
        if (const std::string* tag = tag_of(ref.name); tag != nullptr) {
          *is_tag = true;
          return ResultValue(*tag);
        }
        auto it = columns.find(ref.name);
        if (it == columns.end()) {
          *is_tag = true;  // a name without a value
          return ResultValue();
        }
        return inner.cell(r, it->second);
      });
      if (!matches.ok()) {
        return matches.status();
      }
      if (!*matches) {
        continue;
      }
      *values_left -= width;
      if (*values_left < 0) {
        return TooManyValues();
      }
      input.rows.push_back(std::move(row));
    }
  }
  // Rows of several subquery series may make one series here: order them by time.
  const bool descending = select.mode == influxql_select::QueryMode::kRaw && !select.ascending;
  for (auto& [key, input] : *series) {
    std::stable_sort(
        input.rows.begin(), input.rows.end(), [descending](const RawRow& a, const RawRow& b) {
          return descending ? a.time > b.time : a.time < b.time;
        });
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<influxql::Series>> RunSelect(const QueryEngine& engine,
                                                        const influxql::SelectStatement& statement,
                                                        const InfluxQLRequest& request,
                                                        const influxql_select::ParentQuery* parent);

// Compiles `statement`, running its subqueries.
absl::StatusOr<CompiledSelect> Compile(const QueryEngine& engine,
                                       const influxql::SelectStatement& statement,
                                       const InfluxQLRequest& request,
                                       const EvalContext& ctx,
                                       const influxql_select::ParentQuery* parent) {
  return influxql_select::CompileSelect(
      statement,
      engine,
      request,
      ctx,
      parent,
      [&](const influxql::SelectStatement& inner, const influxql_select::ParentQuery& self) {
        return RunSelect(engine, inner, request, &self);
      });
}

absl::StatusOr<std::vector<influxql::Series>> RunSelect(
    const QueryEngine& engine,
    const influxql::SelectStatement& statement,
    const InfluxQLRequest& request,
    const influxql_select::ParentQuery* parent) {
  EvalContext ctx;
  ctx.now_ns = request.now_ns;
  ctx.params = &request.params;
  auto compiled = Compile(engine, statement, request, ctx, parent);
  if (!compiled.ok()) {
    return compiled.status();
  }
  const CompiledSelect& select = *compiled;
  std::vector<influxql::Series> out;
  if (select.range.empty() || select.read_range.empty()) {
    return out;
  }
  if (select.interval != 0 && select.range.has_min() && select.fill != influxql::FillMode::kNone) {
    const influxql_select::Windows windows(
        select.interval, select.offset, select.zone.has_value() ? &*select.zone : nullptr);
    const ProcessBudget budget;
    const int64_t count =
        influxql_select::CountWindows(windows, select.read_range.min, select.read_range.max);
    if (count > budget.fill_rows) {
      return absl::InvalidArgumentError(absl::StrCat(
          "GROUP BY time(",
          influxql::FormatDuration(select.interval),
          ") from ",
          FormatIso8601(select.read_range.min, SecondFraction::kTrimmed),
          "Z to ",
          FormatIso8601(select.read_range.max, SecondFraction::kTrimmed),
          "Z makes ",
          count,
          " intervals, more than the ",
          budget.fill_rows,
          " fill() may add to a query; narrow the time range or use a larger interval"));
    }
  }
  std::vector<std::string> columns;
  columns.push_back(select.time_column);
  for (const auto& field : select.fields) {
    columns.push_back(field.name);
  }
  int64_t values_left = kMaxValues;
  ProcessBudget budget;
  int64_t series_seen = 0;
  for (const SourceTable& source : select.sources) {
    SeriesMap series;
    auto blocks = std::make_shared<std::vector<ColumnarRows::Block>>();
    if (source.subquery != nullptr) {
      absl::Status status = ReadSubquery(select, source, ctx, &series, &values_left);
      if (!status.ok()) {
        return status;
      }
    } else {
      auto sql = influxql_select::BuildSourceSql(select, source, ctx);
      if (!sql.ok()) {
        return sql.status();
      }
      if (sql->sql.empty()) {
        continue;
      }
      const bool aggregate_columns = ColumnarAggregates(select, *sql);
      absl::Status status = ReadSource(engine,
                                       select,
                                       source,
                                       *sql,
                                       request,
                                       aggregate_columns,
                                       &series,
                                       &values_left,
                                       blocks.get());
      if (!status.ok()) {
        return status;
      }
      if (sql->executor_orders_rows) {
        OrderRows(select, *sql, *blocks, &series);
      }
      if (aggregate_columns) {
        FinishColumnarAggregates(select, *blocks, &series, &budget);
      }
    }
    for (auto& [key, input] : series) {
      // The processing runs outside the engine's operators: it checks for cancellation itself.
      if (request.options.context != nullptr && request.options.context->cancelled()) {
        return request.options.context->CheckCancelled();
      }
      std::optional<ColumnarRows> columnar;
      absl::StatusOr<std::vector<std::vector<ResultValue>>> rows;
      if (input.columnar()) {
        columnar = ColumnarSeriesRows(select, blocks, input);
        if (columnar->rows.empty()) {
          continue;
        }
      } else {
        rows = influxql_select::ProcessSeries(select, std::move(input), &budget);
        if (!rows.ok()) {
          return rows.status();
        }
        if (rows->empty()) {
          continue;
        }
      }
      // SLIMIT and SOFFSET count the series that have rows.
      ++series_seen;
      if (series_seen <= select.series_offset) {
        continue;
      }
      if (select.series_limit > 0 && series_seen > select.series_offset + select.series_limit) {
        return out;
      }
      influxql::Series result;
      result.name = key.first;
      for (size_t t = 0; t < select.group_tags.size(); ++t) {
        result.tags.emplace_back(select.group_tags[t], key.second[t]);
      }
      result.columns = columns;
      if (columnar.has_value()) {
        result.columnar = std::move(columnar);
      } else {
        result.values = *std::move(rows);
      }
      out.push_back(std::move(result));
    }
  }
  return out;
}

absl::StatusOr<std::vector<influxql::Series>> RunExplain(const QueryEngine& engine,
                                                         const influxql::ExplainStatement& explain,
                                                         const InfluxQLRequest& request) {
  EvalContext ctx;
  ctx.now_ns = request.now_ns;
  ctx.params = &request.params;
  auto compiled = Compile(engine, *explain.select, request, ctx, /*parent=*/nullptr);
  if (!compiled.ok()) {
    return compiled.status();
  }
  influxql::Series series;
  series.columns = {"QUERY PLAN"};
  auto line = [&series](std::string text) {
    series.values.push_back({ResultValue(std::move(text))});
  };
  for (const SourceTable& source : compiled->sources) {
    if (source.subquery != nullptr) {
      line(absl::StrCat(
          "subquery: ", source.subquery->size(), " series, processed in the executor"));
      continue;
    }
    auto sql = influxql_select::BuildSourceSql(*compiled, source, ctx);
    if (!sql.ok()) {
      return sql.status();
    }
    line(absl::StrCat("measurement: ", source.database, ".", source.table->name()));
    if (sql->sql.empty()) {
      line("  (the measurement has none of the fields the query reads)");
      continue;
    }
    line(absl::StrCat("sql: ", sql->sql));
    const std::string text =
        absl::StrCat(explain.analyze ? "EXPLAIN ANALYZE " : "EXPLAIN ", sql->sql);
    auto result = engine.Execute(source.database, text, InfluxQLSqlOptions(request));
    if (!result.ok()) {
      return result.status();
    }
    exec::Batch batch;
    while (true) {
      auto more = (*result)->Next(&batch);
      if (!more.ok()) {
        return more.status();
      }
      if (!*more) {
        break;
      }
      const exec::Batch dense = batch.Compact();
      for (int64_t r = 0; r < dense.num_rows(); ++r) {
        std::string cells;
        for (int c = 0; c < dense.num_columns(); ++c) {
          const ResultValue value = influxql::CellOf(*dense.column(c), r);
          if (const auto* text_value = std::get_if<std::string>(&value)) {
            absl::StrAppend(&cells, c > 0 ? ": " : "", *text_value);
          }
        }
        for (absl::string_view part : absl::StrSplit(cells, '\n')) {
          if (!part.empty()) {
            line(std::string(part));
          }
        }
      }
    }
  }
  if (compiled->sources.empty()) {
    line("no measurement matches the FROM clause: the query returns no series");
  }
  return std::vector<influxql::Series>{std::move(series)};
}

}  // namespace

absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLSelect(
    const QueryEngine& engine,
    const influxql::Statement& statement,
    int statement_id,
    const InfluxQLRequest& request) {
  influxql::StatementResult result;
  result.statement_id = statement_id;
  absl::StatusOr<std::vector<influxql::Series>> series;
  if (statement.Is<influxql::SelectStatement>()) {
    series = RunSelect(engine,
                       statement.As<influxql::SelectStatement>(),
                       request,
                       /*parent=*/nullptr);
  } else if (statement.Is<influxql::ExplainStatement>()) {
    series = RunExplain(engine, statement.As<influxql::ExplainStatement>(), request);
  } else {
    return absl::InvalidArgumentError("ExecuteInfluxQLSelect: not a SELECT or EXPLAIN statement");
  }
  if (!series.ok()) {
    if (!IsStatementError(series.status())) {
      return series.status();
    }
    result.error = std::string(series.status().message());
    return result;
  }
  result.series = *std::move(series);
  return result;
}

}  // namespace strata::query
