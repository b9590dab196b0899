// SortExec: a stable sort of each partition, or with a fetch, TopK: a bounded heap fed a batch
// at a time, where rows that cannot enter the heap are rejected by one comparison against its
// worst row and batches no row of which is kept are released at once.
#include <algorithm>
#include <numeric>

#include "absl/strings/str_join.h"
#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"
#include "exec/operators/row_table.h"
#include "exec/operators/sort_keys.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

std::string SortKeyText(const SortKey& key) {
  return fmt::format("{} {} NULLS {}",
                     key.expr->ToString(),
                     key.ascending ? "ASC" : "DESC",
                     key.nulls_first ? "FIRST" : "LAST");
}

// Bytes of the key columns that are not input columns (computed keys, such as ORDER BY a + b).
int64_t ComputedBytes(const std::vector<ColumnPtr>& keys, const std::vector<ColumnPtr>& input) {
  int64_t bytes = 0;
  for (const ColumnPtr& key : keys) {
    if (std::find(input.begin(), input.end(), key) == input.end()) {
      bytes += static_cast<int64_t>(key->MemoryUsage());
    }
  }
  return bytes;
}

class SortExec final : public PlanNode, public SortExecParams {
 public:
  SortExec(std::vector<SortKey> keys, std::optional<int64_t> fetch, ExecutionPlanPtr input)
      : PlanNode(input->schema()), keys_(std::move(keys)), fetch_(fetch), input_(std::move(input)) {
    for (const SortKey& key : keys_) {
      exprs_.push_back(key.expr);
      orders_.push_back(SortOrder{key.ascending, key.nulls_first});
    }
  }

  std::string_view name() const override { return "SortExec"; }
  const std::vector<SortKey>& keys() const override { return keys_; }
  std::optional<int64_t> fetch() const override { return fetch_; }
  int output_partitions() const override { return input_->output_partitions(); }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("SortExec takes one child");
    }
    return MakeSortExec(keys_, fetch_, std::move(children[0]));
  }
  std::string ToString() const override {
    std::string keys = absl::StrJoin(
        keys_, ", ", [](std::string* out, const SortKey& key) { out->append(SortKeyText(key)); });
    if (fetch_) {
      return fmt::format("SortExec: TopK(fetch={}), expr=[{}]", *fetch_, keys);
    }
    return fmt::format("SortExec: expr=[{}]", keys);
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> input,
                            input_->Execute(partition, context));
    if (fetch_) {
      return std::make_unique<TopKStream>(this, std::move(input), context);
    }
    return std::make_unique<SortStream>(this, std::move(input), context);
  }

 private:
  // Reads everything, sorts a permutation, emits batches gathered from it as they are pulled.
  // The buffered input, the sort keys and the permutation are reserved in the memory pool.
  class SortStream final : public BatchStream {
   public:
    SortStream(const SortExec* plan,
               std::unique_ptr<BatchStream> input,
               std::shared_ptr<TaskContext> context)
        : plan_(plan),
          input_(std::move(input)),
          context_(std::move(context)),
          reservation_(context_->memory_pool(), std::string(plan->name())) {}

    absl::StatusOr<bool> Next(Batch* out) override {
      if (input_ != nullptr) {
        STRATA_RETURN_IF_ERROR(Sort());
      }
      return output_->Next(out);
    }

   private:
    absl::Status Sort() {
      STRATA_ASSIGN_OR_RETURN(RowTable table,
                              ReadAll(input_.get(), plan_->schema_, *context_, &reservation_));
      input_.reset();
      const int64_t n = table.num_rows;
      Batch all(table.schema, table.columns, n);
      std::vector<ColumnPtr> keys;
      for (const PhysicalExprPtr& expr : plan_->exprs_) {
        STRATA_ASSIGN_OR_RETURN(ColumnPtr key, EvaluateAsColumn(*expr, all));
        keys.push_back(std::move(key));
      }
      // Computed keys, their encoding and the permutation, reserved before they are made.
      int64_t bytes_per_row = sizeof(uint32_t);
      for (const ColumnPtr& key : keys) {
        bytes_per_row += IsStringType(key->type()) ? 25 : 9;
      }
      STRATA_RETURN_IF_ERROR(
          reservation_.TryGrow(ComputedBytes(keys, table.columns) + n * bytes_per_row));
      std::vector<uint32_t> order(static_cast<size_t>(n));
      {
        EncodedKeys encoded;
        encoded.Encode(keys, plan_->orders_, nullptr, n, /*dictionary_ranks=*/true);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
          return encoded.Compare(a, b) < 0;
        });
      }
      keys.clear();
      plan_->metrics().Add("peak_mem_bytes", reservation_.peak());
      // From here on the table and the permutation are held.
      STRATA_RETURN_IF_ERROR(reservation_.TryResize(
          ColumnsBytes(table.columns) + static_cast<int64_t>(order.size() * sizeof(uint32_t))));
      output_ = std::make_unique<GatherStream>(plan_->schema_,
                                               std::move(table),
                                               std::move(order),
                                               std::vector<ColumnPtr>{},
                                               context_->batch_size(),
                                               std::move(reservation_));
      return absl::OkStatus();
    }

    const SortExec* plan_;
    std::unique_ptr<BatchStream> input_;
    std::shared_ptr<TaskContext> context_;
    MemoryReservation reservation_;
    // Empty until the input has been processed (and after a failure).
    std::unique_ptr<BatchStream> output_ = std::make_unique<VectorStream>(std::vector<Batch>{});
  };

  class TopKStream final : public BatchStream {
   public:
    TopKStream(const SortExec* plan,
               std::unique_ptr<BatchStream> input,
               std::shared_ptr<TaskContext> context)
        : plan_(plan),
          input_(std::move(input)),
          context_(std::move(context)),
          reservation_(context_->memory_pool(), std::string(plan->name())) {}

    absl::StatusOr<bool> Next(Batch* out) override {
      if (input_ != nullptr) {
        STRATA_RETURN_IF_ERROR(Consume());
      }
      return output_.Next(out);
    }

   private:
    // A batch some of whose rows are in the heap. Held slots are reserved in the memory pool
    // (a large fetch keeps many batches).
    struct Slot {
      Batch batch;
      std::vector<ColumnPtr> keys;  // keep the key columns the encoding points into alive
      EncodedKeys encoded;
      int64_t refs = 0;
      int64_t bytes = 0;  // reserved for this slot
    };
    struct Entry {
      uint32_t slot;
      uint32_t index;  // row of the slot's encoding (i-th selected row)
      uint64_t seq;    // arrival order: ties keep input order (a stable sort)
    };

    bool Less(const Entry& a, const Entry& b) const {
      int c =
          EncodedKeys::Compare(slots_[a.slot]->encoded, a.index, slots_[b.slot]->encoded, b.index);
      return c != 0 ? c < 0 : a.seq < b.seq;
    }

    absl::Status Consume() {
      const int64_t k = *plan_->fetch_;
      auto heap_less = [this](const Entry& a, const Entry& b) { return Less(a, b); };
      uint64_t seq = 0;
      while (k > 0) {
        STRATA_RETURN_IF_ERROR(context_->CheckCancelled());
        Batch batch;
        STRATA_ASSIGN_OR_RETURN(bool more, input_->Next(&batch));
        if (!more) {
          break;
        }
        if (batch.length() == 0) {
          continue;
        }
        STRATA_ASSIGN_OR_RETURN(EvaluatedColumns keys, EvaluateColumns(plan_->exprs_, batch));
        if (keys.selection != batch.selection() || keys.num_rows != batch.num_rows()) {
          batch = batch.Compact();  // keys were computed over the compacted rows
        }
        auto slot = std::make_unique<Slot>();
        const int64_t n = batch.length();
        slot->encoded.Encode(keys.columns, plan_->orders_, keys.selection.get(), n, false);
        slot->bytes = ColumnsBytes(batch.columns()) + ComputedBytes(keys.columns, batch.columns()) +
                      static_cast<int64_t>(slot->encoded.MemoryUsage());
        STRATA_RETURN_IF_ERROR(reservation_.TryGrow(slot->bytes));
        slot->keys = std::move(keys.columns);
        slot->batch = std::move(batch);
        const uint32_t slot_index = static_cast<uint32_t>(slots_.size());
        slots_.push_back(std::move(slot));
        for (int64_t i = 0; i < n; ++i) {
          Entry entry{slot_index, static_cast<uint32_t>(i), seq++};
          if (static_cast<int64_t>(heap_.size()) < k) {
            heap_.push_back(entry);
            std::push_heap(heap_.begin(), heap_.end(), heap_less);
            ++slots_[slot_index]->refs;
            continue;
          }
          // The heap's front is its worst row; a row not better than it cannot enter.
          if (!Less(entry, heap_.front())) {
            continue;
          }
          std::pop_heap(heap_.begin(), heap_.end(), heap_less);
          uint32_t evicted = heap_.back().slot;
          ++slots_[slot_index]->refs;
          heap_.back() = entry;
          std::push_heap(heap_.begin(), heap_.end(), heap_less);
          Release(evicted);
        }
        if (slots_[slot_index]->refs == 0) {
          FreeSlot(slot_index);
        }
      }
      input_.reset();
      std::sort(heap_.begin(), heap_.end(), heap_less);
      plan_->metrics().Add("peak_mem_bytes", reservation_.peak());
      return Emit();
    }

    void Release(uint32_t slot) {
      if (--slots_[slot]->refs == 0) {
        FreeSlot(slot);
      }
    }

    void FreeSlot(uint32_t slot) {
      reservation_.Shrink(slots_[slot]->bytes);
      slots_[slot].reset();
    }

    absl::Status Emit() {
      const Schema& schema = *plan_->schema_;
      int64_t batch_size = std::clamp<int64_t>(context_->batch_size(), 1, kMaxBatchRows);
      std::vector<Batch> batches;
      for (size_t start = 0; start < heap_.size(); start += static_cast<size_t>(batch_size)) {
        size_t end = std::min(heap_.size(), start + static_cast<size_t>(batch_size));
        std::vector<ColumnPtr> columns;
        for (int c = 0; c < schema.num_fields(); ++c) {
          TypeId type = schema.field(c).type;
          auto column =
              std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type);
          column->Reserve(static_cast<int64_t>(end - start));
          for (size_t e = start; e < end; ++e) {
            const Batch& batch = slots_[heap_[e].slot]->batch;
            int64_t row = batch.has_selection() ? (*batch.selection())[heap_[e].index]
                                                : static_cast<int64_t>(heap_[e].index);
            AppendRowTo(*batch.column(c), row, column.get());
          }
          columns.push_back(std::move(column));
        }
        batches.emplace_back(plan_->schema_, std::move(columns), static_cast<int64_t>(end - start));
      }
      heap_.clear();
      slots_.clear();
      int64_t output_bytes = 0;
      for (const Batch& batch : batches) {
        output_bytes += ColumnsBytes(batch.columns());
      }
      output_ = VectorStream(std::move(batches));
      // The output replaces the slots until it has been pulled.
      return reservation_.TryResize(output_bytes);
    }

    const SortExec* plan_;
    std::unique_ptr<BatchStream> input_;
    std::shared_ptr<TaskContext> context_;
    MemoryReservation reservation_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::vector<Entry> heap_;
    VectorStream output_{{}};
  };

  std::vector<SortKey> keys_;
  std::optional<int64_t> fetch_;
  ExecutionPlanPtr input_;
  std::vector<PhysicalExprPtr> exprs_;
  std::vector<SortOrder> orders_;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeSortExec(std::vector<SortKey> keys,
                                              std::optional<int64_t> fetch,
                                              ExecutionPlanPtr input) {
  if (keys.empty()) {
    return absl::InvalidArgumentError("SortExec needs at least one key");
  }
  for (const SortKey& key : keys) {
    if (key.expr == nullptr) {
      return absl::InvalidArgumentError("SortExec: missing key expression");
    }
  }
  if (fetch && *fetch < 0) {
    return absl::InvalidArgumentError("SortExec: negative fetch");
  }
  return std::make_shared<SortExec>(std::move(keys), fetch, std::move(input));
}

}  // namespace strata::exec
